// @database
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseAdapter } from "~/db.server";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { preparePrismaPatches } from "./prisma-patches.server";
import { queryPlanCacheStats } from "./query-plan-cache.server";
import { StatementCachingSqliteAdapter } from "./sqlite-statement-cache.server";

// Each test file runs in its own process, so the switch is read here, at this file's first
// database client, as it is at a real process's start-up.
let testDatabase: TestDatabase;
const previous = process.env.BALLAST_PRISMA_PATCHES;
beforeAll(async () => {
  process.env.BALLAST_PRISMA_PATCHES = "off";
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
  if (previous === undefined) delete process.env.BALLAST_PRISMA_PATCHES;
  else process.env.BALLAST_PRISMA_PATCHES = previous;
});

describe("BALLAST_PRISMA_PATCHES=off", () => {
  it("runs Prisma unpatched: no plan cache on the compilers, Prisma's own SQLite adapter", async () => {
    expect(preparePrismaPatches().decision).toEqual({ active: false, reason: "switched off" });
    const { database } = testDatabase;
    const shop = "unpatched.myshopify.com";
    await database.shop.create({ data: { shop, installedAt: new Date(Date.UTC(2026, 10, 1)) } });
    for (let round = 0; round < 3; round += 1) {
      expect(await database.shop.findUnique({ where: { shop }, select: { shop: true } })).toEqual({ shop });
    }
    const rows = await database.$queryRaw<{ one: unknown }[]>`SELECT ${1} AS "one"`;
    expect(Number(rows[0]!.one)).toBe(1);
    expect(queryPlanCacheStats).toEqual({ hits: 0, misses: 0, raw: 0 });
    const sqlite = await import("@prisma/client/runtime/query_compiler_bg.sqlite.mjs");
    const postgresql = await import("@prisma/client/runtime/query_compiler_bg.postgresql.mjs");
    expect(sqlite.QueryCompiler.prototype.compile.name).not.toBe("compileCached");
    expect(postgresql.QueryCompiler.prototype.compile.name).not.toBe("compileCached");
    const adapter = databaseAdapter("file:unused.sqlite");
    expect(adapter).toBeInstanceOf(PrismaBetterSQLite3);
    expect(adapter).not.toBeInstanceOf(StatementCachingSqliteAdapter);
  });
});

// @database
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseAdapter } from "~/db.server";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import {
  decidePrismaPatches,
  installedVersions,
  PATCHED_PRISMA_VERSION,
  preparePrismaPatches,
  type PrismaPatches,
} from "./prisma-patches.server";
import { queryPlanCacheStats } from "./query-plan-cache.server";
import { StatementCachingSqliteAdapter } from "./sqlite-statement-cache.server";

const written = { "@prisma/client": PATCHED_PRISMA_VERSION, "@prisma/adapter-better-sqlite3": PATCHED_PRISMA_VERSION };
const newer = { ...written, "@prisma/client": "6.20.0" };

describe("the Prisma patch decision", () => {
  it("patches only when switched on and every patched package is the version they were written for", () => {
    expect(decidePrismaPatches(true, written)).toEqual({ active: true });
    expect(decidePrismaPatches(false, written)).toEqual({ active: false, reason: "switched off" });
    expect(decidePrismaPatches(true, newer)).toEqual({ active: false, reason: "version mismatch", installed: newer });
    const olderAdapter = { ...written, "@prisma/adapter-better-sqlite3": "6.18.0" };
    expect(decidePrismaPatches(true, olderAdapter)).toMatchObject({ active: false, reason: "version mismatch" });
    expect(decidePrismaPatches(true, { ...written, "@prisma/client": undefined })).toMatchObject({
      active: false,
      reason: "version mismatch",
    });
  });

  it("reads the installed versions from the packages (an upgrade fails here: re-verify the patches, see ADR 002)", () => {
    expect(installedVersions()).toEqual(written);
  });
});

// Each test file runs in its own process: this file's first database client is made after
// the decision below, as at the start-up of a process with another Prisma installed.
describe("another Prisma version installed", () => {
  const warnings: unknown[][] = [];
  let patches: PrismaPatches;
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    patches = preparePrismaPatches({
      enabled: true,
      installed: newer,
      log: { warn: (...args: unknown[]) => warnings.push(args), info: () => {} },
    });
    testDatabase = await createTestDatabase();
  });
  afterAll(async () => {
    await testDatabase?.drop();
  });

  it("runs Prisma unpatched, with one clear warning and no crash", async () => {
    expect(patches.decision).toMatchObject({ active: false, reason: "version mismatch" });
    expect(preparePrismaPatches()).toBe(patches); // decided once per process
    expect(warnings).toHaveLength(1);
    const message = String(warnings[0]![1]);
    expect(message).toContain(`written for Prisma ${PATCHED_PRISMA_VERSION}`);
    expect(message).toContain("@prisma/client 6.20.0");
    expect(message).toContain("unpatched");

    const { database } = testDatabase;
    const shop = "mismatch.myshopify.com";
    await database.shop.create({ data: { shop, installedAt: new Date(Date.UTC(2026, 10, 1)) } });
    expect(await database.shop.findUnique({ where: { shop }, select: { shop: true } })).toEqual({ shop });
    expect(await database.shop.findUnique({ where: { shop }, select: { shop: true } })).toEqual({ shop });
    await database.$executeRaw`UPDATE "Shop" SET "locale" = ${"fr"} WHERE "shop" = ${shop}`;
    expect(queryPlanCacheStats).toEqual({ hits: 0, misses: 0, raw: 0 });
    const sqlite = await import("@prisma/client/runtime/query_compiler_bg.sqlite.mjs");
    expect(sqlite.QueryCompiler.prototype.compile.name).not.toBe("compileCached");
    const adapter = databaseAdapter("file:unused.sqlite");
    expect(adapter).toBeInstanceOf(PrismaBetterSQLite3);
    expect(adapter).not.toBeInstanceOf(StatementCachingSqliteAdapter);
  });
});

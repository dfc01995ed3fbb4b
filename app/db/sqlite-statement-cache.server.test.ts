import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import SqliteConnection from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "~/db.server";
import { applyMigrations } from "../../tests/support/database";
import {
  adapterConnection,
  cachingStatements,
  StatementCachingSqliteAdapter,
  statementCacheStats,
} from "./sqlite-statement-cache.server";

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), "ballast-statements-"));
});
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

const text = { arity: "scalar", scalarType: "string" } as const;
const integer = { arity: "scalar", scalarType: "int" } as const;

describe("statement cache on Prisma's better-sqlite3 adapter", () => {
  it("is installed on the connection the adapter really uses, and reuses a statement across calls", async () => {
    const adapter = await new StatementCachingSqliteAdapter({
      url: `file:${path.join(folder, "adapter.sqlite")}`,
    }).connect();
    const stats = statementCacheStats(adapterConnection(adapter));
    // If an upgrade renames the adapter's connection, the cache is silently off: this fails.
    expect(stats).toBeDefined();
    await adapter.executeScript('CREATE TABLE "Item" ("key" TEXT PRIMARY KEY, "units" INTEGER NOT NULL)');
    const insert = 'INSERT INTO "Item" ("key", "units") VALUES (?, ?)';
    await adapter.executeRaw({ sql: insert, args: ["a", 3], argTypes: [text, integer] });
    await adapter.executeRaw({ sql: insert, args: ["b", 5], argTypes: [text, integer] });
    const select = 'SELECT "key", "units" FROM "Item" WHERE "units" >= ? ORDER BY "key"';
    const all = await adapter.queryRaw({ sql: select, args: [0], argTypes: [integer] });
    const some = await adapter.queryRaw({ sql: select, args: [4], argTypes: [integer] });
    // Each call binds its own arguments to the shared statement.
    // Integers come back as text, as the adapter returns them (safe integers).
    expect(all.rows).toEqual([
      ["a", "3"],
      ["b", "5"],
    ]);
    expect(some.rows).toEqual([["b", "5"]]);
    expect(all.columnNames).toEqual(["key", "units"]);
    expect(stats).toMatchObject({ prepared: 2, reused: 2 });
    await adapter.dispose();
  });

  it("keeps the most recently used statements within its capacity", () => {
    const connection = new SqliteConnection(":memory:");
    const cached = cachingStatements(connection, 2);
    const one = (n: number) =>
      (cached.prepare(`SELECT ${n}`) as unknown as { bind(args: unknown[]): { raw(): { all(): unknown[][] } } })
        .bind([])
        .raw()
        .all();
    expect(one(1)).toEqual([[1]]);
    one(2);
    one(1); // 1 is now the most recent: 2 goes when 3 arrives
    one(3);
    one(1);
    expect(statementCacheStats(cached)).toEqual({ prepared: 3, reused: 2 });
    one(2);
    expect(statementCacheStats(cached)).toEqual({ prepared: 4, reused: 2 });
    // Too long to keep: prepared on every call.
    const long = `SELECT 1 ${" ".repeat(9_000)}`;
    const run = () =>
      (cached.prepare(long) as unknown as { bind(args: unknown[]): { raw(): { all(): unknown[][] } } })
        .bind([])
        .raw()
        .all();
    expect(run()).toEqual([[1]]);
    expect(run()).toEqual([[1]]);
    expect(statementCacheStats(cached)).toEqual({ prepared: 6, reused: 2 });
    connection.close();
  });

  describe("through the app's client", () => {
    let database: Database;
    beforeAll(async () => {
      database = createDatabase(`file:${path.join(folder, "client.sqlite")}`);
      await applyMigrations(database, "sqlite");
    });
    afterAll(async () => {
      await database.$disconnect();
    });

    it("reads, writes, rolls back and reports constraint errors as before", async () => {
      const session = (id: string, userId: bigint) => ({
        id,
        shop: "cache.myshopify.com",
        state: "s",
        accessToken: "t",
        userId,
        expires: new Date(Date.UTC(2026, 10, 27)),
      });
      await database.session.create({ data: session("one", 9_007_199_254_740_993n) });
      await database.session.create({ data: session("two", 2n) });
      for (let round = 0; round < 3; round += 1) {
        const rows = await database.session.findMany({
          where: { shop: "cache.myshopify.com" },
          orderBy: { id: "asc" },
          select: { id: true, userId: true, expires: true },
        });
        expect(rows).toEqual([
          { id: "one", userId: 9_007_199_254_740_993n, expires: new Date(Date.UTC(2026, 10, 27)) },
          { id: "two", userId: 2n, expires: new Date(Date.UTC(2026, 10, 27)) },
        ]);
      }
      await expect(
        database.$transaction(async (tx) => {
          await tx.session.update({ where: { id: "two" }, data: { accessToken: "changed" } });
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      expect((await database.session.findUnique({ where: { id: "two" } }))?.accessToken).toBe("t");
      await expect(database.session.create({ data: session("one", 1n) })).rejects.toMatchObject({ code: "P2002" });
    });
  });
});

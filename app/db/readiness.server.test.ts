// @database
/**
 * Readiness: the database answers and every migration shipped under prisma/ is applied, as
 * `prisma migrate deploy` records them; a probe gets its answer within its timeout.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "~/db.server";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { forgetMigrations, recordMigrations } from "../../tests/support/migrations-table";
import { checkReadiness, shippedMigrations } from "./readiness.server";

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

describe("readiness", () => {
  it("lists the migrations shipped for each database, in order", () => {
    for (const provider of ["sqlite", "postgresql"] as const) {
      const names = shippedMigrations(provider)!;
      expect(names.length).toBeGreaterThan(5);
      expect(names[0]).toMatch(/^\d{14}_init$/);
      expect([...names].sort()).toEqual(names);
    }
  });

  it("is ready only once every shipped migration is applied and none failed", async () => {
    const { database, provider } = testDatabase;
    const shipped = shippedMigrations(provider)!;
    // No migrations table: nothing applied (a database `prisma migrate deploy` never ran on).
    expect(await checkReadiness(database, provider)).toEqual({
      ready: false,
      database: "ok",
      pendingMigrations: shipped,
      failedMigrations: [],
      migrationsFolderMissing: false,
    });
    // The last migration of this build not applied yet (the previous release's database).
    await recordMigrations(database, shipped.slice(0, -1));
    expect(await checkReadiness(database, provider)).toMatchObject({
      ready: false,
      pendingMigrations: shipped.slice(-1),
    });
    // A migration that started and failed blocks the next deploy until resolved.
    await forgetMigrations(database);
    await recordMigrations(database, shipped.slice(0, -1), { failed: shipped.slice(-1) });
    expect(await checkReadiness(database, provider)).toMatchObject({
      ready: false,
      pendingMigrations: shipped.slice(-1),
      failedMigrations: shipped.slice(-1),
    });
    await forgetMigrations(database);
    await recordMigrations(database, shipped);
    expect(await checkReadiness(database, provider)).toEqual({
      ready: true,
      database: "ok",
      pendingMigrations: [],
      failedMigrations: [],
      migrationsFolderMissing: false,
    });
  });

  it("is not ready when the database does not answer, or answers too late", async () => {
    const { provider } = testDatabase;
    const folder = mkdtempSync(path.join(tmpdir(), "ballast-readiness-"));
    const unreachable = createDatabase(
      provider === "sqlite"
        ? `file:${path.join(folder, "missing-folder", "db.sqlite")}`
        : "postgresql://root@127.0.0.1:1/nothing_listens_here",
    );
    try {
      expect(await checkReadiness(unreachable, provider)).toMatchObject({ ready: false, database: "unreachable" });
    } finally {
      await unreachable.$disconnect().catch(() => undefined);
      rmSync(folder, { recursive: true, force: true });
    }
    const hanging = { $queryRawUnsafe: () => new Promise(() => undefined) } as unknown as Database;
    const startedAt = performance.now();
    expect(await checkReadiness(hanging, provider, { timeoutMs: 50 })).toMatchObject({
      ready: false,
      database: "timeout",
    });
    expect(performance.now() - startedAt).toBeLessThan(2_000);
  });

  it("says so when the migrations folder is not beside the process", async () => {
    const { database, provider } = testDatabase;
    const elsewhere = mkdtempSync(path.join(tmpdir(), "ballast-no-prisma-"));
    try {
      expect(await checkReadiness(database, provider, { cwd: elsewhere })).toMatchObject({
        ready: false,
        database: "ok",
        migrationsFolderMissing: true,
      });
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

/**
 * A fresh, migrated database for one test file: a temporary SQLite file by default, or
 * a new PostgreSQL database when the suite runs with BALLAST_TEST_DB=postgresql (the
 * "postgresql" vitest project, enabled by TEST_DATABASE_URL). Migrations are the same
 * SQL files `prisma migrate deploy` applies.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { createDatabase, type Database, type DatabaseProvider } from "~/db.server";

export interface TestDatabase {
  provider: DatabaseProvider;
  url: string;
  database: Database;
  /** Disconnects and deletes the database. Call in afterAll. */
  drop(): Promise<void>;
}

export function testDatabaseProvider(): DatabaseProvider {
  return process.env.BALLAST_TEST_DB === "postgresql" ? "postgresql" : "sqlite";
}

function migrationStatements(provider: DatabaseProvider): string[] {
  const folder = provider === "sqlite" ? "prisma/migrations" : "prisma/postgresql/migrations";
  return readdirSync(folder)
    .filter((entry) => /^\d/.test(entry))
    .sort()
    .flatMap((entry) => readFileSync(path.join(folder, entry, "migration.sql"), "utf8").split(/;\s*(?:\n|$)/))
    .map((statement) => statement.replace(/^\s*--.*$/gm, "").trim())
    .filter((statement) => statement.length > 0);
}

/** Creates the app's tables in an empty database. */
export async function applyMigrations(database: Database, provider: DatabaseProvider): Promise<void> {
  for (const statement of migrationStatements(provider)) {
    await database.$executeRawUnsafe(statement);
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const provider = testDatabaseProvider();
  if (provider === "sqlite") {
    const folder = mkdtempSync(path.join(tmpdir(), "ballast-test-"));
    const url = `file:${path.join(folder, "test.sqlite")}`;
    const database = createDatabase(url);
    await applyMigrations(database, provider);
    return {
      provider,
      url,
      database,
      async drop() {
        await database.$disconnect();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  }

  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("BALLAST_TEST_DB=postgresql needs TEST_DATABASE_URL");
  const name = `ballast_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = createDatabase(url.toString());
  await applyMigrations(database, provider);
  return {
    provider,
    url: url.toString(),
    database,
    async drop() {
      await database.$disconnect();
      const cleaner = new pg.Client({ connectionString: adminUrl });
      await cleaner.connect();
      await cleaner.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleaner.end();
    },
  };
}

/**
 * A fresh, migrated database for one test file: a temporary SQLite file by default, or
 * a new PostgreSQL database when the suite runs with BALLAST_TEST_DB=postgresql (the
 * "postgresql" vitest project, enabled by TEST_DATABASE_URL). Migrations are the same
 * SQL files `prisma migrate deploy` applies.
 */
import BetterSqlite3 from "better-sqlite3";
import { createHash, randomUUID } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { createDatabase, prepareDatabase, type Database, type DatabaseProvider } from "~/db.server";

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

/** Migration SQL files in order, and a short hash of them: templates are keyed by it, so a new migration never meets a stale template. */
function migrationScripts(provider: DatabaseProvider): { scripts: string[]; hash: string } {
  const folder = provider === "sqlite" ? "prisma/migrations" : "prisma/postgresql/migrations";
  const scripts = readdirSync(folder)
    .filter((entry) => /^\d/.test(entry))
    .sort()
    .map((entry) => readFileSync(path.join(folder, entry, "migration.sql"), "utf8"));
  return { scripts, hash: createHash("sha256").update(scripts.join("\n--\n")).digest("hex").slice(0, 12) };
}

/**
 * A migrated SQLite file to copy: built once per set of migrations and shared by every test
 * file and run (applying ~100 statements took 1.1-1.6 s a database; a copy takes a
 * millisecond). Written under another name and renamed, so a concurrent reader never sees
 * half a file.
 */
function sqliteTemplate(): string {
  const { scripts, hash } = migrationScripts("sqlite");
  const template = path.join(tmpdir(), `ballast-test-template-${hash}.sqlite`);
  if (existsSync(template)) return template;
  const building = `${template}.${process.pid}.${randomUUID()}`;
  const file = new BetterSqlite3(building);
  try {
    for (const script of scripts) file.exec(script);
  } finally {
    file.close();
  }
  renameSync(building, template);
  return template;
}

/** The same for PostgreSQL: a template database, copied by CREATE DATABASE … TEMPLATE. */
async function postgresTemplate(admin: pg.Client, adminUrl: string): Promise<string> {
  const { scripts, hash } = migrationScripts("postgresql");
  const template = `ballast_template_${hash}`;
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
  if (exists.rowCount) return template;
  const building = `ballast_building_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await admin.query(`CREATE DATABASE "${building}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${building}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    for (const script of scripts) await client.query(script);
  } finally {
    await client.end();
  }
  try {
    await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
  } catch {
    // Another worker built it first: use theirs.
    await admin.query(`DROP DATABASE IF EXISTS "${building}"`);
  }
  return template;
}

/** CREATE DATABASE from the template; PostgreSQL refuses while another session copies it, so a refusal is retried. */
async function createFromTemplate(admin: pg.Client, name: string, template: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      return;
    } catch (error) {
      if (attempt >= 50 || !String(error).includes("is being accessed by other users")) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
    }
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const provider = testDatabaseProvider();
  if (provider === "sqlite") {
    const folder = mkdtempSync(path.join(tmpdir(), "ballast-test-"));
    const file = path.join(folder, "test.sqlite");
    copyFileSync(sqliteTemplate(), file);
    const url = `file:${file}`;
    const database = createDatabase(url);
    // The settings every Ballast process applies (WAL, synchronous NORMAL, busy timeout):
    // tests run on what production runs, and a commit does not wait for a full fsync
    // (lease renewals took 10 ms each in rollback-journal mode).
    await prepareDatabase(database, provider);
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
  try {
    await createFromTemplate(admin, name, await postgresTemplate(admin, adminUrl));
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = createDatabase(url.toString());
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

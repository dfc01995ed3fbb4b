import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { connectingAfter, preparePrismaPatches, type PrismaPatches } from "./db/prisma-patches.server";
import { StatementCachingSqliteAdapter } from "./db/sqlite-statement-cache.server";
import { PrismaClient as SqliteClient, type Prisma } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";

/**
 * One Prisma client type for the whole app. Both generated clients come from the same
 * models (prisma/postgresql/schema.prisma is derived from prisma/schema.prisma), so
 * they expose the same API; only the query compiler inside differs.
 */
export type Database = SqliteClient;
/** The client inside an interactive transaction: what functions that may run in one accept. */
export type DatabaseTransaction = Prisma.TransactionClient;
export type Queryable = Database | DatabaseTransaction;
export type DatabaseProvider = "sqlite" | "postgresql";

export function databaseProvider(url: string): DatabaseProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new Error("DATABASE_URL must start with file: or postgresql://");
}

const urls = new WeakMap<Database, string>();

/**
 * The driver adapter for `url`: with Ballast's Prisma patches when they are on for this
 * process (app/db/prisma-patches.server.ts decides at the first client: the
 * BALLAST_PRISMA_PATCHES switch and the installed Prisma version), Prisma's own otherwise.
 */
export function databaseAdapter(
  url: string,
  patches: PrismaPatches = preparePrismaPatches(),
): PrismaBetterSQLite3 | PrismaPg {
  if (databaseProvider(url) === "postgresql")
    return connectingAfter(new PrismaPg({ connectionString: url }), patches.installed);
  if (!patches.decision.active) return new PrismaBetterSQLite3({ url });
  return connectingAfter(new StatementCachingSqliteAdapter({ url }), patches.installed);
}

export function createDatabase(url: string): Database {
  const adapter = databaseAdapter(url);
  const database =
    adapter instanceof PrismaPg
      ? (new PostgresClient({ adapter }) as unknown as Database)
      : new SqliteClient({ adapter });
  urls.set(database, url);
  return database;
}

/** The URL a client was created with: the webhook writer opens its own connection to it. */
export function databaseUrl(database: Database): string {
  const url = urls.get(database);
  if (url === undefined) throw new Error("database client not created by createDatabase");
  return url;
}

/**
 * Once per process, before use. SQLite: write-ahead logging (readers never wait for the
 * writer, and a commit needs no full fsync of the database file), and a busy timeout so
 * a web process and a separate worker process can share one file.
 */
export async function prepareDatabase(database: Database, provider: DatabaseProvider): Promise<void> {
  if (provider !== "sqlite") return;
  await database.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await database.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await database.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
}

declare global {
  // Kept on globalThis so Vite's module reloads in development do not open new pools.
  var ballastDatabases: Map<string, Database> | undefined;
}

/** The process-wide client for `url`, created on first use. */
export function db(url: string): Database {
  globalThis.ballastDatabases ??= new Map();
  let database = globalThis.ballastDatabases.get(url);
  if (!database) {
    database = createDatabase(url);
    globalThis.ballastDatabases.set(url, database);
  }
  return database;
}

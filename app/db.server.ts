import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";

/**
 * One Prisma client type for the whole app. Both generated clients come from the same
 * models (prisma/postgresql/schema.prisma is derived from prisma/schema.prisma), so
 * they expose the same API; only the query compiler inside differs.
 */
export type Database = SqliteClient;
export type DatabaseProvider = "sqlite" | "postgresql";

export function databaseProvider(url: string): DatabaseProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new Error("DATABASE_URL must start with file: or postgresql://");
}

export function createDatabase(url: string): Database {
  if (databaseProvider(url) === "sqlite") {
    return new SqliteClient({ adapter: new PrismaBetterSQLite3({ url }) });
  }
  return new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Database;
}

declare global {
  // Survives Vite's module reloads in development, so reloads do not open new pools.
  var ballastDatabase: Database | undefined;
}

let database: Database | undefined;

/** The process-wide client for `url`, created on first use. */
export function db(url: string): Database {
  if (process.env.NODE_ENV !== "production") {
    globalThis.ballastDatabase ??= createDatabase(url);
    return globalThis.ballastDatabase;
  }
  database ??= createDatabase(url);
  return database;
}

import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type BetterSqlite3 from "better-sqlite3";

/**
 * Prisma's better-sqlite3 adapter prepares every statement again on every call
 * (`client.prepare(sql).bind(args)`): in the peak rehearsal, SQLite's prepare alone was
 * about 5% of the worker's CPU, for a few hundred distinct statements run tens of thousands
 * of times. This keeps each connection's most recent prepared statements, keyed by their
 * text, and binds the arguments per call instead of once per statement.
 *
 * It wraps the adapter's `client`, the one member of the adapter it relies on; a test
 * (sqlite-statement-cache.server.test.ts) fails if an upgrade changes how it is used.
 */
export const STATEMENT_CACHE_CAPACITY = 500;
/** Longer statements (bulk writes with hundreds of rows) rarely repeat and hold more memory: prepared each time. */
export const MAX_CACHED_STATEMENT_CHARS = 8_192;

export interface StatementCacheStats {
  prepared: number;
  reused: number;
}

/** The statement handle the adapter receives: bound per call, so one prepared statement serves every call. */
interface ReusableStatement {
  readonly reader: boolean;
  run(): BetterSqlite3.RunResult;
  bind(args: unknown[]): BoundCall;
}

interface BoundCall {
  readonly reader: boolean;
  run(): BetterSqlite3.RunResult;
  columns(): BetterSqlite3.ColumnDefinition[];
  raw(): { all(): unknown[][] };
}

const stats = new WeakMap<object, StatementCacheStats>();

/** A view of `connection` whose `prepare` reuses statements; everything else is the connection's own. */
export function cachingStatements(
  connection: BetterSqlite3.Database,
  capacity = STATEMENT_CACHE_CAPACITY,
): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const counts: StatementCacheStats = { prepared: 0, reused: 0 };
  const statementFor = (sql: string): BetterSqlite3.Statement => {
    if (sql.length > MAX_CACHED_STATEMENT_CHARS) {
      counts.prepared += 1;
      return connection.prepare(sql);
    }
    const cached = cache.get(sql);
    if (cached) {
      // Least recently used first out: re-inserting moves it to the end of the Map's order.
      cache.delete(sql);
      cache.set(sql, cached);
      counts.reused += 1;
      return cached;
    }
    const statement = connection.prepare(sql);
    counts.prepared += 1;
    cache.set(sql, statement);
    if (cache.size > capacity) cache.delete(cache.keys().next().value!);
    return statement;
  };
  const prepare = (sql: string): ReusableStatement => {
    const statement = statementFor(sql);
    return {
      reader: statement.reader,
      run: () => statement.run(),
      bind: (args) => ({
        reader: statement.reader,
        run: () => statement.run(args),
        columns: () => statement.columns(),
        raw: () => ({ all: () => statement.raw(true).all(args) as unknown[][] }),
      }),
    };
  };
  const view = new Proxy(connection, {
    get(target, property) {
      if (property === "prepare") return prepare;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  stats.set(view, counts);
  return view;
}

/** Prepares and reuses of a connection made by cachingStatements (for tests and profiling). */
export function statementCacheStats(connection: unknown): StatementCacheStats | undefined {
  return typeof connection === "object" && connection !== null ? stats.get(connection) : undefined;
}

/** The adapter's connection, where the adapter keeps one (the better-sqlite3 adapter does). */
export function adapterConnection(adapter: object): unknown {
  return (adapter as { client?: unknown }).client;
}

/** Prisma's better-sqlite3 adapter with a statement cache on every connection it opens. */
export class StatementCachingSqliteAdapter extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    const holder = adapter as unknown as { client?: BetterSqlite3.Database };
    if (typeof holder.client?.prepare === "function") holder.client = cachingStatements(holder.client);
    return adapter;
  }
}

/**
 * The part of better-sqlite3's API the app uses directly (the webhook writer,
 * app/ingest/webhook-event-writer.server.ts, and the statement cache,
 * app/db/sqlite-statement-cache.server.ts). Its own types (@types/better-sqlite3) are
 * not installed; this follows them.
 */
declare module "better-sqlite3" {
  namespace BetterSqlite3 {
    interface Options {
      readonly?: boolean;
      fileMustExist?: boolean;
      /** Busy timeout in milliseconds; 5000 unless given. */
      timeout?: number;
    }
    interface RunResult {
      changes: number;
      lastInsertRowid: number | bigint;
    }
    interface ColumnDefinition {
      name: string;
      column: string | null;
      table: string | null;
      database: string | null;
      type: string | null;
    }
    interface Statement {
      /** Whether the statement returns rows. */
      readonly reader: boolean;
      run(...params: unknown[]): RunResult;
      columns(): ColumnDefinition[];
      /** Rows as arrays of values instead of objects (readers only). */
      raw(toggle?: boolean): this;
      get(...params: unknown[]): unknown;
      all(...params: unknown[]): unknown[];
    }
    type Transaction<F extends (...args: never[]) => unknown> = {
      (...args: Parameters<F>): ReturnType<F>;
      deferred(...args: Parameters<F>): ReturnType<F>;
      immediate(...args: Parameters<F>): ReturnType<F>;
      exclusive(...args: Parameters<F>): ReturnType<F>;
    };
    interface Database {
      readonly open: boolean;
      prepare(source: string): Statement;
      pragma(source: string, options?: { simple?: boolean }): unknown;
      exec(source: string): this;
      transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F>;
      close(): this;
    }
  }
  const BetterSqlite3: new (filename: string, options?: BetterSqlite3.Options) => BetterSqlite3.Database;
  export = BetterSqlite3;
}

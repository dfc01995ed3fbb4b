import SqliteConnection from "better-sqlite3";
import pg from "pg";
import { databaseProvider } from "~/db.server";
import { logger } from "~/logger.server";
import type { WebhookEnvelope } from "./webhook-event.server";

/**
 * Writes webhook rows for the group commit (webhook-group-commit.server.ts) outside the ORM:
 * at thousands of deliveries a second, Prisma's client and its SQLite adapter (which
 * prepares every statement anew) were most of the cost of an answer. One atomic write per
 * batch; rows whose (shop, eventId) is already stored are skipped, not raised. The row
 * format is the one Prisma writes and reads (a test holds them equal on both databases).
 */
export interface WebhookEventWriter {
  /**
   * Inserts the rows whose (shop, eventId) is new, all or none, and returns the keys
   * (`eventKey`) it inserted. The rows' keys must be distinct.
   */
  insertNew(rows: readonly WebhookEnvelope[], receivedAt: Date): Promise<Set<string>>;
  close(): Promise<void>;
}

export function eventKey(shop: string, eventId: string): string {
  return `${shop}\n${eventId}`;
}

const COLUMNS = `"shop", "eventId", "topic", "webhookId", "apiVersion", "triggeredAt", "receivedAt", "payload", "attempts"`;

/** How long a SQLite write may wait for another connection's write lock before the batch fails (the ORM's busy timeout). */
const LOCK_WAIT_MS = 5_000;

export function openWebhookEventWriter(url: string, options: { lockWaitMs?: number } = {}): WebhookEventWriter {
  return databaseProvider(url) === "sqlite"
    ? new SqliteWebhookEventWriter(url, options.lockWaitMs ?? LOCK_WAIT_MS)
    : new PostgresWebhookEventWriter(url);
}

/**
 * SQLite: a dedicated better-sqlite3 connection to the same file, a prepared single-row
 * insert run for every row of the batch inside one `BEGIN IMMEDIATE` transaction.
 *
 * No busy_timeout on this connection: better-sqlite3 is synchronous, so waiting for a lock
 * inside SQLite would block the event loop, and in one process the holder of the lock (the
 * in-process worker's Prisma transaction, open across awaits) could then never finish.
 * A locked database answers SQLITE_BUSY at once and the batch is tried again a few
 * milliseconds later, the event loop free meanwhile.
 */
class SqliteWebhookEventWriter implements WebhookEventWriter {
  private readonly connection: SqliteConnection.Database;
  private readonly insert: SqliteConnection.Statement;
  private readonly insertAll: SqliteConnection.Transaction<
    (rows: readonly WebhookEnvelope[], receivedAt: string) => string[]
  >;

  constructor(
    url: string,
    private readonly lockWaitMs: number,
  ) {
    // Same path resolution as Prisma's SQLite adapter; the file must exist (migrated).
    this.connection = new SqliteConnection(url.replace(/^file:/, ""), { fileMustExist: true, timeout: 0 });
    // What prepareDatabase sets on the ORM's connection (synchronous is per connection).
    // A database already in WAL mode is left alone: switching needs the file to itself.
    if (String(this.connection.pragma("journal_mode", { simple: true })).toLowerCase() !== "wal") {
      this.connection.pragma("journal_mode = WAL");
    }
    this.connection.pragma("synchronous = NORMAL");
    this.insert = this.connection.prepare(
      `INSERT INTO "WebhookEvent" (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT ("shop", "eventId") DO NOTHING`,
    );
    this.insertAll = this.connection.transaction((rows: readonly WebhookEnvelope[], receivedAt: string) => {
      const inserted: string[] = [];
      for (const row of rows) {
        const { changes } = this.insert.run(
          row.shop,
          row.eventId,
          row.topic,
          row.webhookId,
          row.apiVersion,
          row.triggeredAt && sqliteTime(row.triggeredAt),
          receivedAt,
          row.rawBody,
        );
        if (changes === 1) inserted.push(eventKey(row.shop, row.eventId));
      }
      return inserted;
    });
  }

  async insertNew(rows: readonly WebhookEnvelope[], receivedAt: Date): Promise<Set<string>> {
    const deadline = Date.now() + this.lockWaitMs;
    for (let attempt = 0; ; attempt++) {
      try {
        // IMMEDIATE: the write lock is taken at BEGIN, so a lock held elsewhere fails here,
        // before any row, and a retry starts clean.
        return new Set(this.insertAll.immediate(rows, sqliteTime(receivedAt)));
      } catch (error) {
        if (!isSqliteBusy(error) || Date.now() >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(2 ** attempt, 25)));
      }
    }
  }

  async close(): Promise<void> {
    this.connection.close();
  }
}

/** DateTime as Prisma's SQLite adapter stores it (ISO 8601 with an explicit offset), so comparisons and ordering hold. */
function sqliteTime(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

function isSqliteBusy(error: unknown): boolean {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  return code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED");
}

/**
 * PostgreSQL: a small pool of its own and one parameterised multi-row insert per batch,
 * prepared once per connection and batch size (named statements).
 */
class PostgresWebhookEventWriter implements WebhookEventWriter {
  private readonly pool: pg.Pool;

  constructor(url: string) {
    // Batches are written one at a time, so one connection is in use; the second covers a reconnect.
    this.pool = new pg.Pool({ connectionString: url, max: 2, idleTimeoutMillis: 60_000, allowExitOnIdle: true });
    // An idle connection closed by the server (restart, failover): the pool opens another on next use.
    this.pool.on("error", (error) =>
      logger.warn({ err: error.message }, "webhook writer: idle database connection lost"),
    );
  }

  async insertNew(rows: readonly WebhookEnvelope[], receivedAt: Date): Promise<Set<string>> {
    const values: (string | null)[] = [];
    const tuples: string[] = [];
    const received = receivedAt.toISOString();
    for (const row of rows) {
      const at = values.length;
      tuples.push(
        `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6}::timestamptz AT TIME ZONE 'UTC', $${at + 7}::timestamptz AT TIME ZONE 'UTC', $${at + 8}, 0)`,
      );
      values.push(
        row.shop,
        row.eventId,
        row.topic,
        row.webhookId,
        row.apiVersion,
        row.triggeredAt?.toISOString() ?? null,
        received,
        row.rawBody,
      );
    }
    const result = await this.pool.query<{ shop: string; eventId: string }>({
      name: `ballast_webhook_insert_${rows.length}`,
      text: `INSERT INTO "WebhookEvent" (${COLUMNS}) VALUES ${tuples.join(", ")} ON CONFLICT ("shop", "eventId") DO NOTHING RETURNING "shop", "eventId"`,
      values,
    });
    return new Set(result.rows.map((row) => eventKey(row.shop, row.eventId)));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Database, DatabaseProvider } from "~/db.server";
import { PRISMA_LAYOUT } from "../../prisma/database-url.mjs";

/**
 * Whether a process can serve: the database answers, and every migration shipped with this
 * code is applied (`prisma migrate deploy` records each in `_prisma_migrations`). Used by the
 * web process's `/readyz` (app/routes/readyz.tsx) and the worker's (worker-health.server.ts).
 * The expected migrations are the folders under prisma/ in the working directory: the
 * image ships them to run `prisma migrate deploy` at deploy (docs/deploy.md).
 */
export interface Readiness {
  ready: boolean;
  database: "ok" | "unreachable" | "timeout";
  /** Shipped migrations the database has not applied (all of them when it has no migrations table). */
  pendingMigrations: string[];
  /** Migrations that started and did not finish (`prisma migrate deploy` stops at them until resolved). */
  failedMigrations: string[];
  /** The migrations folder was not found beside this process: readiness cannot be judged. */
  migrationsFolderMissing: boolean;
}

/** A probe answers within this long, whatever the database does (probes time out after a few seconds). */
export const READINESS_TIMEOUT_MS = 3_000;

const shipped = new Map<string, string[] | null>();

/** The migrations shipped for `provider`: the folder names, in order; null when the folder is missing. */
export function shippedMigrations(provider: DatabaseProvider, cwd = process.cwd()): string[] | null {
  const folder = path.join(cwd, PRISMA_LAYOUT[provider].migrations);
  if (shipped.has(folder)) return shipped.get(folder)!;
  const names = existsSync(folder)
    ? readdirSync(folder, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(path.join(folder, entry.name, "migration.sql")))
        .map((entry) => entry.name)
        .sort()
    : null;
  shipped.set(folder, names);
  return names;
}

interface MigrationRow {
  migration_name: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/** Migrations never change once applied: a database seen complete is not asked again. */
const complete = new WeakSet<Database>();

async function migrationState(database: Database, expected: readonly string[]) {
  if (complete.has(database)) return { pending: [], failed: [] };
  let rows: MigrationRow[];
  try {
    rows = await database.$queryRawUnsafe<MigrationRow[]>(
      `SELECT "migration_name", "finished_at", "rolled_back_at" FROM "_prisma_migrations"`,
    );
  } catch {
    // No migrations table: nothing was ever applied.
    rows = [];
  }
  const live = rows.filter((row) => row.rolled_back_at === null);
  const applied = new Set(live.filter((row) => row.finished_at !== null).map((row) => row.migration_name));
  const failed = live.filter((row) => row.finished_at === null).map((row) => row.migration_name);
  const pending = expected.filter((name) => !applied.has(name));
  if (pending.length === 0 && failed.length === 0) complete.add(database);
  return { pending, failed };
}

/** Not ready before the migrations could be looked at (database unreachable or slow, folder missing). */
function notReady(database: Readiness["database"], migrationsFolderMissing = false): Readiness {
  return { ready: false, database, pendingMigrations: [], failedMigrations: [], migrationsFolderMissing };
}

async function check(database: Database, expected: readonly string[] | null): Promise<Readiness> {
  try {
    await database.$queryRawUnsafe("SELECT 1");
  } catch {
    return notReady("unreachable");
  }
  if (expected === null) return notReady("ok", true);
  const { pending, failed } = await migrationState(database, expected);
  return {
    ready: pending.length === 0 && failed.length === 0,
    database: "ok",
    pendingMigrations: pending,
    failedMigrations: failed,
    migrationsFolderMissing: false,
  };
}

export async function checkReadiness(
  database: Database,
  provider: DatabaseProvider,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<Readiness> {
  const expected = shippedMigrations(provider, options.cwd);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve(notReady("timeout")), options.timeoutMs ?? READINESS_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check(database, expected), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

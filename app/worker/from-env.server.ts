import { databaseProvider, type Database } from "~/db.server";
import { pushIntervals, type Env } from "~/env.server";
import { SyncWorker } from "./worker.server";

/** The sync worker as the environment configures it: in the web process (WORKER_MODE=inprocess) and in `npm run worker` alike. */
export function workerFromEnv(database: Database, config: Env): SyncWorker {
  return new SyncWorker({
    database,
    provider: databaseProvider(config.DATABASE_URL),
    connectors: { database, env: config },
    idleMs: config.SYNC_IDLE_MS,
    leaseTtlMs: config.SYNC_LEASE_TTL_MS,
    pushIntervalMs: pushIntervals(config.SYNC_PUSH_INTERVALS),
  });
}

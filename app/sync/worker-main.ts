/**
 * `npm run worker`: the sync worker as its own process, for deployments that run web
 * and worker on separate machines (set WORKER_MODE=external on the web processes).
 * Several workers may run at once: leases give each (shop, channel) one writer.
 */
import { databaseProvider, db, prepareDatabase } from "~/db.server";
import { env, pushIntervals } from "~/env.server";
import { logger } from "~/logger.server";
import { SyncWorker } from "./worker.server";

const config = env();
logger.level = config.LOG_LEVEL;
const database = db(config.DATABASE_URL);
await prepareDatabase(database, databaseProvider(config.DATABASE_URL));
const worker = new SyncWorker({
  database,
  provider: databaseProvider(config.DATABASE_URL),
  connectors: { database, env: config },
  idleMs: config.SYNC_IDLE_MS,
  leaseTtlMs: config.SYNC_LEASE_TTL_MS,
  pushIntervalMs: pushIntervals(config.SYNC_PUSH_INTERVALS),
});
worker.start();
logger.info({ owner: worker.owner }, "sync worker started");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void worker.stop().then(async () => {
      await database.$disconnect();
      process.exit(0);
    });
  });
}

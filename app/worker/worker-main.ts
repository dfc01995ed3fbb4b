/**
 * `npm run worker`: the sync worker as its own process, for deployments that run web
 * and worker on separate machines (set WORKER_MODE=external on the web processes).
 * Several workers may run at once: leases give each (shop, channel) one writer.
 * Production runs the build of this file (`npm run build` → build/worker/worker.js,
 * vite.worker.config.ts); `npm run worker:dev` runs the source through tsx.
 */
import { databaseProvider, db, prepareDatabase } from "~/db.server";
import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { workerFromEnv } from "./from-env.server";

const config = env();
logger.level = config.LOG_LEVEL;
const database = db(config.DATABASE_URL);
await prepareDatabase(database, databaseProvider(config.DATABASE_URL));
const worker = workerFromEnv(database, config);
worker.start();
logger.info({ owner: worker.owner }, "sync worker started");
// The lanes' pauses do not hold the event loop (SyncWorker unrefs them for in-process use)
// and on SQLite nothing else does: without this, an idle worker process exits by itself.
const keepAlive = setInterval(() => undefined, 2 ** 30);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void worker.stop().then(async () => {
      clearInterval(keepAlive);
      await database.$disconnect();
      logger.info({ owner: worker.owner, signal }, "sync worker stopped");
      process.exit(0);
    });
  });
}

/**
 * `npm run worker`: the sync worker as its own process, for deployments that run web
 * and worker on separate machines (set WORKER_MODE=external on the web processes).
 * Several workers may run at once: leases give each (shop, channel) one writer.
 * Production runs the build of this file (`npm run build` → build/worker/worker.js,
 * vite.worker.config.ts); `npm run worker:dev` runs the source through tsx.
 * With WORKER_HEALTH_PORT set, /healthz and /readyz answer on it (worker-health.server.ts).
 */
import { databaseProvider, db, prepareDatabase } from "~/db.server";
import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { workerFromEnv } from "./from-env.server";
import { startWorkerHealthServer } from "./worker-health.server";

/**
 * SIGTERM: the lanes take no new work and finish the step they are in; a step still running
 * after STOP_GRACE_MS is aborted and its lease handed back (SyncWorker.stop). Past
 * EXIT_DEADLINE_MS the process exits anyway, before a container host's kill (30 s is
 * Kubernetes' default; give `docker stop` `--time 30`, docs/deploy.md).
 */
const STOP_GRACE_MS = 15_000;
const EXIT_DEADLINE_MS = 25_000;

const config = env();
logger.level = config.LOG_LEVEL;
const provider = databaseProvider(config.DATABASE_URL);
const database = db(config.DATABASE_URL);
await prepareDatabase(database, provider);
const worker = workerFromEnv(database, config);
worker.start();
logger.info({ owner: worker.owner }, "sync worker started");
const healthServer =
  config.WORKER_HEALTH_PORT === undefined
    ? null
    : await startWorkerHealthServer({ worker, database, provider, port: config.WORKER_HEALTH_PORT });
if (healthServer) logger.info({ port: config.WORKER_HEALTH_PORT }, "worker health checks listening");
// The lanes' pauses do not hold the event loop (SyncWorker unrefs them for in-process use)
// and on SQLite nothing else does: without this, an idle worker process exits by itself.
const keepAlive = setInterval(() => undefined, 2 ** 30);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    setTimeout(() => {
      logger.warn({ owner: worker.owner, signal }, "sync worker did not stop in time; exiting");
      process.exit(1);
    }, EXIT_DEADLINE_MS).unref();
    void worker.stop({ graceMs: STOP_GRACE_MS }).then(async (outcome) => {
      clearInterval(keepAlive);
      healthServer?.close();
      await database.$disconnect();
      logger.info({ owner: worker.owner, signal, outcome }, "sync worker stopped");
      process.exit(0);
    });
  });
}

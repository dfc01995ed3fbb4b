import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { checkReadiness } from "~/db/readiness.server";
import type { Database, DatabaseProvider } from "~/db.server";
import type { SyncWorker, WorkerHealth } from "./worker.server";

/**
 * The worker process's probes, on WORKER_HEALTH_PORT (docs/deploy.md "Health checks"):
 * - `/healthz`, liveness: the lanes are running and each has finished a shop's step or a
 *   pass within STALLED_AFTER_MS. A lane stuck that long (a call that never returns) makes
 *   the process worth restarting; its leases expire and another worker takes the lanes.
 * - `/readyz`, readiness: the database answers and every shipped migration is applied.
 * Both answer 503 once the worker is stopping.
 */

/**
 * Generous on purpose: a lane's step can legitimately take minutes (a full catalog read, a
 * Meta batch polled until done, Shopify throttling); a restart costs more than a slow step.
 */
export const STALLED_AFTER_MS = 30 * 60_000;

export interface Liveness {
  live: boolean;
  status: "ok" | "stopping" | "stalled";
  stalledLanes: string[];
}

export function workerLiveness(health: WorkerHealth, nowMs: number, stalledAfterMs = STALLED_AFTER_MS): Liveness {
  if (!health.running) return { live: false, status: "stopping", stalledLanes: [] };
  const stalledLanes = Object.entries(health.lanes)
    .filter(([, at]) => nowMs - at.getTime() > stalledAfterMs)
    .map(([lane]) => lane);
  return { live: stalledLanes.length === 0, status: stalledLanes.length ? "stalled" : "ok", stalledLanes };
}

export interface WorkerHealthOptions {
  worker: Pick<SyncWorker, "health">;
  database: Database;
  provider: DatabaseProvider;
  port: number;
  host?: string;
  now?: () => number;
  stalledAfterMs?: number;
}

const HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };

async function answer(path: string, options: WorkerHealthOptions): Promise<{ status: number; body: unknown }> {
  const health = options.worker.health();
  if (path === "/healthz") {
    const liveness = workerLiveness(health, (options.now ?? Date.now)(), options.stalledAfterMs);
    return {
      status: liveness.live ? 200 : 503,
      body: { status: liveness.status, stalledLanes: liveness.stalledLanes },
    };
  }
  if (path === "/readyz") {
    if (!health.running) return { status: 503, body: { status: "stopping" } };
    const readiness = await checkReadiness(options.database, options.provider);
    return {
      status: readiness.ready ? 200 : 503,
      body: { status: readiness.ready ? "ready" : "not_ready", ...readiness },
    };
  }
  return { status: 404, body: { status: "not_found" } };
}

/** Starts the probe server; resolves once it listens (port 0: any free port, see `address()`). */
export async function startWorkerHealthServer(options: WorkerHealthOptions): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://worker").pathname;
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, HEADERS).end();
      return;
    }
    answer(path, options)
      .then(({ status, body }) => response.writeHead(status, HEADERS).end(JSON.stringify(body)))
      .catch(() => response.writeHead(500, HEADERS).end(JSON.stringify({ status: "error" })));
  });
  // Probes are short requests: an idle keep-alive connection must not hold a stopping process.
  server.keepAliveTimeout = 1_000;
  if (options.host) server.listen(options.port, options.host);
  else server.listen(options.port);
  await once(server, "listening");
  return server;
}

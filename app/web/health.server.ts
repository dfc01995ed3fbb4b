import { checkReadiness } from "~/db/readiness.server";
import { databaseProvider } from "~/db.server";
import { env } from "~/env.server";
import { database } from "~/shopify.server";

/**
 * The web process's probes (docs/deploy.md "Health checks"), for a load balancer or a
 * container host, never for merchants: plain JSON, no secrets, never cached.
 * - `/healthz`, liveness: the process is up and answering. Nothing else: a database outage
 *   must not get every web process restarted.
 * - `/readyz`, readiness: the database answers and every migration this build ships is
 *   applied; 503 otherwise, and from the moment a graceful stop begins (server.mjs), so
 *   traffic is drained before the process exits.
 */
declare global {
  // Set by server.mjs when SIGTERM or SIGINT starts a graceful stop.
  var ballastStopping: boolean | undefined;
}

const HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };

export function livenessResponse(): Response {
  return new Response(JSON.stringify({ status: "ok" }), { status: 200, headers: HEADERS });
}

export async function readinessResponse(): Promise<Response> {
  if (globalThis.ballastStopping) {
    return new Response(JSON.stringify({ status: "stopping" }), { status: 503, headers: HEADERS });
  }
  const readiness = await checkReadiness(database, databaseProvider(env().DATABASE_URL));
  return new Response(JSON.stringify({ status: readiness.ready ? "ready" : "not_ready", ...readiness }), {
    status: readiness.ready ? 200 : 503,
    headers: HEADERS,
  });
}

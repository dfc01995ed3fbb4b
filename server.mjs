/**
 * The production server (`npm start`): what remix-serve does (compression, static assets,
 * the Remix handler), plus one path answered before Express and Remix — stock webhooks,
 * the only traffic that arrives thousands of times a minute (see
 * app/ingest/stock-webhook-listener.server.ts). No per-request access log: the app logs
 * with pino, and never request bodies.
 */
import { createServer } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { installGlobals } from "@remix-run/node";
import compression from "compression";
import express from "express";

process.env.NODE_ENV ??= "production";
const buildPath = path.resolve(process.argv[2] ?? "build/server/index.js");
const build = await import(pathToFileURL(buildPath).href);
installGlobals({ nativeFetch: build.future.v3_singleFetch });
const { handleStockWebhook, isStockWebhookRequest } = build.entry.module;

const app = express();
app.disable("x-powered-by");
app.use(compression());
app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

const server = createServer((request, response) => {
  if (isStockWebhookRequest(request)) void handleStockWebhook(request, response);
  else app(request, response);
});
// Shopify keeps connections to the app open between deliveries.
server.keepAliveTimeout = 65_000;

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST;
const onListen = () => console.log(`[ballast] listening on http://${host ?? "localhost"}:${port}`);
if (host) server.listen(port, host, onListen);
else server.listen(port, onListen);

// Graceful stop (docs/deploy.md): /readyz answers 503 at once (app/web/health.server.ts), no
// new connections, requests in flight answered, the in-process worker's current step
// finished, or past 15 s aborted with its leases handed back
// (app/worker/worker.server.ts stop), then exit. Exiting explicitly matters: React's and
// Remix's render timers (5 s) would otherwise hold the process open. Past the deadline, exit
// anyway: a container host kills the process soon after (give it 30 s: docs/deploy.md).
const SHUTDOWN_DEADLINE_MS = 25_000;
const WORKER_STOP_GRACE_MS = 15_000;
async function shutDown() {
  setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
  globalThis.ballastStopping = true;
  await Promise.all([
    new Promise((resolve) => server.close(resolve)),
    globalThis.ballastWorker?.stop({ graceMs: WORKER_STOP_GRACE_MS }),
  ]);
  process.exit(0);
}
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => void shutDown());
}

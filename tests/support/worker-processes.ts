/**
 * What the tests that run the worker as separate processes share: the web process's part
 * (verify a webhook's HMAC, record it), the proxies' header forwarding, and stopping a
 * child process gracefully, then hard.
 */
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from "node:http";
import type { Database } from "~/db.server";
import { recordWebhookEvent } from "../../app/ingest/webhook-event.server";
import { shopifyHmac } from "./shopify";

export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** Request headers a proxy passes on (hop-by-hop and length headers dropped). */
export function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const forwarded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (
      ["host", "connection", "content-length", "transfer-encoding", "accept-encoding"].includes(name) ||
      value === undefined
    )
      continue;
    forwarded[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return forwarded;
}

/** The web process's part: verify the HMAC, record the event. */
export async function startWebhookReceiver(database: Database): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    void (async () => {
      const body = (await readBody(request)).toString("utf8");
      if (request.headers["x-shopify-hmac-sha256"] !== shopifyHmac(body)) {
        response.writeHead(401).end();
        return;
      }
      const triggeredAt = request.headers["x-shopify-triggered-at"];
      await recordWebhookEvent(database, {
        shop: String(request.headers["x-shopify-shop-domain"]),
        topic: String(request.headers["x-shopify-topic"]),
        webhookId: String(request.headers["x-shopify-webhook-id"]),
        eventId: String(request.headers["x-shopify-event-id"]),
        apiVersion: String(request.headers["x-shopify-api-version"]),
        triggeredAt: typeof triggeredAt === "string" ? new Date(triggeredAt) : null,
        rawBody: body,
      });
      response.writeHead(200).end();
    })().catch(() => response.writeHead(500).end());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/webhooks` };
}

/** SIGTERM (a graceful stop finishes the push in progress); past 15 s, SIGKILL. */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const hard = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(hard);
}

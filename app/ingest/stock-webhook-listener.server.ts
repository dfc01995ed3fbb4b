import type { IncomingMessage, ServerResponse } from "node:http";
import type { Database } from "~/db.server";
import { logger } from "~/logger.server";
import { checkStockDelivery, MAX_WEBHOOK_BYTES, receiveStockWebhook } from "./stock-webhook.server";

/**
 * `POST /webhooks/stock` answered on Node's own request and response, before Express
 * and Remix: at peak this path takes thousands of deliveries a minute, and the
 * framework's per-request work (Fetch Request copies, routing, loaders' context) was
 * most of its cost. Same checks and same recording as the Remix route; the production
 * server (`server.mjs`) sends this one path here and everything else to Remix.
 */
export const STOCK_WEBHOOK_PATH = "/webhooks/stock";

export function isStockWebhookRequest(request: IncomingMessage): boolean {
  if (request.method !== "POST" || !request.url) return false;
  const path = request.url.split("?", 1)[0];
  return path === STOCK_WEBHOOK_PATH;
}

function answer(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    ...headers,
  });
  response.end(body);
}

/** Reads the body, stopping at the size limit; null when it is too large. */
function readBody(request: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_WEBHOOK_BYTES) {
        request.removeAllListeners("data");
        request.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** Past this much discarded body, an oversized request is cut off rather than read to its end. */
const MAX_DISCARDED_BYTES = 8 * MAX_WEBHOOK_BYTES;

/**
 * 413 once the client has finished sending: answered mid-upload, the closing socket reset the
 * connection under a client still writing, which then saw a network error instead of the answer.
 * The rest of the body is discarded, up to a bound.
 */
function refuseTooLarge(request: IncomingMessage, response: ServerResponse): void {
  const refuse = () => answer(response, 413, "Webhook body too large", { Connection: "close" });
  if (request.complete) return refuse();
  let discarded = 0;
  request.removeAllListeners("data");
  request.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARDED_BYTES) request.destroy();
  });
  request.once("end", refuse);
  request.resume();
}

export function stockWebhookListener(options: { database: () => Database; secret: () => string }) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      const tooLarge = () => refuseTooLarge(request, response);
      if (Number(request.headers["content-length"] ?? "0") > MAX_WEBHOOK_BYTES) return tooLarge();
      const rawBody = await readBody(request);
      if (rawBody === null) return tooLarge();
      const header = (name: string) => {
        const value = request.headers[name];
        return (Array.isArray(value) ? value[0] : value) ?? null;
      };
      const verdict = checkStockDelivery(header, rawBody, options.secret());
      if (!verdict.ok)
        return answer(
          response,
          verdict.refusal.status,
          verdict.refusal.reason,
          verdict.refusal.status === 413 ? { Connection: "close" } : {},
        );
      const received = await receiveStockWebhook(options.database(), verdict.webhook);
      if (received.status === 404) return answer(response, 404, received.reason);
      answer(response, 200, "", { "X-Ballast-Event": received.outcome });
    } catch (error) {
      // Not recorded: a 500 makes Shopify deliver it again.
      logger.error({ err: error instanceof Error ? error.message : String(error) }, "stock webhook not recorded");
      if (!response.headersSent) answer(response, 500, "Not recorded; retry");
      else response.destroy();
    }
  };
}

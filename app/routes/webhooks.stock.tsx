import type { ActionFunctionArgs } from "@remix-run/node";
import { env } from "~/env.server";
import { receiveStockWebhook, verifyStockWebhook } from "~/ingest/stock-webhook.server";
import { webhookLoader } from "~/web/webhook-request.server";
import { database } from "~/shopify.server";

/**
 * Every stock-related topic (orders, refunds, inventory levels and items, products).
 * Verify, record once keyed by X-Shopify-Event-Id, answer: Shopify allows 5 s and
 * retries failures, so the work happens after the answer, from the recorded event.
 * In production `server.mjs` answers this path before Remix (app/ingest/stock-webhook-listener.server.ts)
 * with the same checks; this route serves it under `vite dev`.
 */
export const loader = webhookLoader;

export const action = async ({ request }: ActionFunctionArgs) => {
  const received = await receiveStockWebhook(database, await verifyStockWebhook(request, env().SHOPIFY_API_SECRET));
  if (received.status === 404) return new Response(received.reason, { status: 404 });
  return new Response(null, { status: 200, headers: { "X-Ballast-Event": received.outcome } });
};

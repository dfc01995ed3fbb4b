import type { ActionFunctionArgs } from "@remix-run/node";
import { env } from "~/env.server";
import { isInstalled, verifyStockWebhook } from "~/ingest/stock-webhook.server";
import { webhookRecorder } from "~/ingest/webhook-recorder.server";
import { database } from "~/shopify.server";

/**
 * Every stock-related topic (orders, refunds, inventory levels and items, products).
 * Verify, record once keyed by X-Shopify-Event-Id, answer: Shopify allows 5 s and
 * retries failures, so the work happens after the answer, from the recorded event.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const webhook = await verifyStockWebhook(request, env().SHOPIFY_API_SECRET);
  if (!(await isInstalled(database, webhook.shop))) {
    // No offline session: the shop never installed Ballast or has uninstalled it.
    return new Response(`Unknown shop ${webhook.shop}`, { status: 404 });
  }
  const outcome = await webhookRecorder(database).record(webhook);
  return new Response(null, { status: 200, headers: { "X-Ballast-Event": outcome } });
};

import type { ActionFunctionArgs } from "@remix-run/node";
import { webhookRecorder } from "~/ingest/webhook-recorder.server";
import { verifyWebhook } from "~/ingest/webhook-request.server";
import { database } from "~/shopify.server";

/**
 * Every stock-related topic (orders, refunds, inventory levels and items, products).
 * Verify, record once keyed by X-Shopify-Event-Id, answer: Shopify allows 5 s and
 * retries failures, so the work happens after the answer, from the recorded event.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const webhook = await verifyWebhook(request);
  if (!webhook.session) {
    // No offline session: the shop never installed Ballast or has uninstalled it.
    return new Response(`Unknown shop ${webhook.shop}`, { status: 404 });
  }
  const outcome = await webhookRecorder(database).record({
    shop: webhook.shop,
    topic: String(webhook.topic),
    webhookId: webhook.webhookId,
    // Without an event id each delivery is recorded; the level-triggered pipeline makes a replay harmless.
    eventId: webhook.eventId ?? `webhook:${webhook.webhookId}`,
    apiVersion: webhook.apiVersion,
    triggeredAt: webhook.triggeredAt ? new Date(webhook.triggeredAt) : null,
    rawBody: webhook.rawBody,
  });
  return new Response(null, { status: 200, headers: { "X-Ballast-Event": outcome } });
};

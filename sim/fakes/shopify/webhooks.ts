import { createHmac, randomUUID } from "node:crypto";

/**
 * Webhook deliveries as Shopify makes them (shopify.dev/docs/apps/build/webhooks/subscribe/https,
 * CHANNELS.md "Webhooks"): POST of a JSON body, `X-Shopify-Hmac-Sha256` = base64
 * HMAC-SHA256 of the raw body with the app secret, and the Topic / Shop-Domain /
 * API-Version / Webhook-Id / Event-Id / Triggered-At headers. One event may be delivered
 * several times: deliveries share the Event-Id and each has its own Webhook-Id.
 */

export interface WebhookTarget {
  /** The app's webhook endpoint (one URL for every topic), or a function of the topic. */
  url: string | ((topic: string) => string);
  /** The app's client secret (API secret key). */
  secret: string;
  apiVersion?: string;
  /** Shopify gives 5 s in total; configurable so the rehearsal can be strict or patient. */
  timeoutMs?: number;
}

export interface WebhookDelivery {
  topic: string;
  shopDomain: string;
  eventId: string;
  webhookId: string;
  url: string;
  status: number | null;
  error: string | null;
  body: string;
}

/**
 * JSON text in which bigint values are written as bare integers, as Shopify writes ids
 * above 2^53 (`"inventory_item_id":271878346596884015`). JSON.stringify cannot do that.
 */
export function jsonWithBigInts(value: unknown): string {
  const marker = "__bigint__";
  const text = JSON.stringify(value, (_key, entry: unknown) =>
    typeof entry === "bigint" ? `${marker}${entry.toString()}` : entry,
  );
  return text.replace(new RegExp(`"${marker}(-?\\d+)"`, "g"), "$1");
}

export function webhookHmac(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export async function deliverWebhook(
  target: WebhookTarget,
  event: { topic: string; shopDomain: string; body: string; eventId?: string; triggeredAt?: string },
): Promise<WebhookDelivery> {
  const url = typeof target.url === "function" ? target.url(event.topic) : target.url;
  const webhookId = randomUUID();
  const eventId = event.eventId ?? randomUUID();
  const delivery: WebhookDelivery = {
    topic: event.topic,
    shopDomain: event.shopDomain,
    eventId,
    webhookId,
    url,
    status: null,
    error: null,
    body: event.body,
  };
  try {
    const response = await fetch(url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(target.timeoutMs ?? 5000),
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "Shopify-Captain-Hook",
        "X-Shopify-Hmac-Sha256": webhookHmac(event.body, target.secret),
        "X-Shopify-Topic": event.topic,
        "X-Shopify-Shop-Domain": event.shopDomain,
        "X-Shopify-API-Version": target.apiVersion ?? "2026-10",
        "X-Shopify-Webhook-Id": webhookId,
        "X-Shopify-Event-Id": eventId,
        "X-Shopify-Triggered-At": event.triggeredAt ?? new Date().toISOString(),
      },
      body: event.body,
    });
    await response.arrayBuffer();
    delivery.status = response.status;
  } catch (error) {
    delivery.error = (error as Error).name === "TimeoutError" ? "timeout" : (error as Error).message;
  }
  return delivery;
}

import { createHmac, timingSafeEqual } from "node:crypto";
import type { Database } from "~/db.server";
import type { WebhookEnvelope } from "./webhook-event.server";
import { webhookRecorder } from "./webhook-group-commit.server";

/**
 * The hot path for stock webhooks (orders, inventory, products: thousands a minute at
 * peak). It checks exactly what `authenticate.webhook` checks — the HMAC of the raw body
 * with the app secret, the required headers, JSON — without its per-request session load
 * and request copies, and looks the shop up in a short-lived cache. Lifecycle and
 * compliance webhooks keep using `authenticate.webhook`. A test holds the verdicts equal.
 * A verified stock webhook is recorded like every other (the same envelope).
 */
export type StockWebhook = WebhookEnvelope;

/** Shopify's largest payloads (orders with hundreds of lines) stay well below this. */
export const MAX_WEBHOOK_BYTES = 2 * 1024 * 1024;

/**
 * 413, closing the connection: the rest of an oversized body may still be on its way, and a
 * client reusing that connection would read garbage or be reset.
 */
export function tooLarge(): Response {
  return new Response("Webhook body too large", { status: 413, headers: { Connection: "close" } });
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export function hmacMatches(rawBody: string, header: string | null, secret: string): boolean {
  if (!header) return false;
  const expected = createHmac("sha256", secret).update(rawBody, "utf8").digest();
  const given = Buffer.from(header, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A refused delivery: the status and the short reason the sender gets. */
export interface Refusal {
  status: 400 | 401 | 405 | 413;
  reason: string;
}

export type DeliveryVerdict = { ok: true; webhook: StockWebhook } | { ok: false; refusal: Refusal };

/**
 * The one check of a stock webhook, shared by the Remix route and the Node fast path:
 * HMAC of the raw body, the X-Shopify-* headers, JSON. Pure: nothing is read or written.
 */
export function checkStockDelivery(
  header: (name: string) => string | null,
  rawBody: string,
  secret: string,
): DeliveryVerdict {
  const refuse = (status: Refusal["status"], reason: string): DeliveryVerdict => ({
    ok: false,
    refusal: { status, reason },
  });
  if (Buffer.byteLength(rawBody) > MAX_WEBHOOK_BYTES) return refuse(413, "Webhook body too large");
  if (!hmacMatches(rawBody, header("x-shopify-hmac-sha256"), secret)) return refuse(401, "Unauthorized");
  const shop = header("x-shopify-shop-domain") ?? "";
  const topic = header("x-shopify-topic");
  const webhookId = header("x-shopify-webhook-id");
  const apiVersion = header("x-shopify-api-version");
  if (!topic || !webhookId || !apiVersion || !SHOP_DOMAIN.test(shop)) {
    return refuse(400, "Missing or malformed X-Shopify-* headers");
  }
  try {
    JSON.parse(rawBody);
  } catch {
    return refuse(400, "Webhook body is not valid JSON");
  }
  const triggered = header("x-shopify-triggered-at");
  const triggeredAt = triggered && !Number.isNaN(Date.parse(triggered)) ? new Date(triggered) : null;
  const eventId = header("x-shopify-event-id") ?? `webhook:${webhookId}`;
  return { ok: true, webhook: { shop, topic, webhookId, eventId, apiVersion, triggeredAt, rawBody } };
}

function refusalResponse({ status, reason }: Refusal): Response {
  if (status === 413) return tooLarge();
  if (status === 401) return new Response(null, { status, statusText: reason });
  return new Response(reason, { status });
}

/** Throws a Response for bad input (405, 413, 401, 400); nothing is written before it returns. */
export async function verifyStockWebhook(request: Request, secret: string): Promise<StockWebhook> {
  if (request.method !== "POST") throw new Response(null, { status: 405 });
  if (Number(request.headers.get("content-length") ?? "0") > MAX_WEBHOOK_BYTES) throw tooLarge();
  const verdict = checkStockDelivery((name) => request.headers.get(name), await request.text(), secret);
  if (!verdict.ok) throw refusalResponse(verdict.refusal);
  return verdict.webhook;
}

/**
 * Records a verified delivery once (keyed by shop + event id) for an installed shop.
 * The answer means "durably recorded" (or "already recorded"); 404 for a shop without
 * Ballast installed.
 */
export async function receiveStockWebhook(
  database: Database,
  webhook: StockWebhook,
): Promise<{ status: 200; outcome: "recorded" | "duplicate" } | { status: 404; reason: string }> {
  if (!(await isInstalled(database, webhook.shop))) {
    // No offline session: the shop never installed Ballast or has uninstalled it.
    return { status: 404, reason: `Unknown shop ${webhook.shop}` };
  }
  return { status: 200, outcome: await webhookRecorder(database).record(webhook) };
}

/**
 * Whether the shop has Ballast installed (an offline session exists), cached a few
 * seconds: at peak the same shops send thousands of webhooks. An uninstall clears the
 * entry in this process; other processes notice within the TTL, and a webhook recorded
 * in that window is never pushed (the worker only serves installed shops).
 */
const INSTALLED_TTL_MS = 5_000;
const installed = new Map<string, { value: Promise<boolean>; until: number }>();

export function isInstalled(database: Database, shop: string, nowMs = Date.now()): Promise<boolean> {
  const cached = installed.get(shop);
  if (cached && cached.until > nowMs) return cached.value;
  // The lookup itself is cached, so the deliveries that arrive while it runs (dozens at
  // peak, when an entry expires) share one query.
  const value = database.session
    .findFirst({ where: { shop, isOnline: false }, select: { id: true } })
    .then((session) => session !== null);
  const entry = { value, until: nowMs + INSTALLED_TTL_MS };
  installed.set(shop, entry);
  // A failed lookup is not remembered: the next delivery asks again.
  value.catch(() => {
    if (installed.get(shop) === entry) installed.delete(shop);
  });
  return value;
}

export function forgetInstalled(shop: string): void {
  installed.delete(shop);
}

import { createHmac, timingSafeEqual } from "node:crypto";
import type { Database } from "~/db.server";

/**
 * The hot path for stock webhooks (orders, inventory, products: thousands a minute at
 * peak). It checks exactly what `authenticate.webhook` checks — the HMAC of the raw body
 * with the app secret, the required headers, JSON — without its per-request session load
 * and request copies, and looks the shop up in a short-lived cache. Lifecycle and
 * compliance webhooks keep using `authenticate.webhook`. A test holds the verdicts equal.
 */
export interface StockWebhook {
  shop: string;
  topic: string;
  webhookId: string;
  eventId: string;
  apiVersion: string;
  triggeredAt: Date | null;
  rawBody: string;
}

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

/** Throws a Response for bad input (413, 401, 400); nothing is written before it returns. */
export async function verifyStockWebhook(request: Request, secret: string): Promise<StockWebhook> {
  if (request.method !== "POST") throw new Response(null, { status: 405 });
  if (Number(request.headers.get("content-length") ?? "0") > MAX_WEBHOOK_BYTES) {
    throw tooLarge();
  }
  const rawBody = await request.text();
  if (Buffer.byteLength(rawBody) > MAX_WEBHOOK_BYTES) throw tooLarge();
  if (!hmacMatches(rawBody, request.headers.get("x-shopify-hmac-sha256"), secret)) {
    throw new Response(null, { status: 401, statusText: "Unauthorized" });
  }
  const shop = request.headers.get("x-shopify-shop-domain") ?? "";
  const topic = request.headers.get("x-shopify-topic");
  const webhookId = request.headers.get("x-shopify-webhook-id");
  const apiVersion = request.headers.get("x-shopify-api-version");
  if (!topic || !webhookId || !apiVersion || !SHOP_DOMAIN.test(shop)) {
    throw new Response("Missing or malformed X-Shopify-* headers", { status: 400 });
  }
  try {
    JSON.parse(rawBody);
  } catch {
    throw new Response("Webhook body is not valid JSON", { status: 400 });
  }
  const triggered = request.headers.get("x-shopify-triggered-at");
  const triggeredAt = triggered && !Number.isNaN(Date.parse(triggered)) ? new Date(triggered) : null;
  const eventId = request.headers.get("x-shopify-event-id") ?? `webhook:${webhookId}`;
  return { shop, topic, webhookId, eventId, apiVersion, triggeredAt, rawBody };
}

/**
 * Whether the shop has Ballast installed (an offline session exists), cached a few
 * seconds: at peak the same shops send thousands of webhooks. An uninstall clears the
 * entry in this process; other processes notice within the TTL, and a webhook recorded
 * in that window is never pushed (the worker only serves installed shops).
 */
const INSTALLED_TTL_MS = 5_000;
const installed = new Map<string, { value: boolean; until: number }>();

export async function isInstalled(database: Database, shop: string, nowMs = Date.now()): Promise<boolean> {
  const cached = installed.get(shop);
  if (cached && cached.until > nowMs) return cached.value;
  const session = await database.session.findFirst({ where: { shop, isOnline: false }, select: { id: true } });
  installed.set(shop, { value: session !== null, until: nowMs + INSTALLED_TTL_MS });
  return session !== null;
}

export function forgetInstalled(shop: string): void {
  installed.delete(shop);
}

import { env } from "~/env.server";
import { authenticate } from "~/shopify.server";
import { hmacMatches, MAX_WEBHOOK_BYTES, tooLarge } from "~/ingest/stock-webhook.server";

export type VerifiedWebhook = Awaited<ReturnType<typeof authenticate.webhook>> & {
  /** The body exactly as Shopify signed it: ids above 2^53 survive only here. */
  rawBody: string;
};

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

const refuse = (status: number, reason: string) =>
  new Response(reason, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/**
 * Verifies a webhook (HMAC of the raw body, required headers) and parses it.
 * Throws a Response with a short reason for bad input: 401 wrong or missing HMAC, 400
 * missing or malformed headers, invalid JSON or a payload naming another shop than the
 * header, 413 too large. Nothing is written before this returns.
 *
 * The checks run before Shopify's library: it answers a missing HMAC with 400 and no
 * reason, and fails with a 500 on a shop header that is not a myshopify.com domain.
 */
export async function verifyWebhook(request: Request): Promise<VerifiedWebhook> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_WEBHOOK_BYTES) {
    await discardBody(request);
    throw tooLarge();
  }
  const rawBody = await request.clone().text();
  if (Buffer.byteLength(rawBody) > MAX_WEBHOOK_BYTES) throw tooLarge();
  if (!hmacMatches(rawBody, request.headers.get("x-shopify-hmac-sha256"), env().SHOPIFY_API_SECRET)) {
    throw refuse(401, "Unauthorized: the HMAC does not match the body");
  }
  const shop = request.headers.get("x-shopify-shop-domain") ?? "";
  const required = ["x-shopify-topic", "x-shopify-webhook-id", "x-shopify-api-version"];
  if (!SHOP_DOMAIN.test(shop) || required.some((name) => !request.headers.get(name))) {
    throw refuse(400, "Missing or malformed X-Shopify-* headers");
  }
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch {
    throw refuse(400, "Webhook body is not valid JSON");
  }
  // The HMAC covers the body, not the headers: a signed body naming one shop must not act on another.
  if (payload && typeof payload === "object") {
    const named =
      (payload as Record<string, unknown>).shop_domain ?? (payload as Record<string, unknown>).myshopify_domain;
    if (typeof named === "string" && named !== shop)
      throw refuse(400, "The payload names another shop than X-Shopify-Shop-Domain");
  }
  try {
    const context = await authenticate.webhook(request);
    return { ...context, rawBody };
  } catch (error) {
    if (error instanceof Response) throw error;
    if (error instanceof SyntaxError) throw refuse(400, "Webhook body is not valid JSON");
    throw error;
  }
}

/** GET (or any method but POST) on a webhook path: Remix would answer 400 "Unexpected Server Error". */
export const webhookLoader = () =>
  new Response("Method not allowed: webhooks are POST", { status: 405, headers: { Allow: "POST" } });

/** Past this much discarded body, an oversized request is cut off rather than read to its end. */
const MAX_DISCARDED_BYTES = 8 * MAX_WEBHOOK_BYTES;

/**
 * Reads an oversized body to its end (bounded) before the 413: answered mid-upload, the
 * closing connection reset the client while it was still writing, and it saw a network
 * error (EPIPE) instead of the answer.
 */
async function discardBody(request: Request): Promise<void> {
  const reader = request.body?.getReader();
  if (!reader) return;
  let discarded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    discarded += value.byteLength;
    if (discarded > MAX_DISCARDED_BYTES) {
      await reader.cancel();
      return;
    }
  }
}

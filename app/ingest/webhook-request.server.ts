import { authenticate } from "~/shopify.server";
import { MAX_WEBHOOK_BYTES, tooLarge } from "./stock-webhook.server";

export type VerifiedWebhook = Awaited<ReturnType<typeof authenticate.webhook>> & {
  /** The body exactly as Shopify signed it: ids above 2^53 survive only here. */
  rawBody: string;
};

/**
 * Verifies a webhook (HMAC of the raw body, required headers) and parses it.
 * Throws a Response for bad input: 401 wrong HMAC, 400 missing headers or invalid JSON,
 * 405 not POST, 413 too large. Nothing is written before this returns.
 */
export async function verifyWebhook(request: Request): Promise<VerifiedWebhook> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_WEBHOOK_BYTES) throw tooLarge();
  const rawBody = await request.clone().text();
  if (Buffer.byteLength(rawBody) > MAX_WEBHOOK_BYTES) throw tooLarge();
  try {
    const context = await authenticate.webhook(request);
    return { ...context, rawBody };
  } catch (error) {
    if (error instanceof Response) throw error;
    if (error instanceof SyntaxError) {
      throw new Response("Webhook body is not valid JSON", { status: 400 });
    }
    throw error;
  }
}

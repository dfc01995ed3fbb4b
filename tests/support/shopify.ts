/**
 * Shopify test credentials and signing helpers: real HMAC-signed webhooks and HS256
 * session tokens, exactly as Shopify produces them.
 */
import { createHmac, randomUUID } from "node:crypto";

export const TEST_API_KEY = "ballast-test-api-key";
export const TEST_API_SECRET = "ballast-test-api-secret";
export const TEST_SCOPES = "read_products,write_products,read_inventory,write_inventory,read_orders,read_locations";
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString("base64");

/** Environment for a server under test (all variables app/env.server.ts requires). */
export function testServerEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "production",
    SHOPIFY_API_KEY: TEST_API_KEY,
    SHOPIFY_API_SECRET: TEST_API_SECRET,
    SHOPIFY_APP_URL: "http://127.0.0.1",
    SCOPES: TEST_SCOPES,
    BALLAST_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    // Everything the app can log, for the suite's log scan (tests/support/log-capture.ts).
    LOG_LEVEL: "debug",
    ...overrides,
  };
}

export function shopifyHmac(rawBody: string, secret = TEST_API_SECRET): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").digest("base64");
}

export interface SignedWebhook {
  headers: Record<string, string>;
  body: string;
}

export function signedWebhook(options: {
  topic: string;
  shop: string;
  body: unknown;
  secret?: string;
  eventId?: string;
  webhookId?: string;
  triggeredAt?: Date;
}): SignedWebhook {
  const body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  return {
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": shopifyHmac(body, options.secret),
      "X-Shopify-Topic": options.topic,
      "X-Shopify-Shop-Domain": options.shop,
      "X-Shopify-API-Version": "2026-10",
      "X-Shopify-Webhook-Id": options.webhookId ?? randomUUID(),
      "X-Shopify-Event-Id": options.eventId ?? randomUUID(),
      "X-Shopify-Triggered-At": (options.triggeredAt ?? new Date()).toISOString(),
    },
  };
}

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString("base64url");
}

/** An App Bridge session token (HS256 JWT signed with the app secret). */
export function sessionToken(shop: string, options: { secret?: string; expiresInSeconds?: number } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64url(
    JSON.stringify({
      iss: `https://${shop}/admin`,
      dest: `https://${shop}`,
      aud: TEST_API_KEY,
      sub: "42",
      exp: now + (options.expiresInSeconds ?? 60),
      nbf: now - 5,
      iat: now - 5,
      jti: randomUUID(),
      sid: randomUUID(),
    }),
  );
  const signature = createHmac("sha256", options.secret ?? TEST_API_SECRET)
    .update(`${header}.${payload}`)
    .digest("base64url");
  return `${header}.${payload}.${signature}`;
}

/** A browser-like User-Agent: admin routes refuse bots with 410. */
export const BROWSER_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

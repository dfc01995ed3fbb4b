/**
 * Requests to a running app server as Shopify and the embedded admin send them, with a
 * timeout on every one: a test never waits on a server that hangs, it fails.
 */
import { createHmac, randomUUID } from "node:crypto";
import { BROWSER_USER_AGENT, sessionToken, TEST_API_KEY, TEST_API_SECRET, type SignedWebhook } from "./shopify";

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or null. Checked field by field by the tests. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export const REQUEST_TIMEOUT_MS = 15_000;

export async function send(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { redirect: "manual", ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function postWebhook(appUrl: string, path: string, webhook: SignedWebhook): Promise<Answer> {
  return send(`${appUrl}${path}`, { method: "POST", headers: webhook.headers, body: webhook.body });
}

/** A /api/v1 call (or a page's data request) with `Authorization: Bearer <token>`, as App Bridge adds it. */
export function bearer(
  appUrl: string,
  token: string | null,
  method: string,
  path: string,
  body?: string,
): Promise<Answer> {
  const headers: Record<string, string> = { "User-Agent": BROWSER_USER_AGENT, Accept: "application/json" };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return send(`${appUrl}${path}`, { method, headers, body });
}

/** A form post from an embedded page (Remix action), authenticated as App Bridge does. */
export function pageAction(appUrl: string, shop: string, path: string, form: Record<string, string>): Promise<Answer> {
  return send(`${appUrl}${path}`, {
    method: "POST",
    headers: {
      "User-Agent": BROWSER_USER_AGENT,
      Authorization: `Bearer ${sessionToken(shop)}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(form).toString(),
  });
}

/** The first load of an embedded page, as Shopify admin opens it in the iframe. */
export function openDocument(
  appUrl: string,
  shop: string,
  path: string,
  options: { token?: string | null; locale?: string } = {},
): Promise<Answer> {
  const host = Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64url");
  const query = new URLSearchParams({ embedded: "1", shop, host, locale: options.locale ?? "en" });
  const token = options.token === undefined ? sessionToken(shop) : options.token;
  if (token !== null) query.set("id_token", token);
  const separator = path.includes("?") ? "&" : "?";
  return send(`${appUrl}${path}${separator}${query.toString()}`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
}

/** A session token with any claim or signature wrong, for the refusal tests. */
export function craftedToken(
  shop: string,
  options: { secret?: string; audience?: string; expiresAt?: number; algorithm?: string; dest?: string } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: options.algorithm ?? "HS256", typ: "JWT" })).toString("base64url");
  const payload = Buffer.from(
    JSON.stringify({
      iss: `https://${shop}/admin`,
      dest: options.dest ?? `https://${shop}`,
      aud: options.audience ?? TEST_API_KEY,
      sub: "42",
      exp: options.expiresAt ?? now + 60,
      nbf: now - 5,
      iat: now - 5,
      jti: randomUUID(),
      sid: randomUUID(),
    }),
  ).toString("base64url");
  if (options.algorithm === "none") return `${header}.${payload}.`;
  const signature = createHmac("sha256", options.secret ?? TEST_API_SECRET)
    .update(`${header}.${payload}`)
    .digest("base64url");
  return `${header}.${payload}.${signature}`;
}

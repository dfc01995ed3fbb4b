/**
 * The fake's token endpoint contract (expiring offline tokens, CHANNELS.md): the documented
 * request and answer shapes, 60-minute access tokens on the fake's clock, rotating refresh
 * tokens whose predecessor stays valid until the new access token is used, the client's
 * credentials checked, and the switches tests use (refuse, omit expires_in, 503).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../meta/clock";
import { DEFAULT_FAKE_APP, startFakeShopify, type FakeShopify } from "./index";

const SHOP = "token-test.myshopify.com";
const OTHER = "token-other.myshopify.com";
const UNAUTHORIZED = { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" };
const clock = new VirtualClock(Date.UTC(2026, 11, 7, 9));
let fake: FakeShopify;

beforeAll(async () => {
  fake = await startFakeShopify({ now: () => clock.now(), shops: [{ domain: SHOP }, { domain: OTHER }] });
});
afterAll(async () => {
  await fake?.close();
});

async function shopQuery(token: string) {
  const response = await fetch(fake.adminUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
    body: JSON.stringify({ query: "{ shop { myshopifyDomain } }" }),
  });
  return { status: response.status, body: (await response.json()) as { data?: { shop: { myshopifyDomain: string } } } };
}

async function refresh(
  refreshToken: string,
  options: { form?: boolean; secret?: string; clientId?: string; grantType?: string } = {},
) {
  const params = {
    client_id: options.clientId ?? DEFAULT_FAKE_APP.clientId,
    client_secret: options.secret ?? DEFAULT_FAKE_APP.clientSecret,
    grant_type: options.grantType ?? "refresh_token",
    refresh_token: refreshToken,
  };
  const response = await fetch(`${fake.url}/admin/oauth/access_token`, {
    method: "POST",
    headers: {
      "Content-Type": options.form ? "application/x-www-form-urlencoded" : "application/json",
      Accept: "application/json",
    },
    body: options.form ? new URLSearchParams(params).toString() : JSON.stringify(params),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("fake Shopify: expiring offline tokens", { shuffle: false }, () => {
  it("issues a 60-minute access token with a refresh token, in the documented shape", async () => {
    const issued = fake.issueOfflineToken(SHOP);
    expect(issued).toMatchObject({
      expires_in: 3600,
      refresh_token_expires_in: expect.any(Number),
      scope: expect.stringContaining("write_inventory"),
    });
    expect(issued.access_token).not.toBe(issued.refresh_token);
    expect((await shopQuery(issued.access_token)).body.data?.shop.myshopifyDomain).toBe(SHOP);
    clock.advance(59 * 60_000);
    expect((await shopQuery(issued.access_token)).status).toBe(200);
    clock.advance(60_000);
    // Expired: answered as Shopify answers any token it does not accept.
    expect(await shopQuery(issued.access_token)).toEqual({ status: 401, body: UNAUTHORIZED });
    expect(await shopQuery("shpat_unknown")).toEqual({ status: 401, body: UNAUTHORIZED });
  });

  it("refreshes (JSON or form-encoded), rotating the refresh token; the previous one is valid until the new access token is used", async () => {
    const issued = fake.issueOfflineToken(SHOP);
    const granted = fake.tokenStats().refreshesGranted;
    const first = await refresh(issued.refresh_token);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual([
      "access_token",
      "expires_in",
      "refresh_token",
      "refresh_token_expires_in",
      "scope",
    ]);
    expect(first.body).toMatchObject({ expires_in: 3600 });
    expect(first.body["refresh_token"]).not.toBe(issued.refresh_token);

    // The answer was lost: the previous refresh token still works (form-encoded this time),
    // and the unused pair it gave first is superseded.
    const again = await refresh(issued.refresh_token, { form: true });
    expect(again.status).toBe(200);
    expect((await shopQuery(first.body["access_token"] as string)).status).toBe(401);
    expect((await refresh(first.body["refresh_token"] as string)).body).toMatchObject({ error: "invalid_grant" });

    // Once the new access token is used, the previous refresh token is spent.
    expect((await shopQuery(again.body["access_token"] as string)).status).toBe(200);
    expect(await refresh(issued.refresh_token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    // The rotated one refreshes.
    expect((await refresh(again.body["refresh_token"] as string)).status).toBe(200);
    expect(fake.tokenStats().refreshesGranted).toBe(granted + 3);
  });

  it("refuses a wrong client secret or client id (invalid_client), and a malformed request", async () => {
    const issued = fake.issueOfflineToken(SHOP);
    expect(await refresh(issued.refresh_token, { secret: "not-the-secret" })).toMatchObject({
      status: 401,
      body: { error: "invalid_client" },
    });
    expect(await refresh(issued.refresh_token, { clientId: "another-app" })).toMatchObject({
      status: 401,
      body: { error: "invalid_client" },
    });
    expect(await refresh(issued.refresh_token, { grantType: "client_credentials" })).toMatchObject({
      status: 400,
      body: { error: "unsupported_grant_type" },
    });
    expect(await refresh("")).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    expect(await refresh("shprt_unknown")).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    // Still valid after the refused attempts.
    expect((await refresh(issued.refresh_token)).status).toBe(200);
  });

  it("switches: refuse refreshes for one shop, omit expires_in, answer 503", async () => {
    const mine = fake.issueOfflineToken(SHOP);
    const other = fake.issueOfflineToken(OTHER);
    fake.setTokenBehaviour(SHOP, { refuseRefresh: "invalid_grant" });
    expect(await refresh(mine.refresh_token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect((await refresh(other.refresh_token)).status).toBe(200);
    fake.setTokenBehaviour(SHOP, { refuseRefresh: null, omitExpiresIn: true });
    const withoutExpiry = await refresh(mine.refresh_token);
    expect(withoutExpiry.status).toBe(200);
    expect(withoutExpiry.body).not.toHaveProperty("expires_in");
    // It expires all the same.
    clock.advance(61 * 60_000);
    expect((await shopQuery(withoutExpiry.body["access_token"] as string)).status).toBe(401);
    fake.setTokenBehaviour(SHOP, { omitExpiresIn: false, serverErrorNext: 1 });
    const failed = await fetch(`${fake.url}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        client_id: DEFAULT_FAKE_APP.clientId,
        client_secret: DEFAULT_FAKE_APP.clientSecret,
        grant_type: "refresh_token",
        refresh_token: withoutExpiry.body["refresh_token"],
      }),
    });
    expect(failed.status).toBe(503);
    expect((await refresh(withoutExpiry.body["refresh_token"] as string)).status).toBe(200);
    expect(fake.tokenStats()).toMatchObject({ refreshesFailed: 1, unauthorized: expect.any(Number) });
    expect(fake.tokenStats().unauthorized).toBeGreaterThanOrEqual(4);
  });
});

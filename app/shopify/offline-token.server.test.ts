// @database
/**
 * The offline-token keeper against the fake Shopify's token endpoint, on the fake's
 * virtual clock: refresh before expiry and after a 401, one refresh per shop however many
 * callers (one process or two), the rotated refresh token stored with a compare-and-set,
 * a lost answer recovered, an answer without expires_in (shopify-app-js#3400), a refusal
 * for good (marked once, one alert, cleared by a new session) and a transient failure
 * (nothing marked).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../sim/fakes/meta/clock";
import { DEFAULT_FAKE_APP, startFakeShopify, type FakeShopify } from "../../sim/fakes/shopify";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { AdminClient } from "./admin-client.server";
import { OfflineTokens, REFRESH_MARGIN_MS, readAuthFailure, type OfflineTokenOptions } from "./offline-token.server";

const MINUTE = 60_000;
const clock = new VirtualClock(Date.UTC(2026, 11, 7, 9));
let fake: FakeShopify;
let testDatabase: TestDatabase;
let shopCounter = 0;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  fake = await startFakeShopify({ now: () => clock.now() });
});
afterAll(async () => {
  await fake?.close();
  await testDatabase?.drop();
});

const db = () => testDatabase.database;

/** A shop installed as token exchange leaves it: an expiring session minted by the fake. */
async function install(): Promise<string> {
  shopCounter += 1;
  const shop = `token-${shopCounter}.myshopify.com`;
  fake.addShop({ domain: shop });
  await storeNewSession(shop);
  await db().shop.create({ data: { shop } });
  return shop;
}

/** What PrismaSessionStorage writes after token exchange (install, or the merchant opening the app). */
async function storeNewSession(shop: string) {
  const token = fake.issueOfflineToken(shop);
  const data = {
    accessToken: token.access_token,
    expires: new Date(token.issuedAt + token.expires_in! * 1000),
    refreshToken: token.refresh_token,
    refreshTokenExpires: new Date(token.issuedAt + token.refresh_token_expires_in * 1000),
  };
  await db().session.upsert({
    where: { id: `offline_${shop}` },
    create: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: token.scope, ...data },
    update: data,
  });
  return data;
}

function keeper(overrides: Partial<OfflineTokenOptions> = {}) {
  return new OfflineTokens({
    database: db(),
    env: {
      SHOPIFY_ADMIN_API_BASE_URL: fake.url,
      SHOPIFY_API_KEY: DEFAULT_FAKE_APP.clientId,
      SHOPIFY_API_SECRET: DEFAULT_FAKE_APP.clientSecret,
    },
    now: () => clock.now(),
    provider: testDatabase.provider,
    ...overrides,
  });
}

const session = (shop: string) => db().session.findUniqueOrThrow({ where: { id: `offline_${shop}` } });
const granted = () => fake.tokenStats().refreshesGranted;
const alerts = (shop: string) => db().alert.findMany({ where: { shop, kind: "shopify_auth_failed" } });

async function shopName(client: AdminClient) {
  const { data } = await client.request<{ shop: { myshopifyDomain: string } }>(
    "query ShopName { shop { myshopifyDomain } }",
  );
  return data.shop.myshopifyDomain;
}

describe("offline tokens", () => {
  it("uses the stored token until 5 minutes before it expires, then refreshes once and stores the rotated refresh token", async () => {
    const shop = await install();
    const before = await session(shop);
    const tokens = keeper();
    const start = granted();
    expect(await tokens.tokenFor(shop)).toEqual({ ok: true, accessToken: before.accessToken });
    clock.advance(before.expires!.getTime() - REFRESH_MARGIN_MS - clock.now() - MINUTE);
    expect(await tokens.tokenFor(shop)).toEqual({ ok: true, accessToken: before.accessToken });
    expect(granted()).toBe(start);

    clock.advance(2 * MINUTE);
    const refreshed = await tokens.tokenFor(shop);
    expect(refreshed.ok && refreshed.accessToken).not.toBe(before.accessToken);
    const after = await session(shop);
    expect(after.accessToken).toBe(refreshed.ok && refreshed.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.expires!.getTime()).toBe(clock.now() + 60 * MINUTE);
    expect(after.refreshTokenExpires!.getTime()).toBeGreaterThan(clock.now() + 30 * 24 * 60 * MINUTE);
    expect(granted()).toBe(start + 1);
    // The new token works at Shopify.
    expect(
      await shopName(new AdminClient({ shop, tokens: tokens.sourceFor(shop), baseUrl: fake.url, retries: 0 })),
    ).toBe(shop);
  });

  it("makes one refresh however many callers need it at once, in one process or two", async () => {
    const shop = await install();
    clock.advance(58 * MINUTE);
    const start = granted();
    const one = keeper();
    const tokens = await Promise.all(Array.from({ length: 5 }, () => one.tokenFor(shop)));
    expect(granted()).toBe(start + 1);
    expect(new Set(tokens.map((token) => token.ok && token.accessToken)).size).toBe(1);

    // Two processes (two keepers, one database): the slow answer keeps the first one's lease held.
    const other = await install();
    clock.advance(58 * MINUTE);
    fake.setTokenBehaviour(other, { delayMs: 400 });
    const [first, second] = await Promise.all([keeper().tokenFor(other), keeper().tokenFor(other)]);
    fake.setTokenBehaviour(other, { delayMs: 0 });
    expect(granted()).toBe(start + 2);
    expect(first).toEqual(second);
    expect(first).toEqual({ ok: true, accessToken: (await session(other)).accessToken });
  });

  it("after a 401 refreshes once and retries the call", async () => {
    const shop = await install();
    const tokens = keeper();
    const client = new AdminClient({ shop, tokens: tokens.sourceFor(shop), baseUrl: fake.url, retries: 0 });
    expect(await shopName(client)).toBe(shop);
    const start = granted();
    // Shopify no longer takes the token although its stored expiry says it should.
    fake.expireAccessTokens(shop);
    clock.advance(2 * MINUTE);
    expect(await shopName(client)).toBe(shop);
    expect(granted()).toBe(start + 1);
    expect(await shopName(client)).toBe(shop);
    expect(granted()).toBe(start + 1);
  });

  it("recovers a lost refresh answer with the previous refresh token", async () => {
    const shop = await install();
    const before = await session(shop);
    clock.advance(57 * MINUTE);
    let lose = true;
    const losing: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (lose) {
        lose = false;
        throw new TypeError("fetch failed: connection reset after the answer was sent");
      }
      return response;
    };
    const tokens = keeper({ fetch: losing });
    const start = granted();
    expect(await tokens.tokenFor(shop)).toMatchObject({ ok: false, reason: "unavailable" });
    expect(granted()).toBe(start + 1);
    // Nothing stored, nothing marked.
    expect((await session(shop)).refreshToken).toBe(before.refreshToken);
    expect((await db().shop.findUniqueOrThrow({ where: { shop } })).shopifyAuthFailedAt).toBeNull();
    // Next call: Shopify still takes the previous refresh token (the lost token was never used).
    const token = await tokens.tokenFor(shop);
    expect(token.ok).toBe(true);
    expect(granted()).toBe(start + 2);
    expect((await session(shop)).refreshToken).not.toBe(before.refreshToken);
    expect(
      await shopName(new AdminClient({ shop, tokens: tokens.sourceFor(shop), baseUrl: fake.url, retries: 0 })),
    ).toBe(shop);
  });

  it("keeps a session stored during the refresh (compare-and-set on the refresh token)", async () => {
    const shop = await install();
    clock.advance(57 * MINUTE);
    let exchanged: { accessToken: string } | null = null;
    const racing: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      // The merchant opens the app meanwhile: token exchange stores a new session.
      exchanged = await storeNewSession(shop);
      return response;
    };
    const token = await keeper({ fetch: racing }).tokenFor(shop);
    expect(token).toEqual({ ok: true, accessToken: exchanged!.accessToken });
    expect((await session(shop)).accessToken).toBe(exchanged!.accessToken);
  });

  it("GIVEN answers without expires_in THEN refreshes again after 60 minutes, never valid forever", async () => {
    const shop = await install();
    fake.setTokenBehaviour(shop, { omitExpiresIn: true });
    const tokens = keeper();
    const client = new AdminClient({ shop, tokens: tokens.sourceFor(shop), baseUrl: fake.url, retries: 0 });
    const start = granted();
    for (let hour = 1; hour <= 3; hour += 1) {
      clock.advance(58 * MINUTE);
      expect(await shopName(client)).toBe(shop);
      expect(granted()).toBe(start + hour);
      const stored = await session(shop);
      // Unknown expiry: taken as 60 minutes, never as "valid forever".
      expect(stored.expires!.getTime()).toBe(clock.now() + 60 * MINUTE);
    }
    // A session stored without expiry (the library drops it, #3400) is refreshed at once.
    await db().session.update({ where: { id: `offline_${shop}` }, data: { expires: null } });
    clock.advance(2 * MINUTE);
    expect(
      await shopName(new AdminClient({ shop, tokens: keeper().sourceFor(shop), baseUrl: fake.url, retries: 0 })),
    ).toBe(shop);
    expect(granted()).toBe(start + 4);
    expect((await session(shop)).expires).not.toBeNull();
  });

  it("GIVEN Shopify refuses the refresh for good THEN marks the shop once with one alert and makes no more calls, until a new session is stored", async () => {
    const shop = await install();
    fake.setTokenBehaviour(shop, { refuseRefresh: "invalid_grant" });
    clock.advance(57 * MINUTE);
    const tokens = keeper();
    const refused = fake.tokenStats().refreshesRefused;
    expect(await tokens.tokenFor(shop)).toMatchObject({ ok: false, reason: "auth_failed" });
    const row = await db().shop.findUniqueOrThrow({ where: { shop } });
    expect(row.shopifyAuthFailedAt?.getTime()).toBe(clock.now());
    expect(readAuthFailure(row.shopifyAuthFailure)?.reason).toMatch(/invalid_grant/);
    expect(await alerts(shop)).toMatchObject([{ severity: "critical", resolvedAt: null, channel: null }]);

    // Later calls, from this keeper or another process's, do not ask Shopify again.
    clock.advance(10 * MINUTE);
    expect(await tokens.tokenFor(shop)).toMatchObject({ ok: false, reason: "auth_failed" });
    expect(await keeper().tokenFor(shop)).toMatchObject({ ok: false, reason: "auth_failed" });
    const client = new AdminClient({ shop, tokens: keeper().sourceFor(shop), baseUrl: fake.url });
    await expect(shopName(client)).rejects.toMatchObject({ code: "AUTH_FAILED" });
    expect(fake.tokenStats().refreshesRefused).toBe(refused + 1);
    expect(await alerts(shop)).toHaveLength(1);

    // The merchant opens Ballast: token exchange stores a new session, which clears it.
    fake.setTokenBehaviour(shop, { refuseRefresh: null });
    const fresh = await storeNewSession(shop);
    expect(await tokens.tokenFor(shop)).toEqual({ ok: true, accessToken: fresh.accessToken });
    expect((await db().shop.findUniqueOrThrow({ where: { shop } })).shopifyAuthFailedAt).toBeNull();
    expect(await alerts(shop)).toMatchObject([{ resolvedAt: expect.any(Date) }]);
  });

  it("GIVEN Shopify refuses the token (401) and then the refresh THEN the call fails at once as AUTH_FAILED, waiting for the merchant (not a permanent push failure)", async () => {
    const shop = await install();
    const tokens = keeper();
    const sleeps: number[] = [];
    const client = new AdminClient({
      shop,
      tokens: tokens.sourceFor(shop),
      baseUrl: fake.url,
      retries: 3,
      sleep: async (ms) => void sleeps.push(ms),
    });
    expect(await shopName(client)).toBe(shop);
    fake.expireAccessTokens(shop);
    fake.setTokenBehaviour(shop, { refuseRefresh: "invalid_grant" });
    clock.advance(2 * MINUTE);
    await expect(shopName(client)).rejects.toMatchObject({ code: "AUTH_FAILED", retryable: true });
    // No backoff, no retry.
    expect(sleeps).toEqual([]);
    expect(await alerts(shop)).toHaveLength(1);
    expect((await db().shop.findUniqueOrThrow({ where: { shop } })).shopifyAuthFailedAt).not.toBeNull();
  });

  it("GIVEN the token endpoint fails for now (503) THEN nothing is marked and the next call refreshes", async () => {
    const shop = await install();
    fake.setTokenBehaviour(shop, { serverErrorNext: 1 });
    clock.advance(57 * MINUTE);
    const tokens = keeper();
    const client = new AdminClient({ shop, tokens: tokens.sourceFor(shop), baseUrl: fake.url, retries: 0 });
    await expect(shopName(client)).rejects.toMatchObject({ code: "SERVER_ERROR", retryable: true });
    expect((await db().shop.findUniqueOrThrow({ where: { shop } })).shopifyAuthFailedAt).toBeNull();
    expect(await alerts(shop)).toHaveLength(0);
    expect(await shopName(client)).toBe(shop);
  });

  it("refuses with a wrong client secret: marked as a failure, not retried in a loop", async () => {
    const shop = await install();
    clock.advance(57 * MINUTE);
    const tokens = keeper({
      env: {
        SHOPIFY_ADMIN_API_BASE_URL: fake.url,
        SHOPIFY_API_KEY: DEFAULT_FAKE_APP.clientId,
        SHOPIFY_API_SECRET: "rotated-away",
      },
    });
    expect(await tokens.tokenFor(shop)).toMatchObject({
      ok: false,
      reason: "auth_failed",
      detail: expect.stringContaining("invalid_client"),
    });
  });
});

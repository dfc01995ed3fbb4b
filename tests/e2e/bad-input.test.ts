// @database
/**
 * Bad input over real HTTP, against the production build: every webhook route and every
 * /api/v1 route, with wrong or missing signatures, truncated, oversized or malformed
 * bodies, wrong types, unknown or mismatched shops, ids of another shop, absurd
 * quantities and bad session tokens. Each gets a clear 4xx with a short reason; the
 * database is exactly as before (every table, row by row); the server keeps serving.
 *
 * Stock webhooks are the one deliberate exception for *well-formed, correctly signed*
 * JSON of an unexpected shape: Shopify retries and eventually drops subscriptions that
 * answer errors, so such a delivery is recorded (200) and the worker marks it rejected
 * without touching stock (tests/e2e/webhook-fuzz.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type RunningApp } from "../../sim/app-server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { snapshotDatabase } from "../support/db-snapshot";
import { bearer, craftedToken, send, type Answer } from "../support/http";
import { CUSTOMER, orderWithCustomer } from "../support/secrets";
import { seedOfflineSession } from "../support/sessions";
import {
  BROWSER_USER_AGENT,
  sessionToken,
  shopifyHmac,
  signedWebhook,
  testServerEnv,
  TEST_SCOPES,
} from "../support/shopify";
import { BIG_VARIANT_ID, seedItem } from "./browser/seed";

const SHOP_A = "bad-input-a.myshopify.com";
const SHOP_B = "bad-input-b.myshopify.com";
const NOT_INSTALLED = "never-installed.myshopify.com";
const B_VARIANT = "55123456789012346";
const B_PRODUCT = "9234567890123";
const LIMIT = 2 * 1024 * 1024;

let testDatabase: TestDatabase;
let app: RunningApp;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  const database = testDatabase.database;
  await seedOfflineSession(database, SHOP_A);
  await seedOfflineSession(database, SHOP_B);
  await seedItem(database, SHOP_A, { available: 10 });
  await seedItem(database, SHOP_B, { variantId: B_VARIANT, productId: B_PRODUCT, available: 4, title: "B's item" });
  await database.alert.create({
    data: { shop: SHOP_B, kind: "drift", severity: "critical", dedupeKey: "b-drift", channel: "google" },
  });
  await database.orderRecord.create({
    data: { shop: SHOP_B, orderGid: "gid://shopify/Order/5001", placedAt: new Date(), sourceName: "web", lines: [] },
  });
  // No worker: what the database holds is exactly what the requests wrote.
  app = await startAppServer(testServerEnv({ DATABASE_URL: testDatabase.url, WORKER_MODE: "external" }));
});

afterAll(async () => {
  await app?.stop();
  await testDatabase?.drop();
});

interface Case {
  name: string;
  request: () => Promise<Answer>;
  status: number;
  /** The short reason: JSON error code for the API, text for webhooks. */
  reason: RegExp;
}

/** Sends a case, checks the answer, that nothing was written anywhere, and that the server still serves. */
async function expectRefused(testCase: Case) {
  const before = await snapshotDatabase(testDatabase.database);
  const answer = await testCase.request();
  expect(answer.status, `${testCase.name}: ${answer.text.slice(0, 200)}`).toBe(testCase.status);
  const reason = answer.json?.error ? `${answer.json.error.code}: ${answer.json.error.message}` : answer.text;
  expect(reason).toMatch(testCase.reason);
  expect(reason.length).toBeLessThan(300);
  expect(await snapshotDatabase(testDatabase.database)).toEqual(before);
  const healthy = await bearer(app.url, sessionToken(SHOP_A), "GET", `/api/v1/items/${BIG_VARIANT_ID}`);
  expect(healthy.status).toBe(200);
}

// ---------------------------------------------------------------- webhooks

interface WebhookRoute {
  path: string;
  topic: string;
  body: () => string;
}

const order = () => orderWithCustomer({ id: 820_001, variantId: BIG_VARIANT_ID, quantity: 2 });
const WEBHOOK_ROUTES: WebhookRoute[] = [
  { path: "/webhooks/stock", topic: "orders/create", body: order },
  {
    path: "/webhooks/app/uninstalled",
    topic: "app/uninstalled",
    body: () => JSON.stringify({ id: 1, domain: SHOP_A, myshopify_domain: SHOP_A }),
  },
  {
    path: "/webhooks/app/scopes_update",
    topic: "app/scopes_update",
    body: () =>
      JSON.stringify({
        id: 1,
        previous: TEST_SCOPES.split(","),
        current: ["read_products"],
        updated_at: new Date().toISOString(),
      }),
  },
  {
    path: "/webhooks/compliance",
    topic: "customers/data_request",
    body: () =>
      JSON.stringify({
        shop_id: 1,
        shop_domain: SHOP_A,
        customer: { id: 9, email: CUSTOMER.email, phone: CUSTOMER.phone },
        orders_requested: [820_001],
        data_request: { id: 1 },
      }),
  },
  {
    path: "/webhooks/compliance",
    topic: "customers/redact",
    body: () =>
      JSON.stringify({
        shop_id: 1,
        shop_domain: SHOP_A,
        customer: { id: 9, email: CUSTOMER.email, phone: CUSTOMER.phone },
        orders_to_redact: [820_001],
      }),
  },
  {
    path: "/webhooks/compliance",
    topic: "shop/redact",
    body: () => JSON.stringify({ shop_id: 1, shop_domain: SHOP_A }),
  },
];

function post(path: string, headers: Record<string, string>, body: string) {
  return send(`${app.url}${path}`, { method: "POST", headers, body });
}

function webhookCases(route: WebhookRoute): Case[] {
  const signed = (body = route.body(), shop = SHOP_A, topic = route.topic) => signedWebhook({ topic, shop, body });
  const without = (headers: Record<string, string>, name: string) =>
    Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));
  return [
    {
      name: "no HMAC header",
      status: 401,
      reason: /unauthori[sz]ed|hmac/i,
      request: () => {
        const w = signed();
        return post(route.path, without(w.headers, "X-Shopify-Hmac-Sha256"), w.body);
      },
    },
    {
      name: "HMAC made with another secret",
      status: 401,
      reason: /unauthori[sz]ed|hmac/i,
      request: () => {
        const w = signedWebhook({ topic: route.topic, shop: SHOP_A, body: route.body(), secret: "not-the-app-secret" });
        return post(route.path, w.headers, w.body);
      },
    },
    {
      name: "body changed after signing",
      status: 401,
      reason: /unauthori[sz]ed|hmac/i,
      request: () => {
        const w = signed();
        return post(route.path, w.headers, w.body.replace(/\d/, "9"));
      },
    },
    {
      name: "body truncated in transit",
      status: 401,
      reason: /unauthori[sz]ed|hmac/i,
      request: () => {
        const w = signed();
        return post(route.path, w.headers, w.body.slice(0, Math.floor(w.body.length / 2)));
      },
    },
    {
      name: "signed body that is truncated JSON",
      status: 400,
      reason: /json/i,
      request: () => {
        const w = signed(route.body().slice(0, 20));
        return post(route.path, w.headers, w.body);
      },
    },
    {
      name: "signed body that is not JSON at all",
      status: 400,
      reason: /json/i,
      request: () => {
        const w = signed("shop=a&x=1");
        return post(route.path, w.headers, w.body);
      },
    },
    {
      name: "body over the size limit",
      status: 413,
      reason: /too large/i,
      request: () => {
        const w = signed(`{"id":1,"note":"${"x".repeat(LIMIT + 10)}"}`);
        return post(route.path, w.headers, w.body);
      },
    },
    {
      name: "no X-Shopify-Topic header",
      status: 400,
      reason: /header|topic/i,
      request: () => {
        const w = signed();
        return post(route.path, without(w.headers, "X-Shopify-Topic"), w.body);
      },
    },
    {
      name: "no shop domain header",
      status: 400,
      reason: /header|shop/i,
      request: () => {
        const w = signed();
        return post(route.path, without(w.headers, "X-Shopify-Shop-Domain"), w.body);
      },
    },
    {
      name: "a shop domain that is not a myshopify.com domain",
      status: 400,
      reason: /header|shop/i,
      request: () => {
        const w = signed(route.body(), "evil.example.com");
        return post(route.path, w.headers, w.body);
      },
    },
    {
      name: "GET instead of POST",
      status: 405,
      reason: /method|post/i,
      request: () => send(`${app.url}${route.path}`),
    },
  ];
}

describe.each(WEBHOOK_ROUTES.map((route) => [`${route.path} (${route.topic})`, route] as const))(
  "webhook %s refuses bad input",
  (_label, route) => {
    it.each(webhookCases(route).map((testCase) => [testCase.name, testCase] as const))(
      "%s",
      async (_name, testCase) => {
        await expectRefused(testCase);
      },
    );
  },
);

describe("webhook payloads that are valid JSON but wrong for their topic", () => {
  const cases: Case[] = [
    {
      name: "stock: a shop that never installed Ballast",
      status: 404,
      reason: /unknown shop/i,
      request: () => {
        const w = signedWebhook({ topic: "orders/create", shop: NOT_INSTALLED, body: order() });
        return post("/webhooks/stock", w.headers, w.body);
      },
    },
    {
      name: "scopes_update: current is not a list of scopes",
      status: 422,
      reason: /current/i,
      request: () => {
        const w = signedWebhook({
          topic: "app/scopes_update",
          shop: SHOP_A,
          body: { id: 1, current: "read_products" },
        });
        return post("/webhooks/app/scopes_update", w.headers, w.body);
      },
    },
    {
      name: "customers/redact: orders_to_redact is not a list",
      status: 422,
      reason: /orders_to_redact/i,
      request: () => {
        const w = signedWebhook({
          topic: "customers/redact",
          shop: SHOP_B,
          body: { shop_domain: SHOP_B, orders_to_redact: "all" },
        });
        return post("/webhooks/compliance", w.headers, w.body);
      },
    },
    {
      name: "compliance: a topic that is not a compliance topic",
      status: 400,
      reason: /topic/i,
      request: () => {
        const w = signedWebhook({ topic: "orders/create", shop: SHOP_B, body: { shop_domain: SHOP_B } });
        return post("/webhooks/compliance", w.headers, w.body);
      },
    },
    {
      name: "shop/redact: the payload names another shop than the header",
      status: 400,
      reason: /shop/i,
      request: () => {
        const w = signedWebhook({ topic: "shop/redact", shop: SHOP_B, body: { shop_id: 2, shop_domain: SHOP_A } });
        return post("/webhooks/compliance", w.headers, w.body);
      },
    },
    {
      name: "customers/redact: the payload names another shop than the header",
      status: 400,
      reason: /shop/i,
      request: () => {
        const w = signedWebhook({
          topic: "customers/redact",
          shop: SHOP_B,
          body: { shop_domain: SHOP_A, orders_to_redact: [5001] },
        });
        return post("/webhooks/compliance", w.headers, w.body);
      },
    },
    {
      name: "app/uninstalled: the payload names another shop than the header",
      status: 400,
      reason: /shop/i,
      request: () => {
        const w = signedWebhook({ topic: "app/uninstalled", shop: SHOP_B, body: { id: 1, myshopify_domain: SHOP_A } });
        return post("/webhooks/app/uninstalled", w.headers, w.body);
      },
    },
  ];
  it.each(cases.map((testCase) => [testCase.name, testCase] as const))("%s", async (_name, testCase) => {
    await expectRefused(testCase);
  });
});

// ---------------------------------------------------------------- /api/v1

const API_ROUTES: { method: string; path: string; body?: string }[] = [
  { method: "GET", path: `/api/v1/items/${BIG_VARIANT_ID}` },
  {
    method: "PUT",
    path: `/api/v1/items/${BIG_VARIANT_ID}/overrides/meta`,
    body: JSON.stringify({ quantity: 1, expiresAt: new Date(Date.now() + 3_600_000).toISOString() }),
  },
  { method: "DELETE", path: `/api/v1/items/${BIG_VARIANT_ID}/overrides/meta` },
  { method: "GET", path: `/api/v1/products/8234567890123/items` },
  { method: "POST", path: "/api/v1/channels/online_store/pause", body: JSON.stringify({ mode: "stop_selling" }) },
  { method: "POST", path: "/api/v1/resync" },
  { method: "GET", path: "/api/v1/alerts" },
];

const BAD_TOKENS: [string, () => string | null][] = [
  ["no session token", () => null],
  ["a token signed with another secret", () => craftedToken(SHOP_A, { secret: "forged" })],
  ["an expired token", () => craftedToken(SHOP_A, { expiresAt: Math.floor(Date.now() / 1000) - 600 })],
  ["a token for another app (audience)", () => craftedToken(SHOP_A, { audience: "someone-elses-app" })],
  ["an unsigned token (alg none)", () => craftedToken(SHOP_A, { algorithm: "none" })],
  ["a bearer value that is not a JWT", () => "not-a-token"],
];

describe.each(API_ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
  "%s refuses bad session tokens",
  (_label, route) => {
    it.each(BAD_TOKENS)("%s", async (_name, token) => {
      await expectRefused({
        name: _name,
        status: 401,
        reason: /^unauthorized/,
        request: () => bearer(app.url, token(), route.method, route.path, route.body),
      });
    });
  },
);

describe("/api/v1 refuses bad requests", () => {
  const inOneHour = () => new Date(Date.now() + 3_600_000).toISOString();
  const override = (body: string, variant = BIG_VARIANT_ID, channel = "meta") =>
    bearer(app.url, sessionToken(SHOP_A), "PUT", `/api/v1/items/${variant}/overrides/${channel}`, body);
  const cases: Case[] = [
    {
      name: "override: body is not JSON",
      status: 400,
      reason: /^invalid_json/,
      request: () => override("{quantity: 3"),
    },
    {
      name: "override: body truncated",
      status: 400,
      reason: /^invalid_json/,
      request: () => override(JSON.stringify({ quantity: 3, expiresAt: inOneHour() }).slice(0, 15)),
    },
    {
      name: "override: body over the size limit",
      status: 413,
      reason: /^body_too_large/,
      request: () => override(JSON.stringify({ quantity: 1, expiresAt: inOneHour(), reason: "x".repeat(LIMIT) })),
    },
    {
      name: "override: quantity is a string",
      status: 400,
      reason: /^invalid_body/,
      request: () => override(JSON.stringify({ quantity: "3", expiresAt: inOneHour() })),
    },
    {
      name: "override: quantity is negative",
      status: 400,
      reason: /^invalid_body/,
      request: () => override(JSON.stringify({ quantity: -1, expiresAt: inOneHour() })),
    },
    {
      name: "override: quantity is absurd",
      status: 400,
      reason: /^invalid_body/,
      request: () => override(JSON.stringify({ quantity: 1e15, expiresAt: inOneHour() })),
    },
    {
      name: "override: quantity is not an integer",
      status: 400,
      reason: /^invalid_body/,
      request: () => override(JSON.stringify({ quantity: 2.5, expiresAt: inOneHour() })),
    },
    {
      name: "override: quantity above what is sellable",
      status: 422,
      reason: /^override_exceeds_sellable/,
      request: () => override(JSON.stringify({ quantity: 11, expiresAt: inOneHour() })),
    },
    {
      name: "override: expiry is not a date",
      status: 400,
      reason: /^invalid_body/,
      request: () => override(JSON.stringify({ quantity: 1, expiresAt: "tomorrow" })),
    },
    {
      name: "override: expiry in the past",
      status: 422,
      reason: /^override_already_expired/,
      request: () => override(JSON.stringify({ quantity: 1, expiresAt: new Date(Date.now() - 60_000).toISOString() })),
    },
    {
      name: "override: body is a JSON array",
      status: 400,
      reason: /^invalid_body/,
      request: () => override("[1,2,3]"),
    },
    {
      name: "override: unknown field",
      status: 400,
      reason: /^invalid_body/,
      request: () => override(JSON.stringify({ quantity: 1, expiresAt: inOneHour(), shop: SHOP_B })),
    },
    {
      name: "override: unknown channel",
      status: 400,
      reason: /^invalid_channel/,
      request: () => override(JSON.stringify({ quantity: 1, expiresAt: inOneHour() }), BIG_VARIANT_ID, "tiktok"),
    },
    {
      name: "override: another shop's variant",
      status: 404,
      reason: /^item_not_found/,
      request: () => override(JSON.stringify({ quantity: 0, expiresAt: inOneHour() }), B_VARIANT),
    },
    {
      name: "override: malformed variant id",
      status: 400,
      reason: /^invalid_variant_id/,
      request: () => override(JSON.stringify({ quantity: 0, expiresAt: inOneHour() }), "12.5"),
    },
    {
      name: "override: a variant id of 40 digits",
      status: 400,
      reason: /^invalid_variant_id/,
      request: () => override(JSON.stringify({ quantity: 0, expiresAt: inOneHour() }), "9".repeat(40)),
    },
    {
      name: "clear override: another shop's variant",
      status: 404,
      reason: /^override_not_found/,
      request: () => bearer(app.url, sessionToken(SHOP_A), "DELETE", `/api/v1/items/${B_VARIANT}/overrides/meta`),
    },
    {
      name: "item: another shop's variant",
      status: 404,
      reason: /^item_not_found/,
      request: () => bearer(app.url, sessionToken(SHOP_A), "GET", `/api/v1/items/${B_VARIANT}`),
    },
    {
      name: "item: a product GID instead of a variant",
      status: 400,
      reason: /^invalid_variant_id/,
      request: () =>
        bearer(app.url, sessionToken(SHOP_A), "GET", `/api/v1/items/${encodeURIComponent("gid://shopify/Product/1")}`),
    },
    {
      name: "product: malformed id",
      status: 400,
      reason: /^invalid_product_id/,
      request: () => bearer(app.url, sessionToken(SHOP_A), "GET", "/api/v1/products/abc/items"),
    },
    {
      name: "channel: unknown channel",
      status: 400,
      reason: /^invalid_channel/,
      request: () => bearer(app.url, sessionToken(SHOP_A), "POST", "/api/v1/channels/tiktok/pause", "{}"),
    },
    {
      name: "channel: unknown action",
      status: 404,
      reason: /^not_found/,
      request: () => bearer(app.url, sessionToken(SHOP_A), "POST", "/api/v1/channels/meta/explode", "{}"),
    },
    {
      name: "channel: mode of the wrong type",
      status: 400,
      reason: /^invalid_body/,
      request: () =>
        bearer(
          app.url,
          sessionToken(SHOP_A),
          "POST",
          "/api/v1/channels/online_store/pause",
          JSON.stringify({ mode: 3 }),
        ),
    },
    {
      name: "channel: body is not JSON",
      status: 400,
      reason: /^invalid_json/,
      request: () =>
        bearer(app.url, sessionToken(SHOP_A), "POST", "/api/v1/channels/online_store/pause", "mode=freeze"),
    },
    {
      name: "channel: body over the size limit",
      status: 413,
      reason: /^body_too_large/,
      request: () =>
        bearer(
          app.url,
          sessionToken(SHOP_A),
          "POST",
          "/api/v1/channels/online_store/pause",
          JSON.stringify({ mode: "freeze", reason: "x".repeat(LIMIT) }),
        ),
    },
    {
      name: "channel: not connected",
      status: 409,
      reason: /^channel_not_connected/,
      request: () => bearer(app.url, sessionToken(SHOP_A), "POST", "/api/v1/channels/meta/pause", "{}"),
    },
    {
      name: "channel: GET instead of POST",
      status: 405,
      reason: /^method_not_allowed/,
      request: () => bearer(app.url, sessionToken(SHOP_A), "GET", "/api/v1/channels/online_store/pause"),
    },
    {
      name: "resync: GET instead of POST",
      status: 405,
      reason: /^method_not_allowed/,
      request: () => bearer(app.url, sessionToken(SHOP_A), "GET", "/api/v1/resync"),
    },
    {
      name: "alerts: unknown status filter",
      status: 400,
      reason: /^invalid_query/,
      request: () => bearer(app.url, sessionToken(SHOP_A), "GET", "/api/v1/alerts?status=maybe"),
    },
    {
      name: "alerts: absurd limit",
      status: 400,
      reason: /^invalid_query/,
      request: () => bearer(app.url, sessionToken(SHOP_A), "GET", "/api/v1/alerts?limit=100000000"),
    },
  ];
  it.each(cases.map((testCase) => [testCase.name, testCase] as const))("%s", async (_name, testCase) => {
    await expectRefused(testCase);
  });
});

describe("embedded page actions refuse bad requests", () => {
  const form = (path: string, body: string) =>
    send(`${app.url}${path}.data`, {
      method: "POST",
      headers: {
        "User-Agent": BROWSER_USER_AGENT,
        Authorization: `Bearer ${sessionToken(SHOP_A)}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body,
    });
  const cases: Case[] = [
    {
      name: "channels: form post over the size limit",
      status: 413,
      reason: /too large/i,
      request: () => form("/app/channels", `intent=pause&channel=online_store&reason=${"x".repeat(300 * 1024)}`),
    },
    {
      name: "item: form post over the size limit",
      status: 413,
      reason: /too large/i,
      request: () =>
        form(`/app/items/${BIG_VARIANT_ID}`, `intent=set&channel=meta&quantity=1&reason=${"x".repeat(300 * 1024)}`),
    },
  ];
  it.each(cases.map((testCase) => [testCase.name, testCase] as const))("%s", async (_name, testCase) => {
    await expectRefused(testCase);
  });
});

describe("the server after all of it", () => {
  it("still records a valid webhook and serves a valid API call", async () => {
    const webhook = signedWebhook({ topic: "orders/create", shop: SHOP_A, body: order() });
    const recorded = await post("/webhooks/stock", webhook.headers, webhook.body);
    expect(recorded.status).toBe(200);
    const item = await bearer(app.url, sessionToken(SHOP_A), "GET", `/api/v1/items/${BIG_VARIANT_ID}`);
    expect(item.status).toBe(200);
    expect(shopifyHmac(webhook.body)).toBe(webhook.headers["X-Shopify-Hmac-Sha256"]);
  });
});

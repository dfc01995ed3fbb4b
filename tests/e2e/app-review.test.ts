// @database
/**
 * Shopify App Store review requirements that the production build must meet, over real
 * HTTP (docs/app-review.md maps each requirement to a test here or elsewhere):
 * session tokens on every embedded request, CSP frame-ancestors per shop on documents,
 * uninstall cleanup, scopes update, and the three mandatory compliance webhooks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialContext } from "~/channels/connection-config";
import { createKeyring, encryptSecret } from "~/security/crypto.server";
import { startAppServer, type RunningApp } from "../../sim/app-server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { MODELS, shopRowCounts, snapshotDatabase } from "../support/db-snapshot";
import { bearer, craftedToken, openDocument, postWebhook, send } from "../support/http";
import { CUSTOMER, orderWithCustomer } from "../support/secrets";
import { markOnboarded, seedOfflineSession } from "../support/sessions";
import {
  BROWSER_USER_AGENT,
  sessionToken,
  signedWebhook,
  testServerEnv,
  TEST_ENCRYPTION_KEY,
  TEST_SCOPES,
} from "../support/shopify";
import { LOCATION, seedItem } from "./browser/seed";

const SHOP = "review-a.myshopify.com";
const OTHER = "review-b.myshopify.com";
const VARIANT = "44960469696645777";
const keyring = createKeyring(Buffer.from(TEST_ENCRYPTION_KEY, "base64"));

let testDatabase: TestDatabase;
let app: RunningApp;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  for (const shop of [SHOP, OTHER]) {
    await seedOfflineSession(testDatabase.database, shop);
    await markOnboarded(testDatabase.database, shop);
    await seedItem(testDatabase.database, shop, { variantId: VARIANT, available: 6, title: `Item of ${shop}` });
  }
  app = await startAppServer(testServerEnv({ DATABASE_URL: testDatabase.url, WORKER_MODE: "external" }));
});

afterAll(async () => {
  await app?.stop();
  await testDatabase?.drop();
});

const PAGES = [
  "/app",
  "/app/activity",
  "/app/alerts",
  "/app/buffers",
  "/app/channels",
  "/app/channels/meta",
  `/app/items/${VARIANT}`,
  "/app/items",
  "/app/rehearsal",
  "/app/settings",
];

describe("session tokens on every embedded request", () => {
  it.each(PAGES)(
    "document %s: rendered with a valid token, never without one or with a forged or expired one",
    async (path) => {
      const valid = await openDocument(app.url, SHOP, path);
      expect(valid.status).toBe(200);
      expect(valid.text).toContain("<html");

      const missing = await openDocument(app.url, SHOP, path, { token: null });
      expect(missing.status).toBe(302);
      expect(missing.headers.get("location")).toContain("/auth/session-token");
      for (const token of [
        sessionToken(SHOP, { secret: "forged" }),
        craftedToken(SHOP, { expiresAt: Math.floor(Date.now() / 1000) - 600 }),
      ]) {
        const refused = await openDocument(app.url, SHOP, path, { token });
        expect([302, 401]).toContain(refused.status);
        expect(refused.text).not.toContain(`Item of ${SHOP}`);
      }
    },
  );

  it.each(PAGES)("data request %s.data (client navigation): needs the Bearer session token", async (path) => {
    const dataPath = `${path}.data`;
    const valid = await bearer(app.url, sessionToken(SHOP), "GET", dataPath);
    expect(valid.status).toBe(200);
    for (const token of [
      null,
      sessionToken(SHOP, { secret: "forged" }),
      craftedToken(SHOP, { audience: "another-app" }),
    ]) {
      const refused = await bearer(app.url, token, "GET", dataPath);
      expect(refused.status, `${dataPath} with ${token ? "a bad" : "no"} token`).not.toBe(200);
      expect(refused.status).toBeLessThan(500);
      expect(refused.text).not.toContain(`Item of ${SHOP}`);
    }
  });

  it.each(["/app/alerts", "/app/channels", `/app/items/${VARIANT}`])(
    "action %s: refused without a valid session token, nothing written",
    async (path) => {
      const before = await snapshotDatabase(testDatabase.database);
      for (const token of [null, sessionToken(SHOP, { secret: "forged" })]) {
        const headers: Record<string, string> = {
          "User-Agent": BROWSER_USER_AGENT,
          "Content-Type": "application/x-www-form-urlencoded",
        };
        if (token) headers.Authorization = `Bearer ${token}`;
        const answer = await send(`${app.url}${path}.data`, {
          method: "POST",
          headers,
          body: "intent=pause&channel=online_store&mode=freeze&id=x",
        });
        expect(answer.status).not.toBe(200);
        expect(answer.status).toBeLessThan(500);
      }
      expect(await snapshotDatabase(testDatabase.database)).toEqual(before);
    },
  );
});

const SHOPIFY_ADMIN_HOSTS = [
  "https://admin.shopify.com",
  "https://*.spin.dev",
  "https://admin.myshopify.io",
  "https://admin.shop.dev",
];

describe("Content-Security-Policy frame-ancestors on documents", () => {
  it.each([SHOP, OTHER])("every page opened by %s may be framed by that shop's admin only", async (shop) => {
    for (const path of PAGES) {
      const page = await openDocument(app.url, shop, path);
      expect(page.status).toBe(200);
      const policy = page.headers.get("content-security-policy") ?? "";
      const ancestors = /frame-ancestors ([^;]+)/.exec(policy)?.[1]?.trim().split(/\s+/) ?? [];
      expect(ancestors).toContain(`https://${shop}`);
      expect(ancestors).toContain("https://admin.shopify.com");
      // The rest is Shopify's own admin hosts (set by @shopify/shopify-app-remix); never another shop, never a bare wildcard.
      expect(
        ancestors.filter((source) => source !== `https://${shop}` && !SHOPIFY_ADMIN_HOSTS.includes(source)),
      ).toEqual([]);
    }
  });
});

describe("the shop in the URL must be the session token's shop", () => {
  it("a document asked with shop=B in the URL and A's session token is refused (400): A's page is never framed by B's admin", async () => {
    const host = Buffer.from(`admin.shopify.com/store/review-b`).toString("base64url");
    const query = new URLSearchParams({ embedded: "1", shop: OTHER, host, id_token: sessionToken(SHOP) });
    const answer = await send(`${app.url}/app/items/${VARIANT}?${query.toString()}`, {
      headers: { "User-Agent": BROWSER_USER_AGENT },
    });
    expect(answer.status).toBe(400);
    expect(answer.text).not.toContain(`Item of ${SHOP}`);
    expect(answer.text).not.toContain(`Item of ${OTHER}`);
  });
});

describe("app/uninstalled", () => {
  it("deletes the shop's sessions, stops its channels and leases, keeps other shops; the shop's webhooks and API calls are refused afterwards", async () => {
    const shop = "review-uninstalling.myshopify.com";
    const database = testDatabase.database;
    await seedOfflineSession(database, shop);
    await database.shop.create({ data: { shop } });
    await seedItem(database, shop, { variantId: VARIANT, available: 3 });
    await database.channelConnection.create({
      data: {
        shop,
        channel: "meta",
        config: { catalogId: "1" },
        encryptedCredentials: encryptSecret({ accessToken: "EAAB-review-token-123456" }, keyring, {
          context: credentialContext(shop, "meta"),
        }),
      },
    });
    await database.channelLease.create({
      data: { shop, channel: "meta", owner: "worker-1", expiresAt: new Date(Date.now() + 60_000) },
    });
    const othersBefore = await snapshotDatabase(database, { shop: OTHER });

    const uninstall = signedWebhook({
      topic: "app/uninstalled",
      shop,
      body: { id: 1, domain: shop, myshopify_domain: shop },
    });
    expect((await postWebhook(app.url, "/webhooks/app/uninstalled", uninstall)).status).toBe(200);
    // Shopify may deliver it again: still 200, same state.
    expect(
      (
        await postWebhook(
          app.url,
          "/webhooks/app/uninstalled",
          signedWebhook({ topic: "app/uninstalled", shop, body: { id: 1, myshopify_domain: shop } }),
        )
      ).status,
    ).toBe(200);

    expect(await database.session.count({ where: { shop } })).toBe(0);
    expect(
      (await database.channelConnection.findUnique({ where: { shop_channel: { shop, channel: "meta" } } }))?.state,
    ).toBe("disconnected");
    expect(await database.channelLease.count({ where: { shop } })).toBe(0);
    expect((await database.shop.findUnique({ where: { shop } }))?.uninstalledAt).not.toBeNull();
    expect(await snapshotDatabase(database, { shop: OTHER })).toEqual(othersBefore);

    const order = signedWebhook({
      topic: "orders/create",
      shop,
      body: orderWithCustomer({ id: 1, variantId: VARIANT, quantity: 1 }),
    });
    expect((await postWebhook(app.url, "/webhooks/stock", order)).status).toBe(404);
    expect(await database.webhookEvent.count({ where: { shop } })).toBe(0);
  });
});

describe("app/scopes_update", () => {
  it("keeps the stored offline session's scopes equal to what the merchant granted", async () => {
    const granted = ["read_products", "read_inventory", "write_inventory"];
    const update = signedWebhook({
      topic: "app/scopes_update",
      shop: OTHER,
      body: { id: 1, previous: TEST_SCOPES.split(","), current: granted, updated_at: new Date().toISOString() },
    });
    expect((await postWebhook(app.url, "/webhooks/app/scopes_update", update)).status).toBe(200);
    expect((await testDatabase.database.session.findUnique({ where: { id: `offline_${OTHER}` } }))?.scope).toBe(
      granted.join(","),
    );
    // Restored for the other tests.
    await testDatabase.database.session.update({ where: { id: `offline_${OTHER}` }, data: { scope: TEST_SCOPES } });
  });
});

/** One row in every table for `shop`: shop/redact must leave none. */
async function seedEveryTable(shop: string) {
  const database = testDatabase.database;
  const variantGid = `gid://shopify/ProductVariant/${VARIANT}`;
  const now = new Date();
  await seedOfflineSession(database, shop);
  await database.shop.create({ data: { shop, settings: { alerts: {} } } });
  await seedItem(database, shop, { variantId: VARIANT, available: 5 });
  await database.location.create({ data: { shop, gid: LOCATION, name: "Warehouse" } });
  await database.orderRecord.create({
    data: { shop, orderGid: "gid://shopify/Order/1", placedAt: now, lines: [{ variantGid, quantity: 1 }] },
  });
  await database.bufferRule.create({
    data: { shop, channel: "meta", scope: "shop", rule: { kind: "fixed", units: 1 } },
  });
  await database.override.create({
    data: { shop, channel: "meta", variantGid, quantity: 1, expiresAt: new Date(Date.now() + 60_000) },
  });
  await database.channelConnection.create({ data: { shop, channel: "meta", config: { catalogId: "1" } } });
  await database.channelItemState.create({
    data: {
      shop,
      channel: "meta",
      itemKey: VARIANT,
      variantGid,
      desired: 1,
      desiredAvailability: "in stock",
      explanation: {},
      computedAt: now,
    },
  });
  await database.channelLease.create({ data: { shop, channel: "meta", owner: "w", expiresAt: now } });
  await database.webhookEvent.create({
    data: { shop, eventId: "e1", topic: "orders/create", webhookId: "w1", apiVersion: "2026-10", payload: "{}" },
  });
  await database.operation.create({ data: { shop, kind: "resync" } });
  await database.lagSample.create({ data: { shop, channel: "meta", pushedAt: now, observedAt: now, lagMs: 1000 } });
  const alert = await database.alert.create({
    data: { shop, kind: "lag_high", severity: "warning", dedupeKey: "meta:lag_high", channel: "meta" },
  });
  await database.driftEpisode.create({
    data: { shop, channel: "meta", itemKey: VARIANT, variantGid, expected: 1, observed: 2, startedAt: now },
  });
  await database.alertDelivery.create({ data: { shop, alertId: alert.id, target: "email", event: "opened" } });
  await database.feedToken.create({ data: { shop, channel: "meta", tokenHash: `hash-of-${shop}` } });
  await database.activity.create({ data: { shop, kind: "override_set", details: {} } });
  await database.googleProductUpdate.create({ data: { shop, offerId: "o1", at: now } });
  await database.heldStock.create({
    data: { shop, inventoryItemGid: "gid://shopify/InventoryItem/1", locationGid: LOCATION, variantGid, units: 2 },
  });
  await database.holdMove.create({
    data: { shop, idempotencyKey: `ballast-${shop}`, move: { input: { changes: [] }, effects: [] } },
  });
}

describe("mandatory compliance webhooks", () => {
  it("customers/data_request: answered 200; nothing is stored about customers, so nothing changes", async () => {
    const before = await snapshotDatabase(testDatabase.database);
    const request = signedWebhook({
      topic: "customers/data_request",
      shop: SHOP,
      body: {
        shop_id: 1,
        shop_domain: SHOP,
        customer: { id: 9, email: CUSTOMER.email, phone: CUSTOMER.phone },
        orders_requested: [1],
        data_request: { id: 7 },
      },
    });
    expect((await postWebhook(app.url, "/webhooks/compliance", request)).status).toBe(200);
    expect(await snapshotDatabase(testDatabase.database)).toEqual(before);
  });

  it("customers/redact: deletes the customer's order records in that shop only", async () => {
    const database = testDatabase.database;
    for (const shop of [SHOP, OTHER]) {
      for (const id of ["8101", "8102"])
        await database.orderRecord.create({
          data: { shop, orderGid: `gid://shopify/Order/${id}`, placedAt: new Date(), lines: [] },
        });
    }
    const redact = signedWebhook({
      topic: "customers/redact",
      shop: SHOP,
      body: { shop_id: 1, shop_domain: SHOP, customer: { id: 9, email: CUSTOMER.email }, orders_to_redact: [8101] },
    });
    expect((await postWebhook(app.url, "/webhooks/compliance", redact)).status).toBe(200);
    const left = await database.orderRecord.findMany({
      where: { orderGid: { in: ["gid://shopify/Order/8101", "gid://shopify/Order/8102"] } },
      select: { shop: true, orderGid: true },
    });
    expect(left.map((row) => `${row.shop} ${row.orderGid}`).sort()).toEqual(
      [
        `${OTHER} gid://shopify/Order/8101`,
        `${OTHER} gid://shopify/Order/8102`,
        `${SHOP} gid://shopify/Order/8102`,
      ].sort(),
    );
  });

  it("shop/redact: deletes every row of the shop in every table, and nothing of another shop", async () => {
    const shop = "review-redacted.myshopify.com";
    await seedEveryTable(shop);
    const seeded = await shopRowCounts(testDatabase.database, shop);
    // A table added later must be seeded here too, or this test would not cover it.
    expect(
      Object.entries(seeded)
        .filter(([, rows]) => rows === 0)
        .map(([model]) => model),
    ).toEqual([]);
    expect(Object.keys(seeded).sort()).toEqual([...MODELS].sort());
    const othersBefore = await snapshotDatabase(testDatabase.database, { shop: OTHER });

    const redact = signedWebhook({ topic: "shop/redact", shop, body: { shop_id: 3, shop_domain: shop } });
    expect((await postWebhook(app.url, "/webhooks/compliance", redact)).status).toBe(200);

    const left = Object.entries(await shopRowCounts(testDatabase.database, shop)).filter(([, rows]) => rows > 0);
    expect(left).toEqual([]);
    expect(await snapshotDatabase(testDatabase.database, { shop: OTHER })).toEqual(othersBefore);
    // Delivered again (Shopify retries): still 200.
    expect(
      (
        await postWebhook(
          app.url,
          "/webhooks/compliance",
          signedWebhook({ topic: "shop/redact", shop, body: { shop_id: 3, shop_domain: shop } }),
        )
      ).status,
    ).toBe(200);
  });
});

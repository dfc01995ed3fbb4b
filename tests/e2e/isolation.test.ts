// @database
/**
 * Two installed shops, A and B, each with items, alerts, activity, a connected Meta
 * channel, feed URLs and alert delivery targets; every row carries a marker only B has.
 * Everything shop A can reach — every embedded page and its actions, every /api/v1 route,
 * the fallback feed URLs, alert delivery (email and signed webhook), compliance webhooks —
 * neither shows B's markers nor changes any of B's rows (every table, row by row). Each
 * check also finds A's own data, so an empty answer cannot pass for isolation.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialContext } from "~/channels/connection-config";
import { deliverAlerts } from "~/monitor/delivery.server";
import { DEFAULT_ALERT_SETTINGS } from "../../app/records/alert-settings";
import { rotateFeedToken } from "~/monitor/feeds.server";
import { setAlertSettings } from "../../app/records/alert-settings.server";
import { createKeyring, encryptSecret } from "~/security/crypto.server";
import { startAppServer, type RunningApp } from "../../sim/app-server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp";
import { startWebhookReceiver, type TestWebhookReceiver } from "../support/webhook-receiver";
import { snapshotDatabase } from "../support/db-snapshot";
import { bearer, openDocument, postWebhook, send } from "../support/http";
import { seedOfflineSession } from "../support/sessions";
import {
  BROWSER_USER_AGENT,
  sessionToken,
  signedWebhook,
  testServerEnv,
  TEST_ENCRYPTION_KEY,
} from "../support/shopify";
import { seedItem } from "./browser/seed";

const keyring = createKeyring(Buffer.from(TEST_ENCRYPTION_KEY, "base64"));

interface ShopFixture {
  shop: string;
  variant: string;
  product: string;
  title: string;
  sku: string;
  catalogId: string;
  feedItem: string;
  alertNote: string;
  activityNote: string;
  order: string;
  email: string;
  feedToken?: string;
  alertId?: string;
}

const A: ShopFixture = {
  shop: "isolation-a.myshopify.com",
  variant: "44960469696645001",
  product: "8234567890001",
  title: "Alpha wool scarf",
  sku: "A-ONLY-SKU-11",
  catalogId: "a-catalog-1111",
  feedItem: "a-feed-item-1111",
  alertNote: "a-only-alert-note",
  activityNote: "a-only-activity-note",
  order: "7001",
  email: "owner@shop-a.example",
};
const B: ShopFixture = {
  shop: "isolation-b.myshopify.com",
  variant: "55123456789012347",
  product: "9234567890777",
  title: "Brass lamp of shop B",
  sku: "B-ONLY-SKU-77",
  catalogId: "b-catalog-31337",
  feedItem: "b-feed-item-9191",
  alertNote: "b-only-alert-note",
  activityNote: "b-only-activity-note",
  order: "7002",
  email: "owner@shop-b.example",
};

const markers = (fixture: ShopFixture) => [
  fixture.variant,
  fixture.title,
  fixture.sku,
  fixture.catalogId,
  fixture.feedItem,
  fixture.alertNote,
  fixture.activityNote,
];

let testDatabase: TestDatabase;
let app: RunningApp;
let smtp: TestSmtpServer;
let receiver: TestWebhookReceiver;
const webhookSecrets = new Map<string, string>();

async function seedShop(fixture: ShopFixture) {
  const database = testDatabase.database;
  await seedOfflineSession(database, fixture.shop);
  await database.shop.create({ data: { shop: fixture.shop, onboardedAt: new Date() } });
  await seedItem(database, fixture.shop, {
    variantId: fixture.variant,
    productId: fixture.product,
    title: fixture.title,
    sku: fixture.sku,
    available: 9,
  });
  const alert = await database.alert.create({
    data: {
      shop: fixture.shop,
      kind: "lag_high",
      severity: "warning",
      dedupeKey: "meta:lag_high",
      channel: "meta",
      details: { note: fixture.alertNote },
    },
  });
  fixture.alertId = alert.id;
  await database.activity.create({
    data: {
      shop: fixture.shop,
      kind: "channel_paused",
      channel: "meta",
      variantGid: `gid://shopify/ProductVariant/${fixture.variant}`,
      details: { note: fixture.activityNote },
    },
  });
  await database.channelConnection.create({
    data: {
      shop: fixture.shop,
      channel: "meta",
      // Activated: a channel in observe mode has an empty feed.
      activatedAt: new Date(),
      config: { catalogId: fixture.catalogId, itemIdTemplate: "{variantId}" },
      encryptedCredentials: encryptSecret({ accessToken: `EAAB-isolation-${fixture.shop}` }, keyring, {
        context: credentialContext(fixture.shop, "meta"),
      }),
    },
  });
  await database.channelItemState.create({
    data: {
      shop: fixture.shop,
      channel: "meta",
      itemKey: fixture.feedItem,
      variantGid: `gid://shopify/ProductVariant/${fixture.variant}`,
      desired: 5,
      desiredAvailability: "in stock",
      explanation: {},
      computedAt: new Date(),
    },
  });
  await database.orderRecord.create({
    data: { shop: fixture.shop, orderGid: `gid://shopify/Order/${fixture.order}`, placedAt: new Date(), lines: [] },
  });
  fixture.feedToken = await rotateFeedToken(database, fixture.shop, "meta", new Date());
  const saved = await setAlertSettings(
    database,
    fixture.shop,
    {
      ...DEFAULT_ALERT_SETTINGS,
      email: {
        enabled: true,
        host: "127.0.0.1",
        port: smtp.port,
        secure: false,
        from: "ballast@example.com",
        to: [fixture.email],
      },
      webhook: { enabled: true, url: `${receiver.url}/${fixture.shop}` },
    },
    keyring,
  );
  if (!saved.ok || !saved.generatedWebhookSecret) throw new Error("alert settings not saved");
  webhookSecrets.set(fixture.shop, saved.generatedWebhookSecret);
}

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  smtp = await startSmtpServer();
  receiver = await startWebhookReceiver("/alerts");

  await seedShop(A);
  await seedShop(B);
  // No worker: the only writes are the ones the requests make.
  app = await startAppServer(testServerEnv({ DATABASE_URL: testDatabase.url, WORKER_MODE: "external" }));
});

afterAll(async () => {
  await app?.stop();
  await smtp?.close();
  await receiver?.close();
  await testDatabase?.drop();
});

function expectOnly(body: string, own: ShopFixture, other: ShopFixture, what: string, ownMarkers: string[]) {
  for (const marker of markers(other))
    expect(body.includes(marker), `${what} shows ${other.shop}'s ${marker}`).toBe(false);
  for (const marker of ownMarkers)
    expect(body.includes(marker), `${what} should show ${own.shop}'s ${marker}`).toBe(true);
}

/** A page action as App Bridge sends it (single fetch: POST to the route's .data URL). */
function pageAction(shop: string, path: string, form: Record<string, string>) {
  return send(`${app.url}${path}.data`, {
    method: "POST",
    headers: {
      "User-Agent": BROWSER_USER_AGENT,
      Authorization: `Bearer ${sessionToken(shop)}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(form).toString(),
  });
}

describe("shop A's reads show nothing of shop B", () => {
  it.each([
    ["/app", []],
    ["/app/activity", [A.activityNote]],
    ["/app/alerts?status=all", [A.alertNote]],
    ["/app/buffers", []],
    ["/app/channels", [A.catalogId]],
    ["/app/channels/meta", [A.catalogId]],
    [`/app/items/${A.variant}`, [A.title, A.sku]],
    ["/app/rehearsal", []],
  ])("page %s", async (path, own) => {
    const page = await openDocument(app.url, A.shop, path);
    expect(page.status).toBe(200);
    expectOnly(page.text, A, B, path, own);
  });

  it("page of B's item is not found for A", async () => {
    const page = await openDocument(app.url, A.shop, `/app/items/${B.variant}`);
    expect(page.status).toBe(404);
    expectOnly(page.text, A, B, "B's item page", []);
  });

  it.each([
    [`/api/v1/items/${A.variant}`, 200, [A.title]],
    [`/api/v1/items/${B.variant}`, 404, []],
    [`/api/v1/products/${A.product}/items`, 200, [A.title]],
    [`/api/v1/products/${B.product}/items`, 200, []],
    ["/api/v1/alerts?status=all", 200, [A.alertNote]],
  ] as const)("GET %s", async (path, status, own) => {
    const answer = await bearer(app.url, sessionToken(A.shop), "GET", path);
    expect(answer.status).toBe(status);
    expectOnly(answer.text, A, B, path, [...own]);
  });

  it("each feed URL serves its own shop's items only; a token opens one shop and one channel", async () => {
    const feedA = await send(`${app.url}/feeds/${A.feedToken}/csv`);
    expect(feedA.status).toBe(200);
    expectOnly(feedA.text, A, B, "A's feed", [A.feedItem]);
    const feedB = await send(`${app.url}/feeds/${B.feedToken}/xml`);
    expect(feedB.status).toBe(200);
    expectOnly(feedB.text, B, A, "B's feed", [B.feedItem]);
    // A Meta token does not open a Google format, and a made-up token opens nothing.
    expect((await send(`${app.url}/feeds/${A.feedToken}/tsv`)).status).toBe(404);
    expect((await send(`${app.url}/feeds/${"x".repeat(43)}/csv`)).status).toBe(404);
  });
});

describe("shop A's writes change nothing of shop B", () => {
  it("page actions, API calls and A's own compliance webhooks leave every row of B as it was", async () => {
    const before = await snapshotDatabase(testDatabase.database, { shop: B.shop });
    const inOneHour = new Date(Date.now() + 3_600_000).toISOString();

    // Acknowledging B's alert by id: refused; A's own: done (the action really runs).
    const ackB = await pageAction(A.shop, "/app/alerts", { id: B.alertId! });
    expect(ackB.status).toBe(200);
    expect(ackB.text).toContain("false");
    const ackA = await pageAction(A.shop, "/app/alerts", { id: A.alertId! });
    expect(ackA.status).toBe(200);
    expect(
      (await testDatabase.database.alert.findUnique({ where: { id: A.alertId! } }))?.acknowledgedAt,
    ).not.toBeNull();

    // Overrides on B's item, from the page and the API: not found.
    const setB = await pageAction(A.shop, `/app/items/${B.variant}`, {
      intent: "set",
      channel: "meta",
      quantity: "0",
      expiresAt: inOneHour,
    });
    expect(setB.status).toBe(200);
    expect(setB.text).toContain("item_not_found");
    // Clearing is idempotent ("nothing to clear" is fine); B's rows are compared below.
    expect((await pageAction(A.shop, `/app/items/${B.variant}`, { intent: "clear", channel: "meta" })).status).toBe(
      200,
    );
    expect(
      (
        await bearer(
          app.url,
          sessionToken(A.shop),
          "PUT",
          `/api/v1/items/${B.variant}/overrides/meta`,
          JSON.stringify({ quantity: 0, expiresAt: inOneHour }),
        )
      ).status,
    ).toBe(404);

    // A pauses, resyncs, releases holds and disconnects: its own channel only.
    expect(
      (await pageAction(A.shop, "/app/channels", { intent: "pause", channel: "meta", mode: "stop_selling" })).status,
    ).toBe(200);
    expect((await bearer(app.url, sessionToken(A.shop), "POST", "/api/v1/channels/meta/resume", "{}")).status).toBe(
      200,
    );
    expect((await pageAction(A.shop, "/app/channels", { intent: "resync" })).status).toBe(200);
    expect((await pageAction(A.shop, "/app/channels", { intent: "releaseHolds" })).status).toBe(200);
    expect((await pageAction(A.shop, "/app/channels", { intent: "disconnect", channel: "meta" })).status).toBe(200);
    expect(
      (
        await testDatabase.database.channelConnection.findUnique({
          where: { shop_channel: { shop: A.shop, channel: "meta" } },
        })
      )?.state,
    ).toBe("disconnected");

    // customers/redact for A naming B's order id: only A's orders may go.
    const redact = signedWebhook({
      topic: "customers/redact",
      shop: A.shop,
      body: { shop_domain: A.shop, customer: { id: 1 }, orders_to_redact: [Number(A.order), Number(B.order)] },
    });
    expect((await postWebhook(app.url, "/webhooks/compliance", redact)).status).toBe(200);
    expect(await testDatabase.database.orderRecord.count({ where: { shop: A.shop } })).toBe(0);

    expect(await snapshotDatabase(testDatabase.database, { shop: B.shop })).toEqual(before);
  });
});

describe("alert delivery", () => {
  it("sends each shop's alerts to its own targets only, signed with its own secret", async () => {
    smtp.mails.length = 0;
    receiver.posts.length = 0;
    const beforeB = await snapshotDatabase(testDatabase.database, { shop: B.shop });
    // Re-open A's alert (acknowledged above) so there is something to send.
    await testDatabase.database.alert.update({ where: { id: A.alertId! }, data: { acknowledgedAt: null } });

    const report = await deliverAlerts(testDatabase.database, A.shop, new Date(), {
      keyring,
      appUrl: "https://ballast.example",
    });
    expect(report.sent).toBeGreaterThan(0);
    expect(await snapshotDatabase(testDatabase.database, { shop: B.shop })).toEqual(beforeB);

    expect(smtp.mails.length).toBeGreaterThan(0);
    for (const mail of smtp.mails) {
      expect(mail.to).toEqual([A.email]);
      expect(mail.raw).not.toContain(B.shop);
      expect(mail.raw).not.toContain(B.alertNote);
    }
    expect(receiver.posts.length).toBeGreaterThan(0);
    for (const post of receiver.posts) {
      expect(post.path).toBe(`/alerts/${A.shop}`);
      expect(post.body).toContain(A.shop);
      expect(post.body).not.toContain(B.shop);
      // Signed with A's secret, which B's secret does not reproduce.
      const timestamp = String(post.headers["x-ballast-timestamp"] ?? "");
      const signature = String(post.headers["x-ballast-signature"] ?? "");
      const sign = (secret: string) => createHmac("sha256", secret).update(`${timestamp}.${post.body}`).digest("hex");
      expect(signature).toContain(sign(webhookSecrets.get(A.shop)!));
      expect(signature).not.toContain(sign(webhookSecrets.get(B.shop)!));
    }
  });
});

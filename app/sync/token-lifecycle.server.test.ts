// @database
/**
 * The worker on expiring offline tokens (60 minutes, rotating refresh token), against the
 * fake Shopify on one virtual clock: hours of passes refresh the token as it nears expiry
 * and nothing fails; a refresh refused for good raises one alert and stops that shop's
 * Shopify calls while a second shop carries on, until the merchant opens Ballast again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordWebhookEvent } from "~/ingest/webhook-event.server";
import { openAlert, startMonitorWorld, type MonitorWorld } from "../../tests/support/monitor-world";
import { jsonWithBigInts } from "../../sim/fakes/shopify";

const MINUTE = 60_000;

describe("a worker on 60-minute tokens", { shuffle: false }, () => {
  let mw: MonitorWorld;
  beforeAll(async () => {
    mw = await startMonitorWorld({ variants: 3, stock: 50 });
    // Shopify and Meta only: Google's twice-a-day update policy would throttle hourly sales (an alert of its own).
    await mw.testDatabase.database.channelConnection.deleteMany({ where: { shop: mw.world.shop, channel: "google" } });
    await mw.pass();
  });

  /** An order in Shopify, with both webhooks Shopify sends for it (so reconciliation finds nothing missed). */
  async function sell(index: number) {
    await mw.sell(index, 1);
    const variant = mw.world.variants[index]!;
    const payload = mw.world.shopify.inventoryLevelUpdatePayload(
      mw.world.shop,
      variant.inventoryItemGid,
      mw.world.locationGid,
    );
    await recordWebhookEvent(mw.testDatabase.database, {
      shop: mw.world.shop,
      topic: "inventory_levels/update",
      webhookId: `level-${mw.clock.now()}-${index}`,
      eventId: `level-event-${mw.clock.now()}-${index}`,
      apiVersion: "2026-10",
      triggeredAt: mw.now(),
      rawBody: jsonWithBigInts(payload),
    });
    // Recorded with the wall clock; the test runs on the virtual one (else: a webhook gap).
    await mw.testDatabase.database.webhookEvent.updateMany({
      where: { shop: mw.world.shop, processedAt: null },
      data: { receivedAt: mw.now() },
    });
  }
  afterAll(async () => {
    await mw?.close();
  });

  it("runs 3 simulated hours: every pass succeeds, about three refreshes, no alert", { timeout: 120_000 }, async () => {
    const db = mw.testDatabase.database;
    const start = mw.clock.now();
    const initial = await db.session.findUniqueOrThrow({ where: { id: `offline_${mw.world.shop}` } });
    expect(initial.expires!.getTime()).toBe(start + 60 * MINUTE);
    let passes = 0;
    while (mw.clock.now() - start < 3 * 60 * MINUTE) {
      await mw.pass(5 * MINUTE);
      passes += 1;
      // Orders keep coming, so the Online Store is written all along.
      if (passes % 3 === 0) await sell((passes / 3) % 3);
    }
    await mw.pass(MINUTE);

    const stats = mw.world.shopify.tokenStats();
    expect(stats.refreshesGranted).toBeGreaterThanOrEqual(2);
    expect(stats.refreshesGranted).toBeLessThanOrEqual(4);
    expect(stats.refreshesRefused).toBe(0);
    // Never a call with an expired token.
    expect(stats.unauthorized).toBe(0);
    expect(
      await db.alert.findMany({ where: { shop: mw.world.shop }, select: { kind: true, channel: true, details: true } }),
    ).toEqual([]);
    // Reconciliation with Shopify kept running, and every Online Store figure went out.
    const shopRow = await db.shop.findUniqueOrThrow({ where: { shop: mw.world.shop } });
    expect(mw.clock.now() - shopRow.lastReconciledAt!.getTime()).toBeLessThanOrEqual(15 * MINUTE);
    const rows = await db.channelItemState.findMany({ where: { shop: mw.world.shop, channel: "online_store" } });
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.pushed).toBe(row.desired);
      const [item, location] = row.itemKey.split("|");
      expect(mw.world.shopify.quantities(mw.world.shop, item!, location!)?.available).toBe(row.desired);
    }
    // The stored session is the last one Shopify issued, good for most of an hour.
    const stored = await db.session.findUniqueOrThrow({ where: { id: `offline_${mw.world.shop}` } });
    expect(stored.refreshToken).not.toBe(initial.refreshToken);
    expect(stored.expires!.getTime()).toBeGreaterThan(mw.clock.now());
  });
});

describe("a refresh refused for good", { shuffle: false }, () => {
  const OTHER = "token-other.myshopify.com";
  let mw: MonitorWorld;
  let otherLocation: string;
  let otherItems: { variantGid: string; inventoryItemGid: string }[] = [];
  let orders = 0;

  beforeAll(async () => {
    mw = await startMonitorWorld({ variants: 2, stock: 20 });
    // A second shop on the same Shopify, installed the same way (Online Store only).
    const fake = mw.world.shopify;
    fake.addShop({ domain: OTHER, restoreRate: 1_000 });
    otherLocation = fake.addLocation(OTHER, { name: "Shop floor" });
    otherItems = [0, 1].map((index) => {
      const product = fake.addProduct(OTHER, {
        title: `Other ${index}`,
        variants: [{ sku: `OTH-${index}`, stock: { [otherLocation]: { available: 20 } } }],
      });
      return { variantGid: product.variants[0]!.variantId, inventoryItemGid: product.variants[0]!.inventoryItemId };
    });
    const token = fake.issueOfflineToken(OTHER);
    await mw.testDatabase.database.session.create({
      data: {
        id: `offline_${OTHER}`,
        shop: OTHER,
        state: "",
        isOnline: false,
        scope: token.scope,
        accessToken: token.access_token,
        expires: new Date(token.issuedAt + token.expires_in! * 1000),
        refreshToken: token.refresh_token,
        refreshTokenExpires: new Date(token.issuedAt + token.refresh_token_expires_in * 1000),
      },
    });
    // Onboarded, with the Online Store activated (as installShop does for the world's shop).
    await mw.testDatabase.database.shop.create({ data: { shop: OTHER, onboardedAt: mw.now() } });
    await mw.testDatabase.database.channelConnection.create({
      data: { shop: OTHER, channel: "online_store", activatedAt: mw.now() },
    });
    await mw.pass();
    await mw.pass(MINUTE);
  });
  afterAll(async () => {
    await mw?.close();
  });

  const db = () => mw.testDatabase.database;
  const shopifyCalls = (shop: string) => mw.world.shopify.requests.filter((request) => request.shop === shop).length;
  const storeRows = (shop: string) => db().channelItemState.findMany({ where: { shop, channel: "online_store" } });

  async function sellOther(index: number, quantity: number) {
    const item = otherItems[index]!;
    await mw.world.shopify.placeOrder(OTHER, {
      lines: [{ inventoryItemId: item.inventoryItemGid, locationId: otherLocation, quantity }],
      webhooks: false,
    });
    orders += 1;
    await recordWebhookEvent(db(), {
      shop: OTHER,
      topic: "orders/create",
      webhookId: `other-w-${orders}`,
      eventId: `other-order-${orders}`,
      apiVersion: "2026-10",
      triggeredAt: mw.now(),
      rawBody: JSON.stringify({
        id: 9_900_000 + orders,
        created_at: mw.now().toISOString(),
        source_name: "web",
        line_items: [{ variant_id: Number(item.variantGid.split("/").pop()), quantity }],
      }),
    });
  }

  it(
    "raises one alert, stops that shop's Shopify calls, and the other shop carries on",
    { timeout: 120_000 },
    async () => {
      const shop = mw.world.shop;
      mw.world.shopify.setTokenBehaviour(shop, { refuseRefresh: "invalid_grant" });
      // Past the refresh point of both shops' tokens.
      await mw.passUntil(async () => (await openAlert(db(), shop, null, "shopify_auth_failed")) !== null, {
        stepMs: 5 * MINUTE,
        maxPasses: 14,
      });
      const failedAt = (await db().shop.findUniqueOrThrow({ where: { shop } })).shopifyAuthFailedAt;
      expect(failedAt).not.toBeNull();
      const callsAtFailure = shopifyCalls(shop);
      const otherCallsAtFailure = shopifyCalls(OTHER);
      const refused = mw.world.shopify.tokenStats().refreshesRefused;

      // Orders on both shops, an hour and more of passes.
      await mw.sell(0, 3);
      await sellOther(0, 3);
      for (let pass = 0; pass < 16; pass += 1) await mw.pass(5 * MINUTE);

      // The refused shop: no Shopify call since, no new refresh attempt; its new figure waits (not parked).
      expect(shopifyCalls(shop)).toBe(callsAtFailure);
      expect(mw.world.shopify.tokenStats().refreshesRefused).toBe(refused);
      const waiting = (await storeRows(shop)).find((row) =>
        row.itemKey.startsWith(mw.world.variants[0]!.inventoryItemGid),
      );
      expect(waiting!.desired).toBeLessThan(waiting!.pushed!);
      expect(waiting!.parkedAt).toBeNull();
      // Meta does not need Shopify: it still shows the lower figure.
      const meta = await db().channelItemState.findUniqueOrThrow({
        where: { shop_channel_itemKey: { shop, channel: "meta", itemKey: mw.world.variants[0]!.metaRetailerId } },
      });
      expect(meta.pushed).toBe(meta.desired);
      // One alert, and it is that one.
      const opened = await db().alert.findMany({
        where: { shop },
        select: { kind: true, severity: true, resolvedAt: true },
      });
      expect(opened).toEqual([{ kind: "shopify_auth_failed", severity: "critical", resolvedAt: null }]);

      // The other shop: refreshed, written, untouched.
      expect(shopifyCalls(OTHER)).toBeGreaterThan(otherCallsAtFailure);
      expect(await db().alert.count({ where: { shop: OTHER } })).toBe(0);
      expect((await db().shop.findUniqueOrThrow({ where: { shop: OTHER } })).shopifyAuthFailedAt).toBeNull();
      for (const row of await storeRows(OTHER)) {
        expect(row.pushed).toBe(row.desired);
        const [item, location] = row.itemKey.split("|");
        expect(mw.world.shopify.quantities(OTHER, item!, location!)?.available).toBe(row.desired);
      }
    },
  );

  it(
    "WHEN the merchant opens Ballast (a new session is stored) THEN the alert resolves and the shop catches up",
    { timeout: 60_000 },
    async () => {
      const shop = mw.world.shop;
      mw.world.shopify.setTokenBehaviour(shop, { refuseRefresh: null });
      // What token exchange stores through PrismaSessionStorage.
      const token = mw.world.shopify.issueOfflineToken(shop);
      await db().session.update({
        where: { id: `offline_${shop}` },
        data: {
          accessToken: token.access_token,
          expires: new Date(token.issuedAt + token.expires_in! * 1000),
          refreshToken: token.refresh_token,
          refreshTokenExpires: new Date(token.issuedAt + token.refresh_token_expires_in * 1000),
        },
      });
      await mw.passUntil(async () => (await storeRows(shop)).every((row) => row.pushed === row.desired), {
        stepMs: MINUTE,
        maxPasses: 10,
      });
      expect(await openAlert(db(), shop, null, "shopify_auth_failed")).toBeNull();
      expect((await db().shop.findUniqueOrThrow({ where: { shop } })).shopifyAuthFailedAt).toBeNull();
      const row = (await storeRows(shop)).find((entry) =>
        entry.itemKey.startsWith(mw.world.variants[0]!.inventoryItemGid),
      )!;
      const [item, location] = row.itemKey.split("|");
      expect(mw.world.shopify.quantities(shop, item!, location!)?.available).toBe(row.desired);
    },
  );
});

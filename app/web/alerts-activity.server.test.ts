// @database
/**
 * The Alerts page (filter, acknowledge, items named, its buttons through the Channels page's
 * services), GET /api/v1/alerts's words, and the Activity page (newest first, paginated,
 * filtered by item and by channel), each scoped to the shop.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { variantGid } from "~/domain";
import { ACTIVITY_PAGE_SIZE, listActivity } from "./activity.server";
import { acknowledgeAlert, alertFilterSchema, alertsPageAction, listAlerts, listAlertsForApi } from "./alerts.server";

const SHOP = "lists-shop.myshopify.com";
const OTHER = "lists-other.myshopify.com";
const RED = variantGid("gid://shopify/ProductVariant/44960469696645123");
const BLUE = variantGid("gid://shopify/ProductVariant/44960469696700");
let testDatabase: TestDatabase;
const db = () => testDatabase.database;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  const base = Date.UTC(2026, 10, 27, 8);
  // 30 entries for RED on Meta, 5 for BLUE on Google, 1 for another shop.
  await db().activity.createMany({
    data: [
      ...Array.from({ length: 30 }, (_, index) => ({
        shop: SHOP,
        kind: "quantity_pushed",
        channel: "meta",
        variantGid: RED,
        details: { to: index },
        at: new Date(base + index * 60_000),
      })),
      ...Array.from({ length: 5 }, (_, index) => ({
        shop: SHOP,
        kind: "quantity_pushed",
        channel: "google",
        variantGid: BLUE,
        details: { to: index },
        at: new Date(base + index * 60_000 + 30_000),
      })),
      { shop: OTHER, kind: "quantity_pushed", channel: "meta", variantGid: RED, details: {}, at: new Date(base) },
    ],
  });
  await db().alert.createMany({
    data: [
      {
        shop: SHOP,
        channel: "meta",
        kind: "lag_high",
        severity: "warning",
        dedupeKey: "meta:lag_high",
        openedAt: new Date(base),
      },
      {
        shop: SHOP,
        channel: "google",
        kind: "drift",
        severity: "critical",
        dedupeKey: "google:drift",
        openedAt: new Date(base + 1),
      },
      {
        shop: SHOP,
        channel: "meta",
        kind: "throttled",
        severity: "warning",
        dedupeKey: "meta:throttled",
        openedAt: new Date(base + 2),
        resolvedAt: new Date(base + 3),
      },
      {
        shop: OTHER,
        channel: "meta",
        kind: "lag_high",
        severity: "warning",
        dedupeKey: "meta:lag_high",
        openedAt: new Date(base),
      },
    ],
  });
});
afterAll(async () => {
  await testDatabase?.drop();
});

describe("activity", () => {
  it("pages newest first and filters by item and by channel, never showing another shop's entries", async () => {
    const first = await listActivity(db(), SHOP, { page: 1 });
    expect(first.entries).toHaveLength(ACTIVITY_PAGE_SIZE);
    expect(first.hasNext).toBe(true);
    expect(first.entries[0]!.details).toEqual({ to: 29 });
    const second = await listActivity(db(), SHOP, { page: 2 });
    expect(second.entries).toHaveLength(35 - ACTIVITY_PAGE_SIZE);
    expect(second.hasNext).toBe(false);
    expect(new Set([...first.entries, ...second.entries].map((entry) => entry.id)).size).toBe(35);

    const blue = await listActivity(db(), SHOP, { page: 1, variantGid: BLUE });
    expect(blue.entries.map((entry) => entry.variantGid)).toEqual(Array(5).fill(BLUE));
    const meta = await listActivity(db(), SHOP, { page: 1, channel: "meta", variantGid: RED });
    expect(meta.entries.every((entry) => entry.channel === "meta")).toBe(true);
    expect(meta.hasNext).toBe(true);
    expect((await listActivity(db(), OTHER, { page: 1 })).entries).toHaveLength(1);
  });
});

describe("alerts", () => {
  it("filters by status, severity and channel, and acknowledges only this shop's open alerts", async () => {
    const open = await listAlerts(db(), SHOP, alertFilterSchema.parse({}));
    expect(open.map((alert) => alert.kind)).toEqual(["drift", "lag_high"]);
    expect(
      (await listAlerts(db(), SHOP, alertFilterSchema.parse({ severity: "critical" }))).map((alert) => alert.kind),
    ).toEqual(["drift"]);
    expect(
      (await listAlerts(db(), SHOP, alertFilterSchema.parse({ status: "resolved", channel: "meta" }))).map(
        (alert) => alert.kind,
      ),
    ).toEqual(["throttled"]);

    const lag = open.find((alert) => alert.kind === "lag_high")!;
    const othersLag = await db().alert.findFirst({ where: { shop: OTHER } });
    expect(await acknowledgeAlert(db(), SHOP, othersLag!.id, Date.now())).toBe(false);
    expect(await acknowledgeAlert(db(), SHOP, lag.id, Date.now())).toBe(true);
    expect(await acknowledgeAlert(db(), SHOP, lag.id, Date.now())).toBe(false);
    expect((await listAlerts(db(), SHOP, alertFilterSchema.parse({}))).map((alert) => alert.kind)).toEqual(["drift"]);
    expect(
      (await listAlerts(db(), SHOP, alertFilterSchema.parse({ status: "acknowledged" }))).map((alert) => alert.kind),
    ).toEqual(["lag_high"]);
    expect((await db().alert.findFirst({ where: { shop: OTHER } }))?.acknowledgedAt).toBeNull();
  });
});

describe("alerts name their items and act through the channel services", () => {
  const SHOP2 = "alerts-actions.myshopify.com";
  const form = (values: Record<string, string>) => {
    const data = new FormData();
    for (const [key, value] of Object.entries(values)) data.set(key, value);
    return data;
  };

  beforeAll(async () => {
    await db().shop.create({ data: { shop: SHOP2, locale: "fr" } });
    await db().variant.createMany({
      data: [
        {
          shop: SHOP2,
          gid: RED,
          productGid: "gid://shopify/Product/1",
          inventoryItemGid: "gid://shopify/InventoryItem/1",
          title: "Wool scarf — Red",
          sku: "SCARF-RED",
        },
        {
          shop: SHOP2,
          gid: BLUE,
          productGid: "gid://shopify/Product/2",
          inventoryItemGid: "gid://shopify/InventoryItem/2",
          title: "Mug",
          sku: null,
        },
        // Another shop's name for the same id is never shown.
        {
          shop: OTHER,
          gid: BLUE,
          productGid: "gid://shopify/Product/2",
          inventoryItemGid: "gid://shopify/InventoryItem/2",
          title: "Secret",
          sku: "X",
        },
      ],
    });
    await db().alert.createMany({
      data: [
        {
          shop: SHOP2,
          channel: "meta",
          kind: "drift_high",
          severity: "warning",
          dedupeKey: "meta:drift_high",
          details: { items: 5, variants: [RED, BLUE], longestMinutes: 40, thresholdItems: 5, thresholdMinutes: 30 },
        },
        {
          shop: SHOP2,
          channel: null,
          kind: "invalid_metafield",
          severity: "warning",
          dedupeKey: "shop:invalid_metafield",
          details: { settings: ["Product 2 (Mug): meta: at most two decimals"], owners: ["gid://shopify/Product/2"] },
        },
      ],
    });
  });

  it("names each alert's items from this shop's variants, with how many more it counts", async () => {
    const alerts = await listAlerts(db(), SHOP2, alertFilterSchema.parse({ status: "all" }));
    const drift = alerts.find((alert) => alert.kind === "drift_high")!;
    expect(drift.items).toEqual([
      { variantId: RED, productTitle: "Wool scarf", variantTitle: "Red", sku: "SCARF-RED" },
      { variantId: BLUE, productTitle: "Mug", variantTitle: null, sku: null },
    ]);
    expect(drift.moreItems).toBe(3);
    // A refused setting on a product names that product's variants.
    expect(alerts.find((alert) => alert.kind === "invalid_metafield")!.items.map((item) => item.productTitle)).toEqual([
      "Mug",
    ]);
  });

  it("gives the API the words beside the codes, in the shop's language or the one asked for", async () => {
    const [french] = await listAlertsForApi(db(), SHOP2, alertFilterSchema.parse({ channel: "meta", status: "all" }));
    expect(french).toMatchObject({
      kind: "drift_high",
      severity: "warning",
      locale: "fr",
      title: "Un canal affiche d'autres quantités",
      suggestedAction: "resync",
      items: [expect.objectContaining({ sku: "SCARF-RED" }), expect.objectContaining({ productTitle: "Mug" })],
    });
    expect(french!.facts[0]).toBe(
      "5 articles affichent une autre quantité que celle envoyée par Ballast ; le plus ancien depuis 40 minutes.",
    );
    const [english] = await listAlertsForApi(
      db(),
      SHOP2,
      alertFilterSchema.parse({ channel: "meta", status: "all", locale: "en" }),
    );
    expect(english).toMatchObject({ locale: "en", title: "A channel shows different quantities" });
    expect(english!.action).toMatch(/^Resync now/);
  });

  it("resyncs and pauses through the Channels page's services, and refuses to pause an unconnected channel", async () => {
    const now = Date.UTC(2026, 10, 27, 12);
    expect(await alertsPageAction(db(), SHOP2, form({ intent: "resync" }), now)).toEqual({
      intent: "resync",
      ok: true,
    });
    expect(await db().operation.findMany({ where: { shop: SHOP2 }, select: { kind: true, state: true } })).toEqual([
      { kind: "resync", state: "queued" },
    ]);
    expect(await db().activity.count({ where: { shop: SHOP2, kind: "resync_requested" } })).toBe(1);

    expect(await alertsPageAction(db(), SHOP2, form({ intent: "pause", channel: "meta" }), now)).toEqual({
      intent: "pause",
      ok: false,
      channel: "meta",
      error: "channel_not_connected",
    });
    expect(await alertsPageAction(db(), SHOP2, form({ intent: "pause", channel: "online_store" }), now)).toEqual({
      intent: "pause",
      ok: true,
      channel: "online_store",
    });
    expect(
      await db().channelConnection.findUnique({
        where: { shop_channel: { shop: SHOP2, channel: "online_store" } },
        select: { state: true, pausedBy: true },
      }),
    ).toEqual({ state: "paused_stop_selling", pausedBy: "merchant" });
    expect(await db().activity.count({ where: { shop: SHOP2, kind: "channel_paused" } })).toBe(1);

    const drift = (await listAlerts(db(), SHOP2, alertFilterSchema.parse({ channel: "meta" })))[0]!;
    expect(await alertsPageAction(db(), SHOP2, form({ id: drift.id }), now)).toEqual({
      intent: "acknowledge",
      ok: true,
    });
  });
});

// @database
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyLevelUpdate, createMasterRecord, type LocationGid, type ShopDomain, type VariantGid } from "~/domain";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { loadItem } from "./items.server";

const SHOP = "items-page.myshopify.com";
const VARIANT = "gid://shopify/ProductVariant/71" as VariantGid;
const LOCATION = "gid://shopify/Location/1" as LocationGid;
const NOW = Date.UTC(2026, 10, 27, 12);
const MINUTE = 60_000;
let testDatabase: TestDatabase;
const db = () => testDatabase.database;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await db().variant.create({
    data: {
      shop: SHOP,
      gid: VARIANT,
      productGid: "gid://shopify/Product/7",
      inventoryItemGid: "gid://shopify/InventoryItem/71",
      title: "Mug — Blue",
      sku: "MUG-B",
    },
  });
  const record = applyLevelUpdate(createMasterRecord(SHOP as ShopDomain, VARIANT), {
    locationId: LOCATION,
    updatedAtMs: NOW - 10 * MINUTE,
    available: 12,
    onHand: 14,
    committed: 2,
  });
  await db().masterRecord.create({ data: { shop: SHOP, variantGid: VARIANT, record: record as object } });
  const row = {
    shop: SHOP,
    variantGid: VARIANT,
    desiredAvailability: "in_stock",
    explanation: {},
    computedAt: new Date(NOW - MINUTE),
  };
  await db().channelItemState.createMany({
    data: [
      {
        ...row,
        channel: "meta",
        itemKey: "MUG-B",
        desired: 9,
        pushed: 9,
        pushedAt: new Date(NOW - 5 * MINUTE),
        confirmed: 9,
        confirmedAt: new Date(NOW - 4 * MINUTE),
      },
      {
        ...row,
        channel: "google",
        itemKey: "online:en:US:MUG-B",
        desired: 1,
        pushed: null,
        attempts: 4,
        lastError: "UNAUTHORIZED",
        parkedAt: new Date(NOW - 2 * MINUTE),
      },
    ],
  });
  await db().override.create({
    data: {
      shop: SHOP,
      channel: "meta",
      variantGid: VARIANT,
      quantity: 3,
      expiresAt: new Date(NOW + 60 * MINUTE),
      reason: "launch",
    },
  });
});
afterAll(async () => {
  await testDatabase?.drop();
});

describe("loadItem", () => {
  it("GIVEN a Meta row read back showing more than sent, with its drift episode, THEN the page's one truth is drift since the episode began; locations have names", async () => {
    const shop = "items-truth.myshopify.com";
    await db().variant.create({
      data: {
        shop,
        gid: VARIANT,
        productGid: "gid://shopify/Product/7",
        inventoryItemGid: "gid://shopify/InventoryItem/71",
        title: "Mug — Blue",
        sku: "MUG-B",
        barcode: "4006381333931",
      },
    });
    const record = applyLevelUpdate(createMasterRecord(shop as ShopDomain, VARIANT), {
      locationId: LOCATION,
      updatedAtMs: NOW - 10 * MINUTE,
      available: 10,
      onHand: 10,
      committed: 0,
    });
    await db().masterRecord.create({ data: { shop, variantGid: VARIANT, record: record as object, dirty: false } });
    await db().location.create({ data: { shop, gid: LOCATION, name: "Warehouse" } });
    await db().channelConnection.create({
      data: { shop, channel: "meta", activatedAt: new Date(NOW - 60 * MINUTE), encryptedCredentials: "k1:x" },
    });
    await db().channelItemState.create({
      data: {
        shop,
        channel: "meta",
        itemKey: "71",
        variantGid: VARIANT,
        desired: 7,
        desiredAvailability: "in_stock",
        explanation: {},
        computedAt: new Date(NOW - 3 * MINUTE),
        pushed: 7,
        pushedAt: new Date(NOW - 3 * MINUTE),
        confirmed: 9,
        confirmedAt: new Date(NOW - 2 * MINUTE),
      },
    });
    await db().driftEpisode.create({
      data: {
        shop,
        channel: "meta",
        itemKey: "71",
        variantGid: VARIANT,
        expected: 7,
        observed: 9,
        startedAt: new Date(NOW - 2 * MINUTE),
      },
    });

    const item = await loadItem(db(), shop, VARIANT, NOW, "en");
    expect(item!.barcode).toBe("4006381333931");
    expect(item!.recalculating).toBe(false);
    expect(item!.master.locations[0]!.name).toBe("Warehouse");
    const meta = item!.channels.find((channel) => channel.channel === "meta")!;
    expect(meta.mode).toBe("active");
    expect(meta.truth.shows).toMatchObject({ value: 9 });
    expect(meta.truth.wants).toMatchObject({ value: 7, source: "calculated" });
    expect(meta.truth.status).toEqual({
      kind: "drift",
      since: new Date(NOW - 2 * MINUTE).toISOString(),
      shownMore: true,
    });
    // 10 sellable, Meta's default rule (25 %) gives 7: the live explanation explains the stored 7.
    expect(meta.truth.explanation).toMatchObject({ channel: "meta", quantity: 7, sellable: 10 });
    expect(meta.formula).toContain("Meta 7 = 10 sellable");
    const google = item!.channels.find((channel) => channel.channel === "google")!;
    expect(google.truth.status).toEqual({ kind: "not_connected" });

    // An override asks the worker to recompute: until it has, Ballast wants what the engine gives now.
    await db().override.create({
      data: { shop, channel: "meta", variantGid: VARIANT, quantity: 3, expiresAt: new Date(NOW + 60 * MINUTE) },
    });
    await db().shop.create({ data: { shop, recomputeRequestedAt: new Date(NOW) } });
    const recalculating = await loadItem(db(), shop, VARIANT, NOW, "en");
    const pending = recalculating!.channels.find((channel) => channel.channel === "meta")!;
    expect(recalculating!.recalculating).toBe(true);
    expect(pending.truth.wants).toEqual({ value: 3, source: "recalculating", at: null });
    // The open drift still speaks for the channel: it shows 9.
    expect(pending.truth.status.kind).toBe("drift");
  });

  it("GIVEN a variant with a master record, item rows and an override THEN the view shows the stock, each channel's rows and the override", async () => {
    const item = await loadItem(db(), SHOP, VARIANT, NOW, "en");
    expect(item).toMatchObject({
      variantId: VARIANT,
      productId: "gid://shopify/Product/7",
      title: "Mug — Blue",
      sku: "MUG-B",
      tracked: true,
      deleted: false,
    });
    expect(item!.master).toMatchObject({
      known: true,
      available: 12,
      sellable: 12,
      locations: [
        {
          locationId: LOCATION,
          available: 12,
          onHand: 14,
          committed: 2,
          ballastSafetyStock: null,
          updatedAt: new Date(NOW - 10 * MINUTE).toISOString(),
        },
      ],
      holds: [],
    });
    expect(item!.master.updatedAt).not.toBeNull();
    expect(item!.channels.map((channel) => channel.channel)).toEqual(["online_store", "meta", "google"]);

    const meta = item!.channels.find((channel) => channel.channel === "meta")!;
    expect(meta.state).toBe("not_connected");
    expect(meta.override).toEqual({
      quantity: 3,
      expiresAt: new Date(NOW + 60 * MINUTE).toISOString(),
      reason: "launch",
      active: true,
    });
    expect(meta.now.quantity).toBe(3);
    expect(meta.now.explanation).not.toBe("");
    expect(meta.rows).toEqual([
      {
        itemKey: "MUG-B",
        desired: 9,
        desiredAvailability: "in_stock",
        computedAt: new Date(NOW - MINUTE).toISOString(),
        pushed: 9,
        pushedAt: new Date(NOW - 5 * MINUTE).toISOString(),
        confirmed: 9,
        confirmedAt: new Date(NOW - 4 * MINUTE).toISOString(),
        lastError: null,
        attempts: 0,
        parked: false,
        explanation: null,
        pending: null,
      },
    ]);

    const google = item!.channels.find((channel) => channel.channel === "google")!;
    expect(google.override).toBeNull();
    expect(google.rows).toMatchObject([
      {
        itemKey: "online:en:US:MUG-B",
        pushed: null,
        pushedAt: null,
        attempts: 4,
        lastError: "UNAUTHORIZED",
        parked: true,
      },
    ]);
    const store = item!.channels.find((channel) => channel.channel === "online_store")!;
    expect(store).toMatchObject({ state: "active", rows: [], override: null });
  });

  it("GIVEN a variant with no master record yet THEN nothing is sellable and the record is said to be unknown", async () => {
    const other = "gid://shopify/ProductVariant/72" as VariantGid;
    await db().variant.create({
      data: {
        shop: SHOP,
        gid: other,
        productGid: "gid://shopify/Product/7",
        inventoryItemGid: "gid://shopify/InventoryItem/72",
      },
    });
    const item = await loadItem(db(), SHOP, other, NOW, "en");
    expect(item!.master).toEqual({
      known: false,
      updatedAt: null,
      sellable: 0,
      available: 0,
      ballastSafetyStock: 0,
      orderHolds: 0,
      locations: [],
      holds: [],
    });
  });

  it("GIVEN another shop's variant id THEN there is no item", async () => {
    expect(await loadItem(db(), "elsewhere.myshopify.com", VARIANT, NOW, "en")).toBeNull();
  });

  it("GIVEN a frozen channel and an expired override THEN the channel shows its stored state, the last pushed total and the override as inactive", async () => {
    const shop = "items-frozen.myshopify.com";
    await db().variant.create({
      data: {
        shop,
        gid: VARIANT,
        productGid: "gid://shopify/Product/7",
        inventoryItemGid: "gid://shopify/InventoryItem/71",
      },
    });
    const record = applyLevelUpdate(createMasterRecord(shop as ShopDomain, VARIANT), {
      locationId: LOCATION,
      updatedAtMs: NOW - 10 * MINUTE,
      available: 12,
      onHand: 12,
      committed: 0,
    });
    await db().masterRecord.create({ data: { shop, variantGid: VARIANT, record: record as object } });
    await db().channelConnection.create({
      data: { shop, channel: "meta", state: "paused_freeze", activatedAt: new Date(NOW - 60 * MINUTE) },
    });
    // Two item rows (e.g. two locations): the frozen total is their sum.
    const row = { shop, variantGid: VARIANT, channel: "meta", desiredAvailability: "in_stock", explanation: {} };
    await db().channelItemState.createMany({
      data: [
        { ...row, itemKey: "A", desired: 2, pushed: 2, computedAt: new Date(NOW - MINUTE) },
        { ...row, itemKey: "B", desired: 2, pushed: 2, computedAt: new Date(NOW - MINUTE) },
      ],
    });
    await db().override.create({
      data: { shop, channel: "meta", variantGid: VARIANT, quantity: 1, expiresAt: new Date(NOW - MINUTE) },
    });

    const item = await loadItem(db(), shop, VARIANT, NOW, "en");
    const meta = item!.channels.find((channel) => channel.channel === "meta")!;
    expect(meta.state).toBe("paused_freeze");
    expect(meta.now.quantity).toBe(4);
    expect(meta.rows.map((entry) => entry.itemKey)).toEqual(["A", "B"]);
    expect(meta.override).toEqual({
      quantity: 1,
      expiresAt: new Date(NOW - MINUTE).toISOString(),
      reason: null,
      active: false,
    });
  });
});

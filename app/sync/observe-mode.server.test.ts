// @database
/**
 * Observe first, activate by choice. A fresh install (every channel in observe mode) on a
 * shop with thin stock and some of the merchant's own safety stock: the worker reads
 * Shopify, computes and explains what each channel would show, and writes nothing to
 * Shopify, Meta or Google, and the monitor raises nothing. Activating a channel starts its
 * pushes; the others stay untouched. Putting the Online Store back into observe mode
 * releases Ballast's own holds, never the merchant's safety stock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelHealth } from "~/monitor/health.server";
import { startWorld, type World } from "../../sim/world";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { finishBulkAtOnce, skippingClock } from "../../tests/support/instant-waits";
import { SyncWorker } from "~/worker/worker.server";

const KEY = Buffer.alloc(32, 5);
const MINUTE = 60_000;
// Available units per variant; the merchant keeps 4 of the third variant's and 2 of the fifth's in safety stock.
const STOCK = [1, 2, 10, 10, 3];
const MERCHANT_SAFETY: Record<number, number> = { 3: 4, 4: 2 };
let world: World;
let testDatabase: TestDatabase;
let worker: SyncWorker;
let nowMs = Date.now();

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ variants: STOCK.length, stockPerVariant: (index) => STOCK[index]! });
  finishBulkAtOnce(world);
  for (const [index, units] of Object.entries(MERCHANT_SAFETY)) {
    world.shopify.setQuantities(world.shop, world.variants[Number(index)]!.inventoryItemGid, world.locationGid, {
      safety_stock: units,
    });
  }
  await installShop(testDatabase.database, world, KEY, { activate: false });
  worker = new SyncWorker({
    database: testDatabase.database,
    provider: testDatabase.provider,
    // Meta's batch polling takes no real time (its fake finishes batches at once).
    connectors: worldConnectors(world, testDatabase.database, KEY, { clock: skippingClock() }),
    clock: () => new Date(nowMs),
    pushIntervalMs: { online_store: 0, meta: 0, google: 0 },
    random: () => 0.5,
  });
});

afterAll(async () => {
  await world?.close();
  await testDatabase?.drop();
});

const pass = async () => {
  nowMs += MINUTE;
  return worker.runOnce();
};
const levelKey = (index: number) => `${world.variants[index]!.inventoryItemGid}|${world.locationGid}`;
const rowOf = (channel: string, itemKey: string) =>
  testDatabase.database.channelItemState.findUniqueOrThrow({
    where: { shop_channel_itemKey: { shop: world.shop, channel, itemKey } },
  });
const shopifyLevel = (index: number) =>
  world.shopify.quantities(world.shop, world.variants[index]!.inventoryItemGid, world.locationGid)!;
const inventoryMoves = () =>
  world.shopify.requests.filter(
    (entry) => entry.operation === "mutation" && /Inventory|Move|Adjust/i.test(entry.operationName ?? ""),
  ).length;
const activate = (channel: string, at: Date | null) =>
  testDatabase.database.channelConnection.upsert({
    where: { shop_channel: { shop: world.shop, channel } },
    create: { shop: world.shop, channel, activatedAt: at },
    update: { activatedAt: at },
  });

describe("observe mode, then activation", { shuffle: false }, () => {
  it("GIVEN a fresh install WHEN the worker runs THEN nothing is written anywhere, and every channel's figures are computed and explained", async () => {
    // First pass: the full read of Shopify; then decisions, and more passes to be sure.
    for (let index = 0; index < 4; index += 1) {
      const report = await pass();
      expect(report.pushes).toEqual({});
    }
    expect(world.shopify.apiAdjustmentCount(world.shop)).toBe(0);
    expect(inventoryMoves()).toBe(0);
    expect(world.meta.control.counters.itemsBatchCalls).toBe(0);
    expect(world.google.control.counters.inserts).toBe(0);
    for (let index = 0; index < STOCK.length; index += 1) {
      expect(shopifyLevel(index)).toMatchObject({ available: STOCK[index], safety_stock: MERCHANT_SAFETY[index] ?? 0 });
    }

    // The engine's own numbers: 10 → Online Store 8, Meta 7, Google in stock; thin stock shows the last units.
    expect(await rowOf("online_store", levelKey(2))).toMatchObject({ desired: 8, pushed: null });
    expect(await rowOf("meta", world.variants[2]!.metaRetailerId)).toMatchObject({ desired: 7, pushed: null });
    expect(await rowOf("google", world.variants[2]!.googleOfferId)).toMatchObject({ desired: 1, pushed: null });
    const thin = await rowOf("online_store", levelKey(1));
    expect(thin).toMatchObject({ desired: 2, pushed: null });
    expect((thin.explanation as { steps: { kind: string }[] }).steps.map((step) => step.kind)).toContain("thin_stock");
    // Meta is not affected by thin stock: 2 sellable − ceil(25%) = 1.
    expect(await rowOf("meta", world.variants[1]!.metaRetailerId)).toMatchObject({ desired: 1 });

    // Nothing pushed, so nothing to alarm about, and every channel says it is observed.
    const alerts = await testDatabase.database.alert.findMany({
      where: { shop: world.shop, resolvedAt: null, channel: { not: null } },
    });
    expect(alerts).toEqual([]);
    const health = await channelHealth(testDatabase.database, world.shop, new Date(nowMs));
    expect([health.online_store.mode, health.meta.mode, health.google.mode]).toEqual([
      "observing",
      "observing",
      "observing",
    ]);
    // No connection row was created for the Online Store along the way, so nothing was activated by accident.
    expect(
      await testDatabase.database.channelConnection.count({ where: { shop: world.shop, activatedAt: { not: null } } }),
    ).toBe(0);
  });

  it("GIVEN the Online Store activated WHEN the worker runs THEN Ballast holds on it only, never below thin stock, and the merchant's safety stock stays", async () => {
    await activate("online_store", new Date(nowMs));
    await pass();
    await pass();
    expect(shopifyLevel(2)).toMatchObject({ available: 8, safety_stock: 2 });
    // Thin stock: 1 and 2 units are shown whole; 3 is shown whole too.
    expect(shopifyLevel(0)).toMatchObject({ available: 1, safety_stock: 0 });
    expect(shopifyLevel(1)).toMatchObject({ available: 2, safety_stock: 0 });
    expect(shopifyLevel(4).available).toBe(3);
    // The merchant's own units stay in safety stock.
    expect(shopifyLevel(3)).toMatchObject({ available: 8, safety_stock: MERCHANT_SAFETY[3]! + 2 });
    expect(shopifyLevel(4).safety_stock).toBe(MERCHANT_SAFETY[4]);
    expect(await rowOf("online_store", levelKey(2))).toMatchObject({ desired: 8, pushed: 8 });
    expect(world.meta.control.counters.itemsBatchCalls).toBe(0);
    expect(world.google.control.counters.inserts).toBe(0);
  });

  it("GIVEN Meta activated WHEN the worker runs THEN Meta is written, Google still is not", async () => {
    await activate("meta", new Date(nowMs));
    await pass();
    await pass();
    expect(world.meta.control.counters.itemsBatchCalls).toBeGreaterThan(0);
    expect(await rowOf("meta", world.variants[2]!.metaRetailerId)).toMatchObject({ desired: 7, pushed: 7 });
    expect(world.meta.control.trueItem(world.catalogId, world.variants[2]!.metaRetailerId)).toMatchObject({
      quantity: 7,
    });
    expect(world.google.control.counters.inserts).toBe(0);
    const health = await channelHealth(testDatabase.database, world.shop, new Date(nowMs));
    expect([health.online_store.mode, health.meta.mode, health.google.mode]).toEqual(["active", "active", "observing"]);
  });

  it("GIVEN Meta back in observe mode WHEN the worker runs THEN nothing more is written to it, and reactivating pushes every item afresh", async () => {
    await activate("meta", null);
    const calls = world.meta.control.counters.itemsBatchCalls;
    await pass();
    await pass();
    expect(world.meta.control.counters.itemsBatchCalls).toBe(calls);
    expect(await rowOf("meta", world.variants[2]!.metaRetailerId)).toMatchObject({ desired: 7, pushed: null });
    await activate("meta", new Date(nowMs));
    await pass();
    expect(world.meta.control.counters.itemsBatchCalls).toBeGreaterThan(calls);
    expect(await rowOf("meta", world.variants[2]!.metaRetailerId)).toMatchObject({ desired: 7, pushed: 7 });
  });

  it("GIVEN the Online Store back in observe mode WHEN the worker runs THEN Ballast's own holds are released and the merchant's safety stock is untouched", async () => {
    const merchantBefore = shopifyLevel(4).safety_stock;
    await activate("online_store", null);
    await pass();
    await pass();
    expect(shopifyLevel(2)).toMatchObject({ available: 10, safety_stock: 0 });
    expect(shopifyLevel(3)).toMatchObject({ available: 10, safety_stock: MERCHANT_SAFETY[3] });
    expect(shopifyLevel(4).safety_stock).toBe(merchantBefore);
    expect(await testDatabase.database.heldStock.count({ where: { shop: world.shop, units: { gt: 0 } } })).toBe(0);
    // Decisions are still computed and explained while observed.
    expect(await rowOf("online_store", levelKey(2))).toMatchObject({ desired: 8, pushed: null });
    const released = await testDatabase.database.activity.findFirst({
      where: { shop: world.shop, kind: "holds_released" },
    });
    expect(released?.details).toMatchObject({ units: 4, reason: "observe_mode" });
  });

  it("GIVEN the Online Store activated again WHEN the worker runs THEN the holds come back, the merchant's safety stock still untouched", async () => {
    await activate("online_store", new Date(nowMs));
    await pass();
    await pass();
    expect(shopifyLevel(2)).toMatchObject({ available: 8, safety_stock: 2 });
    expect(shopifyLevel(3)).toMatchObject({ available: 8, safety_stock: MERCHANT_SAFETY[3]! + 2 });
    expect(shopifyLevel(4)).toMatchObject({ available: 3, safety_stock: MERCHANT_SAFETY[4] });
  });
});

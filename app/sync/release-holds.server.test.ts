// @database
/**
 * Levels the merchant deactivated (Admin API 2026-04: an inactive level keeps its
 * quantities, and reads leave it out unless `includeInactive: true`), against a real
 * database and the fake Shopify: Ballast still finds its own held units there, gives back
 * exactly those (compare-and-swap, the merchant's safety stock untouched), and never places a
 * new hold on an inactive level.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClientFor, connectorFor, isConnector } from "~/channels/factory.server";
import type { ChannelConnector } from "~/channels/types";
import { pushChannel } from "./push.server";
import { reconcileShop } from "./reconcile.server";
import { recomputeShop } from "./recompute.server";
import { checkStrandedHolds, releaseOwnHolds } from "./release-holds.server";
import { startWorld, type World } from "../../sim/world";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import type { AdminClient } from "~/shopify/admin-client.server";
import { readItemLevels } from "~/shopify/inventory.server";

const KEY = Buffer.alloc(32, 9);
let world: World;
let testDatabase: TestDatabase;

const db = () => testDatabase.database;

/** Item 0 carries 5 units of the merchant's own safety stock. */
type Index = 0 | 1 | 2;
const item = (index: Index) => world.variants[index]!;
const keyOf = (index: Index) => `${item(index).inventoryItemGid}|${world.locationGid}`;
const level = (index: Index) => world.shopify.quantities(world.shop, item(index).inventoryItemGid, world.locationGid)!;
const isActive = (index: Index) =>
  world.shopify
    .shop(world.shop)
    .level(BigInt(item(index).inventoryItemGid.split("/").pop()!), BigInt(world.locationGid.split("/").pop()!))!
    .isActive;
const deactivate = (index: Index) =>
  world.shopify.deactivateLevel(world.shop, item(index).inventoryItemGid, world.locationGid);
async function own(index: Index): Promise<number> {
  const row = await db().heldStock.findUnique({
    where: {
      shop_inventoryItemGid_locationGid: {
        shop: world.shop,
        inventoryItemGid: item(index).inventoryItemGid,
        locationGid: world.locationGid,
      },
    },
  });
  return row?.units ?? 0;
}
async function onlineStoreConnector(): Promise<ChannelConnector> {
  const connector = await connectorFor(worldConnectors(world, db(), KEY), world.shop, "online_store");
  if (!isConnector(connector)) throw new Error(connector.detail);
  return connector;
}
async function adminClient(): Promise<AdminClient> {
  const client = await adminClientFor(worldConnectors(world, db(), KEY), world.shop);
  if (!client) throw new Error("no Admin API client for the shop");
  return client;
}
/** Admin API moves that named this item so far. */
const movesOf = (index: Index) =>
  world.shopify.requests.filter(
    (entry) =>
      entry.operationName === "BallastInventoryMove" &&
      JSON.stringify(entry.variables).includes(item(index).inventoryItemGid),
  ).length;
const policy = () => ({ provider: testDatabase.provider, maxCalls: 5, retryBaseMs: 1_000, random: () => 0.5 });

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ shop: "inactive-levels.myshopify.com", variants: 3, stockPerVariant: () => 10 });
  world.shopify.setQuantities(world.shop, item(0).inventoryItemGid, world.locationGid, {
    available: 10,
    safety_stock: 5,
  });
  world.shopify.setBulkBehaviour({ readsUntilDone: 0 });
  await installShop(testDatabase.database, world, KEY);
  await db().channelConnection.upsert({
    where: { shop_channel: { shop: world.shop, channel: "online_store" } },
    create: { shop: world.shop, channel: "online_store", activatedAt: new Date() },
    update: { activatedAt: new Date(), state: "active" },
  });
});

afterAll(async () => {
  await world?.close();
  await testDatabase?.drop();
});

describe("inactive inventory levels", { shuffle: false }, () => {
  it("the engine places no hold on an inactive level: its quantities stay as they are and the item is parked as not stocked there", async () => {
    // Ballast reads Shopify and decides (8 shown, 2 held at each level); then the merchant
    // deactivates item 2's level (it keeps its 10 available) before the push.
    const now = new Date();
    await reconcileShop(db(), world.shop, await adminClient(), { now, mode: "full", provider: testDatabase.provider });
    await recomputeShop(db(), world.shop, { now, scope: "all", provider: testDatabase.provider });
    deactivate(2);
    await pushChannel(db(), world.shop, "online_store", await onlineStoreConnector(), now, policy());
    // Active levels are held as usual (2 units each, beside the merchant's own 5 on item 0).
    expect(level(0)).toMatchObject({ available: 8, safety_stock: 7 });
    expect(level(1)).toMatchObject({ available: 8, safety_stock: 2 });
    expect([await own(0), await own(1)]).toEqual([2, 2]);
    // The inactive level: nothing moved, nothing recorded as Ballast's.
    expect(level(2)).toMatchObject({ available: 10, safety_stock: 0 });
    expect(isActive(2)).toBe(false);
    expect(movesOf(2)).toBe(0);
    expect(await own(2)).toBe(0);
    const state = await db().channelItemState.findUnique({
      where: { shop_channel_itemKey: { shop: world.shop, channel: "online_store", itemKey: keyOf(2) } },
    });
    expect(state).toMatchObject({ desired: 8, pushed: null, parkedAt: expect.any(Date) });
    expect(state!.lastError).toContain("ITEM_NOT_STOCKED_AT_LOCATION");
  });

  it("a level deactivated while Ballast holds units there is read with its quantities, and no further hold is added to it", async () => {
    deactivate(0);
    expect(isActive(0)).toBe(false);
    const levels = await readItemLevels(await adminClient(), [
      { inventoryItemId: item(0).inventoryItemGid, locationId: world.locationGid },
    ]);
    expect(levels.get(keyOf(0))).toMatchObject({ status: "found", available: 8, safetyStock: 7, active: false });

    // The engine now wants item 0 at 6 there: that would be 2 more held, on an inactive level.
    await db().channelItemState.update({
      where: { shop_channel_itemKey: { shop: world.shop, channel: "online_store", itemKey: keyOf(0) } },
      data: { desired: 6, parkedAt: null, nextAttemptAt: null },
    });
    const movesBefore = movesOf(0);
    await pushChannel(db(), world.shop, "online_store", await onlineStoreConnector(), new Date(), policy());
    expect(movesOf(0)).toBe(movesBefore);
    expect(level(0)).toMatchObject({ available: 8, safety_stock: 7 });
    expect(await own(0)).toBe(2);
  });

  it("Ballast's own units left on an inactive level are offered back on reinstall, merchant's safety stock excluded", async () => {
    const check = await checkStrandedHolds(db(), world.shop, await adminClient());
    expect(check).toMatchObject({ items: 2, units: 4, locations: 1 });
    expect(check.levels.find((stranded) => stranded.itemKey === keyOf(0))).toMatchObject({
      recorded: 2,
      safetyStock: 7,
      offered: 2,
    });
  });

  it("releasing holds gives Ballast's units back to available on the inactive level (compare-and-swap, only its own); the level stays inactive", async () => {
    const summary = await releaseOwnHolds(db(), world.shop, await onlineStoreConnector(), new Date(), {
      provider: testDatabase.provider,
    });
    expect(summary).toEqual({ released: 4, items: 2, remaining: 0 });
    // Item 0: Ballast's 2 back to available; the merchant's own 5 stay in safety_stock.
    expect(level(0)).toMatchObject({ available: 10, safety_stock: 5 });
    expect(isActive(0)).toBe(false);
    expect(level(1)).toMatchObject({ available: 10, safety_stock: 0 });
    // The inactive level Ballast never held on is untouched.
    expect(level(2)).toMatchObject({ available: 10, safety_stock: 0 });
    expect(movesOf(2)).toBe(0);
    expect(await db().heldStock.count({ where: { shop: world.shop } })).toBe(0);
    expect(await db().holdMove.count({ where: { shop: world.shop } })).toBe(0);
    // Compare-and-swap on the quantities just read, as on any level.
    const release = world.shopify.requests
      .filter(
        (entry) =>
          entry.operationName === "BallastInventoryMove" &&
          JSON.stringify(entry.variables).includes(item(0).inventoryItemGid),
      )
      .at(-1)!;
    const change = (
      release.variables as {
        input: { changes: { quantity: number; from: { name: string; changeFromQuantity: number } }[] };
      }
    ).input.changes.find((candidate) => candidate.from.name === "safety_stock");
    expect(change).toMatchObject({ quantity: 2, from: { changeFromQuantity: 7 } });

    // Nothing of Ballast's left: a second release moves nothing.
    const movesBefore = world.shopify.apiAdjustmentCount(world.shop);
    expect(
      await releaseOwnHolds(db(), world.shop, await onlineStoreConnector(), new Date(), {
        provider: testDatabase.provider,
      }),
    ).toEqual({ released: 0, items: 0, remaining: 0 });
    expect(world.shopify.apiAdjustmentCount(world.shop)).toBe(movesBefore);
  });
});

// @database
/**
 * Ballast changes only what it moved (issue 15, parts 4 and 5), against a real database and
 * the fake Shopify: Ballast's own units in safety_stock are recorded (HeldStock), every move
 * is journalled (HoldMove) and counted exactly once even across a crash, the merchant's own
 * safety stock is never sellable nor released, a change the merchant makes in Shopify admin
 * is recognised as theirs, and the units left held at uninstall are found on reinstall and
 * released exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClientFor, connectorFor, isConnector } from "~/channels/factory.server";
import type { ChannelConnector } from "~/channels/types";
import { resumeHolds } from "~/web/channels.server";
import { markShopUninstalled } from "~/records/shop-lifecycle.server";
import { requestOperation } from "~/records/requests.server";
import { processPendingEvents } from "~/ingest/process-events.server";
import { recordWebhookEvent } from "~/ingest/webhook-event.server";
import { jsonWithBigInts } from "../../sim/fakes/shopify/webhooks";
import { pushChannel } from "./push.server";
import { reconcileShop } from "./reconcile.server";
import { checkStrandedHolds, releaseOwnHolds } from "./release-holds.server";
import { startWorld, type World } from "../../sim/world";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { finishBulkAtOnce, skippingClock } from "../../tests/support/instant-waits";
import { SyncWorker } from "~/worker/worker.server";

const KEY = Buffer.alloc(32, 7);
let world: World;
let testDatabase: TestDatabase;
let worker: SyncWorker;

const db = () => testDatabase.database;
const pause = () => new Promise((resolve) => setTimeout(resolve, 15));

/** Item A carries 5 units of the merchant's own safety stock; item B none. */
const item = (index: 0 | 1) => world.variants[index]!;
const keyOf = (index: 0 | 1) => `${item(index).inventoryItemGid}|${world.locationGid}`;
const level = (index: 0 | 1) => world.shopify.quantities(world.shop, item(index).inventoryItemGid, world.locationGid)!;
const setLevel = (index: 0 | 1, quantities: { available: number; safety_stock: number }) =>
  world.shopify.setQuantities(world.shop, item(index).inventoryItemGid, world.locationGid, quantities);
async function own(index: 0 | 1): Promise<number> {
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
async function recordedOwn(index: 0 | 1): Promise<number | null> {
  const row = await db().masterRecord.findUnique({
    where: { shop_variantGid: { shop: world.shop, variantGid: item(index).variantGid } },
  });
  const record = row?.record as
    { locations: { locationId: string; ballastSafetyStock: { value: number } | null }[] } | undefined;
  return (
    record?.locations.find((location) => location.locationId === world.locationGid)?.ballastSafetyStock?.value ?? null
  );
}
async function recordedAvailable(index: 0 | 1): Promise<number | null> {
  const row = await db().masterRecord.findUnique({
    where: { shop_variantGid: { shop: world.shop, variantGid: item(index).variantGid } },
  });
  const record = row?.record as
    { locations: { locationId: string; available: { value: number } | null }[] } | undefined;
  return record?.locations.find((location) => location.locationId === world.locationGid)?.available?.value ?? null;
}
/** A buyer takes one unit in Shopify, and the ingest lane records Shopify's level update for it. */
async function sellOneAndIngest(index: 0 | 1, eventId: string): Promise<void> {
  await world.shopify.placeOrder(world.shop, {
    lines: [{ inventoryItemId: item(index).inventoryItemGid, locationId: world.locationGid, quantity: 1 }],
    webhooks: false,
  });
  await recordWebhookEvent(db(), {
    shop: world.shop,
    topic: "inventory_levels/update",
    webhookId: eventId,
    eventId,
    apiVersion: "2026-10",
    triggeredAt: new Date(),
    rawBody: jsonWithBigInts(
      world.shopify.inventoryLevelUpdatePayload(world.shop, item(index).inventoryItemGid, world.locationGid),
    ),
  });
  await processPendingEvents(db(), world.shop, { now: new Date(), provider: testDatabase.provider });
}
const pushPolicy = () => ({
  provider: testDatabase.provider,
  maxCalls: 5,
  retryBaseMs: 1_000,
  random: () => 0.5,
  materiality: null,
});
async function onlineStoreConnector(): Promise<ChannelConnector> {
  const connector = await connectorFor(worldConnectors(world, db(), KEY), world.shop, "online_store");
  if (!isConnector(connector)) throw new Error(connector.detail);
  return connector;
}
/** The Online Store's merchant activation (observe mode otherwise holds nothing). */
async function activateOnlineStore() {
  await db().channelConnection.upsert({
    where: { shop_channel: { shop: world.shop, channel: "online_store" } },
    create: { shop: world.shop, channel: "online_store", activatedAt: new Date() },
    update: { activatedAt: new Date(), state: "active" },
  });
}

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ shop: "held-stock.myshopify.com", variants: 2, stockPerVariant: () => 10 });
  // The merchant keeps 5 units of item A in safety_stock for reasons of their own.
  setLevel(0, { available: 10, safety_stock: 5 });
  finishBulkAtOnce(world);
  await installShop(testDatabase.database, world, KEY);
  await activateOnlineStore();
  worker = new SyncWorker({
    database: testDatabase.database,
    provider: testDatabase.provider,
    // Meta's batch polling takes no real time (its fake finishes batches at once).
    connectors: worldConnectors(world, testDatabase.database, KEY, { clock: skippingClock() }),
    pushIntervalMs: { online_store: 0, meta: 0, google: 0 },
    reconcileEveryMs: 0,
    random: () => 0.5,
  });
});

afterAll(async () => {
  await world?.close();
  await testDatabase?.drop();
});

describe("Ballast's own holds", { shuffle: false }, () => {
  it("holds from available and records the units as its own; the merchant's safety stock is neither sellable nor Ballast's", async () => {
    await worker.runOnce();
    await worker.runOnce();
    // 10 sellable (not 15): Online Store 8, 2 held by Ballast beside the merchant's 5.
    expect(level(0)).toMatchObject({ available: 8, safety_stock: 7 });
    expect(level(1)).toMatchObject({ available: 8, safety_stock: 2 });
    expect([await own(0), await own(1)]).toEqual([2, 2]);
    expect([await recordedOwn(0), await recordedOwn(1)]).toEqual([2, 2]);
    expect(await db().holdMove.count({ where: { shop: world.shop } })).toBe(0);
    const state = await db().channelItemState.findUnique({
      where: { shop_channel_itemKey: { shop: world.shop, channel: "online_store", itemKey: keyOf(0) } },
    });
    expect(state).toMatchObject({ desired: 8, pushed: 8 });
  });

  it("a crash after Shopify applied a move and before Ballast recorded it: the next pass sends it again with its key and counts it once", async () => {
    const connector = await onlineStoreConnector();
    const policy = {
      provider: testDatabase.provider,
      maxCalls: 5,
      retryBaseMs: 1_000,
      random: () => 0.5,
      materiality: null,
    };
    // The engine now wants item B at 6: 2 more units to hold.
    await db().channelItemState.update({
      where: { shop_channel_itemKey: { shop: world.shop, channel: "online_store", itemKey: keyOf(1) } },
      data: { desired: 6 },
    });
    const movesBefore = world.shopify.apiAdjustmentCount(world.shop);
    await expect(
      pushChannel(db(), world.shop, "online_store", connector, new Date(), {
        ...policy,
        beforeRecordingResults: async () => {
          throw new Error("process killed");
        },
      }),
    ).rejects.toThrow("process killed");
    // Shopify moved; Ballast's record did not change, and the journal remembers the move.
    expect(level(1)).toMatchObject({ available: 6, safety_stock: 4 });
    expect(await own(1)).toBe(2);
    expect(await db().holdMove.count({ where: { shop: world.shop } })).toBe(1);

    await pause();
    await pushChannel(db(), world.shop, "online_store", connector, new Date(), policy);
    expect(level(1)).toMatchObject({ available: 6, safety_stock: 4 });
    expect(await own(1)).toBe(4);
    expect(await recordedOwn(1)).toBe(4);
    expect(await db().holdMove.count({ where: { shop: world.shop } })).toBe(0);
    expect(world.shopify.apiAdjustmentCount(world.shop) - movesBefore).toBe(1);
    // Replayed by Shopify (same key), not moved again.
    const moves = world.shopify.requests.filter(
      (entry) =>
        entry.operationName === "BallastInventoryMove" &&
        JSON.stringify(entry.variables).includes(item(1).inventoryItemGid),
    );
    const keys = moves.slice(-2).map((entry) => entry.variables["idempotencyKey"]);
    expect(keys[0]).toBe(keys[1]);

    // The next worker pass puts item B back to the engine's 8: it releases exactly the 2 units.
    await worker.runOnce();
    expect(level(1)).toMatchObject({ available: 8, safety_stock: 2 });
    expect(await own(1)).toBe(2);
  });

  it("a move Shopify refuses when sent again (the level changed meanwhile) moved nothing and is dropped", async () => {
    const connector = await onlineStoreConnector();
    const before = level(1);
    await db().holdMove.create({
      data: {
        shop: world.shop,
        idempotencyKey: "ballast-never-sent-0001",
        move: {
          input: {
            reason: "safety_stock",
            referenceDocumentUri: "gid://ballast/ChannelSync/online_store",
            changes: [
              {
                inventoryItemId: item(1).inventoryItemGid,
                quantity: 3,
                from: {
                  locationId: world.locationGid,
                  name: "available",
                  ledgerDocumentUri: null,
                  changeFromQuantity: 99,
                },
                to: {
                  locationId: world.locationGid,
                  name: "safety_stock",
                  ledgerDocumentUri: "gid://ballast/OnlineStoreBuffer/1",
                  changeFromQuantity: 0,
                },
              },
            ],
          },
          effects: [{ itemKey: keyOf(1), variantGid: item(1).variantGid, delta: 3 }],
        },
      },
    });
    await pushChannel(db(), world.shop, "online_store", connector, new Date(), {
      provider: testDatabase.provider,
      maxCalls: 5,
      retryBaseMs: 1_000,
      random: () => 0.5,
    });
    expect(level(1)).toEqual(before);
    expect(await own(1)).toBe(2);
    expect(await db().holdMove.count({ where: { shop: world.shop } })).toBe(0);
  });

  it("the merchant changes safety stock in Shopify admin: a rise is theirs; a fall below Ballast's units lowers Ballast's count; release touches only Ballast's own", async () => {
    await pause();
    // Item A: the merchant moves 3 more units into safety_stock (5 + 3 = 8 theirs, 2 Ballast's).
    setLevel(0, { available: 5, safety_stock: 10 });
    // Item B: the merchant takes 1 of Ballast's 2 held units back to available.
    setLevel(1, { available: 9, safety_stock: 1 });
    await pause();
    // Read by reconciliation, then decided anew and pushed.
    await worker.runOnce();
    await worker.runOnce();
    expect(await own(0)).toBe(2);
    expect(await own(1)).toBe(1);
    expect(await recordedOwn(1)).toBe(1);
    // A: 5 + Ballast's 2 = 7 sellable → Online Store 5: nothing to move, the merchant's 8 untouched.
    expect(level(0)).toMatchObject({ available: 5, safety_stock: 10 });

    // Then the merchant takes 6 of their own 8 out again (safety_stock 4: 2 theirs, 2 Ballast's).
    setLevel(0, { available: 11, safety_stock: 4 });
    await pause();
    await worker.runOnce();
    await worker.runOnce();
    expect(await own(0)).toBe(2);
    expect(level(0)).toMatchObject({ available: 11, safety_stock: 4 });

    // "Release all holds": exactly Ballast's 2 + 1 units.
    await requestOperation(db(), world.shop, "release_holds");
    await worker.runOnce();
    const operation = await db().operation.findFirst({
      where: { shop: world.shop, kind: "release_holds" },
      orderBy: { createdAt: "desc" },
    });
    expect(operation).toMatchObject({ state: "succeeded" });
    expect(level(0)).toMatchObject({ available: 13, safety_stock: 2 });
    expect(level(1)).toMatchObject({ available: 10, safety_stock: 0 });
    expect([await own(0), await own(1)]).toEqual([0, 0]);
    const activity = await db().activity.findFirst({
      where: { shop: world.shop, kind: "holds_released" },
      orderBy: { at: "desc" },
    });
    expect(activity?.details).toMatchObject({ units: 3, items: 2 });
    // Holds stay released: the next passes hold nothing, and never touch the merchant's 2.
    await worker.runOnce();
    expect(level(0)).toMatchObject({ available: 13, safety_stock: 2 });
  });

  it("install → hold → uninstall (token revoked) → reinstall: the stranded units are found, offered and released exactly; the merchant's safety stock untouched", async () => {
    await resumeHolds(db(), world.shop, Date.now());
    await worker.runOnce();
    await worker.runOnce();
    // Ballast holds again (how much is the engine's business: damping spreads a rise), always
    // beside the merchant's 2 units of item A, never out of them.
    const heldA = await own(0);
    const heldB = await own(1);
    expect(heldA).toBeGreaterThan(0);
    expect(heldB).toBeGreaterThan(1);
    expect(level(0).safety_stock).toBe(2 + heldA);
    expect(level(1).safety_stock).toBe(heldB);
    const atUninstall = level(0);

    // Uninstall: Shopify revokes the token before app/uninstalled arrives.
    world.shopify.revokeToken(world.shop);
    await markShopUninstalled(db(), world.shop, new Date());
    expect(await db().heldStock.count({ where: { shop: world.shop, units: { gt: 0 } } })).toBe(2);
    await worker.runOnce();
    expect(level(0)).toEqual(atUninstall);

    // Meanwhile the merchant takes 1 of the held units of B back in Shopify admin.
    setLevel(1, { available: level(1).available + 1, safety_stock: heldB - 1 });

    // Reinstall: a new offline token, a new session.
    world.shopify.restoreToken(world.shop);
    const token = world.shopify.issueOfflineToken(world.shop);
    await db().session.upsert({
      where: { id: `offline_${world.shop}` },
      create: {
        id: `offline_${world.shop}`,
        shop: world.shop,
        state: "",
        isOnline: false,
        accessToken: token.access_token,
        refreshToken: token.refresh_token,
        expires: token.expires_in === undefined ? null : new Date(token.issuedAt + token.expires_in * 1000),
      },
      update: { accessToken: token.access_token },
    });
    await db().shop.update({ where: { shop: world.shop }, data: { uninstalledAt: null } });

    const client = await adminClientFor(worldConnectors(world, db(), KEY), world.shop);
    const stranded = await checkStrandedHolds(db(), world.shop, client!);
    expect(stranded).toMatchObject({ items: 2, units: heldA + heldB - 1, locations: 1 });
    expect(stranded.levels.find((entry) => entry.itemKey === keyOf(0))).toMatchObject({
      recorded: heldA,
      safetyStock: heldA + 2,
      offered: heldA,
    });
    expect(stranded.levels.find((entry) => entry.itemKey === keyOf(1))).toMatchObject({
      recorded: heldB,
      safetyStock: heldB - 1,
      offered: heldB - 1,
    });

    // A reinstall starts in observe mode: nothing is released or held until the merchant says so.
    await worker.runOnce();
    expect(level(0)).toEqual(atUninstall);

    // The merchant agrees: exactly the offered units come back; the merchant's 2 of item A stay.
    await requestOperation(db(), world.shop, "release_holds");
    await worker.runOnce();
    expect(level(0)).toMatchObject({ available: atUninstall.available + heldA, safety_stock: 2 });
    expect(level(1)).toMatchObject({ available: 10, safety_stock: 0 });
    expect(await db().heldStock.count({ where: { shop: world.shop, units: { gt: 0 } } })).toBe(0);
    expect(await checkStrandedHolds(db(), world.shop, client!)).toMatchObject({ items: 0, units: 0 });
  });

  it("reconciliation lowers Ballast's count only for a level newer than its record, and never under a move still in the journal", async () => {
    const client = (await adminClientFor(worldConnectors(world, db(), KEY), world.shop))!;
    const reconcile = () =>
      reconcileShop(db(), world.shop, client, { now: new Date(), mode: "full", provider: testDatabase.provider });
    const where = {
      shop_inventoryItemGid_locationGid: {
        shop: world.shop,
        inventoryItemGid: item(1).inventoryItemGid,
        locationGid: world.locationGid,
      },
    };
    const record = (updatedAt: Date) =>
      db().heldStock.upsert({
        where,
        create: {
          shop: world.shop,
          inventoryItemGid: item(1).inventoryItemGid,
          locationGid: world.locationGid,
          variantGid: item(1).variantGid,
          units: 3,
          updatedAt,
        },
        update: { units: 3, updatedAt },
      });
    setLevel(1, { available: 10, safety_stock: 1 });
    await pause();

    // Ballast's record is newer than what Shopify says: kept (the sellable figure counts at most the 1 there).
    await record(new Date(Date.now() + 3_600_000));
    expect((await reconcile()).ownHoldsLowered).toBe(0);
    expect(await own(1)).toBe(3);
    expect(await recordedOwn(1)).toBe(1);

    // A move of this level still in the journal: settled by the journal, not lowered here.
    await record(new Date(Date.now() - 3_600_000));
    await db().holdMove.create({
      data: {
        shop: world.shop,
        idempotencyKey: "ballast-pending-0001",
        move: {
          input: { reason: "safety_stock", referenceDocumentUri: "gid://ballast/x", changes: [] },
          effects: [{ itemKey: keyOf(1), variantGid: item(1).variantGid, delta: -2 }],
        },
      },
    });
    expect((await reconcile()).ownHoldsLowered).toBe(0);
    expect(await own(1)).toBe(3);
    await db().holdMove.deleteMany({ where: { shop: world.shop } });

    // Shopify's level is newer and below Ballast's 3: someone released units in Shopify admin.
    expect((await reconcile()).ownHoldsLowered).toBe(1);
    expect(await own(1)).toBe(1);
    expect(await recordedOwn(1)).toBe(1);
    // A rise in safety_stock afterwards is the merchant's.
    await pause();
    setLevel(1, { available: 6, safety_stock: 5 });
    await pause();
    await reconcile();
    expect(await own(1)).toBe(1);
  });

  it("releaseOwnHolds returns exactly Ballast's units and says so; a level Shopify no longer has is forgotten", async () => {
    // Item B: 5 in safety_stock, 1 of them Ballast's (previous case). And a record for an item Shopify does not have.
    await db().heldStock.create({
      data: {
        shop: world.shop,
        inventoryItemGid: "gid://shopify/InventoryItem/999999999",
        locationGid: world.locationGid,
        variantGid: "gid://shopify/ProductVariant/999999999",
        units: 2,
      },
    });
    const before = level(1);
    const summary = await releaseOwnHolds(db(), world.shop, await onlineStoreConnector(), new Date(), {
      provider: testDatabase.provider,
    });
    expect(summary).toEqual({ released: 1, items: 1, remaining: 0 });
    expect(level(1)).toMatchObject({ available: before.available + 1, safety_stock: before.safety_stock - 1 });
    expect(await db().heldStock.count({ where: { shop: world.shop } })).toBe(0);
    expect(await db().holdMove.count({ where: { shop: world.shop } })).toBe(0);
    // Nothing of Ballast's left: a second release moves nothing.
    const movesBefore = world.shopify.apiAdjustmentCount(world.shop);
    expect(
      await releaseOwnHolds(db(), world.shop, await onlineStoreConnector(), new Date(), {
        provider: testDatabase.provider,
      }),
    ).toEqual({ released: 0, items: 0, remaining: 0 });
    expect(world.shopify.apiAdjustmentCount(world.shop)).toBe(movesBefore);
  });

  it("a sale made while the move's answer was on its way, and recorded first, is not undone by that answer", async () => {
    const connector = await onlineStoreConnector();
    const before = level(1);
    await db().channelItemState.update({
      where: { shop_channel_itemKey: { shop: world.shop, channel: "online_store", itemKey: keyOf(1) } },
      data: { desired: before.available - 2 },
    });
    await pause();
    await pushChannel(db(), world.shop, "online_store", connector, new Date(), {
      ...pushPolicy(),
      // Shopify applied the move; before Ballast records its answer, a buyer takes 1 unit and
      // the ingest lane records Shopify's level update for it.
      beforeRecordingResults: async () => {
        await pause();
        await sellOneAndIngest(1, "sale-during-move");
      },
    });
    expect(level(1)).toMatchObject({ available: before.available - 3, safety_stock: before.safety_stock + 2 });
    // The record shows Shopify's available after the sale, with Ballast's 2 units beside it.
    expect(await recordedAvailable(1)).toBe(before.available - 3);
    expect(await recordedOwn(1)).toBe(2);
    // The row says what the Online Store shows, one short of the target: the next pass
    // releases the unit, since the engine still wants it shown.
    const state = () =>
      db().channelItemState.findUnique({
        where: { shop_channel_itemKey: { shop: world.shop, channel: "online_store", itemKey: keyOf(1) } },
      });
    expect(await state()).toMatchObject({ desired: before.available - 2, pushed: before.available - 3 });
    await pushChannel(db(), world.shop, "online_store", connector, new Date(), pushPolicy());
    expect(level(1)).toMatchObject({ available: before.available - 2, safety_stock: before.safety_stock + 1 });
    expect(await state()).toMatchObject({ pushed: before.available - 2 });

    // A sale Shopify reports later moves the row with it, whatever the engine decides next.
    await pause();
    await sellOneAndIngest(1, "sale-after-move");
    expect(await state()).toMatchObject({ pushed: before.available - 3 });
  });
});

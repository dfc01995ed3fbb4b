// @database
/**
 * The whole loop against a real database and the HTTP fakes of Shopify, Meta and
 * Google: full read → master record → desired quantities → pushes → read-back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordWebhookEvent } from "~/ingest/webhook-event.server";
import { startWorld, type World } from "../../sim/world";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { finishBulkAtOnce, skippingClock } from "../../tests/support/instant-waits";
import { SyncWorker } from "~/worker/worker.server";

const KEY = Buffer.alloc(32, 9);
let world: World;
let testDatabase: TestDatabase;
let worker: SyncWorker;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ variants: 3, stockPerVariant: () => 10 });
  finishBulkAtOnce(world);
  await installShop(testDatabase.database, world, KEY);
  worker = new SyncWorker({
    database: testDatabase.database,
    provider: testDatabase.provider,
    // Meta's batch polling takes no real time (its fake finishes batches at once).
    connectors: worldConnectors(world, testDatabase.database, KEY, { clock: skippingClock() }),
    pushIntervalMs: { online_store: 0, meta: 0, google: 0 },
    random: () => 0.5,
  });
});

afterAll(async () => {
  await world?.close();
  await testDatabase?.drop();
});

async function desiredOf(channel: string, itemKey: string) {
  return testDatabase.database.channelItemState.findUnique({
    where: { shop_channel_itemKey: { shop: world.shop, channel, itemKey } },
  });
}

// One story told in order: each step builds on the state the previous one left.
describe("sync pipeline", { shuffle: false }, () => {
  it("GIVEN 10 units and the default rules WHEN the worker runs THEN channels show 8 / 7 / in stock (the seed example)", async () => {
    await worker.runOnce();
    await worker.runOnce();

    const [first] = world.variants;
    const levelKey = `${first!.inventoryItemGid}|${world.locationGid}`;
    expect(await desiredOf("online_store", levelKey)).toMatchObject({ desired: 8, pushed: 8, confirmed: 8 });
    expect(world.shopify.quantities(world.shop, first!.inventoryItemGid, world.locationGid)).toMatchObject({
      available: 8,
      safety_stock: 2,
      on_hand: 10,
    });
    expect(await desiredOf("meta", first!.metaRetailerId)).toMatchObject({ desired: 7, pushed: 7, confirmed: 7 });
    expect(world.meta.control.trueItem(world.catalogId, first!.metaRetailerId)).toMatchObject({ quantity: 7 });
    expect(await desiredOf("google", first!.googleOfferId)).toMatchObject({ desired: 1, pushed: 1 });
  });

  it("keeps held units in the master record: Ballast's own safety stock is not a sale", async () => {
    const [first] = world.variants;
    const stored = await testDatabase.database.masterRecord.findUnique({
      where: { shop_variantGid: { shop: world.shop, variantGid: first!.variantGid } },
    });
    const record = stored!.record as {
      locations: { available: { value: number }; ballastSafetyStock: { value: number } }[];
    };
    expect(record.locations[0]).toMatchObject({ available: { value: 8 }, ballastSafetyStock: { value: 2 } });
  });

  it("GIVEN an order webhook WHEN processed THEN every channel shows less before Shopify's level update arrives", async () => {
    const [, second] = world.variants;
    const variantId = second!.variantGid.split("/").pop();
    const body = JSON.stringify({
      id: 5550001,
      created_at: new Date().toISOString(),
      source_name: "web",
      line_items: [{ variant_id: Number(variantId), quantity: 4 }],
    });
    await recordWebhookEvent(testDatabase.database, {
      shop: world.shop,
      topic: "orders/create",
      webhookId: "w-1",
      eventId: "order-event-1",
      apiVersion: "2026-10",
      triggeredAt: new Date(),
      rawBody: body,
    });

    await worker.runOnce();

    // 10 − 4 held = 6 sellable → Online Store 6 − 2 = 4. Meta at most 6 − ceil(25% × 6) = 4, and
    // less once the sale makes the lag-aware term (sales speed × Meta's delay) the larger hold.
    expect(await desiredOf("online_store", `${second!.inventoryItemGid}|${world.locationGid}`)).toMatchObject({
      desired: 4,
      pushed: 4,
    });
    const meta = await desiredOf("meta", second!.metaRetailerId);
    expect(meta!.desired).toBeLessThanOrEqual(4);
    expect(meta!.pushed).toBe(meta!.desired);
    expect(world.meta.control.trueItem(world.catalogId, second!.metaRetailerId)).toMatchObject({
      quantity: meta!.desired,
    });
    expect(JSON.stringify(meta!.explanation)).toContain("lag");
  });

  it("records every push in the activity log with its explanation", async () => {
    const entries = await testDatabase.database.activity.findMany({
      where: { shop: world.shop, kind: "quantity_pushed", channel: "meta" },
    });
    expect(entries.length).toBeGreaterThanOrEqual(3);
    expect(entries[0]!.details).toMatchObject({ explanation: { steps: expect.any(Array) } });
  });
});

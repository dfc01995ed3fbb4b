// @database
/**
 * An item oversold on a channel with its own checkout leaves Shopify's `available` below
 * zero. The Online Store cannot be brought back to 0 by moving held units (there are none
 * left), so Ballast releases what it holds and stops there: it must not write the same
 * unreachable target on every pass.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordWebhookEvent } from "~/ingest/webhook-event.server";
import { VirtualClock } from "../../sim/fakes/meta/clock";
import { jsonWithBigInts } from "../../sim/fakes/shopify/webhooks";
import { startWorld, type World } from "../../sim/world";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { SyncWorker } from "~/worker/worker.server";

const KEY = Buffer.alloc(32, 5);
let world: World;
let testDatabase: TestDatabase;
let worker: SyncWorker;
// One simulated clock for the worker and the fakes: level timestamps must order with Ballast's own moves.
const clock = new VirtualClock(Date.UTC(2026, 10, 27, 18));

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ variants: 1, stockPerVariant: () => 3, clock });
  await installShop(testDatabase.database, world, KEY);
  await testDatabase.database.channelConnection.deleteMany({
    where: { shop: world.shop, channel: { in: ["meta", "google"] } },
  });
  // Thin stock off: with 3 units the Online Store would otherwise hold nothing (app/domain channels.ts).
  await testDatabase.database.channelConnection.update({
    where: { shop_channel: { shop: world.shop, channel: "online_store" } },
    data: { settings: { thinStock: { keepSellingAtOrBelow: 0 } } },
  });
  worker = new SyncWorker({
    database: testDatabase.database,
    provider: testDatabase.provider,
    connectors: worldConnectors(world, testDatabase.database, KEY),
    clock: () => new Date(clock.now()),
    pushIntervalMs: { online_store: 0 },
    random: () => 0.5,
  });
});

afterAll(async () => {
  await world?.close();
  await testDatabase?.drop();
});

const storeWrites = () =>
  world.shopify.requests.filter((request) => request.shop === world.shop && request.operation === "mutation").length;

describe("an item oversold beyond what Ballast holds", () => {
  it("releases every held unit once, then leaves the Online Store alone until the stock changes", async () => {
    const [variant] = world.variants;
    await worker.runOnce();
    await worker.runOnce();
    const held = world.shopify.quantities(world.shop, variant!.inventoryItemGid, world.locationGid)!;
    expect(held.safety_stock).toBeGreaterThan(0);

    clock.advance(60_000);
    // Meta's own checkout sold 5 units of 3: Shopify takes the order anyway.
    await world.shopify.placeOrder(world.shop, {
      lines: [{ inventoryItemId: variant!.inventoryItemGid, locationId: world.locationGid, quantity: 5 }],
      webhooks: false,
    });
    await recordWebhookEvent(testDatabase.database, {
      shop: world.shop,
      topic: "inventory_levels/update",
      webhookId: "oversold-level",
      eventId: "oversold-level",
      apiVersion: "2026-10",
      triggeredAt: new Date(clock.now()),
      rawBody: jsonWithBigInts(
        world.shopify.inventoryLevelUpdatePayload(world.shop, variant!.inventoryItemGid, world.locationGid),
      ),
    });
    for (let pass = 0; pass < 3; pass += 1) {
      clock.advance(60_000);
      await worker.runOnce();
    }
    const after = world.shopify.quantities(world.shop, variant!.inventoryItemGid, world.locationGid)!;
    expect(after.safety_stock).toBe(0);
    expect(after.available).toBe(3 - 5);
    const row = await testDatabase.database.channelItemState.findUnique({
      where: {
        shop_channel_itemKey: {
          shop: world.shop,
          channel: "online_store",
          itemKey: `${variant!.inventoryItemGid}|${world.locationGid}`,
        },
      },
    });
    expect(row).toMatchObject({ desired: -2, pushed: -2 });

    const writes = storeWrites();
    for (let pass = 0; pass < 5; pass += 1) {
      clock.advance(60_000);
      await worker.runOnce();
    }
    expect(storeWrites()).toBe(writes);
  });
});

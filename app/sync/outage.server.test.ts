// @database
/**
 * Outage mode: while Shopify's Admin API answers only errors, the worker keeps protecting
 * from the stored. An order webhook (recorded by the app, not read from the API) still
 * lowers what Meta is asked to show, the merchant is told Shopify is unreachable (a
 * critical alert), the Online Store's new figure waits for a retry instead of being parked,
 * and once Shopify answers again the alert resolves and the Online Store catches up.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordWebhookEvent } from "~/ingest/webhook-event.server";
import { startWorld, type World } from "../../sim/world";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { finishBulkAtOnce, skippingClock } from "../../tests/support/instant-waits";
import { SyncWorker } from "~/worker/worker.server";

const KEY = Buffer.alloc(32, 6);
const MINUTE = 60_000;
let world: World;
let testDatabase: TestDatabase;
let worker: SyncWorker;
// The worker's clock starts at the real time: webhook events are stamped by the app when received.
let nowMs = Date.now();

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ variants: 2, stockPerVariant: () => 10 });
  finishBulkAtOnce(world);
  await installShop(testDatabase.database, world, KEY);
  worker = new SyncWorker({
    database: testDatabase.database,
    provider: testDatabase.provider,
    // One quick retry: the client's default backoff would make each pass of the outage last a minute.
    connectors: {
      // Meta's batch polling takes no real time (its fake finishes batches at once).
      ...worldConnectors(world, testDatabase.database, KEY, { clock: skippingClock() }),
      adminRetries: { retries: 1, backoffBaseMs: 5, backoffCapMs: 10 },
    },
    clock: () => new Date(nowMs),
    pushIntervalMs: { online_store: 0, meta: 0, google: 0 },
    // Reconcile with Shopify on every pass: each pass meets the outage.
    reconcileEveryMs: 0,
    random: () => 0.5,
  });
});

afterAll(async () => {
  world?.shopify.setFailureModes({ serverErrorRate: 0 });
  await world?.close();
  await testDatabase?.drop();
});

const rowOf = (channel: string, itemKey: string) =>
  testDatabase.database.channelItemState.findUniqueOrThrow({
    where: { shop_channel_itemKey: { shop: world.shop, channel, itemKey } },
  });
const openAlert = (kind: string) =>
  testDatabase.database.alert.findFirst({ where: { shop: world.shop, kind, resolvedAt: null } });
const pass = async () => {
  nowMs += MINUTE;
  await worker.runOnce();
};

describe("outage mode", { shuffle: false }, () => {
  it("GIVEN Shopify unreachable WHEN an order webhook arrives THEN Meta is still lowered from the stored and the merchant is told", async () => {
    // First pass: the full read of Shopify; second: decisions and first pushes.
    await pass();
    await pass();
    const [first] = world.variants;
    const metaBefore = (await rowOf("meta", first!.metaRetailerId)).pushed!;
    const storeKey = `${first!.inventoryItemGid}|${world.locationGid}`;
    const storeBefore = await rowOf("online_store", storeKey);
    expect(await openAlert("shopify_unreachable")).toBeNull();

    world.shopify.setFailureModes({ serverErrorRate: 1 });
    const variantId = first!.variantGid.split("/").pop();
    await recordWebhookEvent(testDatabase.database, {
      shop: world.shop,
      topic: "orders/create",
      webhookId: "outage-1",
      eventId: "outage-order-1",
      apiVersion: "2026-10",
      triggeredAt: new Date(nowMs),
      rawBody: JSON.stringify({
        id: 5550077,
        created_at: new Date(nowMs).toISOString(),
        source_name: "web",
        line_items: [{ variant_id: Number(variantId), quantity: 6 }],
      }),
    });
    await pass();

    expect(await openAlert("shopify_unreachable")).toMatchObject({ severity: "critical" });
    // 6 of 10 held for the order: Meta is asked for less, and shows it, with Shopify down.
    const meta = await rowOf("meta", first!.metaRetailerId);
    expect(meta.desired).toBeLessThan(metaBefore);
    expect(meta.pushed).toBe(meta.desired);
    expect(world.meta.control.trueItem(world.catalogId, first!.metaRetailerId)?.quantity).toBe(meta.desired);
    // The Online Store cannot be written: its new figure waits for a retry, not parked.
    const store = await rowOf("online_store", storeKey);
    expect(store.desired).toBeLessThan(storeBefore.desired);
    expect(store.pushed).toBe(storeBefore.pushed);
    expect(store.parkedAt).toBeNull();
    expect(store.attempts).toBeGreaterThan(0);
  });

  it("WHEN Shopify answers again THEN the alert resolves and the Online Store catches up", async () => {
    world.shopify.setFailureModes({ serverErrorRate: 0 });
    const [first] = world.variants;
    const storeKey = `${first!.inventoryItemGid}|${world.locationGid}`;
    // The failed write waits for its backoff (up to minutes on the worker's clock).
    for (let attempt = 0; attempt < 40; attempt += 1) {
      await pass();
      const store = await rowOf("online_store", storeKey);
      if (store.pushed === store.desired && (await openAlert("shopify_unreachable")) === null) break;
    }
    expect(await openAlert("shopify_unreachable")).toBeNull();
    const store = await rowOf("online_store", storeKey);
    expect(store.pushed).toBe(store.desired);
  });
});

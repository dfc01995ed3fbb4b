/**
 * Meta is pushed on an interval (many orders share one batch call), except a sell-out,
 * which goes out at once. Simulated clock, real database, the Meta fake over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordWebhookEvent } from "~/ingest/record-webhook.server";
import { startWorld, type World } from "../../sim/world";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { SyncWorker } from "./worker.server";

const KEY = Buffer.alloc(32, 9);
const T0 = Date.UTC(2026, 10, 27, 12);
let world: World;
let testDatabase: TestDatabase;
let worker: SyncWorker;
let now = T0;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ variants: 2, stockPerVariant: (index) => (index === 0 ? 3 : 40) });
  await installShop(testDatabase.database, world, KEY);
  worker = new SyncWorker({
    database: testDatabase.database,
    provider: testDatabase.provider,
    connectors: worldConnectors(world, testDatabase.database, KEY),
    clock: () => new Date(now),
    pushIntervalMs: { online_store: 0, meta: 180_000, google: 0 },
    random: () => 0.5,
  });
});

afterAll(async () => {
  await world?.close();
  await testDatabase?.drop();
});

let orderId = 7770000;
async function order(variantGid: string, quantity: number) {
  orderId += 1;
  await recordWebhookEvent(testDatabase.database, {
    shop: world.shop,
    topic: "orders/create",
    webhookId: `w-${orderId}`,
    eventId: `cadence-${orderId}`,
    apiVersion: "2026-10",
    triggeredAt: new Date(now),
    rawBody: JSON.stringify({ id: orderId, created_at: new Date(now).toISOString(), line_items: [{ variant_id: Number(variantGid.split("/").pop()), quantity }] }),
  });
}

const metaRow = (itemKey: string) =>
  testDatabase.database.channelItemState.findUniqueOrThrow({ where: { shop_channel_itemKey: { shop: world.shop, channel: "meta", itemKey } } });

describe("Meta push cadence", { shuffle: false }, () => {
  it("coalesces ordinary changes until the interval has passed", async () => {
    await worker.runOnce();
    await worker.runOnce();
    const [, plenty] = world.variants;
    const calls = world.meta.control.counters.itemsBatchCalls;
    const before = await metaRow(plenty!.metaRetailerId);
    expect(before.pushed).toBe(before.desired);

    now += 30_000;
    await order(plenty!.variantGid, 2);
    await worker.runOnce();
    const waiting = await metaRow(plenty!.metaRetailerId);
    expect(waiting.desired).toBeLessThan(before.desired);
    expect(waiting.pushed).toBe(before.pushed);
    expect(world.meta.control.counters.itemsBatchCalls).toBe(calls);

    now = T0 + 181_000;
    await worker.runOnce();
    const pushed = await metaRow(plenty!.metaRetailerId);
    expect(pushed.pushed).toBe(pushed.desired);
    expect(world.meta.control.counters.itemsBatchCalls).toBe(calls + 1);
  });

  it("pushes a sell-out at once, whatever the interval", async () => {
    const [scarce] = world.variants;
    expect((await metaRow(scarce!.metaRetailerId)).pushed).toBeGreaterThan(0);
    now += 20_000;
    await order(scarce!.variantGid, 3);
    await worker.runOnce();
    expect(await metaRow(scarce!.metaRetailerId)).toMatchObject({ desired: 0, pushed: 0 });
  });
});

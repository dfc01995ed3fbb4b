// @database
/**
 * Meta is pushed on an interval (many orders share one batch call), except a sell-out,
 * which goes out at once; and a call is made only for a material difference
 * (app/domain/materiality.ts), the others riding along or waiting at most the staleness
 * limit. Simulated clock, real database, the Meta fake over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadItem } from "~/web/items.server";
import { MATERIALITY_POLICIES, variantGid } from "~/domain";
import { recordWebhookEvent } from "~/ingest/webhook-event.server";
import { startWorld, type World } from "../../sim/world";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { finishBulkAtOnce, skippingClock } from "../../tests/support/instant-waits";
import { SyncWorker } from "~/worker/worker.server";

const KEY = Buffer.alloc(32, 9);
const T0 = Date.UTC(2026, 10, 27, 12);
let world: World;
let testDatabase: TestDatabase;
let worker: SyncWorker;
let now = T0;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ variants: 3, stockPerVariant: (index) => [3, 40, 500][index]! });
  finishBulkAtOnce(world);
  await installShop(testDatabase.database, world, KEY);
  worker = new SyncWorker({
    database: testDatabase.database,
    provider: testDatabase.provider,
    // Meta's batch polling takes no real time (its fake finishes batches at once).
    connectors: worldConnectors(world, testDatabase.database, KEY, { clock: skippingClock() }),
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
    rawBody: JSON.stringify({
      id: orderId,
      created_at: new Date(now).toISOString(),
      line_items: [{ variant_id: Number(variantGid.split("/").pop()), quantity }],
    }),
  });
}

const metaRow = (itemKey: string) =>
  testDatabase.database.channelItemState.findUniqueOrThrow({
    where: { shop_channel_itemKey: { shop: world.shop, channel: "meta", itemKey } },
  });

describe("Meta push cadence", { shuffle: false }, () => {
  it("coalesces ordinary changes until the interval has passed", async () => {
    await worker.runOnce();
    await worker.runOnce();
    const [, plenty] = world.variants;
    const calls = world.meta.control.counters.itemsBatchCalls;
    const before = await metaRow(plenty!.metaRetailerId);
    expect(before.pushed).toBe(before.desired);

    now += 30_000;
    // 8 of 40: more than the slack (half the 10 units Meta holds back), so worth a call.
    await order(plenty!.variantGid, 8);
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

  it("leaves a decrease within the slack for a later call, and it rides along with the next material one", async () => {
    const [, forty, large] = world.variants;
    now += 200_000; // past the interval
    await worker.runOnce();
    const calls = world.meta.control.counters.itemsBatchCalls;
    const before = await metaRow(large!.metaRetailerId);
    expect(before.pushed).toBe(before.desired);

    await order(large!.variantGid, 1);
    await worker.runOnce();
    const waiting = await metaRow(large!.metaRetailerId);
    expect(waiting.desired).toBeLessThan(before.desired);
    expect(waiting.pushed).toBe(before.pushed);
    expect(waiting.pendingSince?.getTime()).toBe(now);
    expect(world.meta.control.counters.itemsBatchCalls).toBe(calls);
    // The Online Store has no per-call budget: its rows go out at once.
    const onlineStore = await testDatabase.database.channelItemState.findMany({
      where: { shop: world.shop, channel: "online_store", variantGid: large!.variantGid },
    });
    expect(onlineStore.every((row) => row.pushed === row.desired)).toBe(true);

    // The items page says why Meta still shows the old number.
    const item = await loadItem(testDatabase.database, world.shop, variantGid(large!.variantGid), now, "en");
    const metaView = item!.channels.find((view) => view.channel === "meta")!.rows[0]!;
    expect(metaView.pending).toMatchObject({
      reason: "decrease_within_slack",
      dueAt: new Date(now + MATERIALITY_POLICIES.meta!.stalenessMs).toISOString(),
    });
    expect(metaView.pending!.text).toMatch(
      /^waits for the next Meta call: showing 1 more of the \d+ held back \(up to \d+\); sent by /,
    );

    now += 60_000;
    await order(forty!.variantGid, 8);
    await worker.runOnce();
    expect(world.meta.control.counters.itemsBatchCalls).toBe(calls + 1);
    expect(await metaRow(large!.metaRetailerId)).toMatchObject({ pushed: waiting.desired, pendingSince: null });
    expect((await metaRow(forty!.metaRetailerId)).pushed).toBe((await metaRow(forty!.metaRetailerId)).desired);
  });

  it("pushes a difference left alone once it reaches the staleness limit", async () => {
    const [, , large] = world.variants;
    now += 200_000;
    await order(large!.variantGid, 1);
    await worker.runOnce();
    const calls = world.meta.control.counters.itemsBatchCalls;
    const waiting = await metaRow(large!.metaRetailerId);
    expect(waiting.pushed).toBeGreaterThan(waiting.desired);

    now += MATERIALITY_POLICIES.meta!.stalenessMs - 60_000;
    await worker.runOnce();
    expect(world.meta.control.counters.itemsBatchCalls).toBe(calls);
    now += 60_000;
    await worker.runOnce();
    expect(world.meta.control.counters.itemsBatchCalls).toBe(calls + 1);
    const pushed = await metaRow(large!.metaRetailerId);
    expect(pushed.pushed).toBe(pushed.desired);
    expect(pushed.pendingSince).toBeNull();
  });
});

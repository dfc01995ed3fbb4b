/**
 * Test support for the monitor: a fake world (Shopify, Meta, Google over HTTP) on a
 * virtual clock shared by the fakes and the sync worker, a fresh database, and helpers
 * to run passes and sell units. Time only moves when a test says so.
 */
import { recordWebhookEvent } from "../../app/ingest/webhook-event.server";
import { SyncWorker } from "../../app/worker/worker.server";
import { VirtualClock } from "../../sim/fakes/meta/clock";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { startWorld, type World } from "../../sim/world";
import { createTestDatabase, type TestDatabase } from "./database";
import { finishBulkAtOnce } from "./instant-waits";
import type { ConnectorDependencies } from "../../app/channels/factory.server";

export const TEST_KEY = Buffer.alloc(32, 7);

export interface MonitorWorld {
  world: World;
  testDatabase: TestDatabase;
  clock: VirtualClock;
  worker: SyncWorker;
  connectors: ConnectorDependencies;
  now(): Date;
  /** Moves the clock, then runs one worker pass (which ends with the monitor). */
  pass(advanceMs?: number): Promise<void>;
  /** Runs passes every `stepMs` until `condition` holds; fails after `maxPasses`. */
  passUntil(condition: () => Promise<boolean>, options: { stepMs: number; maxPasses: number }): Promise<number>;
  sell(variantIndex: number, quantity: number): Promise<void>;
  close(): Promise<void>;
}

let orderCounter = 0;

export async function startMonitorWorld(options: { variants?: number; stock?: number } = {}): Promise<MonitorWorld> {
  const clock = new VirtualClock(Date.now());
  const testDatabase = await createTestDatabase();
  const world = await startWorld({
    variants: options.variants ?? 3,
    stockPerVariant: () => options.stock ?? 10,
    clock,
  });
  // A full read's bulk operation is done by its first status read: no real one-second poll.
  finishBulkAtOnce(world);
  await installShop(testDatabase.database, world, TEST_KEY);
  // The connectors' own waits and budgets run on the same virtual clock as the worker.
  const connectors: ConnectorDependencies = worldConnectors(world, testDatabase.database, TEST_KEY, { clock });
  const worker = new SyncWorker({
    database: testDatabase.database,
    provider: testDatabase.provider,
    connectors,
    clock: () => new Date(clock.now()),
    pushIntervalMs: { online_store: 0, meta: 0, google: 0 },
    random: () => 0.5,
  });
  const now = () => new Date(clock.now());
  const pass = async (advanceMs = 0) => {
    if (advanceMs > 0) clock.advance(advanceMs);
    await worker.runOnce();
  };
  return {
    world,
    testDatabase,
    clock,
    worker,
    connectors,
    now,
    pass,
    async passUntil(condition, { stepMs, maxPasses }) {
      for (let index = 1; index <= maxPasses; index += 1) {
        await pass(stepMs);
        if (await condition()) return index;
      }
      throw new Error(`condition not reached after ${maxPasses} passes`);
    },
    async sell(variantIndex, quantity) {
      const variant = world.variants[variantIndex]!;
      // The order happens in Shopify (available → committed) and its webhook is recorded.
      await world.shopify.placeOrder(world.shop, {
        lines: [{ inventoryItemId: variant.inventoryItemGid, locationId: world.locationGid, quantity }],
        webhooks: false,
      });
      orderCounter += 1;
      const body = JSON.stringify({
        id: 7_700_000 + orderCounter,
        created_at: now().toISOString(),
        source_name: "web",
        line_items: [{ variant_id: Number(variant.variantGid.split("/").pop()), quantity }],
      });
      await recordWebhookEvent(testDatabase.database, {
        shop: world.shop,
        topic: "orders/create",
        webhookId: `w-${orderCounter}`,
        eventId: `order-event-${orderCounter}`,
        apiVersion: "2026-10",
        triggeredAt: now(),
        rawBody: body,
      });
    },
    async close() {
      await world.close();
      await testDatabase.drop();
    },
  };
}

export async function openAlert(
  database: TestDatabase["database"],
  shop: string,
  channel: string | null,
  kind: string,
) {
  return database.alert.findFirst({ where: { shop, channel, kind, resolvedAt: null } });
}

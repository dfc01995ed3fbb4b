// @database
/**
 * A worker decides the items changed since its last pass with the context (rules,
 * settings, timing) of its last full recompute. A change made meanwhile — here a rule
 * saved while another worker did the recompute it requested — must reach its next pass.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordWebhookEvent } from "~/ingest/webhook-event.server";
import { saveRule } from "~/rules/rule-store.server";
import { startWorld, type World } from "../../sim/world";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { requestRecompute } from "~/records/requests.server";
import { SyncWorker } from "~/worker/worker.server";

const KEY = Buffer.alloc(32, 5);
let world: World;
let testDatabase: TestDatabase;
let nowMs = Date.UTC(2026, 10, 27, 12);

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ variants: 4, stockPerVariant: () => 20 });
  await installShop(testDatabase.database, world, KEY);
});

afterAll(async () => {
  await world?.close();
  await testDatabase?.drop();
});

function worker() {
  return new SyncWorker({
    database: testDatabase.database,
    provider: testDatabase.provider,
    connectors: worldConnectors(world, testDatabase.database, KEY),
    clock: () => new Date(nowMs),
    random: () => 0.5,
  });
}

describe("recompute context", () => {
  it(
    "GIVEN a worker holding a context WHEN a rule changes and another worker recomputes THEN its next pass decides with the new rule",
    { timeout: 60_000 },
    async () => {
      const first = worker();
      const second = worker();
      await first.runOnce();
      nowMs += 60_000;
      await first.runOnce();

      // The merchant saves a fixed hold of 5 for Meta; the other worker takes the request.
      await saveRule(testDatabase.database, {
        shop: world.shop,
        channel: "meta",
        scope: "shop",
        rule: { fixedUnits: 5 },
      });
      await requestRecompute(testDatabase.database, world.shop, new Date(nowMs));
      nowMs += 60_000;
      await second.runOnce();

      // An order on the first variant reaches the first worker, within its full-recompute interval.
      const variant = world.variants[0]!;
      await recordWebhookEvent(testDatabase.database, {
        shop: world.shop,
        topic: "orders/create",
        webhookId: "context-order",
        eventId: "context-order",
        apiVersion: "2026-10",
        triggeredAt: null,
        rawBody: `{"id":7001,"created_at":"${new Date(nowMs).toISOString()}","line_items":[{"variant_id":${variant.variantGid.split("/").pop()},"quantity":2}]}`,
      });
      nowMs += 60_000;
      await first.runOnce("ingest");

      const row = await testDatabase.database.channelItemState.findFirst({
        where: { shop: world.shop, channel: "meta", variantGid: variant.variantGid },
      });
      const explanation = row!.explanation as { sellable: number; steps: { kind: string; units: number }[] };
      expect(explanation.sellable).toBe(18);
      expect(explanation.steps.find((step) => step.kind === "fixed")?.units).toBe(5);
      expect(row!.desired).toBe(13);
    },
  );
});

// @database
/**
 * Two workers on one database never write the same (channel, item) at the same time:
 * the (shop, channel) lease gives each connection one writer. Observed on the wire by a
 * proxy in front of the fake Shopify that records every inventory write in flight.
 */
import { createServer, type Server } from "node:http";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordWebhookEvent } from "~/ingest/webhook-event.server";
import { startWorld, type World } from "../../sim/world";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { finishBulkAtOnce } from "../../tests/support/instant-waits";
import { SyncWorker } from "~/worker/worker.server";

const KEY = Buffer.alloc(32, 3);
let world: World;
let testDatabase: TestDatabase;
let proxy: Server;
let proxyUrl: string;
const inFlight = new Map<string, number>();
const overlaps: string[] = [];
let writes = 0;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ variants: 30, stockPerVariant: (index) => 10 + index });
  world.shopify.setFailureModes({ slowMs: 150 });
  finishBulkAtOnce(world);
  await installShop(testDatabase.database, world, KEY);
  // Drop the catalog connections: this test is about the Online Store's writer (activated by installShop).
  await testDatabase.database.channelConnection.deleteMany({
    where: { shop: world.shop, channel: { in: ["meta", "google"] } },
  });

  proxy = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const body = Buffer.concat(chunks);
      const parsed = JSON.parse(body.toString() || "{}") as {
        variables?: { input?: { changes?: { inventoryItemId: string }[] } };
      };
      const items = parsed.variables?.input?.changes?.map((change) => change.inventoryItemId) ?? [];
      if (items.length > 0) writes += 1;
      for (const item of items) {
        if ((inFlight.get(item) ?? 0) > 0) overlaps.push(item);
        inFlight.set(item, (inFlight.get(item) ?? 0) + 1);
      }
      try {
        const upstream = await fetch(`${world.shopify.url}${request.url}`, {
          method: request.method,
          headers: {
            "content-type": "application/json",
            "x-shopify-access-token": String(request.headers["x-shopify-access-token"] ?? ""),
          },
          body: request.method === "POST" ? body : undefined,
        });
        const text = await upstream.text();
        response.writeHead(upstream.status, {
          "content-type": upstream.headers.get("content-type") ?? "application/json",
        });
        response.end(text);
      } finally {
        for (const item of items) inFlight.set(item, (inFlight.get(item) ?? 1) - 1);
      }
    });
  });
  proxy.listen(0, "127.0.0.1");
  await once(proxy, "listening");
  const address = proxy.address();
  proxyUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  proxy?.close();
  await world?.close();
  await testDatabase?.drop();
});

function worker() {
  return new SyncWorker({
    database: testDatabase.database,
    provider: testDatabase.provider,
    connectors: worldConnectors(world, testDatabase.database, KEY, { shopifyBaseUrl: proxyUrl }),
    pushIntervalMs: { online_store: 0 },
    random: () => 0.5,
  });
}

describe("two workers", () => {
  it("never push the same Online Store item concurrently, and together converge", { timeout: 120_000 }, async () => {
    const workers = [worker(), worker()];
    const run = (passes: number) =>
      Promise.all(
        workers.map(async (each) => {
          for (let pass = 0; pass < passes; pass++) await each.runOnce();
        }),
      );
    await run(3);

    // Orders on every variant, then both workers race again.
    for (const [index, variant] of world.variants.entries()) {
      const id = variant.variantGid.split("/").pop();
      await recordWebhookEvent(testDatabase.database, {
        shop: world.shop,
        topic: "orders/create",
        webhookId: `w-${index}`,
        eventId: `two-workers-${index}`,
        apiVersion: "2026-10",
        triggeredAt: null,
        rawBody: `{"id":${900 + index},"created_at":"${new Date().toISOString()}","line_items":[{"variant_id":${id},"quantity":1}]}`,
      });
    }
    await run(3);

    expect(writes).toBeGreaterThan(0);
    expect(overlaps).toEqual([]);
    const states = await testDatabase.database.channelItemState.findMany({
      where: { shop: world.shop, channel: "online_store" },
    });
    expect(states).toHaveLength(30);
    for (const state of states) {
      expect(state.pushed).toBe(state.desired);
      const [inventoryItem] = state.itemKey.split("|");
      expect(world.shopify.quantities(world.shop, inventoryItem!, world.locationGid)?.available).toBe(state.desired);
    }
  });
});

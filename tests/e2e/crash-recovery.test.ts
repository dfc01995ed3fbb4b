// @database
/**
 * Nothing is lost on a crash: the production server (with its in-process worker) is
 * killed with SIGKILL at random moments during a storm of signed webhooks, restarted,
 * and must converge: every event applied exactly once, every channel showing what the
 * engine decides. Undelivered webhooks are retried, as Shopify does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMasterRecord,
  recordSale,
  salesRatePerMinute,
  shopDomain,
  variantGid,
  type MasterRecord,
} from "~/domain";
import { startWorld, type World } from "../../sim/world";
import { installShop } from "../../sim/install-shop";
import { startAppServer, type RunningApp } from "../../sim/app-server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { signedWebhook, testServerEnv, TEST_ENCRYPTION_KEY } from "../support/shopify";
import { seededRandom } from "../../sim/fakes/seeded-random";

const VARIANTS = 12;
const STOCK = 40;
const ORDERS = 160;

let world: World;
let testDatabase: TestDatabase;
let app: RunningApp | null = null;

const serverEnv = () =>
  testServerEnv({
    DATABASE_URL: testDatabase.url,
    WORKER_MODE: "inprocess",
    SYNC_IDLE_MS: "50",
    // A killed worker's leases expire after this; at the 60 s default every restart waited a
    // minute of real time for its own lanes.
    SYNC_LEASE_TTL_MS: "3000",
    SYNC_PUSH_INTERVALS: "online_store=0,meta=0,google=0",
    ...world.env,
  });

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ variants: VARIANTS, stockPerVariant: () => STOCK });
  await installShop(testDatabase.database, world, Buffer.from(TEST_ENCRYPTION_KEY, "base64"));
});

afterAll(async () => {
  await app?.stop();
  await world?.close();
  await testDatabase?.drop();
});

interface Order {
  id: number;
  variantIndex: number;
  units: number;
  body: string;
}

function ordersFor(random: () => number, placedAt: Date): Order[] {
  return Array.from({ length: ORDERS }, (_, index) => {
    const variantIndex = Math.floor(random() * VARIANTS);
    const units = 1 + Math.floor(random() * 2);
    const variantId = world.variants[variantIndex]!.variantGid.split("/").pop();
    const body = `{"id":${700000 + index},"created_at":"${placedAt.toISOString()}","source_name":"facebook","line_items":[{"variant_id":${variantId},"quantity":${units}}]}`;
    return { id: 700000 + index, variantIndex, units, body };
  });
}

async function deliver(order: Order): Promise<boolean> {
  if (!app) return false;
  const webhook = signedWebhook({
    topic: "orders/create",
    shop: world.shop,
    body: order.body,
    eventId: `crash-order-${order.id}`,
  });
  try {
    const response = await fetch(`${app.url}/webhooks/stock`, {
      method: "POST",
      headers: webhook.headers,
      body: webhook.body,
      signal: AbortSignal.timeout(5_000),
    });
    return response.status === 200;
  } catch {
    return false; // connection refused or reset: the server is down; Shopify retries.
  }
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("crash recovery", () => {
  it(
    "converges after repeated kill -9 during a webhook storm, with no order applied twice",
    { timeout: 240_000 },
    async () => {
      const random = seededRandom(20261127);
      app = await startAppServer(serverEnv());
      // The first full read of Shopify comes first, as after an install.
      await waitFor(
        async () =>
          (await testDatabase.database.shop.findUnique({ where: { shop: world.shop } }))?.lastFullReadAt != null,
        "first full read",
      );
      const placedAt = new Date();
      const orders = ordersFor(random, placedAt);
      let pending = [...orders];

      // Three crashes at random moments while webhooks pour in and the worker pushes.
      for (let crash = 0; crash < 3; crash++) {
        const killAfterMs = 150 + Math.floor(random() * 600);
        const killAt = Date.now() + killAfterMs;
        while (Date.now() < killAt && pending.length > 0) {
          const batch = pending.slice(0, 8);
          const delivered = await Promise.all(batch.map(deliver));
          pending = [...pending.slice(8), ...batch.filter((_, index) => !delivered[index])];
        }
        app.process.kill("SIGKILL");
        await new Promise((resolve) => app!.process.once("exit", resolve));
        app = await startAppServer(serverEnv());
      }
      // Shopify keeps retrying whatever was not acknowledged.
      while (pending.length > 0) {
        const batch = pending.slice(0, 8);
        const delivered = await Promise.all(batch.map(deliver));
        pending = [...pending.slice(8), ...batch.filter((_, index) => !delivered[index])];
      }

      const { database } = testDatabase;
      await waitFor(
        async () => (await database.webhookEvent.count({ where: { shop: world.shop, processedAt: null } })) === 0,
        "events processed",
      );
      expect(await database.webhookEvent.count({ where: { shop: world.shop } })).toBe(ORDERS);
      expect(await database.orderRecord.count({ where: { shop: world.shop } })).toBe(ORDERS);

      // Exactly once: the sales speed equals one application of each order (a replay would
      // count it again). Holds may be fewer than the orders: a later read of Shopify (or
      // Ballast's own inventory move, which reads it first) counts as reflecting them.
      for (const [index, variant] of world.variants.entries()) {
        const mine = orders.filter((order) => order.variantIndex === index);
        const stored = await database.masterRecord.findUnique({
          where: { shop_variantGid: { shop: world.shop, variantGid: variant.variantGid } },
        });
        const record = stored!.record as unknown as MasterRecord;
        expect(record.holds.reduce((sum, hold) => sum + hold.units, 0)).toBeLessThanOrEqual(
          mine.reduce((sum, order) => sum + order.units, 0),
        );
        let expected = createMasterRecord(shopDomain(world.shop), variantGid(variant.variantGid)).velocity;
        for (const order of mine) expected = recordSale(expected, order.units, placedAt.getTime());
        const at = placedAt.getTime() + 1;
        expect(salesRatePerMinute(record.velocity, at)).toBeCloseTo(salesRatePerMinute(expected, at), 9);
      }

      // Every channel converges to what the engine decides.
      await waitFor(async () => {
        const states = await database.channelItemState.findMany({ where: { shop: world.shop } });
        return (
          states.length >= VARIANTS * 3 &&
          states.every((state) => state.pushed === state.desired && state.parkedAt === null)
        );
      }, "channels to converge");
      for (const variant of world.variants) {
        const store = await database.channelItemState.findUnique({
          where: {
            shop_channel_itemKey: {
              shop: world.shop,
              channel: "online_store",
              itemKey: `${variant.inventoryItemGid}|${world.locationGid}`,
            },
          },
        });
        expect(world.shopify.quantities(world.shop, variant.inventoryItemGid, world.locationGid)?.available).toBe(
          store!.desired,
        );
        const meta = await database.channelItemState.findUnique({
          where: { shop_channel_itemKey: { shop: world.shop, channel: "meta", itemKey: variant.metaRetailerId } },
        });
        expect(world.meta.control.trueItem(world.catalogId, variant.metaRetailerId)?.quantity).toBe(meta!.desired);
      }
    },
  );
});

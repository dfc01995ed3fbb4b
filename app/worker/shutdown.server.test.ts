// @database
/**
 * A graceful stop (SIGTERM: worker-main.ts, server.mjs) finishes the step each lane is in,
 * or, past its grace period, aborts it and hands the lease back, so another worker takes the
 * lane at once instead of after the lease's TTL. Seen on the wire: a proxy in front of the
 * fake Shopify slows or holds the Online Store's writes.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordWebhookEvent } from "~/ingest/webhook-event.server";
import { startWorld, type World } from "../../sim/world";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { finishBulkAtOnce } from "../../tests/support/instant-waits";
import { forwardedHeaders, readBody } from "../../tests/support/worker-processes";
import { SyncWorker } from "./worker.server";

const KEY = Buffer.alloc(32, 9);
/** Long: a stop that waited for the lease to expire would time the test out. */
const LEASE_TTL_MS = 120_000;
let world: World;
let testDatabase: TestDatabase;
let proxy: Server;
let proxyUrl: string;
/** How the proxy treats Online Store writes: forwarded, forwarded after a delay, or held until the client gives up. */
let writeMode: { kind: "forward" } | { kind: "slow"; ms: number } | { kind: "hold" } = { kind: "forward" };
const writes = { started: 0, answered: 0, abandoned: 0 };

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ variants: 3, stockPerVariant: () => 40 });
  finishBulkAtOnce(world);
  await installShop(testDatabase.database, world, KEY);
  // The Online Store's writer only (activated by installShop).
  await testDatabase.database.channelConnection.deleteMany({
    where: { shop: world.shop, channel: { in: ["meta", "google"] } },
  });
  proxy = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const isWrite = body.includes("inventoryMoveQuantities");
      if (isWrite) writes.started += 1;
      const mode = writeMode;
      if (isWrite && mode.kind === "hold") {
        request.socket.once("close", () => (writes.abandoned += 1));
        return;
      }
      if (isWrite && mode.kind === "slow") await new Promise((resolve) => setTimeout(resolve, mode.ms));
      const upstream = await fetch(`${world.shopify.url}${request.url}`, {
        method: request.method,
        headers: forwardedHeaders(request.headers),
        ...(request.method === "POST" ? { body: body.toString("utf8") } : {}),
      });
      const text = await upstream.text();
      response.writeHead(upstream.status, {
        "content-type": upstream.headers.get("content-type") ?? "application/json",
      });
      response.end(text);
      if (isWrite) writes.answered += 1;
    })().catch(() => response.destroy());
  });
  proxy.listen(0, "127.0.0.1");
  await once(proxy, "listening");
  const address = proxy.address();
  proxyUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  // Settled: the first full read done, every item pushed.
  const settling = worker();
  for (let pass = 0; pass < 3; pass++) await settling.runOnce();
});

afterAll(async () => {
  proxy?.closeAllConnections();
  proxy?.close();
  await world?.close();
  await testDatabase?.drop();
});

function worker(): SyncWorker {
  return new SyncWorker({
    database: testDatabase.database,
    provider: testDatabase.provider,
    connectors: worldConnectors(world, testDatabase.database, KEY, { shopifyBaseUrl: proxyUrl }),
    idleMs: 20,
    leaseTtlMs: LEASE_TTL_MS,
    reconcileEveryMs: 3_600_000,
    pushIntervalMs: { online_store: 0 },
    random: () => 0.5,
  });
}

let orders = 0;
/** An order on a variant not ordered before: the Online Store has a move to make. */
async function order(): Promise<void> {
  const id = world.variants[orders]!.variantGid.split("/").pop();
  orders += 1;
  await recordWebhookEvent(testDatabase.database, {
    shop: world.shop,
    topic: "orders/create",
    webhookId: `shutdown-${orders}`,
    eventId: `shutdown-${orders}`,
    apiVersion: "2026-10",
    triggeredAt: null,
    rawBody: `{"id":${7000 + orders},"created_at":"${new Date().toISOString()}","line_items":[{"variant_id":${id},"quantity":5}]}`,
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Leases of the shop still held (not expired) at `now`. */
async function heldLeases(): Promise<string[]> {
  const rows = await testDatabase.database.channelLease.findMany({
    where: { shop: world.shop, expiresAt: { gt: new Date() } },
    select: { channel: true },
  });
  return rows.map((row) => row.channel);
}

async function unpushed(): Promise<number> {
  const rows = await testDatabase.database.channelItemState.findMany({
    where: { shop: world.shop, channel: "online_store" },
    select: { desired: true, pushed: true },
  });
  return rows.filter((row) => row.pushed !== row.desired).length;
}

describe("graceful stop", { shuffle: false }, () => {
  it("finishes the write in progress, then releases every lease", async () => {
    writeMode = { kind: "slow", ms: 400 };
    const running = worker();
    const before = { ...writes };
    await order();
    running.start();
    await until(() => writes.started > before.started, "a write to start");

    expect(await running.stop()).toBe("finished");

    expect(writes.answered).toBe(writes.started);
    expect(writes.abandoned).toBe(before.abandoned);
    expect(await heldLeases()).toEqual([]);
    expect(await unpushed()).toBe(0);
  });

  it("past its grace period, aborts the write and hands the lease back: another worker takes the lane at once", async () => {
    writeMode = { kind: "hold" };
    const running = worker();
    const before = { ...writes };
    await order();
    running.start();
    await until(() => writes.started > before.started, "a write to start");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await heldLeases()).toContain("online_store");

    const stoppedAt = performance.now();
    expect(await running.stop({ graceMs: 200 })).toBe("handed_back");

    expect(performance.now() - stoppedAt).toBeLessThan(5_000);
    await until(() => writes.abandoned > before.abandoned, "the held write to be abandoned");
    expect(await heldLeases()).toEqual([]);
    expect(await unpushed()).toBe(1);
    // The lease's TTL (two minutes) has not passed: the next worker pushes right away.
    writeMode = { kind: "forward" };
    await worker().runOnce();
    expect(await unpushed()).toBe(0);
  });
});

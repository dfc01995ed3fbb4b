// @database
/**
 * "Rehearse my settings" as an operation: asked for from the page (a bad input refused,
 * nothing created; one at a time), queued, running with its progress written as it goes,
 * done with its cost table and chart stored, on the shop's own catalog and rules. It never
 * touches a live channel: the fake Shopify, Meta and Google see not one request while it runs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CHANNEL_TIMING } from "~/domain";
import { saveRule } from "~/rules/rule-store.server";
import type { RehearsalSummary } from "~/rehearsal";
import { startRehearsalRequest } from "~/web/rehearsal.server";
import { SyncWorker } from "~/worker/worker.server";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { startWorld, type World } from "../../sim/world";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { RehearsalJob } from "./rehearsal-job.server";

const KEY = Buffer.alloc(32, 9);
let world: World;
let testDatabase: TestDatabase;
let nowMs = Date.UTC(2026, 10, 20, 9);

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ variants: 12, stockPerVariant: (index) => 3 + index * 2 });
  await installShop(testDatabase.database, world, KEY);
  // The shop's own rules: Meta holds 30%, and one product holds everything on Google.
  await saveRule(db(), { shop: world.shop, channel: "meta", scope: "shop", rule: { percent: 30 } });
  const worker = new SyncWorker({
    database: db(),
    provider: testDatabase.provider,
    connectors: worldConnectors(world, db(), KEY),
    clock: () => new Date(nowMs),
    random: () => 0.5,
  });
  // The first pass reads the catalog from Shopify: the master records the rehearsal starts from.
  await worker.runOnce();
});

afterAll(async () => {
  await world?.close();
  await testDatabase?.drop();
});

const db = () => testDatabase.database;
const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
};
/** Every request the fakes have answered so far. */
const fakeRequests = () => ({
  shopify: world.shopify.requests.length,
  meta: world.meta.control.counters.requests,
  google: world.google.control.counters.requests,
});
const job = (onProgress?: (id: string) => Promise<void>) =>
  new RehearsalJob(
    {
      database: db(),
      clock: () => new Date(nowMs),
      schedule: { pushIntervalMs: (channel) => DEFAULT_CHANNEL_TIMING[channel].pushIntervalMs },
    },
    onProgress,
  );

describe("rehearse my settings, as an operation", { shuffle: false }, () => {
  it("refuses a bad input or an empty catalog with a reason, and creates nothing", async () => {
    const before = await db().operation.count();
    expect(await startRehearsalRequest(db(), world.shop, form({ family: "black-fryday" }))).toEqual({
      ok: false,
      refusal: "bad_family",
      field: "family",
    });
    expect(await startRehearsalRequest(db(), world.shop, form({ family: "small", checkout_meta: "tiktok" }))).toEqual({
      ok: false,
      refusal: "bad_checkout",
      field: "checkout_meta",
    });
    // A shop whose catalog has nothing to sell has nothing to rehearse.
    expect(await startRehearsalRequest(db(), "empty-shop.myshopify.com", form({ family: "small" }))).toEqual({
      ok: false,
      refusal: "no_stock",
    });
    expect(await db().operation.count()).toBe(before);
  });

  it("runs queued → running with its progress → succeeded with its result, and sends nothing to any channel", async () => {
    const asked = await startRehearsalRequest(db(), world.shop, form({ family: "small", checkout_meta: "store" }));
    expect(asked.ok).toBe(true);
    const id = (asked as { id: string }).id;
    expect(await db().operation.findUniqueOrThrow({ where: { id } })).toMatchObject({
      kind: "rehearsal",
      state: "queued",
      input: { family: "small", checkout: { meta: "store" }, seed: 1 },
    });
    // One at a time: a second request while it waits is refused, nothing created.
    const count = await db().operation.count();
    expect(await startRehearsalRequest(db(), world.shop, form({ family: "flash-drop" }))).toEqual({
      ok: false,
      refusal: "already_running",
    });
    expect(await db().operation.count()).toBe(count);

    const seen: { state: string; done: number; total: number | null }[] = [];
    const before = fakeRequests();
    await job(async (operationId) => {
      const row = await db().operation.findUniqueOrThrow({ where: { id: operationId } });
      seen.push({ state: row.state, done: row.done, total: row.total });
    }).run(world.shop);
    expect(fakeRequests()).toEqual(before);

    expect(seen.length).toBeGreaterThan(5);
    expect(seen.every((entry) => entry.state === "running" && entry.total !== null)).toBe(true);
    const dones = seen.map((entry) => entry.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(dones[0]).toBeGreaterThan(0);
    expect(dones.at(-1)).toBeLessThan(seen[0]!.total!);

    const done = await db().operation.findUniqueOrThrow({ where: { id } });
    expect(done).toMatchObject({ state: "succeeded", error: null, done: seen[0]!.total });
    const result = done.result as unknown as RehearsalSummary;
    expect(result.family).toBe("small");
    expect(result.variants).toBe(12);
    expect(result.checkout).toEqual({ meta: "store", google: "store" });
    for (const strategy of ["native", "static", "settings", "oracle"] as const) {
      expect(result.strategies[strategy].demandUnits).toBeGreaterThan(0);
      expect(result.timeline[strategy].length).toBeGreaterThan(10);
      expect(result.timeline[strategy].length).toBeLessThanOrEqual(48);
    }
    // The physical limit fails no buyer; the cheapest is one a shop can run.
    expect(result.strategies.oracle.failedCheckoutBuyers).toBe(0);
    expect(["native", "static", "settings"]).toContain(result.cheapest);
  });

  it("runs in the worker's own lane, once, and a new one can be asked for afterwards", async () => {
    const asked = await startRehearsalRequest(db(), world.shop, form({ family: "small" }));
    expect(asked.ok).toBe(true);
    const id = (asked as { id: string }).id;
    const worker = new SyncWorker({
      database: db(),
      provider: testDatabase.provider,
      connectors: worldConnectors(world, db(), KEY),
      clock: () => new Date(nowMs),
      random: () => 0.5,
    });
    nowMs += 60_000;
    await worker.runOnce();
    const done = await db().operation.findUniqueOrThrow({ where: { id } });
    expect(done.state).toBe("succeeded");
    // Meta's buyers check out where the shop's settings say (on the store, the default).
    expect((done.result as unknown as RehearsalSummary).checkout.meta).toBe("store");
  });
});

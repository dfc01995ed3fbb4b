// @database
/**
 * Maintenance (queued operations, reconciliation with Shopify, retention) takes the shop's
 * stored lease only when it has something to do: most passes have nothing, and claiming and
 * releasing the lease to find that out cost two statements a pass. What must not change: a
 * queued operation is run on the next pass, and reconciliation and retention still happen when due.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestOperation } from "~/records/requests.server";
import { RETENTION } from "~/sync/retention.server";
import { startWorld, type World } from "../../sim/world";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { SyncWorker } from "./worker.server";

const KEY = Buffer.alloc(32, 5);
const T0 = Date.UTC(2026, 10, 27, 9);
const MINUTE = 60_000;
let world: World;
let testDatabase: TestDatabase;
let worker: SyncWorker;
let nowMs = T0;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ variants: 2, stockPerVariant: () => 10 });
  await installShop(testDatabase.database, world, KEY);
  worker = new SyncWorker({
    database: testDatabase.database,
    provider: testDatabase.provider,
    connectors: worldConnectors(world, testDatabase.database, KEY),
    clock: () => new Date(nowMs),
    reconcileEveryMs: 10 * MINUTE,
    random: () => 0.5,
  });
});

afterAll(async () => {
  await world?.close();
  await testDatabase?.drop();
});

const recordLeaseOwner = async () =>
  (
    await testDatabase.database.channelLease.findUnique({
      where: { shop_channel: { shop: world.shop, channel: "stored" } },
      select: { owner: true },
    })
  )?.owner;
const lastReconciledAt = async () =>
  (await testDatabase.database.shop.findUniqueOrThrow({ where: { shop: world.shop } })).lastReconciledAt?.getTime();

describe("maintenance lane", { shuffle: false }, () => {
  it("reconciles on the first pass, then leaves the lease alone while nothing is due", async () => {
    await worker.runOnce();
    expect(await lastReconciledAt()).toBe(T0);
    // The pass after a reconciliation reads when the next one is due (under the lease).
    nowMs += MINUTE;
    await worker.runOnce("rest");
    expect(await recordLeaseOwner()).toMatch(/\/maintenance$/);
    nowMs += MINUTE;
    await worker.runOnce("ingest");
    expect(await recordLeaseOwner()).toMatch(/\/ingest$/);
    nowMs += MINUTE;
    await worker.runOnce("rest");
    // Nothing queued, reconciliation not due for 7 more minutes: maintenance never claimed the lease.
    expect(await recordLeaseOwner()).toMatch(/\/ingest$/);
    expect(await lastReconciledAt()).toBe(T0);
  });

  it("runs an operation queued meanwhile on the next pass", async () => {
    const id = await requestOperation(testDatabase.database, world.shop, "resync");
    nowMs += MINUTE;
    await worker.runOnce("rest");
    expect(await recordLeaseOwner()).toMatch(/\/maintenance$/);
    expect(await testDatabase.database.operation.findUniqueOrThrow({ where: { id } })).toMatchObject({
      state: "succeeded",
    });
  });

  it("reconciles again once the interval has passed since the last reconciliation", async () => {
    const before = await lastReconciledAt();
    nowMs = before! + 10 * MINUTE - 1;
    await worker.runOnce("rest");
    expect(await lastReconciledAt()).toBe(before);
    nowMs = before! + 10 * MINUTE;
    await worker.runOnce("rest");
    expect(await lastReconciledAt()).toBe(nowMs);
  });

  it("prunes what is past its retention once the hour since the last prune has passed", async () => {
    const { database } = testDatabase;
    // The first pass pruned at T0: the next prune is due an hour later.
    const dueAt = T0 + 60 * MINUTE;
    const entry = (id: string, ageMs: number) => ({
      id,
      shop: world.shop,
      kind: "quantity_pushed",
      details: {},
      at: new Date(dueAt - ageMs),
    });
    await database.activity.createMany({
      data: [entry("expired", RETENTION.activityMs + MINUTE), entry("kept", RETENTION.activityMs - MINUTE)],
    });
    nowMs = dueAt - 1;
    await worker.runOnce("rest");
    expect(await database.activity.count({ where: { id: { in: ["expired", "kept"] } } })).toBe(2);
    nowMs = dueAt;
    await worker.runOnce("rest");
    const left = await database.activity.findMany({ where: { id: { in: ["expired", "kept"] } }, select: { id: true } });
    expect(left.map((row) => row.id)).toEqual(["kept"]);
  });
});

// @database
/**
 * A manual override belongs to one item. Recompute decides items a page (up to 1,000) at a
 * time and loads the page's overrides together; each item must take only its own. Until
 * this test, an override on one item was applied to every item decided in the same page
 * (a full recompute, every five minutes): Meta 0 on one sold-out mug hid the whole catalog.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorld, type World } from "../../sim/world";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { finishBulkAtOnce, skippingClock } from "../../tests/support/instant-waits";
import { SyncWorker } from "~/worker/worker.server";
import { recomputeShop } from "./recompute.server";

const KEY = Buffer.alloc(32, 9);
let nowMs = Date.UTC(2026, 10, 27, 12);
let world: World;
let testDatabase: TestDatabase;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ variants: 3, stockPerVariant: () => 50 });
  finishBulkAtOnce(world);
  await installShop(testDatabase.database, world, KEY);
});

afterAll(async () => {
  await world?.close();
  await testDatabase?.drop();
});

const desiredOnMeta = async () => {
  const rows = await testDatabase.database.channelItemState.findMany({
    where: { shop: world.shop, channel: "meta" },
    select: { variantGid: true, desired: true },
  });
  return new Map(rows.map((row) => [row.variantGid, row.desired]));
};

describe("override scope", () => {
  it("GIVEN an override of 0 on Meta for one item WHEN the whole shop is recomputed THEN only that item shows 0", async () => {
    // The worker reads the catalog and stock, and decides every item once.
    const worker = new SyncWorker({
      database: testDatabase.database,
      provider: testDatabase.provider,
      // Meta's batch polling takes no real time (its fake finishes batches at once).
      connectors: worldConnectors(world, testDatabase.database, KEY, { clock: skippingClock() }),
      clock: () => new Date(nowMs),
      random: () => 0.5,
    });
    await worker.runOnce();
    nowMs += 60_000;
    await worker.runOnce();
    const options = { now: new Date(nowMs), scope: "all" as const, provider: testDatabase.provider };
    const before = await desiredOnMeta();
    const [overridden, ...others] = world.variants.map((variant) => variant.variantGid);
    expect(others.every((gid) => (before.get(gid) ?? 0) > 0)).toBe(true);

    await testDatabase.database.override.create({
      data: {
        shop: world.shop,
        channel: "meta",
        variantGid: overridden!,
        quantity: 0,
        expiresAt: new Date(nowMs + 3_600_000),
        reason: "sold out in the shop",
      },
    });
    await recomputeShop(testDatabase.database, world.shop, options);

    const after = await desiredOnMeta();
    expect(after.get(overridden!)).toBe(0);
    for (const gid of others) expect(after.get(gid)).toBe(before.get(gid));
  });
});

// @database
/**
 * A channel in observe mode has nothing of Ballast's on it: the monitor raises no lag,
 * drift, error or parked alert for it, resolves any left from when it was active, and
 * auto-protect never widens or pauses it. The same stored figures on an activated channel
 * raise the alert and engage auto-protect.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { monitorShop } from "./monitor.server";

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

const NOW = new Date(Date.UTC(2026, 11, 7, 12));
const MINUTE = 60_000;
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * MINUTE);

/** Meta 3 hours behind (samples and an unshown push), a failing item and a parked one, with `activatedAt`. */
async function laggingMeta(shop: string, activatedAt: Date | null) {
  const database = testDatabase.database;
  await database.shop.create({ data: { shop } });
  await database.channelConnection.create({ data: { shop, channel: "meta", activatedAt } });
  await database.lagSample.createMany({
    data: [1, 2, 3, 4].map((index) => ({
      shop,
      channel: "meta",
      pushedAt: ago(200 + index),
      observedAt: ago(index),
      lagMs: 180 * MINUTE,
    })),
  });
  const row = { shop, channel: "meta", desiredAvailability: "in_stock", explanation: {}, computedAt: ago(200) };
  await database.channelItemState.createMany({
    data: [
      { ...row, itemKey: "1", variantGid: "gid://shopify/ProductVariant/1", desired: 3, pushed: 3, pushedAt: ago(190) },
      {
        ...row,
        itemKey: "2",
        variantGid: "gid://shopify/ProductVariant/2",
        desired: 3,
        pushed: 2,
        attempts: 4,
        lastError: "timeout",
      },
      {
        ...row,
        itemKey: "3",
        variantGid: "gid://shopify/ProductVariant/3",
        desired: 3,
        pushed: 1,
        parkedAt: ago(5),
        lastError: "INVALID: bad id",
      },
    ],
  });
}

const openKinds = async (shop: string) =>
  (
    await testDatabase.database.alert.findMany({
      where: { shop, channel: "meta", resolvedAt: null },
      select: { kind: true },
    })
  )
    .map((alert) => alert.kind)
    .sort();

describe("monitor and observe mode", () => {
  it("GIVEN Meta lagging, failing and parked WHEN it is activated THEN the alerts open and auto-protect engages", async () => {
    const shop = "observe-monitor-active.myshopify.com";
    await laggingMeta(shop, ago(600));
    const report = await monitorShop(testDatabase.database, shop, NOW);
    expect(await openKinds(shop)).toEqual(["lag_high", "push_errors", "push_parked"]);
    expect(report.autoProtect.map((entry) => entry.channel)).toContain("meta");
    expect(report.health.meta.mode).toBe("active");
  });

  it("GIVEN the same figures WHEN Meta is observed THEN no alert opens, auto-protect does nothing, and alerts left from when it was active resolve", async () => {
    const shop = "observe-monitor-observed.myshopify.com";
    await laggingMeta(shop, null);
    const report = await monitorShop(testDatabase.database, shop, NOW);
    expect(await openKinds(shop)).toEqual([]);
    expect(report.autoProtect).toEqual([]);
    expect(report.health.meta.mode).toBe("observing");
    expect(await testDatabase.database.activity.count({ where: { shop, kind: "auto_protect" } })).toBe(0);

    // Active first, then back to observe mode: what was open resolves.
    await testDatabase.database.channelConnection.update({
      where: { shop_channel: { shop, channel: "meta" } },
      data: { activatedAt: ago(600) },
    });
    await monitorShop(testDatabase.database, shop, NOW);
    expect((await openKinds(shop)).length).toBeGreaterThan(0);
    await testDatabase.database.channelConnection.update({
      where: { shop_channel: { shop, channel: "meta" } },
      data: { activatedAt: null },
    });
    const autoProtectSteps = await testDatabase.database.activity.count({ where: { shop, kind: "auto_protect" } });
    const observed = await monitorShop(testDatabase.database, shop, new Date(NOW.getTime() + MINUTE));
    expect(await openKinds(shop)).toEqual([]);
    // Whatever auto-protect did while the channel was active stays as it was (it resumes its own pause once activated and fast again).
    expect(observed.autoProtect).toEqual([]);
    expect(await testDatabase.database.activity.count({ where: { shop, kind: "auto_protect" } })).toBe(
      autoProtectSteps,
    );
  });
});

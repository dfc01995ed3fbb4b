// @database
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CHANNEL_TIMING, DEFAULT_SURGE_CONFIG } from "~/domain";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { loadShopDemand, loadShopSignals, refreshSignals, SIGNALS_REFRESH_MS } from "./recompute-signals.server";

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

const NOW = new Date(Date.UTC(2026, 11, 4, 18, 4));
const MINUTE = 60_000;
let shopSeq = 0;
let orderSeq = 0;

/** `count` orders evenly over [fromMinutesAgo, toMinutesAgo). */
async function seedOrders(shop: string, count: number, fromMinutesAgo: number, toMinutesAgo: number) {
  const spanMs = (fromMinutesAgo - toMinutesAgo) * MINUTE;
  await testDatabase.database.orderRecord.createMany({
    data: Array.from({ length: count }, (_, index) => ({
      shop,
      orderGid: `gid://shopify/Order/${++orderSeq}`,
      lines: [],
      placedAt: new Date(NOW.getTime() - fromMinutesAgo * MINUTE + (index * spanMs) / count),
    })),
  });
}

describe("shop-wide signals", () => {
  it("counts the recent window and the baseline before it, which starts at the shop's first order if later", async () => {
    const shop = `signals-${++shopSeq}.myshopify.com`;
    // 50 minutes of quiet selling (2 a minute), then a rush: 20 a minute for the last 4 minutes.
    await seedOrders(shop, 100, 54, 4);
    await seedOrders(shop, 80, 4, 0);
    // Another shop's orders never count.
    await seedOrders(`other-${shop}`, 500, 10, 0);
    const sample = await loadShopDemand(testDatabase.database, shop, NOW);
    expect(sample.recentWindowMs).toBe(DEFAULT_SURGE_CONFIG.recentWindowMs);
    // The recent five minutes: the quiet order 4½ minutes ago (the one exactly 5 minutes ago
    // belongs to the baseline) and the rush.
    expect(sample.recentOrders).toBe(81);
    expect(sample.baselineOrders).toBe(99);
    expect(sample.baselineWindowMs).toBe(49 * MINUTE);

    const signals = await loadShopSignals(testDatabase.database, shop, NOW, 60);
    expect(signals.demandLift).toBeGreaterThan(5);
    // 180 orders over the two hours, per item.
    expect(signals.priorRatePerMs).toBeCloseTo(180 / 60 / (2 * 3_600_000), 15);
  });

  it("a kept context is brought up to date at most once a minute", async () => {
    const shop = `signals-${++shopSeq}.myshopify.com`;
    await seedOrders(shop, 120, 120, 0);
    const context = {
      signalsAtMs: NOW.getTime() - 30_000,
      trackedItems: 10,
      allocation: { timing: DEFAULT_CHANNEL_TIMING, demandLift: 7, priorRatePerMs: 0 },
    };
    expect(await refreshSignals(testDatabase.database, shop, NOW, context)).toBe(context);
    const due = { ...context, signalsAtMs: NOW.getTime() - SIGNALS_REFRESH_MS };
    const refreshed = await refreshSignals(testDatabase.database, shop, NOW, due);
    expect(refreshed.signalsAtMs).toBe(NOW.getTime());
    // An even pace: no rush.
    expect(refreshed.allocation.demandLift).toBe(1);
    expect(refreshed.allocation.priorRatePerMs).toBeGreaterThan(0);
    expect(refreshed.allocation.timing.meta.inFlightLagMs).toBe(0);
  });
});

/**
 * Surge awareness: the shop-wide demand lift (velocity.ts) and what it does to the holds.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocateItem } from "./allocate";
import { DEFAULT_CHANNEL_TIMING, shopChannelSettingsSchema } from "./channels";
import { renderExplanation } from "./explain";
import type { LocationGid, ShopDomain, VariantGid } from "./ids";
import { applyLevelUpdate, createMasterRecord } from "./master-record";
import { poissonQuantile } from "./poisson";
import { compileRuleSet, ruleSetSchema } from "./rules";
import { EXAMPLE_ITEM } from "./default-rules";
import {
  DEFAULT_SURGE_CONFIG,
  demandLift,
  EMPTY_VELOCITY,
  recordSale,
  salesRateEstimatePerMs,
  type ShopDemandSample,
} from "./velocity";

const MINUTE = 60_000;
const T = Date.UTC(2026, 11, 4, 18, 0, 0);
const VARIANT = "gid://shopify/ProductVariant/44960469696645" as VariantGid;
const WAREHOUSE = "gid://shopify/Location/76543210987" as LocationGid;
const RECENT = DEFAULT_SURGE_CONFIG.recentWindowMs;
const BASELINE = DEFAULT_SURGE_CONFIG.baselineWindowMs;

/**
 * The shop's orders at `perMinute`, times `step` from `T` on, as the sync layer counts them
 * at `T + minutes` (evenly spaced: the property is about the estimator, not about chance).
 */
function shopSample(perMinute: number, step: number, minutes: number): ShopDemandSample {
  const recentMinutes = RECENT / MINUTE;
  const before = Math.max(0, recentMinutes - minutes);
  const after = Math.min(recentMinutes, minutes);
  return {
    recentOrders: Math.round(before * perMinute + after * perMinute * step),
    recentWindowMs: RECENT,
    // The baseline ends where the recent window starts; the rush has not reached it within 5 minutes.
    baselineOrders: Math.round((BASELINE / MINUTE) * perMinute),
    baselineWindowMs: BASELINE,
  };
}

describe("shop-wide demand lift", () => {
  it("stays 1 for a shop selling as usual, a little above it, without half an hour behind it, or with a handful of orders", () => {
    const usual = shopSample(2.5, 1, 0);
    expect(demandLift(usual)).toBe(1);
    // Two standard deviations above the usual count is chance, not a rush.
    const noisy = { ...usual, recentOrders: usual.recentOrders + 2 * Math.sqrt(usual.recentOrders) };
    expect(demandLift(noisy)).toBeLessThan(1.2);
    expect(demandLift({ ...shopSample(2.5, 10, 5), baselineWindowMs: 20 * MINUTE })).toBe(1);
    expect(demandLift({ recentOrders: 3, recentWindowMs: RECENT, baselineOrders: 0, baselineWindowMs: BASELINE })).toBe(
      1,
    );
  });

  it("follows a tenfold rush within minutes, capped", () => {
    const lifts = [1, 2, 3, 5].map((minutes) => demandLift(shopSample(2.5, 10, minutes)));
    expect(lifts[1]).toBeGreaterThan(3);
    expect(lifts[2]).toBeGreaterThan(4.5);
    expect(lifts[3]).toBeGreaterThan(7.5);
    for (let index = 1; index < lifts.length; index++) expect(lifts[index]).toBeGreaterThan(lifts[index - 1]!);
    expect(demandLift(shopSample(2.5, 100, 5))).toBe(DEFAULT_SURGE_CONFIG.maxLift);
  });

  it("multiplies the long horizon only: the short one already follows the item's own sales", () => {
    const state = recordSale(EMPTY_VELOCITY, 12, T - 90 * MINUTE);
    const plain = salesRateEstimatePerMs(state, T);
    expect(salesRateEstimatePerMs(state, T, undefined, 3)).toBeCloseTo(plain * 3, 12);
    // A burst in the last minutes: the short horizon dominates, the lift does not multiply it.
    const burst = recordSale(EMPTY_VELOCITY, 12, T - MINUTE);
    expect(salesRateEstimatePerMs(burst, T, undefined, 1.5)).toBe(salesRateEstimatePerMs(burst, T));
  });
});

/** An item that sold evenly at `perHour` for six hours before T, then `step` times faster. */
function itemVelocity(perHour: number, step: number, minutes: number) {
  let velocity = EMPTY_VELOCITY;
  const gapMs = 3_600_000 / perHour;
  for (let at = T - 6 * 3_600_000; at < T; at += gapMs) velocity = recordSale(velocity, 1, at);
  for (let at = T; at < T + minutes * MINUTE; at += gapMs / step) velocity = recordSale(velocity, 1, at);
  return velocity;
}

describe("a step up in demand", () => {
  const rules = compileRuleSet(
    ruleSetSchema.parse({
      shopDefaults: { online_store: {}, meta: { lagAware: { confidence: 0.95 } }, google: {} },
    }),
  );
  const settings = shopChannelSettingsSchema.parse({});
  const metaHold = (velocity: ReturnType<typeof itemVelocity>, nowMs: number, lift: number) => {
    const record = {
      ...applyLevelUpdate(createMasterRecord("surge.myshopify.com" as ShopDomain, VARIANT), {
        locationId: WAREHOUSE,
        available: 10_000,
        updatedAtMs: nowMs - 1,
      }),
      velocity,
    };
    const decision = allocateItem(
      { ...EXAMPLE_ITEM, variantId: VARIANT, record },
      { nowMs, rules, settings, timing: DEFAULT_CHANNEL_TIMING, demandLift: lift },
      { explain: true },
    ).decisions.meta;
    return { held: decision.sellable - decision.quantity, decision };
  };

  /**
   * N = 4 minutes. For a shop taking 60 to 1,200 orders an hour and an item that sold 1 to 30
   * units an hour for six hours, a step to 3–20 times the pace (shop and item alike) raises
   * Meta's lag-aware hold, within 4 minutes of orders, to at least what it would hold for half
   * the new pace. The app adds the time for orders to reach it (webhooks, a few seconds) and
   * the signal refresh (at most a minute, recompute-signals.server.ts).
   */
  it("property: raises the hold within N = 4 minutes to at least the hold for half the new pace", () => {
    const delayMs = 20 * MINUTE + DEFAULT_CHANNEL_TIMING.meta.pushIntervalMs + DEFAULT_CHANNEL_TIMING.meta.budgetWaitMs;
    fc.assert(
      fc.property(
        fc.integer({ min: 60, max: 1_200 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 3, max: 20 }),
        (shopPerHour, itemPerHour, step) => {
          const minutes = 4;
          const nowMs = T + minutes * MINUTE;
          const lift = demandLift(shopSample(shopPerHour / 60, step, minutes));
          const before = metaHold(itemVelocity(itemPerHour, 1, 0), T, 1).held;
          const after = metaHold(itemVelocity(itemPerHour, step, minutes), nowMs, lift).held;
          const halfNewPace = poissonQuantile(((itemPerHour * step) / 2 / 3_600_000) * delayMs, 0.95);
          expect(after).toBeGreaterThanOrEqual(halfNewPace);
          expect(after).toBeGreaterThan(before);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("says so in the explanation", () => {
    const { decision } = metaHold(itemVelocity(6, 10, 4), T + 4 * MINUTE, 4.2);
    expect(renderExplanation(decision.explanation!, "en")).toMatch(
      /lag-aware: [\d.]+\/min \(shop selling ×4\.2 its usual pace\) × \d+ min at 95%/,
    );
    expect(renderExplanation(decision.explanation!, "fr")).toMatch(/\(boutique à ×4,2 son rythme habituel\)/);
  });
});

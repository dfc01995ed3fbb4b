/**
 * "Your settings" in-process: the real engine with a shop's own rules, on the shared channel
 * model. A rule that holds everything never oversells, whatever the day (fast-check); no
 * rule at all shows everything, like native sync; the shop's settings are the engine's
 * (where Meta's buyers check out, Google's low-stock mode); the same day gives the same result.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileRuleSet, ruleSetSchema, shopChannelSettingsSchema, type RuleSetInput } from "~/domain";
import { builtInScenario } from "./families";
import { simulateInProcess } from "./inprocess";
import { expandScenario, generateDemand, parseScenario, type Checkout } from "./scenario";
import { simulateSettings, type ShopSetup } from "./settings-strategy";

const HOLD_ALL = { percent: 100 } as const;
/** An empty rule shows all sellable. */
const NO_RULE = { online_store: {}, meta: {}, google: {} };

function setup(rules: RuleSetInput, settings: object = {}): ShopSetup {
  return { rules: compileRuleSet(ruleSetSchema.parse(rules)), settings: shopChannelSettingsSchema.parse(settings) };
}

/** A small random day: a few items, thin or deep stock, Meta's buyers checking out on Meta or on the store. */
function day(shape: { items: number; orders: number; coverage: number; meta: Checkout; seed: number }) {
  const scenario = parseScenario({
    name: "random",
    durationHours: 1,
    stepSeconds: 60,
    catalogue: {
      generate: {
        variants: shape.items,
        priceRange: [10, 30],
        zipf: 0.8,
        stockCoverage: [shape.coverage, shape.coverage],
        minStock: 1,
      },
    },
    demand: {
      orders: shape.orders,
      hourly: [1],
      unitsPerOrder: [
        [1, 0.7],
        [2, 0.3],
      ],
      channels: { online_store: 0.4, meta: 0.4, google: 0.2 },
    },
    channels: {
      meta: { checkout: shape.meta, lagMinutes: [{ fromHour: 0, min: 5, max: 25 }] },
      google: { checkout: "store", lagMinutes: [{ fromHour: 0, min: 20, max: 40 }] },
    },
    webhooks: { delaySeconds: [{ fromHour: 0, min: 1, max: 60 }], duplicateRate: 0.1, outOfOrderRate: 0.2 },
  });
  const expanded = expandScenario(scenario, shape.seed);
  return { expanded, buyers: generateDemand(expanded) };
}

const small = () => {
  const expanded = expandScenario(builtInScenario("small"), 1);
  return { expanded, buyers: generateDemand(expanded) };
};

describe("your settings, in-process", () => {
  it("GIVEN a rule that holds everything on every channel THEN nothing is oversold, whatever the day", () => {
    const holdAll = setup(
      { shopDefaults: { online_store: HOLD_ALL, meta: HOLD_ALL, google: HOLD_ALL } },
      // Thin stock would still show an item's last units on the Online Store: off, to hold everything.
      { online_store: { thinStock: { keepSellingAtOrBelow: 0 } }, meta: { checkoutOn: "channel" } },
    );
    fc.assert(
      fc.property(
        fc.record({
          items: fc.integer({ min: 1, max: 6 }),
          orders: fc.integer({ min: 5, max: 120 }),
          coverage: fc.double({ min: 0.2, max: 2, noNaN: true }),
          meta: fc.constantFrom<Checkout>("channel", "store"),
          seed: fc.integer({ min: 0, max: 10_000 }),
        }),
        (shape) => {
          const { expanded, buyers } = day(shape);
          const result = simulateSettings(expanded, buyers, holdAll);
          expect(result.oversoldUnits).toBe(0);
          // Only what Meta showed before its first figure landed can sell (its own checkout, or the store's).
          expect(result.soldUnits).toBeLessThanOrEqual(
            expanded.variants.reduce((sum, variant) => sum + variant.stock, 0),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it("GIVEN no rule at all THEN every channel is shown all it can sell, like native sync: about nothing withheld, as many oversells", () => {
    const { expanded, buyers } = small();
    const none = simulateSettings(
      expanded,
      buyers,
      setup({ shopDefaults: NO_RULE }, { meta: { checkoutOn: "channel" } }),
    );
    const native = simulateInProcess("native", expanded, buyers);
    const fixed = simulateInProcess("static", expanded, buyers);
    expect(native.withheldUnits).toBe(0);
    // Meta and Google show all they can; the Online Store withholds a little only where the app
    // has not heard of a sale's level update yet (the webhooks' delays), as the real app does.
    expect(none.withheldByChannel.meta + none.withheldByChannel.google).toBeLessThanOrEqual(2);
    expect(none.withheldUnits).toBeLessThan(fixed.withheldUnits / 3);
    expect(native.oversoldUnits).toBeGreaterThan(0);
    // Native writes every sale at once; the app learns of it by webhook and pushes each minute: as many oversells or a few more.
    expect(none.oversoldUnits).toBeGreaterThanOrEqual(native.oversoldUnits);
    expect(none.oversoldUnits).toBeLessThanOrEqual(native.oversoldUnits * 3);
    expect(none.soldUnits).toBeGreaterThanOrEqual(native.soldUnits - 5);
  });

  it("GIVEN the lag-aware rules the HTTP rehearsal runs THEN Meta's own checkout oversells nothing, and far less is withheld than with fixed tiers", () => {
    const { expanded, buyers } = small();
    const lagAware = { lagAware: { confidence: 0.95 } };
    const result = simulateSettings(
      expanded,
      buyers,
      setup(
        { shopDefaults: { online_store: lagAware, meta: lagAware, google: lagAware } },
        { meta: { checkoutOn: "channel" }, google: { checkoutOn: "store" } },
      ),
    );
    const fixed = simulateInProcess("static", expanded, buyers);
    expect(result.oversoldUnits).toBe(0);
    expect(result.withheldUnits).toBeLessThan(fixed.withheldUnits);
    expect(result.pushes.meta).toBeGreaterThan(0);
    expect(result.apiCalls.meta).toBeLessThanOrEqual(100 * 3 * 2);
  });

  it("GIVEN Google's low-stock mode THEN pausing ads keeps offers in stock where out-of-stock takes them down", () => {
    const { expanded, buyers } = small();
    const lagAware = { lagAware: { confidence: 0.95 } };
    const rules = { shopDefaults: { online_store: lagAware, meta: lagAware, google: lagAware } };
    const paused = simulateSettings(expanded, buyers, setup(rules, { google: { lowStock: "pause_ads" } }));
    const out = simulateSettings(expanded, buyers, setup(rules, { google: { lowStock: "out_of_stock" } }));
    const offers = (result: typeof paused) => result.timeline.reduce((sum, point) => sum + point.shown.google, 0);
    expect(offers(paused)).toBeGreaterThan(offers(out));
  });

  it("gives the same result for the same day and settings", () => {
    const { expanded, buyers } = small();
    const rules = setup({ shopDefaults: { ...NO_RULE, meta: { percent: 20 }, google: { fixedUnits: 2 } } });
    const first = simulateSettings(expanded, buyers, rules);
    const second = simulateSettings(expanded, buyers, rules);
    expect({ ...second, wallMs: 0 }).toEqual({ ...first, wallMs: 0 });
  });
});

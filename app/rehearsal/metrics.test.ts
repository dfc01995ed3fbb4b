/** The accounting on tiny hand-made cases: each harm counted once, where it happened, and priced by the weights. */
import { describe, expect, it } from "vitest";
import { Accounting, costOf, ExposureCadence, ExposureSample, withCost, type StrategyResult } from "./metrics";
import { parseScenario, type ScenarioVariant } from "./scenario";

const variants: ScenarioVariant[] = [
  { index: 0, sku: "A", title: "A", price: 20, stock: 5, weight: 1 },
  { index: 1, sku: "B", title: "B", price: 50, stock: 1, weight: 1 },
];
const START = Date.UTC(2026, 10, 27);
const fresh = () => new Accounting("native", "in-process", variants, START);

describe("Accounting", () => {
  it("counts units a channel with its own checkout sells beyond what the master has as oversold, with their value", () => {
    const accounting = fresh();
    // Meta shows 3, the master can sell 1: the buyer takes 3, two of them oversold.
    const bought = accounting.buyer("meta", 1, 3, { shown: 3, checkout: "channel" }, 1, 1, START + 90_000);
    const result = accounting.finish({});
    expect(bought).toBe(3);
    expect(result.oversoldUnits).toBe(2);
    expect(result.oversoldValue).toBe(100);
    expect(result.oversoldByChannel).toEqual({ online_store: 0, meta: 2, google: 0 });
    expect(result.oversells).toEqual([{ hour: 0.025, channel: "meta", sku: "B", units: 2, shown: 3, sellable: 1 }]);
    expect(result.failedCheckoutBuyers).toBe(0);
    expect(result.withheldUnits).toBe(0);
  });

  it("counts a buyer sent to a sold-out page (store checkout) once as a failed checkout, with the units Shopify refused", () => {
    const accounting = fresh();
    // Google shows the item in stock, the store has 1: the buyer wants 2, gets 1, 1 unit refused.
    const bought = accounting.buyer("google", 0, 2, { shown: Infinity, checkout: "store" }, 1, 1);
    accounting.buyer("google", 0, 1, { shown: Infinity, checkout: "store" }, 0, 0);
    const result = accounting.finish({});
    expect(bought).toBe(1);
    expect(result.failedCheckoutBuyers).toBe(2);
    expect(result.failedCheckoutUnits).toBe(2);
    expect(result.failedCheckoutValue).toBe(40);
    expect(result.failedCheckoutByChannel.google).toBe(2);
    expect(result.oversoldUnits).toBe(0);
    // Refused by Shopify is not withheld: the channel offered it.
    expect(result.withheldUnits).toBe(0);
  });

  it("counts units the master could sell but the channel did not offer as withheld, with their value", () => {
    const accounting = fresh();
    // Meta shows 1 (a buffer), the master has 5: the buyer wanted 3, got 1.
    accounting.buyer("meta", 0, 3, { shown: 1, checkout: "channel" }, 5, 5);
    // Google shows out of stock while the master has 1: the buyer wanted 2, could have had 1.
    accounting.buyer("google", 1, 2, { shown: 0, checkout: "store" }, 1, 1);
    const result = accounting.finish({});
    expect(result.withheldUnits).toBe(3);
    expect(result.withheldValue).toBe(2 * 20 + 50);
    expect(result.withheldByChannel).toEqual({ online_store: 0, meta: 2, google: 1 });
    expect(result.soldUnits).toBe(1);
  });

  it("counts a withheld unit as a lost sale only when no other buyer bought it before the end", () => {
    const accounting = fresh();
    // Item A, 3 sellable: Meta shows 0 to a buyer of 2 (2 withheld)…
    accounting.buyer("meta", 0, 2, { shown: 0, checkout: "channel" }, 3, 3);
    // …then an Online Store buyer takes 2 of the 3: 1 unit is left, so 1 of the 2 was lost.
    accounting.buyer("online_store", 0, 2, { shown: 3, checkout: "store" }, 3, 3);
    // Item B, 1 sellable: withheld from one buyer, sold to the next: no sale lost.
    accounting.buyer("google", 1, 1, { shown: 0, checkout: "store" }, 1, 1);
    accounting.buyer("online_store", 1, 1, { shown: 1, checkout: "store" }, 1, 1);
    const result = accounting.finish({});
    expect(result.withheldUnits).toBe(3);
    expect(result.lostSalesUnits).toBe(1);
    expect(result.lostSalesValue).toBe(20);
  });

  it("adds up exposure: item-minutes advertised while sold out and hidden (or paused) while sellable, per channel", () => {
    const accounting = fresh();
    const sample = new ExposureSample();
    // Sold out, yet Meta shows 2 and Google in stock.
    sample.add({ sellable: 0, store: 0, meta: 2, googleInStock: true, googlePaused: false });
    // Oversold below zero counts as sold out too.
    sample.add({ sellable: -1, store: 0, meta: 0, googleInStock: true, googlePaused: true });
    // Sellable, but the store holds it back, Meta shows 0 and Google's ads are paused.
    sample.add({ sellable: 3, store: 0, meta: 0, googleInStock: true, googlePaused: true });
    // Sellable and shown everywhere: nothing.
    sample.add({ sellable: 3, store: 3, meta: 3, googleInStock: true, googlePaused: false });
    accounting.exposure(sample, 5);
    accounting.exposure(sample, 0.5);
    const result = accounting.finish({});
    expect(result.advertisedSoldOutItemMinutes).toEqual({ online_store: 0, meta: 5.5, google: 11 });
    expect(result.lostExposureItemMinutes).toEqual({ online_store: 5.5, meta: 5.5, google: 5.5 });
  });
});

describe("ExposureCadence", () => {
  const minute = 60_000;
  it("samples at the end of the step that reaches each 5-minute mark, standing for the minutes since the last", () => {
    const cadence = new ExposureCadence(START, START + 12 * minute);
    const due = Array.from({ length: 12 }, (_, step) => cadence.due(START + (step + 1) * minute));
    expect(due).toEqual([null, null, null, null, 5, null, null, null, null, 5, null, 2]);
  });

  it("samples every step when steps are longer than 5 minutes, and a partial last step for its own length", () => {
    const cadence = new ExposureCadence(START, START + 25 * minute);
    expect([1, 2, 3].map((step) => cadence.due(START + step * 10 * minute))).toEqual([10, 10, 5]);
  });
});

describe("costOf", () => {
  const result = (): StrategyResult => {
    const accounting = fresh();
    accounting.buyer("meta", 1, 3, { shown: 3, checkout: "channel" }, 1, 1); // 2 oversold (value 100)
    accounting.buyer("meta", 0, 3, { shown: 1, checkout: "channel" }, 4, 4); // 2 withheld (value 40)
    accounting.buyer("google", 1, 2, { shown: Infinity, checkout: "store" }, 0, 0); // 1 failed buyer, 2 units (100)
    const sample = new ExposureSample();
    sample.add({ sellable: 0, store: 0, meta: 1, googleInStock: false, googlePaused: false });
    sample.add({ sellable: 2, store: 2, meta: 0, googleInStock: false, googlePaused: false });
    accounting.exposure(sample, 10); // 10 advertised sold out, 20 lost exposure
    accounting.push("meta", 3, 7);
    return accounting.finish({});
  };

  it("prices every harm with the scenario's weights", () => {
    const weights = parseScenario({
      name: "w",
      durationHours: 1,
      catalogue: { variants: [{ sku: "A", price: 1, stock: 1, weight: 1 }] },
      demand: { orders: 1, hourly: [1], unitsPerOrder: [[1, 1]], channels: { online_store: 1, meta: 0, google: 0 } },
      channels: {
        meta: { checkout: "channel", lagMinutes: [{ fromHour: 0, min: 1, max: 1 }] },
        google: { checkout: "store", lagMinutes: [{ fromHour: 0, min: 1, max: 1 }] },
      },
      webhooks: { delaySeconds: [{ fromHour: 0, min: 1, max: 1 }], duplicateRate: 0, outOfOrderRate: 0 },
      costs: { apiCall: 0.5 },
    }).costs;
    const cost = costOf(result(), weights);
    expect(cost).toEqual({
      oversold: 100 * 1 + 2 * 10,
      withheld: 40 * 0.4,
      failedCheckouts: 1 * 3,
      advertisedSoldOut: 10 * 0.02,
      lostExposure: 20 * 0.005,
      apiCalls: 7 * 0.5,
      total: 142.8, // 120 + 16 + 3 + 0.2 + 0.1 + 3.5
    });
    expect(withCost(result(), weights).cost).toEqual(cost);
  });
});

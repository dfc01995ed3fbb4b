import { describe, expect, it } from "vitest";
import { builtInScenario, FAMILY_NAMES } from "./families";
import { expandScenario, generateDemand, parseCheckoutOverride, parseScenario, withCheckout } from "./scenario";

const scenario = (durationHours: number) =>
  parseScenario({
    name: "partial",
    durationHours,
    stepSeconds: 60,
    catalogue: { generate: { variants: 4, priceRange: [10, 20], zipf: 0.5, stockCoverage: [1, 1], minStock: 1 } },
    demand: { orders: 600, hourly: [1], unitsPerOrder: [[1, 1]], channels: { online_store: 1, meta: 0, google: 0 } },
    channels: {
      meta: { checkout: "channel", lagMinutes: [{ fromHour: 0, min: 5, max: 5 }] },
      google: { checkout: "store", lagMinutes: [{ fromHour: 0, min: 30, max: 30 }] },
    },
    webhooks: { delaySeconds: [{ fromHour: 0, min: 1, max: 1 }], duplicateRate: 0, outOfOrderRate: 0 },
  });

describe("generateDemand", () => {
  it.each([0.25, 1.5])(
    "spreads a %s-hour scenario's orders over its length, the partial last hour included",
    (hours) => {
      const expanded = expandScenario(scenario(hours), 3);
      const buyers = generateDemand(expanded);
      expect(buyers).toHaveLength(600);
      expect(buyers.every((buyer) => buyer.atMs >= expanded.startMs && buyer.atMs < expanded.endMs)).toBe(true);
      // Uniform demand: the last minute has about its share (1/15 or 1/90), not a burst of
      // every order drawn past the end (three quarters of them, before the fix).
      const lastMinute = buyers.filter((buyer) => buyer.atMs >= expanded.endMs - 60_000).length;
      expect(lastMinute / buyers.length).toBeLessThan(3 / (hours * 60));
      // The last quarter of the scenario holds about a quarter of the orders.
      const lastQuarter = buyers.filter(
        (buyer) => buyer.atMs >= expanded.endMs - (expanded.endMs - expanded.startMs) / 4,
      ).length;
      expect(lastQuarter / buyers.length).toBeGreaterThan(0.18);
      expect(lastQuarter / buyers.length).toBeLessThan(0.32);
    },
  );
});

const base = {
  name: "base",
  durationHours: 2,
  catalogue: { generate: { variants: 3, priceRange: [10, 20], zipf: 0.5, stockCoverage: [1, 1], minStock: 1 } },
  demand: { orders: 400, hourly: [1], unitsPerOrder: [[1, 1]], channels: { online_store: 1, meta: 1, google: 1 } },
  channels: {
    meta: { checkout: "channel", lagMinutes: [{ fromHour: 0, min: 5, max: 5 }] },
    google: { checkout: "store", lagMinutes: [{ fromHour: 0, min: 30, max: 30 }] },
  },
  webhooks: { delaySeconds: [{ fromHour: 0, min: 1, max: 1 }], duplicateRate: 0, outOfOrderRate: 0 },
};
const HOUR = 3_600_000;

/** The validation message for a scenario, or "" when it passes. */
function refusal(value: unknown): string {
  try {
    parseScenario(value, "test.json");
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("built-in scenario families", () => {
  it.each(FAMILY_NAMES)("%s loads, expands and draws its demand", (name) => {
    const scenario = builtInScenario(name);
    const expanded = expandScenario(scenario, 1);
    const buyers = generateDemand(expanded);
    expect(buyers).toHaveLength(scenario.demand.orders);
    expect(buyers.every((buyer) => buyer.atMs >= expanded.startMs && buyer.atMs < expanded.endMs)).toBe(true);
    expect(expanded.variants.length).toBeGreaterThan(0);
  });

  it("gives each family its goal lines: outage when a channel has an outage, else surge unless told", () => {
    expect(expandScenario(builtInScenario("black-friday"), 1).family).toBe("surge");
    expect(expandScenario(builtInScenario("flash-drop"), 1).family).toBe("surge");
    expect(expandScenario(builtInScenario("holiday-week"), 1).family).toBe("slow");
    const outage = expandScenario(builtInScenario("channel-outage"), 1);
    expect(outage.family).toBe("outage");
    expect(outage.outages.meta).toHaveLength(1);
    expect(expandScenario(parseScenario(base), 1).family).toBe("surge");
  });

  it("keeps the flash drop's hourly totals with its quarter-hour curve: a tenfold jump within 15 minutes", () => {
    const expanded = expandScenario(builtInScenario("flash-drop"), 1);
    const buyers = generateDemand(expanded);
    const inQuarter = (from: number) =>
      buyers.filter(
        (buyer) => buyer.atMs >= expanded.startMs + from * HOUR && buyer.atMs < expanded.startMs + (from + 0.25) * HOUR,
      ).length;
    const quiet = inQuarter(0.75);
    expect(inQuarter(1)).toBeGreaterThan(quiet * 8);
    const hour = (index: number) =>
      buyers.filter((buyer) => Math.floor((buyer.atMs - expanded.startMs) / HOUR) === index).length / buyers.length;
    expect(hour(1)).toBeCloseTo(40 / 76, 1);
  });
});

describe("outages", () => {
  const scenario = parseScenario({
    ...base,
    channels: { ...base.channels, meta: { ...base.channels.meta, outages: [{ atHour: 1, minutes: 60 }] } },
  });
  const expanded = expandScenario(scenario, 1);

  it("are read into absolute windows per channel", () => {
    expect(expanded.outages.meta).toEqual([{ fromMs: expanded.startMs + HOUR, toMs: expanded.startMs + 2 * HOUR }]);
    expect(expanded.outages.google).toEqual([]);
  });

  it("hold back every write that would land during one, sent before it or during it, until it ends", () => {
    const { startMs } = expanded;
    expect(expanded.landsAt("meta", startMs)).toBe(startMs + 5 * 60_000);
    expect(expanded.landsAt("meta", startMs + HOUR - 60_000)).toBe(startMs + 2 * HOUR);
    expect(expanded.landsAt("meta", startMs + 1.5 * HOUR)).toBe(startMs + 2 * HOUR);
    expect(expanded.landsAt("meta", startMs + 2 * HOUR)).toBe(startMs + 2 * HOUR + 5 * 60_000);
    expect(expanded.landsAt("google", startMs + HOUR)).toBe(startMs + HOUR + 30 * 60_000);
  });

  it("are refused with a clear message when they start after the scenario or last no time", () => {
    expect(
      refusal({
        ...base,
        channels: { ...base.channels, google: { ...base.channels.google, outages: [{ atHour: 3, minutes: 10 }] } },
      }),
    ).toMatch(/channels\.google\.outages\.0\.atHour: the outage starts at hour 3, after the scenario's end \(hour 2\)/);
    expect(
      refusal({
        ...base,
        channels: { ...base.channels, meta: { ...base.channels.meta, outages: [{ atHour: 1, minutes: 0 }] } },
      }),
    ).toMatch(/channels\.meta\.outages\.0\.minutes/);
  });
});

describe("scenario validation", () => {
  it("takes a sub-hour curve instead of an hourly one, and refuses both or neither", () => {
    const curve = { stepMinutes: 10, weights: [0, 0, 0, 0, 0, 1] };
    const scenario = parseScenario({ ...base, demand: { ...base.demand, hourly: undefined, curve } });
    const expanded = expandScenario(scenario, 2);
    const buyers = generateDemand(expanded);
    // Only the last 10 minutes of each hour carry demand.
    expect(buyers.every((buyer) => ((buyer.atMs - expanded.startMs) % HOUR) / 60_000 >= 50)).toBe(true);
    expect(refusal({ ...base, demand: { ...base.demand, curve } })).toMatch(
      /demand: give the demand's shape as `hourly` or as `curve`, not both/,
    );
    expect(refusal({ ...base, demand: { ...base.demand, hourly: undefined } })).toMatch(
      /demand: the demand needs a shape/,
    );
    expect(refusal({ ...base, demand: { ...base.demand, hourly: [0, 0] } })).toMatch(/must not all be zero/);
  });

  it("refuses an unknown checkout, an unknown key and a missing field, naming where", () => {
    const message = refusal({
      ...base,
      surprise: 1,
      channels: { ...base.channels, meta: { ...base.channels.meta, checkout: "shop" } },
      webhooks: { delaySeconds: base.webhooks.delaySeconds, duplicateRate: 0 },
    });
    expect(message).toMatch(/^test\.json is not a valid scenario:/);
    expect(message).toMatch(/channels\.meta\.checkout: checkout must be "channel" .* or "store"/);
    expect(message).toMatch(/Unrecognized key\(s\) in object: 'surprise'/);
    expect(message).toMatch(/webhooks\.outOfOrderRate: Required/);
  });

  it("fills the cost weights with their defaults, and takes overrides", () => {
    expect(parseScenario(base).costs).toEqual({
      oversoldUnit: { priceShare: 1, fixed: 10 },
      withheldUnit: { priceShare: 0.4, fixed: 0 },
      failedCheckout: { priceShare: 0, fixed: 3 },
      advertisedSoldOutItemMinute: 0.02,
      lostExposureItemMinute: 0.005,
      apiCall: 0,
    });
    const costs = parseScenario({
      ...base,
      costs: { apiCall: 0.001, oversoldUnit: { priceShare: 0.5, fixed: 25 } },
    }).costs;
    expect(costs.apiCall).toBe(0.001);
    expect(costs.oversoldUnit).toEqual({ priceShare: 0.5, fixed: 25 });
    expect(costs.withheldUnit).toEqual({ priceShare: 0.4, fixed: 0 });
    expect(refusal({ ...base, costs: { apiCall: -1 } })).toMatch(/costs\.apiCall/);
  });
});

describe("--checkout", () => {
  it("sets where each named channel's buyers check out, leaving the others as the scenario says", () => {
    expect(parseCheckoutOverride("meta=store,google=channel")).toEqual({ meta: "store", google: "channel" });
    expect(parseCheckoutOverride(" google = channel ")).toEqual({ google: "channel" });
    const scenario = withCheckout(parseScenario(base), parseCheckoutOverride("meta=store"));
    expect(scenario.channels.meta.checkout).toBe("store");
    expect(scenario.channels.google.checkout).toBe("store");
    expect(scenario.channels.meta.lagMinutes).toEqual(base.channels.meta.lagMinutes);
  });

  it.each([
    ["meta=shop", /unknown checkout "shop"/],
    ["tiktok=store", /unknown channel "tiktok" \(meta or google/],
    ["online_store=channel", /unknown channel "online_store"/],
    ["meta", /expected --checkout meta=channel\|store/],
    ["meta=store,", /expected --checkout/],
    ["meta=store=channel", /expected --checkout/],
    ["meta=store,meta=channel", /meta is given twice/],
  ])("refuses %s with a clear message", (text, message) => {
    expect(() => parseCheckoutOverride(text)).toThrow(message);
  });
});

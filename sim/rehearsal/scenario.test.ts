import { describe, expect, it } from "vitest";
import { expandScenario, generateDemand, parseScenario } from "./scenario";

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

/**
 * The oracle's properties, on small random scenarios (fast-check): it never oversells when
 * it can help it, is never beaten by native sync on oversells, withholds nothing when the
 * channels have no lag, and stays within Google's update allowance.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { simulateInProcess } from "./inprocess";
import { outageFloors, simulateOracle } from "./oracle";
import { expandScenario, generateDemand, parseScenario, type Buyer, type Checkout } from "./scenario";

interface Shape {
  stocks: number[];
  orders: number;
  durationHours: number;
  metaLag: [number, number];
  googleLag: [number, number];
  checkout: { meta: Checkout; google: Checkout };
  shares: [number, number, number];
  multiUnit: boolean;
  outage: { channel: "meta" | "google"; atHour: number; minutes: number } | null;
  seed: number;
}

function scenarioOf(shape: Shape) {
  const outages = (channel: "meta" | "google") =>
    shape.outage?.channel === channel ? [{ atHour: shape.outage.atHour, minutes: shape.outage.minutes }] : [];
  return parseScenario({
    name: "property",
    durationHours: shape.durationHours,
    stepSeconds: 60,
    catalogue: {
      variants: shape.stocks.map((stock, index) => ({ sku: `S${index}`, price: 10 + index, stock, weight: 1 + index })),
    },
    demand: {
      orders: shape.orders,
      hourly: [1, 3],
      unitsPerOrder: shape.multiUnit
        ? [
            [1, 0.6],
            [2, 0.3],
            [3, 0.1],
          ]
        : [[1, 1]],
      channels: { online_store: shape.shares[0], meta: shape.shares[1], google: shape.shares[2] },
    },
    channels: {
      meta: {
        checkout: shape.checkout.meta,
        lagMinutes: [{ fromHour: 0, min: shape.metaLag[0], max: shape.metaLag[1] }],
        outages: outages("meta"),
      },
      google: {
        checkout: shape.checkout.google,
        lagMinutes: [{ fromHour: 0, min: shape.googleLag[0], max: shape.googleLag[1] }],
        outages: outages("google"),
      },
    },
    webhooks: { delaySeconds: [{ fromHour: 0, min: 1, max: 30 }], duplicateRate: 0, outOfOrderRate: 0 },
  });
}

const lag = (most: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: most }), fc.integer({ min: 0, max: most }))
    .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]);
const checkout = fc.constantFrom<Checkout>("channel", "store");
const shapes = fc
  .record({
    stocks: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 4 }),
    orders: fc.integer({ min: 1, max: 60 }),
    durationHours: fc.constantFrom(0.5, 1, 2),
    metaLag: lag(30),
    googleLag: lag(60),
    checkout: fc.record({ meta: checkout, google: checkout }),
    shares: fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
      .filter(([a, b, c]) => a + b + c > 0),
    multiUnit: fc.boolean(),
    outage: fc.option(
      fc.record({
        channel: fc.constantFrom<"meta" | "google">("meta", "google"),
        atHour: fc.constantFrom(0, 0.1, 0.25, 0.4),
        minutes: fc.integer({ min: 5, max: 60 }),
      }),
      { nil: null },
    ),
    seed: fc.integer({ min: 1, max: 10_000 }),
  })
  .map((shape): Shape => shape);

function run(shape: Shape) {
  const expanded = expandScenario(scenarioOf(shape), shape.seed);
  const buyers = generateDemand(expanded);
  return {
    expanded,
    buyers,
    native: simulateInProcess("native", expanded, buyers),
    oracle: simulateOracle(expanded, buyers).result,
  };
}

describe("oracle", () => {
  it("never oversells when Google checks out on the store (Meta's starting figure is held on the Online Store)", () => {
    fc.assert(
      fc.property(shapes, (shape) => {
        const { oracle } = run({ ...shape, checkout: { ...shape.checkout, google: "store" } });
        expect(oracle.oversoldUnits).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it("oversells no more than native sync, whatever the checkouts, lags and outages", () => {
    fc.assert(
      fc.property(shapes, (shape) => {
        const { native, oracle } = run(shape);
        expect(oracle.oversoldUnits).toBeLessThanOrEqual(native.oversoldUnits);
      }),
      { numRuns: 150 },
    );
  });

  // With checkout on the store a channel's figure does not count down with its sales: two
  // buyers of an item in one step around its sell-out force a withheld unit even without
  // lag (hence Meta on its own checkout here, and one buyer a step in the next property).
  it("with no lag, withholds nothing, oversells nothing and fails no checkout on Meta (own checkout) and the Online Store", () => {
    fc.assert(
      fc.property(shapes, (shape) => {
        const { oracle } = run({
          ...shape,
          metaLag: [0, 0],
          googleLag: [0, 0],
          outage: null,
          checkout: { ...shape.checkout, meta: "channel" },
          shares: [shape.shares[0], shape.shares[1] || 1, 0],
        });
        expect(oracle.withheldUnits).toBe(0);
        expect(oracle.oversoldUnits).toBe(0);
        expect(oracle.failedCheckoutUnits).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it("with no lag and one buyer a step, withholds nothing on Google either (in stock or out, a step at a time)", () => {
    fc.assert(
      fc.property(
        shapes,
        fc.array(
          fc.record({
            variant: fc.nat(),
            channel: fc.constantFrom("online_store", "meta", "google") as fc.Arbitrary<Buyer["channel"]>,
          }),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        (shape, picks) => {
          const expanded = expandScenario(
            scenarioOf({ ...shape, metaLag: [0, 0], googleLag: [0, 0], outage: null, durationHours: 1 }),
            shape.seed,
          );
          const buyers: Buyer[] = picks.map((pick, index) => ({
            atMs: expanded.startMs + index * 60_000 + 1_000,
            variant: pick.variant % expanded.variants.length,
            channel: pick.channel,
            units: 1,
          }));
          const oracle = simulateOracle(expanded, buyers).result;
          expect(oracle.withheldUnits).toBe(0);
          expect(oracle.oversoldUnits).toBe(0);
          expect(oracle.failedCheckoutUnits).toBe(0);
          // Everything the shop had, up to what was wanted, was sold.
          const wanted = new Map<number, number>();
          for (const buyer of buyers) wanted.set(buyer.variant, (wanted.get(buyer.variant) ?? 0) + 1);
          const possible = [...wanted].reduce(
            (sum, [item, units]) => sum + Math.min(units, expanded.variants[item]!.stock),
            0,
          );
          expect(oracle.soldUnits).toBe(possible);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("updates each Google product at most three times a day (two, plus one toward out of stock)", () => {
    fc.assert(
      fc.property(shapes, (shape) => {
        const { oracle, expanded } = run(shape);
        expect(oracle.pushes.google).toBeLessThanOrEqual(3 * expanded.variants.length);
      }),
      { numRuns: 100 },
    );
  });
});

describe("outage floor", () => {
  it("counts the units wanted on the stalled channel during the outage beyond what the shop had at its start", () => {
    const shape: Shape = {
      stocks: [2, 10],
      orders: 1,
      durationHours: 2,
      metaLag: [5, 5],
      googleLag: [30, 30],
      checkout: { meta: "channel", google: "store" },
      shares: [1, 1, 1],
      multiUnit: false,
      outage: { channel: "meta", atHour: 1, minutes: 30 },
      seed: 1,
    };
    const expanded = expandScenario(scenarioOf(shape), 1);
    const at = (minutes: number) => expanded.startMs + minutes * 60_000;
    const buyers: Buyer[] = [
      { atMs: at(10), variant: 0, channel: "online_store", units: 1 }, // before: 1 of item 0 left
      { atMs: at(65), variant: 0, channel: "meta", units: 2 },
      { atMs: at(70), variant: 0, channel: "meta", units: 1 },
      { atMs: at(75), variant: 1, channel: "meta", units: 3 }, // item 1 has plenty
      { atMs: at(80), variant: 0, channel: "google", units: 1 }, // another channel: not counted
      { atMs: at(100), variant: 0, channel: "meta", units: 1 }, // after the outage: not counted
    ];
    const { snapshots, result } = simulateOracle(expanded, buyers, { snapshotAt: [expanded.outages.meta[0]!.fromMs] });
    expect(snapshots.get(expanded.outages.meta[0]!.fromMs)).toEqual([1, 10]);
    expect(outageFloors(expanded, buyers, snapshots)).toEqual([
      { channel: "meta", atHour: 1, minutes: 30, stalledDemandUnits: 6, floorUnits: 2 },
    ]);
    // Knowing the outage, the oracle showed Meta no more than it could honour.
    expect(result.oversoldUnits).toBe(0);
  });
});

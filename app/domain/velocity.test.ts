import { describe, expect, it } from "vitest";
import {
  DEFAULT_VELOCITY_CONFIG,
  EMPTY_VELOCITY,
  recordSale,
  salesRateEstimatePerMs,
  salesRatePerMinute,
  salesRatePerMs,
} from "./velocity";

const T = Date.UTC(2026, 10, 27, 12, 0, 0);
const MINUTE = 60_000;

describe("two-horizon EWMA velocity", () => {
  it("is zero without sales", () => {
    expect(salesRatePerMs(EMPTY_VELOCITY, T)).toBe(0);
  });

  it("converges to a steady rate", () => {
    let state = EMPTY_VELOCITY;
    for (let minute = 0; minute < 600; minute++) state = recordSale(state, 2, T + minute * MINUTE);
    expect(salesRatePerMinute(state, T + 600 * MINUTE)).toBeCloseTo(2, 0);
  });

  it("reacts to a burst through the short horizon", () => {
    let state = EMPTY_VELOCITY;
    for (let minute = 0; minute < 5; minute++) state = recordSale(state, 6, T + minute * MINUTE);
    const shortOnly = (state.short / DEFAULT_VELOCITY_CONFIG.shortHorizonMs) * MINUTE;
    expect(salesRatePerMinute(state, T + 5 * MINUTE)).toBeGreaterThan(1);
    expect(salesRatePerMinute(state, T + 4 * MINUTE)).toBeCloseTo(shortOnly, 6);
  });

  it("remembers a steady seller through the long horizon after the short one fades", () => {
    const state = recordSale(EMPTY_VELOCITY, 24, T);
    const later = T + 90 * MINUTE;
    const longOnly = ((state.long * Math.exp(-90 / 120)) / DEFAULT_VELOCITY_CONFIG.longHorizonMs) * MINUTE;
    expect(salesRatePerMinute(state, later)).toBeCloseTo(longOnly, 9);
  });

  it("does not depend on the order sales arrive in", () => {
    const sales: [number, number][] = [
      [3, T],
      [1, T + 7 * MINUTE],
      [2, T + 2 * MINUTE],
      [5, T + 30 * MINUTE],
    ];
    const inOrder = [...sales]
      .sort((a, b) => a[1] - b[1])
      .reduce((state, [units, at]) => recordSale(state, units, at), EMPTY_VELOCITY);
    const shuffled = sales.reduce((state, [units, at]) => recordSale(state, units, at), EMPTY_VELOCITY);
    expect(salesRatePerMs(shuffled, T + 40 * MINUTE)).toBeCloseTo(salesRatePerMs(inOrder, T + 40 * MINUTE), 15);
  });

  it("ignores non-positive units and a clock behind the last sale", () => {
    const state = recordSale(EMPTY_VELOCITY, 3, T);
    expect(recordSale(state, 0, T + 1)).toBe(state);
    expect(salesRatePerMs(state, T - MINUTE)).toBe(salesRatePerMs(state, T));
  });
});

describe("the rate buffers are sized with", () => {
  it("reads a few sales as an upper bound, a steady seller close to its average", () => {
    const few = recordSale(recordSale(EMPTY_VELOCITY, 1, T), 1, T + 30 * MINUTE);
    const at = T + 60 * MINUTE;
    const average = salesRatePerMs(few, at);
    // Two units in the last hour: well above the 2-hour average.
    expect(salesRateEstimatePerMs(few, at)).toBeGreaterThan(1.5 * average);

    let steady = EMPTY_VELOCITY;
    for (let minute = 0; minute < 600; minute++) steady = recordSale(steady, 2, T + minute * MINUTE);
    const steadyAt = T + 600 * MINUTE;
    expect(salesRateEstimatePerMs(steady, steadyAt) / salesRatePerMs(steady, steadyAt)).toBeLessThan(1.1);
  });

  it("follows a burst through the short horizon", () => {
    let state = EMPTY_VELOCITY;
    for (let minute = 0; minute < 5; minute++) state = recordSale(state, 6, T + minute * MINUTE);
    const at = T + 5 * MINUTE;
    expect(salesRateEstimatePerMs(state, at)).toBeCloseTo(salesRatePerMs(state, at), 12);
  });

  it("is zero without sales and uses the configured confidence", () => {
    expect(salesRateEstimatePerMs(EMPTY_VELOCITY, T)).toBe(0);
    const state = recordSale(EMPTY_VELOCITY, 1, T);
    const at = T + 3 * 60 * MINUTE;
    expect(salesRateEstimatePerMs(state, at, { ...DEFAULT_VELOCITY_CONFIG, rateConfidence: 0.95 })).toBeGreaterThan(
      salesRateEstimatePerMs(state, at),
    );
  });
});

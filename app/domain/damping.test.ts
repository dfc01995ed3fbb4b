import { describe, expect, it } from "vitest";
import { dampIncrease, INITIAL_DAMPING, type DampingState } from "./damping";

const T = Date.UTC(2026, 10, 27, 12, 0, 0);
const twoComputations = { confirmations: 2, minHoldMs: 0 };
const holdTime = { confirmations: 1, minHoldMs: 60_000 };

describe("damping", () => {
  it("takes the first computation as is", () => {
    expect(dampIncrease(INITIAL_DAMPING, 9, T, twoComputations)).toEqual({ shown: 9, pending: null });
  });

  it("applies decreases at once and drops a pending increase", () => {
    const pending: DampingState = { shown: 5, pending: { quantity: 8, sinceMs: T, confirmations: 1 } };
    expect(dampIncrease(pending, 3, T + 1, twoComputations)).toEqual({ shown: 3, pending: null });
  });

  it("raises only on the second consistent computation, to the smaller of the two", () => {
    const first = dampIncrease({ shown: 5, pending: null }, 9, T, twoComputations);
    expect(first).toEqual({ shown: 5, pending: { quantity: 9, sinceMs: T, confirmations: 1 } });
    expect(dampIncrease(first, 8, T + 1, twoComputations)).toEqual({ shown: 8, pending: null });
  });

  it("a single stale high value is never shown", () => {
    const stale = dampIncrease({ shown: 5, pending: null }, 40, T, twoComputations);
    const corrected = dampIncrease(stale, 5, T + 1, twoComputations);
    expect([stale.shown, corrected.shown]).toEqual([5, 5]);
  });

  it("with a minimum hold time raises once the increase is old enough", () => {
    const first = dampIncrease({ shown: 5, pending: null }, 9, T, holdTime);
    expect(dampIncrease(first, 9, T + 59_999, holdTime).shown).toBe(5);
    expect(dampIncrease(first, 9, T + 60_000, holdTime).shown).toBe(9);
  });

  it("returns the same state when nothing changes", () => {
    const state: DampingState = { shown: 5, pending: null };
    expect(dampIncrease(state, 5, T, twoComputations)).toBe(state);
  });
});

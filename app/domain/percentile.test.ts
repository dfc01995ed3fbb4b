import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nearestRank } from "./percentile";

describe("nearestRank", () => {
  it("takes the smallest value at or above the share of the list", () => {
    const sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(nearestRank(sorted, 0.5)).toBe(50);
    expect(nearestRank(sorted, 0.95)).toBe(100);
    expect(nearestRank(sorted, 0.01)).toBe(10);
    expect(nearestRank(sorted, 0)).toBe(10);
    expect(nearestRank(sorted, 1)).toBe(100);
    expect(nearestRank([], 0.5)).toBe(0);
  });

  it("is a value of the list, and never decreases as the fraction grows", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { minLength: 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, a, b) => {
          const sorted = [...values].sort((x, y) => x - y);
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(sorted).toContain(nearestRank(sorted, low));
          expect(nearestRank(sorted, low)).toBeLessThanOrEqual(nearestRank(sorted, high));
        },
      ),
    );
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { logFactorial, normalQuantile, poissonMeanLowerBound, poissonMeanUpperBound, poissonQuantile } from "./poisson";

/** Straight summation, fine for small means: the reference. */
function referenceQuantile(mean: number, confidence: number): number {
  let k = 0;
  let probability = Math.exp(-mean);
  let cumulative = probability;
  while (cumulative < confidence) {
    k += 1;
    probability *= mean / k;
    cumulative += probability;
  }
  return k;
}

describe("poissonQuantile", () => {
  it("matches known values", () => {
    expect(poissonQuantile(0, 0.95)).toBe(0);
    expect(poissonQuantile(1, 0.95)).toBe(3);
    expect(poissonQuantile(3.15, 0.95)).toBe(6);
    // P(X ≤ 5) = 0.9002 and P(X ≤ 6) = 0.9584 for a mean of 3.15.
    expect(poissonQuantile(3.15, 0.9)).toBe(5);
    expect(poissonQuantile(3.15, 0.901)).toBe(6);
  });

  it("matches straight summation for means up to 300", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 300, noNaN: true }),
        fc.double({ min: 0.5, max: 0.9999, noNaN: true }),
        (mean, confidence) => {
          expect(poissonQuantile(mean, confidence)).toBe(referenceQuantile(mean, confidence));
        },
      ),
    );
  });

  it("handles means where e^-mean underflows", () => {
    // Normal approximation: 10,000 + 1.645 × 100 ≈ 10,165.
    const quantile = poissonQuantile(10_000, 0.95);
    expect(quantile).toBeGreaterThanOrEqual(10_160);
    expect(quantile).toBeLessThanOrEqual(10_170);
  });

  it("never decreases as the mean grows", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5_000, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (mean, extra) => {
          expect(poissonQuantile(mean + extra, 0.95)).toBeGreaterThanOrEqual(poissonQuantile(mean, 0.95));
        },
      ),
    );
  });

  it("computes ln(n!) across the table edge", () => {
    let exact = 0;
    for (let n = 1; n <= 400; n++) exact += Math.log(n);
    expect(logFactorial(400)).toBeCloseTo(exact, 9);
  });
});

describe("poissonMeanUpperBound", () => {
  it("is close to the exact Jeffreys bound (Gamma(n + ½) quantiles)", () => {
    // Reference quantiles of Gamma(n + 0.5, 1) at 80% and 95% (bisection on the regularized gamma).
    expect(poissonMeanUpperBound(0, 0.8)).toBeCloseTo(0.821, 1);
    expect(poissonMeanUpperBound(0, 0.95)).toBeCloseTo(1.921, 0);
    expect(poissonMeanUpperBound(2, 0.8)).toBeCloseTo(3.64, 1);
    expect(poissonMeanUpperBound(10, 0.95)).toBeCloseTo(16.335, 1);
  });

  it("is above the count, grows with it and with the confidence, and narrows relatively as counts grow", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1_000, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 0.5, max: 0.98, noNaN: true }),
        (count, more, confidence) => {
          const bound = poissonMeanUpperBound(count, confidence);
          expect(bound).toBeGreaterThanOrEqual(count);
          // One ulp of rounding is not a decrease: CI found count 0 → 5.6e-17 giving a bound 1 ulp lower.
          const rounding = bound * 1e-12;
          expect(poissonMeanUpperBound(count + more, confidence)).toBeGreaterThanOrEqual(bound - rounding);
          expect(poissonMeanUpperBound(count, confidence + 0.01)).toBeGreaterThanOrEqual(bound - rounding);
        },
      ),
      { examples: [[0, 5.551115123125784e-17, 0.6412681734754788]] },
    );
    expect(poissonMeanUpperBound(400, 0.8) / 400).toBeLessThan(poissonMeanUpperBound(4, 0.8) / 4);
  });

  it("refuses a confidence outside (0, 1)", () => {
    expect(() => poissonMeanUpperBound(1, 1)).toThrow(RangeError);
    expect(() => poissonMeanUpperBound(1, 0)).toThrow(RangeError);
  });
});

describe("poissonMeanLowerBound", () => {
  it("is close to the exact Jeffreys bound (Gamma(n + ½) quantiles)", () => {
    // Reference quantiles of Gamma(n + 0.5, 1) at 10% and 20% (bisection on the regularized gamma).
    expect(poissonMeanLowerBound(1, 0.9)).toBeCloseTo(0.292, 2);
    expect(poissonMeanLowerBound(5, 0.9)).toBeCloseTo(2.789, 2);
    expect(poissonMeanLowerBound(10, 0.9)).toBeCloseTo(6.62, 2);
    expect(poissonMeanLowerBound(30, 0.8)).toBeCloseTo(25.782, 2);
    expect(poissonMeanLowerBound(100, 0.9)).toBeCloseTo(87.886, 2);
    expect(poissonMeanLowerBound(0, 0.9)).toBe(0);
  });

  it("is at most the count and at least 0, grows with it, falls with the confidence", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1_000, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 0.5, max: 0.98, noNaN: true }),
        (count, more, confidence) => {
          const bound = poissonMeanLowerBound(count, confidence);
          expect(bound).toBeGreaterThanOrEqual(0);
          expect(bound).toBeLessThanOrEqual(count);
          const rounding = Math.max(bound, 1) * 1e-12;
          expect(poissonMeanLowerBound(count + more, confidence)).toBeGreaterThanOrEqual(bound - rounding);
          expect(poissonMeanLowerBound(count, confidence + 0.01)).toBeLessThanOrEqual(bound + rounding);
        },
      ),
    );
  });

  it("refuses a confidence outside (0, 1)", () => {
    expect(() => poissonMeanLowerBound(1, 1)).toThrow(RangeError);
    expect(() => poissonMeanLowerBound(1, 0)).toThrow(RangeError);
  });
});

describe("normalQuantile", () => {
  it("matches known values", () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621, 5);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { logFactorial, poissonQuantile } from "./poisson";

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
      fc.property(fc.double({ min: 0, max: 300, noNaN: true }), fc.double({ min: 0.5, max: 0.9999, noNaN: true }), (mean, confidence) => {
        expect(poissonQuantile(mean, confidence)).toBe(referenceQuantile(mean, confidence));
      }),
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
      fc.property(fc.double({ min: 0, max: 5_000, noNaN: true }), fc.double({ min: 0, max: 50, noNaN: true }), (mean, extra) => {
        expect(poissonQuantile(mean + extra, 0.95)).toBeGreaterThanOrEqual(poissonQuantile(mean, 0.95));
      }),
    );
  });

  it("computes ln(n!) across the table edge", () => {
    let exact = 0;
    for (let n = 1; n <= 400; n++) exact += Math.log(n);
    expect(logFactorial(400)).toBeCloseTo(exact, 9);
  });
});

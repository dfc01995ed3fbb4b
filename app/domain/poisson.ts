/**
 * Smallest k with P(X ≤ k) ≥ confidence for X ~ Poisson(mean): the number of units to
 * hold so that, with that confidence, sales during the delay do not exceed them.
 *
 * Summed in log space from a few standard deviations below the mean, so large means
 * (a slow channel and a fast seller) neither underflow e^−mean nor loop from zero. The
 * skipped left tail is below 1e-14, which can only make the answer larger (safer).
 */
export function poissonQuantile(mean: number, confidence: number): number {
  if (!(mean > 0)) return 0;
  if (!(confidence > 0)) return 0;
  if (confidence >= 1) throw new RangeError("confidence must be below 1");

  const spread = Math.sqrt(mean);
  let k = Math.max(0, Math.floor(mean - 8 * spread - 8));
  let probability = Math.exp(-mean + k * Math.log(mean) - logFactorial(k));
  let cumulative = probability;
  // The loop ends once the tail is exhausted; the bound only guards against NaN input.
  const last = Math.ceil(mean + 40 * spread + 40);
  while (cumulative < confidence && k < last) {
    k += 1;
    probability *= mean / k;
    cumulative += probability;
  }
  return k;
}

const EXACT_LOG_FACTORIALS: readonly number[] = (() => {
  const table = [0];
  for (let n = 1; n <= 256; n++) table.push((table[n - 1] ?? 0) + Math.log(n));
  return table;
})();

/** ln(n!) exactly from a table up to 256, then by Stirling's series (error < 1e-15). */
export function logFactorial(n: number): number {
  const exact = EXACT_LOG_FACTORIALS[n];
  if (exact !== undefined) return exact;
  const inverse = 1 / n;
  const inverseSquared = inverse * inverse;
  return (
    n * Math.log(n) -
    n +
    0.5 * Math.log(2 * Math.PI * n) +
    inverse * (1 / 12 - inverseSquared * (1 / 360 - inverseSquared / 1260))
  );
}

/**
 * Upper confidence bound on a Poisson mean after observing `count` events (a decayed
 * count may be fractional): the Jeffreys bound, the `confidence` quantile of
 * Gamma(count + ½, 1), by the Wilson–Hilferty approximation of χ²(2·count + 1) / 2
 * (within a few percent down to count 0, and never below the count itself). Few
 * observations give a wide bound, so a rarely seen seller is not taken for a slow one.
 */
export function poissonMeanUpperBound(count: number, confidence: number): number {
  if (!(confidence > 0) || confidence >= 1) throw new RangeError("confidence must be in (0, 1)");
  const observed = count > 0 ? count : 0;
  const degrees = 2 * observed + 1;
  const spread = 2 / (9 * degrees);
  const cube = 1 - spread + normalQuantile(confidence) * Math.sqrt(spread);
  const bound = (degrees * cube * cube * cube) / 2;
  return bound > observed ? bound : observed;
}

/**
 * Lower confidence bound on a Poisson mean after observing `count` events: the Jeffreys
 * bound, the (1 − `confidence`) quantile of Gamma(count + ½, 1), by the same
 * Wilson–Hilferty approximation (0 for no event, never above the count). Few
 * observations give a low bound, so a handful of orders is not taken for a rush.
 */
export function poissonMeanLowerBound(count: number, confidence: number): number {
  if (!(confidence > 0) || confidence >= 1) throw new RangeError("confidence must be in (0, 1)");
  if (!(count > 0)) return 0;
  const degrees = 2 * count + 1;
  const spread = 2 / (9 * degrees);
  const cube = 1 - spread - normalQuantile(confidence) * Math.sqrt(spread);
  const bound = cube > 0 ? (degrees * cube * cube * cube) / 2 : 0;
  return bound < count ? bound : count;
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0) || !(p < 1)) throw new RangeError("p must be in (0, 1)");
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155211977];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

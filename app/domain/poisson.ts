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

/**
 * Nearest-rank percentile of an ascending list, `fraction` in 0..1 (0.95 for p95): the
 * smallest value at or above that share of the list. 0 for an empty list, so callers that
 * must tell "no data" apart check the length first. The one definition every figure uses:
 * the engine's lag estimate, the monitor's lag charts, the pages and the benchmarks.
 */
export function nearestRank(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank]!;
}

/** Nearest-rank percentile (p in 0..100) of values; null for no values. Pure. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

export interface LagBucket {
  /** Start of the hour, epoch ms. */
  startMs: number;
  p50: number | null;
  p95: number | null;
  samples: number;
}

/** Hourly p50/p95 of lag samples over [fromMs, toMs). */
export function hourlyBuckets(samples: readonly { atMs: number; lagMs: number }[], fromMs: number, toMs: number): LagBucket[] {
  const hour = 3_600_000;
  const first = Math.floor(fromMs / hour) * hour;
  const buckets: { startMs: number; values: number[] }[] = [];
  for (let start = first; start < toMs; start += hour) buckets.push({ startMs: start, values: [] });
  for (const sample of samples) {
    const index = Math.floor((sample.atMs - first) / hour);
    buckets[index]?.values.push(sample.lagMs);
  }
  return buckets.map((bucket) => ({
    startMs: bucket.startMs,
    p50: percentile(bucket.values, 50),
    p95: percentile(bucket.values, 95),
    samples: bucket.values.length,
  }));
}

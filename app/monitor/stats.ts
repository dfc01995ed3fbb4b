import { nearestRank } from "~/domain/percentile";

/**
 * Pure helpers for the monitor's figures: percentiles over a sliding window, drift time,
 * chart buckets. Time is always a parameter.
 */

export interface LagStats {
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  samples: number;
}

export function lagStats(lagsMs: readonly number[]): LagStats {
  if (lagsMs.length === 0) return { p50Ms: null, p95Ms: null, maxMs: null, samples: 0 };
  const sorted = [...lagsMs].sort((a, b) => a - b);
  return {
    p50Ms: nearestRank(sorted, 0.5),
    p95Ms: nearestRank(sorted, 0.95),
    maxMs: sorted[sorted.length - 1]!,
    samples: sorted.length,
  };
}

export interface Interval {
  startMs: number;
  /** null while still open. */
  endMs: number | null;
}

/** Milliseconds of `interval` that fall inside [fromMs, toMs). */
export function overlapMs(interval: Interval, fromMs: number, toMs: number): number {
  const end = interval.endMs ?? toMs;
  return Math.max(0, Math.min(end, toMs) - Math.max(interval.startMs, fromMs));
}

export interface SeriesPoint {
  /** Bucket start (ISO). */
  at: string;
  /** Lag samples observed in the bucket. */
  lagP50Ms: number | null;
  lagP95Ms: number | null;
  lagMaxMs: number | null;
  lagSamples: number;
  /** Items wrong at the end of the bucket. */
  driftItems: number;
  /** Item-minutes spent wrong inside the bucket. */
  driftMinutes: number;
}

export function buildSeries(input: {
  fromMs: number;
  toMs: number;
  bucketMs: number;
  lags: { observedAtMs: number; lagMs: number }[];
  drift: Interval[];
}): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  for (let start = input.fromMs; start < input.toMs; start += input.bucketMs) {
    const end = Math.min(input.toMs, start + input.bucketMs);
    const stats = lagStats(
      input.lags.filter((lag) => lag.observedAtMs >= start && lag.observedAtMs < end).map((lag) => lag.lagMs),
    );
    let driftMs = 0;
    let driftItems = 0;
    for (const interval of input.drift) {
      driftMs += overlapMs(interval, start, end);
      if (interval.startMs < end && (interval.endMs === null || interval.endMs >= end)) driftItems += 1;
    }
    points.push({
      at: new Date(start).toISOString(),
      lagP50Ms: stats.p50Ms,
      lagP95Ms: stats.p95Ms,
      lagMaxMs: stats.maxMs,
      lagSamples: stats.samples,
      driftItems,
      driftMinutes: Math.round((driftMs / 60_000) * 10) / 10,
    });
  }
  return points;
}

/**
 * Items whose drift "comes back after each push": at least `repeats` drift episodes
 * that began within `windowMs` of the item's push, inside the lookback.
 */
export function recurringDriftItems(
  episodes: readonly { itemKey: string; sincePushMs: number | null; startedAtMs: number }[],
  options: { windowMs: number; repeats: number; sinceMs: number },
): { itemKey: string; episodes: number; medianSincePushMs: number }[] {
  const byItem = new Map<string, number[]>();
  for (const episode of episodes) {
    if (episode.startedAtMs < options.sinceMs || episode.sincePushMs === null || episode.sincePushMs > options.windowMs)
      continue;
    byItem.set(episode.itemKey, [...(byItem.get(episode.itemKey) ?? []), episode.sincePushMs]);
  }
  return [...byItem]
    .filter(([, delays]) => delays.length >= options.repeats)
    .map(([itemKey, delays]) => ({
      itemKey,
      episodes: delays.length,
      medianSincePushMs: nearestRank(
        [...delays].sort((a, b) => a - b),
        0.5,
      ),
    }))
    .sort((a, b) => b.episodes - a.episodes || (a.itemKey < b.itemKey ? -1 : 1));
}

/** Read-back allowance for one pass: the channel's hourly read budget over the time since its last check. */
export function readAllowance(input: {
  itemsPerHour: number;
  maxPerPass: number;
  lastCheckMs: number | null;
  nowMs: number;
}): number {
  const elapsedMs =
    input.lastCheckMs === null ? 3_600_000 : Math.min(3_600_000, Math.max(0, input.nowMs - input.lastCheckMs));
  return Math.min(input.maxPerPass, Math.floor((input.itemsPerHour * elapsedMs) / 3_600_000));
}

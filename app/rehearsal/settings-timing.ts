/**
 * Each channel's timing for the "your settings" strategy, as the worker computes it from its
 * database (app/sync/timing.server.ts, loadChannelTiming and refreshChannelTiming), here from
 * the rehearsal's own in-memory lag samples and sync rows: the measured p95 lag (the last 20
 * minutes when there are at least 5 samples, else the day's 10 latest pushes seen landing,
 * else the default), the longest lag of the day, the age of the oldest push not shown yet
 * (Online Store and Meta), the lag Meta's figures in flight were sized for, and the budget
 * waits of what is queued. The rules behind the figures are the worker's; the figures
 * themselves come from the domain (nearestRank, metaBudgetWaitMs, googleBudgetWaitMs), and
 * so do the selection's windows and channels (TIMING_SELECTION). Only the selection itself is
 * written twice: the worker's is SQL over stored rows, this one walks arrays.
 */
import {
  CHANNELS,
  DEFAULT_CHANNEL_TIMING,
  TIMING_SELECTION,
  googleBudgetWaitMs,
  metaBudgetWaitMs,
  type ChannelId,
  type ChannelTiming,
} from "~/domain";
import { nearestRank } from "~/domain/percentile";

const DAY_MS = 86_400_000;
const {
  recentMs: RECENT_MS,
  latestSamples: LATEST_SAMPLES,
  minSamples: MIN_SAMPLES,
  inFlightChannels: IN_FLIGHT_CHANNELS,
  sizedForChannels: SIZED_FOR_CHANNELS,
} = TIMING_SELECTION;

/** One push seen landing by the read-back: what the worker stores as a LagSample. */
export interface LagSample {
  pushedAt: number;
  observedAt: number;
  lagMs: number;
}

/** What the timing reads of a sync row (ChannelItemState). */
export interface TimingRow {
  readonly desired: number;
  readonly pushed: number | null;
  readonly pushedAt: number | null;
  readonly confirmed: number | null;
  readonly confirmedAt: number | null;
}

/** The lag samples the read-back measured, per channel, in the order observed. */
export class LagBook {
  readonly #samples: Record<ChannelId, LagSample[]> = { online_store: [], meta: [], google: [] };

  add(channel: ChannelId, sample: LagSample): void {
    this.#samples[channel].push(sample);
  }

  /** Nearest-rank p95 of the samples observed in [since, now], with at least MIN_SAMPLES. */
  #p95Observed(channel: ChannelId, since: number, now: number): number | undefined {
    const lags: number[] = [];
    for (const sample of this.#samples[channel])
      if (sample.observedAt >= since && sample.observedAt <= now) lags.push(sample.lagMs);
    return lags.length >= MIN_SAMPLES ? nearestRank(lags.sort(byNumber), 0.95) : undefined;
  }

  /** p95 of the LATEST_SAMPLES latest pushes observed in [since, now], with at least MIN_SAMPLES. */
  #latestP95(channel: ChannelId, since: number, now: number): number | undefined {
    const seen = this.#samples[channel].filter((sample) => sample.observedAt >= since && sample.observedAt <= now);
    if (seen.length < MIN_SAMPLES) return undefined;
    const latest = seen.sort((a, b) => b.pushedAt - a.pushedAt).slice(0, LATEST_SAMPLES);
    return nearestRank(latest.map((sample) => sample.lagMs).sort(byNumber), 0.95);
  }

  /** The channel's measured lag at `now`: the last 20 minutes, else the day's latest pushes. */
  measuredAt(channel: ChannelId, now: number): number | undefined {
    return this.#p95Observed(channel, now - RECENT_MS, now) ?? this.#latestP95(channel, now - DAY_MS, now);
  }

  longest(channel: ChannelId, now: number): number | undefined {
    let longest: number | undefined;
    for (const sample of this.#samples[channel])
      if (sample.observedAt >= now - DAY_MS && sample.observedAt <= now)
        longest = longest === undefined ? sample.lagMs : Math.max(longest, sample.lagMs);
    return longest;
  }
}

const byNumber = (a: number, b: number) => a - b;

/** The worker's loadChannelTiming: measured lag, push interval, default budget, longest lag; then refreshed. */
export function loadTiming(
  book: LagBook,
  rows: Readonly<Record<ChannelId, readonly TimingRow[]>>,
  now: number,
  pushIntervalMs: (channel: ChannelId) => number,
): Record<ChannelId, ChannelTiming> {
  const timing = {} as Record<ChannelId, ChannelTiming>;
  for (const channel of CHANNELS) {
    const fallback = DEFAULT_CHANNEL_TIMING[channel];
    const longestLagMs = book.longest(channel, now);
    timing[channel] = {
      measuredLagMs: book.measuredAt(channel, now) ?? fallback.measuredLagMs,
      pushIntervalMs: pushIntervalMs(channel),
      budgetWaitMs: fallback.budgetWaitMs,
      ...(longestLagMs !== undefined ? { increaseLagMs: longestLagMs } : {}),
    };
  }
  return refreshTiming(book, rows, now, timing);
}

/** Per channel: the oldest push not shown yet (within a day) and how many rows wait for a push. */
function syncQueue(rows: readonly TimingRow[], now: number): { oldestInFlight: number | null; queued: number } {
  let oldestInFlight: number | null = null;
  let queued = 0;
  for (const row of rows) {
    if (row.pushed === null || row.pushed !== row.desired) queued += 1;
    if (row.pushed === null || row.pushedAt === null || row.pushedAt < now - DAY_MS || row.pushedAt > now) continue;
    const unseen =
      row.confirmed === null ||
      row.confirmedAt === null ||
      row.confirmedAt < row.pushedAt ||
      row.confirmed > row.pushed;
    if (unseen && (oldestInFlight === null || row.pushedAt < oldestInFlight)) oldestInFlight = row.pushedAt;
  }
  return { oldestInFlight, queued };
}

/** The worker's refreshChannelTiming: in-flight age, the lag Meta's figures were sized for, budget waits. */
export function refreshTiming(
  book: LagBook,
  rows: Readonly<Record<ChannelId, readonly TimingRow[]>>,
  now: number,
  timing: Readonly<Record<ChannelId, ChannelTiming>>,
): Record<ChannelId, ChannelTiming> {
  const refreshed = {} as Record<ChannelId, ChannelTiming>;
  for (const channel of CHANNELS) {
    const queue = syncQueue(rows[channel], now);
    const oldest = queue.oldestInFlight;
    const sizedForLagMs =
      SIZED_FOR_CHANNELS.includes(channel) && oldest !== null ? book.measuredAt(channel, oldest) : undefined;
    const { inFlightLagMs: _previousInFlight, sizedForLagMs: _previousSizedFor, ...kept } = timing[channel];
    const inFlightLagMs = IN_FLIGHT_CHANNELS.includes(channel)
      ? oldest !== null
        ? Math.max(0, now - oldest)
        : 0
      : undefined;
    const increaseLagMs = Math.max(timing[channel].increaseLagMs ?? 0, inFlightLagMs ?? 0);
    refreshed[channel] = {
      ...kept,
      ...(inFlightLagMs !== undefined ? { inFlightLagMs } : {}),
      ...(increaseLagMs > 0 ? { increaseLagMs } : {}),
      ...(sizedForLagMs !== undefined ? { sizedForLagMs } : {}),
      budgetWaitMs:
        channel === "meta"
          ? metaBudgetWaitMs({ pendingItems: queue.queued })
          : channel === "google"
            ? googleBudgetWaitMs()
            : 0,
    };
  }
  return refreshed;
}

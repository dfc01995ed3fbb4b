import type { Database } from "~/db.server";
import {
  CHANNELS,
  DEFAULT_CHANNEL_TIMING,
  googleBudgetWaitMs,
  metaBudgetWaitMs,
  type ChannelId,
  type ChannelTiming,
} from "~/domain";

const DAY_MS = 86_400_000;
/** Fewer samples than this and the measured figure is noise: keep the conservative default. */
const MIN_SAMPLES = 5;

/** p95 of a sorted list (nearest rank). */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * Each channel's effective delay inputs: the p95 propagation lag the monitor measured
 * over 24 hours (or the default until there are enough samples), the push interval,
 * and the wait the channel's budget imposes given what is queued for it.
 */
export async function loadChannelTiming(
  database: Database,
  shop: string,
  now: Date,
  options: { pushIntervalMs?: Partial<Record<ChannelId, number>> } = {},
): Promise<Record<ChannelId, ChannelTiming>> {
  const since = new Date(now.getTime() - DAY_MS);
  // p95 per channel computed by the database (count, then the nearest-rank row): a day of
  // samples can be tens of thousands of rows, read on every recompute.
  const measuredP95 = {} as Record<ChannelId, number | null>;
  for (const channel of CHANNELS) {
    const where = { shop, channel, observedAt: { gte: since } };
    const count = await database.lagSample.count({ where });
    if (count < MIN_SAMPLES) {
      measuredP95[channel] = null;
      continue;
    }
    const rank = Math.min(count - 1, Math.max(0, Math.ceil(0.95 * count) - 1));
    const row = await database.lagSample.findFirst({ where, orderBy: { lagMs: "asc" }, skip: rank, select: { lagMs: true } });
    measuredP95[channel] = row?.lagMs ?? null;
  }
  const queuedForMeta = await database.channelItemState.count({ where: { shop, channel: "meta", parkedAt: null, OR: [{ pushed: null }, { NOT: { pushed: { equals: database.channelItemState.fields.desired } } }] } });
  const timing = {} as Record<ChannelId, ChannelTiming>;
  for (const channel of CHANNELS) {
    const fallback = DEFAULT_CHANNEL_TIMING[channel];
    timing[channel] = {
      measuredLagMs: measuredP95[channel] ?? fallback.measuredLagMs,
      pushIntervalMs: options.pushIntervalMs?.[channel] ?? fallback.pushIntervalMs,
      budgetWaitMs:
        channel === "meta" ? metaBudgetWaitMs({ pendingItems: queuedForMeta }) : channel === "google" ? googleBudgetWaitMs() : 0,
    };
  }
  return timing;
}

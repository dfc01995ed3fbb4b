import type { Database } from "~/db.server";
import { CHANNELS, DEFAULT_CHANNEL_TIMING, type ChannelId, type ChannelTiming } from "~/domain";
import { percentile } from "./stats";

const DAY_MS = 86_400_000;
/** Fewer samples than this and the measured lag is not trusted yet. */
export const MIN_LAG_SAMPLES = 20;

export interface ChannelLag {
  samples: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

/** Measured push-to-visible lag per channel over the last 24 hours (LagSample). */
export async function measuredLag(database: Database, shop: string, nowMs: number): Promise<Record<ChannelId, ChannelLag>> {
  const rows = await database.lagSample.findMany({
    where: { shop, observedAt: { gte: new Date(nowMs - DAY_MS) } },
    select: { channel: true, lagMs: true },
  });
  const result = {} as Record<ChannelId, ChannelLag>;
  for (const channel of CHANNELS) {
    const values = rows.filter((row) => row.channel === channel).map((row) => row.lagMs);
    result[channel] = { samples: values.length, p50Ms: percentile(values, 50), p95Ms: percentile(values, 95) };
  }
  return result;
}

/**
 * Timing for previews: the default timing, with the measured lag (p95) once there are
 * enough samples — the conservative figure, since the buffer must cover slow pushes.
 */
export function timingFromLag(lag: Record<ChannelId, ChannelLag>): Record<ChannelId, ChannelTiming> {
  const timing = {} as Record<ChannelId, ChannelTiming>;
  for (const channel of CHANNELS) {
    const measured = lag[channel];
    timing[channel] =
      measured.samples >= MIN_LAG_SAMPLES && measured.p95Ms !== null
        ? { ...DEFAULT_CHANNEL_TIMING[channel], measuredLagMs: measured.p95Ms }
        : DEFAULT_CHANNEL_TIMING[channel];
  }
  return timing;
}

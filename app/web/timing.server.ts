import type { Database } from "~/db.server";
import { CHANNELS, type ChannelId } from "~/domain";
import { lagStats } from "~/monitor/stats";

const DAY_MS = 86_400_000;
export interface ChannelLag {
  samples: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

/** Measured push-to-visible lag per channel over the last 24 hours (LagSample). */
export async function measuredLag(
  database: Database,
  shop: string,
  nowMs: number,
): Promise<Record<ChannelId, ChannelLag>> {
  const rows = await database.lagSample.findMany({
    where: { shop, observedAt: { gte: new Date(nowMs - DAY_MS) } },
    select: { channel: true, lagMs: true },
  });
  const result = {} as Record<ChannelId, ChannelLag>;
  for (const channel of CHANNELS) {
    const values = rows.filter((row) => row.channel === channel).map((row) => row.lagMs);
    const { samples, p50Ms, p95Ms } = lagStats(values);
    result[channel] = { samples, p50Ms, p95Ms };
  }
  return result;
}

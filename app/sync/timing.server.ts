import type { Database } from "~/db.server";
import { Prisma } from "~/generated/sqlite/client";
import {
  CHANNELS,
  DEFAULT_CHANNEL_TIMING,
  googleBudgetWaitMs,
  metaBudgetWaitMs,
  type ChannelId,
  type ChannelTiming,
} from "~/domain";

const DAY_MS = 86_400_000;
/**
 * The lag p95 is taken over the last hour when it has enough samples, so buffers shrink
 * back within the hour once a spike is over (over a day, one spike kept them wide all day);
 * otherwise over the day, otherwise the default.
 */
const RECENT_MS = 3_600_000;
/** Fewer samples than this and the measured figure is noise: keep the conservative default. */
const MIN_SAMPLES = 5;
/**
 * Channels whose increases must survive the day's longest lag: Meta takes orders at its own
 * checkout, so an increase that lands after the stock is gone is an oversell. Google sends
 * buyers to the store (a refused checkout, not an oversell); the Online Store applies a
 * move at once. In the rehearsal, guarding all three withheld four times the units.
 */
const INCREASE_GUARD_CHANNELS: readonly ChannelId[] = ["meta"];
/** Channels whose in-flight lag counts: Google's delay is dominated by its 12-h budget wait. */
const IN_FLIGHT_CHANNELS: readonly ChannelId[] = ["online_store", "meta"];

/**
 * Each channel's effective delay inputs: the p95 propagation lag the monitor measured
 * (last hour, else the last 24 hours, else the default until there are enough samples),
 * the age of the oldest push the channel has not shown yet (a spike in progress), the push
 * interval, and the wait the channel's budget imposes given what is queued for it.
 */
export async function loadChannelTiming(
  database: Database,
  shop: string,
  now: Date,
  options: { pushIntervalMs?: Partial<Record<ChannelId, number>> } = {},
): Promise<Record<ChannelId, ChannelTiming>> {
  const recent = await p95ByChannel(database, shop, new Date(now.getTime() - RECENT_MS), now);
  // The day's samples (tens of thousands of rows to rank) only for a channel quiet this hour.
  const quiet = CHANNELS.filter((channel) => !recent.has(channel));
  const day =
    quiet.length > 0
      ? await p95ByChannel(database, shop, new Date(now.getTime() - DAY_MS), now, quiet)
      : new Map<string, number>();
  const queues = await syncQueues(database, shop, new Date(now.getTime() - DAY_MS), now);
  const longest = await longestLagByChannel(database, shop, new Date(now.getTime() - DAY_MS), now);
  const measuredP95 = {} as Record<ChannelId, number | null>;
  const inFlight = {} as Record<ChannelId, number | undefined>;
  for (const channel of CHANNELS) {
    measuredP95[channel] = recent.get(channel) ?? day.get(channel) ?? null;
    if (!IN_FLIGHT_CHANNELS.includes(channel)) continue;
    const oldest = queues.get(channel)?.oldestInFlight;
    inFlight[channel] = oldest ? now.getTime() - oldest.getTime() : 0;
  }
  const queuedForMeta = queues.get("meta")?.queued ?? 0;
  const timing = {} as Record<ChannelId, ChannelTiming>;
  for (const channel of CHANNELS) {
    const fallback = DEFAULT_CHANNEL_TIMING[channel];
    const inFlightLagMs = inFlight[channel];
    timing[channel] = {
      measuredLagMs: measuredP95[channel] ?? fallback.measuredLagMs,
      ...(inFlightLagMs !== undefined ? { inFlightLagMs } : {}),
      pushIntervalMs: options.pushIntervalMs?.[channel] ?? fallback.pushIntervalMs,
      ...(INCREASE_GUARD_CHANNELS.includes(channel) && longest.has(channel)
        ? { increaseLagMs: longest.get(channel)! }
        : {}),
      budgetWaitMs:
        channel === "meta"
          ? metaBudgetWaitMs({ pendingItems: queuedForMeta })
          : channel === "google"
            ? googleBudgetWaitMs()
            : 0,
    };
  }
  return timing;
}

/**
 * Nearest-rank p95 of the lag samples observed in [since, now], per channel with at least
 * MIN_SAMPLES of them, computed by the database in one statement (an hour of samples is a
 * few thousand rows at peak; this runs on every recompute).
 */
async function p95ByChannel(
  database: Database,
  shop: string,
  since: Date,
  now: Date,
  channels: readonly ChannelId[] = CHANNELS,
): Promise<Map<string, number>> {
  const rows = await database.$queryRaw<{ channel: string; lagMs: number | bigint; samples: number | bigint }[]>`
    SELECT "channel", "lagMs", "samples" FROM (
      SELECT "channel", "lagMs",
        ROW_NUMBER() OVER (PARTITION BY "channel" ORDER BY "lagMs") AS "position",
        COUNT(*) OVER (PARTITION BY "channel") AS "samples"
      FROM "LagSample"
      WHERE "shop" = ${shop} AND "channel" IN (${Prisma.join(channels)}) AND "observedAt" >= ${since} AND "observedAt" <= ${now}
    ) AS "ranked"
    WHERE "position" = ("samples" * 95 + 99) / 100`;
  const p95 = new Map<string, number>();
  for (const row of rows) if (Number(row.samples) >= MIN_SAMPLES) p95.set(row.channel, Number(row.lagMs));
  return p95;
}

/**
 * Per channel, in one statement: the oldest push the channel has not shown yet (last seen
 * showing more than pushed — a decrease on its way, the risky kind — or never read; Meta's
 * own checkout leaves rows showing *less* than pushed, which is not lag; older than a day
 * is drift, not lag), and how many items wait for a push. The monitor's lag figures
 * (app/monitor/health.server.ts) also count a push shown less than pushed, since an increase
 * in flight is lag too, and so count the checkout-lowered rows as well (given this test
 * instead, the monitor missed a 45-minute lag seen only on increases).
 */
export async function syncQueues(
  database: Database,
  shop: string,
  since: Date,
  now: Date,
): Promise<Map<string, { oldestInFlight: Date | null; queued: number }>> {
  const rows = await database.$queryRaw<
    { channel: string; oldestInFlight: Date | string | null; queued: number | bigint | null }[]
  >`
    SELECT "channel",
      MIN(CASE WHEN "pushed" IS NOT NULL AND "pushedAt" >= ${since} AND "pushedAt" <= ${now}
                AND ("confirmed" IS NULL OR "confirmedAt" IS NULL OR "confirmed" > "pushed")
          THEN "pushedAt" END) AS "oldestInFlight",
      SUM(CASE WHEN "pushed" IS NULL OR "pushed" <> "desired" THEN 1 ELSE 0 END) AS "queued"
    FROM "ChannelItemState"
    WHERE "shop" = ${shop} AND "parkedAt" IS NULL
    GROUP BY "channel"`;
  // An aggregate loses the column's type on SQLite: the stored ISO text comes back as is.
  const asDate = (value: Date | string | null) =>
    value === null ? null : value instanceof Date ? value : new Date(value);
  return new Map(
    rows.map((row) => [row.channel, { oldestInFlight: asDate(row.oldestInFlight), queued: Number(row.queued ?? 0) }]),
  );
}

/** The longest lag each channel showed in [since, now]: what an increase must survive (see allocate.ts). */
async function longestLagByChannel(
  database: Database,
  shop: string,
  since: Date,
  now: Date,
): Promise<Map<string, number>> {
  const rows = await database.$queryRaw<{ channel: string; longest: number | bigint | null }[]>`
    SELECT "channel", MAX("lagMs") AS "longest" FROM "LagSample"
    WHERE "shop" = ${shop} AND "observedAt" >= ${since} AND "observedAt" <= ${now}
    GROUP BY "channel"`;
  return new Map(rows.filter((row) => row.longest !== null).map((row) => [row.channel, Number(row.longest)]));
}

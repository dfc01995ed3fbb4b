import type { Database } from "~/db.server";
import { Prisma } from "~/generated/sqlite/client";
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

/**
 * Each channel's effective delay inputs: the p95 propagation lag the monitor measured
 * (last 20 minutes, else the day's latest pushes seen landing, else the default until there are enough),
 * the age of the oldest push the channel has not shown yet (a spike in progress: the lag is
 * at least that), the push interval, the wait the channel's budget imposes given what is
 * queued for it, and the longest lag seen today (what an increase must survive on a channel
 * that takes orders itself; the engine applies it by the channel's checkout place).
 */
export async function loadChannelTiming(
  database: Database,
  shop: string,
  now: Date,
  options: { pushIntervalMs?: Partial<Record<ChannelId, number>> } = {},
): Promise<Record<ChannelId, ChannelTiming>> {
  const recent = await p95ByChannel(database, shop, new Date(now.getTime() - RECENT_MS), now);
  // The day's latest samples (an indexed read of a few rows) only for a channel quiet lately.
  const quiet = CHANNELS.filter((channel) => !recent.has(channel));
  const latest = await Promise.all(
    quiet.map((channel) => latestP95(database, shop, channel, new Date(now.getTime() - DAY_MS), now)),
  );
  const day = new Map<string, number>();
  quiet.forEach((channel, index) => {
    const p95 = latest[index];
    if (p95 !== undefined) day.set(channel, p95);
  });
  const longest = await longestLagByChannel(database, shop, new Date(now.getTime() - DAY_MS), now);
  const timing = {} as Record<ChannelId, ChannelTiming>;
  for (const channel of CHANNELS) {
    const fallback = DEFAULT_CHANNEL_TIMING[channel];
    const longestLagMs = longest.get(channel);
    timing[channel] = {
      measuredLagMs: recent.get(channel) ?? day.get(channel) ?? fallback.measuredLagMs,
      pushIntervalMs: options.pushIntervalMs?.[channel] ?? fallback.pushIntervalMs,
      budgetWaitMs: fallback.budgetWaitMs,
      ...(longestLagMs !== undefined ? { increaseLagMs: longestLagMs } : {}),
    };
  }
  return refreshChannelTiming(database, shop, now, timing);
}

/**
 * The parts of a timing that move within minutes, brought up to `now`: the age of the
 * oldest push each channel has not shown yet, and the budget wait of what is queued. A
 * recompute between two full loads calls it (at most once a minute; the measured p95 and
 * the day's longest lag stay as loaded), so a spike raises buffers as it happens rather than
 * at the next full load. The in-flight age is a lower bound of the lag, so it also raises
 * the lag an increase must survive.
 */
export async function refreshChannelTiming(
  database: Database,
  shop: string,
  now: Date,
  timing: Readonly<Record<ChannelId, ChannelTiming>>,
): Promise<Record<ChannelId, ChannelTiming>> {
  const queues = await syncQueues(database, shop, new Date(now.getTime() - DAY_MS), now);
  const sizedFor = new Map<ChannelId, number>();
  for (const channel of SIZED_FOR_CHANNELS) {
    const oldest = queues.get(channel)?.oldestInFlight;
    if (!oldest) continue;
    const lag = await lagAt(database, shop, channel, oldest);
    if (lag !== undefined) sizedFor.set(channel, lag);
  }
  const refreshed = {} as Record<ChannelId, ChannelTiming>;
  for (const channel of CHANNELS) {
    const previous = timing[channel];
    const { inFlightLagMs: _previousInFlight, sizedForLagMs: _previousSizedFor, ...kept } = previous;
    const sizedForLagMs = sizedFor.get(channel);
    const oldest = queues.get(channel)?.oldestInFlight;
    const inFlightLagMs = IN_FLIGHT_CHANNELS.includes(channel)
      ? oldest
        ? Math.max(0, now.getTime() - oldest.getTime())
        : 0
      : undefined;
    const increaseLagMs = Math.max(previous.increaseLagMs ?? 0, inFlightLagMs ?? 0);
    refreshed[channel] = {
      ...kept,
      ...(inFlightLagMs !== undefined ? { inFlightLagMs } : {}),
      ...(increaseLagMs > 0 ? { increaseLagMs } : {}),
      ...(sizedForLagMs !== undefined ? { sizedForLagMs } : {}),
      budgetWaitMs:
        channel === "meta"
          ? metaBudgetWaitMs({ pendingItems: queues.get("meta")?.queued ?? 0 })
          : channel === "google"
            ? googleBudgetWaitMs()
            : 0,
    };
  }
  return refreshed;
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

/** The channel's measured lag as it stood at `at` (as loadChannelTiming measures it then), if there were samples. */
async function lagAt(database: Database, shop: string, channel: ChannelId, at: Date): Promise<number | undefined> {
  const recent = await p95ByChannel(database, shop, new Date(at.getTime() - RECENT_MS), at, [channel]);
  return recent.get(channel) ?? (await latestP95(database, shop, channel, new Date(at.getTime() - DAY_MS), at));
}

/**
 * Nearest-rank p95 of the lags of the channel's LATEST_SAMPLES latest pushes seen landing
 * in [since, now], if at least MIN_SAMPLES.
 */
async function latestP95(
  database: Database,
  shop: string,
  channel: ChannelId,
  since: Date,
  now: Date,
): Promise<number | undefined> {
  const rows = await database.lagSample.findMany({
    where: { shop, channel, observedAt: { gte: since, lte: now } },
    orderBy: { pushedAt: "desc" },
    take: LATEST_SAMPLES,
    select: { lagMs: true },
  });
  if (rows.length < MIN_SAMPLES) return undefined;
  return nearestRank(
    rows.map((row) => row.lagMs).sort((a, b) => a - b),
    0.95,
  );
}

/**
 * Per channel, in one statement: the oldest push the channel has not shown yet, and how many
 * items wait for a push. Not shown yet: never read; not read since the push (the read-back
 * writes only what changed, so a channel still showing its older figure keeps the older
 * confirmation time); or last seen showing more than pushed (a decrease on its way, the
 * risky kind). A row read since the push showing *less* than pushed is not counted: Meta's
 * own checkout lowers the figure it shows, which is not lag. Older than a day is drift, not
 * lag. The monitor's lag figures (app/monitor/health.server.ts) count every push shown
 * otherwise than pushed, the checkout-lowered rows too.
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
                AND ("confirmed" IS NULL OR "confirmedAt" IS NULL OR "confirmedAt" < "pushedAt"
                     OR "confirmed" > "pushed")
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

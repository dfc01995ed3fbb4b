import type { Database } from "~/db.server";
import { CHANNELS, channelModeOf, type ChannelId, type ChannelMode } from "~/domain";
import { parseAlertSettings } from "~/records/alert-settings.server";
import { shopSettingsOf } from "~/records/shop-settings.server";
import { buildSeries, lagStats, overlapMs, type LagStats, type SeriesPoint } from "./stats";

/**
 * What the monitor measured, per channel: for the Overview page, the alert rules and the
 * engine's lag-aware timing. Read-only; every figure comes from stored rows (lag samples
 * written by read-back, drift episodes written by the drift check, sync state).
 */

const THROTTLE_PATTERN = /rate_limited|slowing_down|google_quota|throttl|budget/i;
const CREDENTIAL_PATTERN = /^(credentials_revoked|UNAUTHORIZED)\b/;

export interface ChannelHealth {
  channel: ChannelId;
  /**
   * observing: not activated (no connection row, or activatedAt null): Ballast computes and
   * explains, and pushes nothing (the worker clears the rows' pushed state, so every item
   * with a decision counts as `pending`: read it as "would be pushed on activation"), and
   * no lag, drift or auto-protect rule applies. active: the merchant activated it
   * (`activatedAt`, ISO), and `state` says whether it is paused.
   */
  mode: ChannelMode;
  activatedAt: string | null;
  /** active | paused_stop_selling | paused_freeze | error | disconnected */
  state: string;
  pausedBy: string | null;
  lastPushAt: string | null;
  /** Lag over the sliding window (ms), from read-back samples. */
  lag: { p50: number | null; p95: number | null; max: number | null; samples: number; windowMinutes: number };
  /** Oldest push not yet seen by read-back (ms), or null: a channel that stops showing pushes has no samples. */
  oldestUnconfirmedMs: number | null;
  /** The figure the lag rule and auto-protect compare: max(p95, oldest unconfirmed). */
  effectiveLagMs: number | null;
  /** Items showing a different value now. */
  driftItems: number;
  /** Item-minutes spent wrong over the window (open and closed episodes). */
  driftMinutes: number;
  /** Longest current drift, minutes. */
  longestDriftMinutes: number;
  /** Items whose pushes keep failing (≥ 3 attempts), not parked. */
  errors: number;
  /** Items waiting because the channel throttled Ballast or its budget is spent. */
  throttled: number;
  /** Items Ballast stopped pushing until someone looks (permanent failures). */
  parked: number;
  /** Parked for refused credentials. */
  credentialFailures: number;
  /** Items whose desired value is not yet pushed. */
  pending: number;
  /** Rolling audit: items in sync, and when the least recently checked one was last read. */
  audit: { itemsInSync: number; checkedInWindow: number; oldestCheckAt: string | null };
}

export async function measuredLag(
  database: Database,
  shop: string,
  channel: ChannelId,
  now: Date,
  windowMs: number,
): Promise<LagStats> {
  const rows = await database.lagSample.findMany({
    where: { shop, channel, observedAt: { gt: new Date(now.getTime() - windowMs), lte: now } },
    select: { lagMs: true },
  });
  return lagStats(rows.map((row) => row.lagMs));
}

type SyncStateSummary = Awaited<ReturnType<typeof syncStateSummary>>;
type TroubledRow = SyncStateSummary["troubled"][number];
type EpisodeRow = { channel: string; startedAt: Date; endedAt: Date | null };
type ConnectionRow = {
  channel: string;
  state: string;
  pausedBy: string | null;
  lastPushAt: Date | null;
  recentWriteCalls: unknown;
  activatedAt: Date | null;
};

/** Per-channel health for the Overview page (see README). `windowMinutes` defaults to the shop's lag window. */
export async function channelHealth(
  database: Database,
  shop: string,
  now: Date,
  options: { windowMinutes?: number } = {},
): Promise<Record<ChannelId, ChannelHealth>> {
  const shopRow = await database.shop.findUnique({ where: { shop }, select: { settings: true } });
  const settings = parseAlertSettings(shopSettingsOf(shopRow?.settings).alerts);
  const windowMinutes = options.windowMinutes ?? settings.lagWindowMinutes;
  const windowMs = windowMinutes * 60_000;
  const fromMs = now.getTime() - windowMs;
  const [connections, samples, summaries, episodes] = await Promise.all([
    database.channelConnection.findMany({
      where: { shop },
      select: {
        channel: true,
        state: true,
        pausedBy: true,
        lastPushAt: true,
        recentWriteCalls: true,
        activatedAt: true,
      },
    }),
    database.lagSample.findMany({
      where: { shop, observedAt: { gt: new Date(fromMs), lte: now } },
      select: { channel: true, lagMs: true },
    }),
    syncStateSummary(database, shop, now, fromMs),
    database.driftEpisode.findMany({
      where: { shop, OR: [{ endedAt: null }, { endedAt: { gt: new Date(fromMs) } }] },
      select: { channel: true, startedAt: true, endedAt: true },
    }),
  ]);

  const result = {} as Record<ChannelId, ChannelHealth>;
  for (const channel of CHANNELS) {
    result[channel] = healthOf(channel, {
      connection: connections.find((row) => row.channel === channel),
      stats: lagStats(samples.filter((sample) => sample.channel === channel).map((sample) => sample.lagMs)),
      summary: summaries.counts.get(channel),
      troubled: summaries.troubled.filter((row) => row.channel === channel),
      episodes: episodes.filter((episode) => episode.channel === channel),
      windowMinutes,
      fromMs,
      now,
    });
  }
  return result;
}

/** One channel's figures from its own rows (every list already filtered to the channel). */
function healthOf(
  channel: ChannelId,
  rows: {
    connection: ConnectionRow | undefined;
    stats: LagStats;
    summary: SyncStateCounts | undefined;
    troubled: readonly TroubledRow[];
    episodes: readonly EpisodeRow[];
    windowMinutes: number;
    fromMs: number;
    now: Date;
  },
): ChannelHealth {
  const { connection, stats, summary, now } = rows;
  const pending = summary?.pending ?? 0;
  const oldestUnconfirmedMs = summary?.oldestUnconfirmed ? now.getTime() - summary.oldestUnconfirmed.getTime() : null;
  // An in-sync item never checked makes the audit's oldest check "never".
  const oldestCheck =
    summary && summary.uncheckedInSync === 0 && summary.oldestCheck ? summary.oldestCheck.getTime() : null;
  const trouble = troubleCounts(rows.troubled, now);
  // Meta's hourly batch budget spent with work waiting is throttling too.
  if (channel === "meta" && recentWriteCalls(connection, now) >= 100 && pending > 0)
    trouble.throttled = Math.max(trouble.throttled, pending);
  const effective =
    stats.p95Ms === null && oldestUnconfirmedMs === null ? null : Math.max(stats.p95Ms ?? 0, oldestUnconfirmedMs ?? 0);
  return {
    channel,
    mode: channelModeOf(connection),
    activatedAt: connection?.activatedAt?.toISOString() ?? null,
    state: connection?.state ?? "active",
    pausedBy: connection?.pausedBy ?? null,
    lastPushAt: connection?.lastPushAt?.toISOString() ?? null,
    lag: {
      p50: stats.p50Ms,
      p95: stats.p95Ms,
      max: stats.maxMs,
      samples: stats.samples,
      windowMinutes: rows.windowMinutes,
    },
    oldestUnconfirmedMs,
    effectiveLagMs: effective,
    ...driftFigures(rows.episodes, rows.fromMs, now),
    ...trouble,
    pending,
    audit: {
      itemsInSync: summary?.itemsInSync ?? 0,
      checkedInWindow: summary?.checkedInWindow ?? 0,
      oldestCheckAt: oldestCheck === null || oldestCheck === 0 ? null : new Date(oldestCheck).toISOString(),
    },
  };
}

/** What a row with an error or parked counts as (null: a recent error, not yet failing); the alerts name items by it. */
export function troubleOf(
  row: Pick<TroubledRow, "parkedAt" | "lastError" | "nextAttemptAt" | "attempts">,
  now: Date,
): "credentials" | "parked" | "throttled" | "errors" | null {
  if (row.parkedAt) return row.lastError && CREDENTIAL_PATTERN.test(row.lastError) ? "credentials" : "parked";
  const waiting = row.nextAttemptAt !== null && row.nextAttemptAt > now;
  if (waiting && row.lastError && THROTTLE_PATTERN.test(row.lastError)) return "throttled";
  return row.attempts >= 3 && row.lastError ? "errors" : null;
}

/** The error and parked rows classified: parked (for credentials or not), throttled, or failing. */
function troubleCounts(troubled: readonly TroubledRow[], now: Date) {
  const counts = { errors: 0, throttled: 0, parked: 0, credentialFailures: 0 };
  for (const row of troubled) {
    const trouble = troubleOf(row, now);
    if (trouble === "credentials" || trouble === "parked") counts.parked += 1;
    if (trouble === "credentials") counts.credentialFailures += 1;
    if (trouble === "throttled") counts.throttled += 1;
    if (trouble === "errors") counts.errors += 1;
  }
  return counts;
}

/** Write calls of the last hour, as the connection records them (epoch ms). */
function recentWriteCalls(connection: ConnectionRow | undefined, now: Date): number {
  return Array.isArray(connection?.recentWriteCalls)
    ? (connection!.recentWriteCalls as unknown[]).filter(
        (time) => typeof time === "number" && time > now.getTime() - 3_600_000,
      ).length
    : 0;
}

/** Open drift now, and the item-minutes spent wrong within the window (to a tenth of a minute). */
function driftFigures(episodes: readonly EpisodeRow[], fromMs: number, now: Date) {
  const open = episodes.filter((episode) => episode.endedAt === null);
  const driftMs = episodes.reduce(
    (sum, episode) =>
      sum +
      overlapMs(
        { startMs: episode.startedAt.getTime(), endMs: episode.endedAt?.getTime() ?? null },
        fromMs,
        now.getTime(),
      ),
    0,
  );
  return {
    driftItems: open.length,
    driftMinutes: Math.round((driftMs / 60_000) * 10) / 10,
    longestDriftMinutes:
      Math.round((Math.max(0, ...open.map((episode) => now.getTime() - episode.startedAt.getTime())) / 60_000) * 10) /
      10,
  };
}

interface SyncStateCounts {
  /** Desired not yet pushed. */
  pending: number;
  /** Pushed, desired and shown all equal. */
  itemsInSync: number;
  checkedInWindow: number;
  uncheckedInSync: number;
  oldestCheck: Date | null;
  /** The oldest push of the last day not yet seen by read-back (older is drift or a lost item, not lag). */
  oldestUnconfirmed: Date | null;
}

/**
 * The sync rows' figures, counted by the database (every row of the shop, every monitor
 * pass: read whole through the ORM they cost more than the rest of the pass), and the few
 * rows with an error or parked, whose messages are classified here.
 */
async function syncStateSummary(database: Database, shop: string, now: Date, fromMs: number) {
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const from = new Date(fromMs);
  const [counts, troubled] = await Promise.all([
    database.$queryRaw<
      {
        channel: string;
        pending: NumberLike;
        itemsInSync: NumberLike;
        checkedInWindow: NumberLike;
        uncheckedInSync: NumberLike;
        oldestCheck: DateLike;
        oldestUnconfirmed: DateLike;
      }[]
    >`
      SELECT "channel",
        SUM(CASE WHEN "pushed" IS NULL OR "pushed" <> "desired" THEN 1 ELSE 0 END) AS "pending",
        SUM(CASE WHEN "pushed" = "desired" AND "confirmed" = "pushed" THEN 1 ELSE 0 END) AS "itemsInSync",
        SUM(CASE WHEN "pushed" = "desired" AND "confirmed" = "pushed" AND "checkedAt" > ${from} THEN 1 ELSE 0 END) AS "checkedInWindow",
        SUM(CASE WHEN "pushed" = "desired" AND "confirmed" = "pushed" AND "checkedAt" IS NULL THEN 1 ELSE 0 END) AS "uncheckedInSync",
        MIN(CASE WHEN "pushed" = "desired" AND "confirmed" = "pushed" THEN "checkedAt" END) AS "oldestCheck",
        MIN(CASE WHEN "pushed" IS NOT NULL AND "pushedAt" >= ${dayAgo} AND "pushedAt" <= ${now}
                  AND ("confirmed" IS NULL OR "confirmed" <> "pushed" OR "confirmedAt" IS NULL OR "confirmedAt" < "pushedAt")
            THEN "pushedAt" END) AS "oldestUnconfirmed"
      FROM "ChannelItemState"
      WHERE "shop" = ${shop} AND "parkedAt" IS NULL
      GROUP BY "channel"`,
    database.channelItemState.findMany({
      where: { shop, OR: [{ parkedAt: { not: null } }, { lastError: { not: null } }] },
      select: { channel: true, attempts: true, nextAttemptAt: true, lastError: true, parkedAt: true },
    }),
  ]);
  const summary = new Map<string, SyncStateCounts>();
  for (const row of counts) {
    summary.set(row.channel, {
      pending: Number(row.pending ?? 0),
      itemsInSync: Number(row.itemsInSync ?? 0),
      checkedInWindow: Number(row.checkedInWindow ?? 0),
      uncheckedInSync: Number(row.uncheckedInSync ?? 0),
      oldestCheck: asDate(row.oldestCheck),
      oldestUnconfirmed: asDate(row.oldestUnconfirmed),
    });
  }
  return { counts: summary, troubled };
}

type NumberLike = number | bigint | null;
type DateLike = Date | string | null;
/** An aggregate loses the column's type on SQLite: the stored ISO text comes back as is. */
const asDate = (value: DateLike) => (value === null ? null : value instanceof Date ? value : new Date(value));

/** Lag and drift per time bucket, per channel, for the Overview chart. */
export async function lagAndDriftSeries(
  database: Database,
  shop: string,
  now: Date,
  options: { hours: number; bucketMinutes: number },
): Promise<Record<ChannelId, SeriesPoint[]>> {
  const bucketMs = Math.max(1, options.bucketMinutes) * 60_000;
  // Buckets aligned to the bucket size, so successive calls draw the same points.
  const toMs = Math.ceil(now.getTime() / bucketMs) * bucketMs;
  const fromMs = toMs - Math.ceil((options.hours * 3_600_000) / bucketMs) * bucketMs;
  const [samples, episodes] = await Promise.all([
    database.lagSample.findMany({
      where: { shop, observedAt: { gte: new Date(fromMs), lte: now } },
      select: { channel: true, observedAt: true, lagMs: true },
    }),
    database.driftEpisode.findMany({
      where: { shop, startedAt: { lte: now }, OR: [{ endedAt: null }, { endedAt: { gt: new Date(fromMs) } }] },
      select: { channel: true, startedAt: true, endedAt: true },
    }),
  ]);
  const result = {} as Record<ChannelId, SeriesPoint[]>;
  for (const channel of CHANNELS) {
    result[channel] = buildSeries({
      fromMs,
      toMs: Math.min(toMs, now.getTime() + 1),
      bucketMs,
      lags: samples
        .filter((sample) => sample.channel === channel)
        .map((sample) => ({ observedAtMs: sample.observedAt.getTime(), lagMs: sample.lagMs })),
      drift: episodes
        .filter((episode) => episode.channel === channel)
        .map((episode) => ({ startMs: episode.startedAt.getTime(), endMs: episode.endedAt?.getTime() ?? null })),
    });
  }
  return result;
}

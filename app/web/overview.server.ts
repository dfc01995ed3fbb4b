import { decodeMasterRecord } from "~/records/master-records.server";
import type { Database } from "~/db.server";
import { sellableUnits, staleSaleCost, type ChannelId } from "~/domain";
import { loadChannelSettings } from "~/channels/connection-store.server";
import { recentOperations, type OperationView } from "./channel-operations.server";
import { loadChannelViews, type ChannelView } from "./channels.server";
import { lagAndDriftSeries } from "~/monitor/health.server";
import type { SeriesPoint } from "~/monitor/stats";
import { measuredLag, type ChannelLag } from "./timing.server";

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export interface ChannelHealth extends ChannelView {
  lag: ChannelLag;
  /**
   * Items in drift now: open drift episodes (the monitor's definition: an item pushed and
   * read back as pushed that the channel later shows differently). The chart's drift line
   * counts the same episodes, so its last point and this figure agree.
   */
  drift: number;
  /** Items read back from the channel at all (drift is out of these). */
  confirmed: number;
  /** Items whose last push failed (lastError set), of which parked (given up until a human looks). */
  errors: number;
  parked: number;
  /** Items pushed but not confirmed by a read-back yet. */
  awaitingConfirmation: number;
}

export interface PreventedSales {
  /** Checkout on the channel: the channel would have taken an order Shopify could not fill. */
  oversells: number;
  /** Checkout on the store: Shopify would have refused the order (failed checkout), never an oversell. */
  failedCheckouts: number;
  byChannel: { channel: ChannelId; count: number; cost: "oversell" | "failed_checkout" }[];
  /** Sell-outs this week examined (variants ordered this week now at 0 sellable). */
  selloutsExamined: number;
}

export interface OverviewData {
  channels: ChannelHealth[];
  /** Per hour over the last 24 h (UTC-aligned): lag percentiles and items in drift, per channel. */
  series: Record<ChannelId, SeriesPoint[]>;
  openAlerts: { total: number; critical: number; warning: number };
  prevented: PreventedSales;
  operations: OperationView[];
  items: number;
}

async function driftCounts(database: Database, shop: string) {
  const [drift, confirmed, errors, parked, awaiting] = await Promise.all([
    database.driftEpisode.groupBy({ by: ["channel"], where: { shop, endedAt: null }, _count: { _all: true } }),
    database.channelItemState.groupBy({
      by: ["channel"],
      where: { shop, confirmed: { not: null } },
      _count: { _all: true },
    }),
    database.channelItemState.groupBy({
      by: ["channel"],
      where: { shop, lastError: { not: null } },
      _count: { _all: true },
    }),
    database.channelItemState.groupBy({
      by: ["channel"],
      where: { shop, parkedAt: { not: null } },
      _count: { _all: true },
    }),
    database.channelItemState.groupBy({
      by: ["channel"],
      where: { shop, pushed: { not: null }, confirmed: null },
      _count: { _all: true },
    }),
  ]);
  const count = (rows: { channel: string; _count: { _all: number } }[], channel: ChannelId) =>
    rows.find((row) => row.channel === channel)?._count._all ?? 0;
  return (channel: ChannelId) => ({
    drift: count(drift, channel),
    confirmed: count(confirmed, channel),
    errors: count(errors, channel),
    parked: count(parked, channel),
    awaitingConfirmation: count(awaiting, channel),
  });
}

/**
 * Sales prevented this week, counted only where the data proves it: a variant ordered this
 * week that is now sold out (0 sellable), on a slower channel (Meta, Google) whose
 * read-back had already confirmed 0 before the last order of the week. Without Ballast's
 * buffer that channel would still have been showing stock. Restocked items and channels
 * without read-back are not counted, so this is a lower bound.
 */
export async function preventedThisWeek(database: Database, shop: string, nowMs: number): Promise<PreventedSales> {
  const orders = await database.orderRecord.findMany({
    where: { shop, placedAt: { gte: new Date(nowMs - WEEK_MS) }, cancelledAt: null },
    select: { lines: true, placedAt: true },
    orderBy: { placedAt: "desc" },
    take: 20_000,
  });
  const lastOrderAt = new Map<string, number>();
  for (const order of orders) {
    if (!Array.isArray(order.lines)) continue;
    for (const line of order.lines as unknown[]) {
      const variantGid =
        typeof line === "object" && line !== null ? (line as { variantGid?: unknown }).variantGid : undefined;
      if (typeof variantGid !== "string") continue;
      lastOrderAt.set(variantGid, Math.max(lastOrderAt.get(variantGid) ?? 0, order.placedAt.getTime()));
    }
  }
  const settings = await loadChannelSettings(database, shop);
  const empty: PreventedSales = { oversells: 0, failedCheckouts: 0, byChannel: [], selloutsExamined: 0 };
  if (lastOrderAt.size === 0) return empty;
  const variantGids = [...lastOrderAt.keys()];
  const [storedRecords, states] = await Promise.all([
    database.masterRecord.findMany({ where: { shop, variantGid: { in: variantGids } } }),
    database.channelItemState.findMany({
      where: { shop, variantGid: { in: variantGids }, channel: { in: ["meta", "google"] }, confirmed: 0 },
      select: { channel: true, variantGid: true, confirmedAt: true },
    }),
  ]);
  const counts = new Map<ChannelId, number>();
  let selloutsExamined = 0;
  for (const stored of storedRecords) {
    const record = decodeMasterRecord(stored);
    if (sellableUnits(record, "all") > 0) continue;
    selloutsExamined += 1;
    const last = lastOrderAt.get(stored.variantGid) ?? 0;
    for (const channel of ["meta", "google"] as const) {
      const protectedBefore = states.some(
        (state) =>
          state.channel === channel &&
          state.variantGid === stored.variantGid &&
          state.confirmedAt !== null &&
          state.confirmedAt.getTime() < last,
      );
      if (protectedBefore) counts.set(channel, (counts.get(channel) ?? 0) + 1);
    }
  }
  const byChannel = [...counts.entries()].map(([channel, count]) => ({
    channel,
    count,
    cost: staleSaleCost(settings[channel].checkoutOn),
  }));
  return {
    oversells: byChannel.filter((entry) => entry.cost === "oversell").reduce((sum, entry) => sum + entry.count, 0),
    failedCheckouts: byChannel
      .filter((entry) => entry.cost === "failed_checkout")
      .reduce((sum, entry) => sum + entry.count, 0),
    byChannel,
    selloutsExamined,
  };
}

export async function loadOverview(database: Database, shop: string, nowMs: number): Promise<OverviewData> {
  const [views, lag, counts, series, alerts, prevented, operations, items] = await Promise.all([
    loadChannelViews(database, shop),
    measuredLag(database, shop, nowMs),
    driftCounts(database, shop),
    lagAndDriftSeries(database, shop, new Date(nowMs), { hours: 24, bucketMinutes: 60 }),
    database.alert.groupBy({
      by: ["severity"],
      where: { shop, resolvedAt: null, acknowledgedAt: null },
      _count: { _all: true },
    }),
    preventedThisWeek(database, shop, nowMs),
    recentOperations(database, shop, 3),
    database.masterRecord.count({ where: { shop } }),
  ]);
  const severity = (name: string) => alerts.find((row) => row.severity === name)?._count._all ?? 0;
  return {
    channels: views.map((view) => ({ ...view, lag: lag[view.channel], ...counts(view.channel) })),
    series,
    openAlerts: {
      total: alerts.reduce((sum, row) => sum + row._count._all, 0),
      critical: severity("critical"),
      warning: severity("warning"),
    },
    prevented,
    operations,
    items,
  };
}

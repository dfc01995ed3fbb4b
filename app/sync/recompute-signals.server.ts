import type { Database } from "~/db.server";
import { DEFAULT_SURGE_CONFIG, demandLift, type ChannelId, type ChannelTiming, type ShopDemandSample } from "~/domain";
import { refreshChannelTiming } from "./timing.server";

/**
 * The shop-wide signals a recompute decides with that move within minutes: the shop's
 * demand lift (a rush), the sales speed assumed for an item before its first sale, and the
 * channels' in-flight lag and queues (app/sync/timing.server.ts). A worker keeps its recompute
 * context between full recomputes (every 5 minutes); these are brought up to date at most
 * once every SIGNALS_REFRESH_MS in between, so a rush or a lag spike reaches the buffers
 * within a minute, not at the next full load. Two small indexed queries.
 */
export const SIGNALS_REFRESH_MS = 60_000;

export interface ShopSignals {
  /** How many times its usual pace the shop sells now (1: as usual). */
  demandLift: number;
  /** Units per ms assumed for an item not sold yet: the shop's orders over the long horizon, per tracked item. */
  priorRatePerMs: number;
}

/**
 * The shop's orders over the velocity's long horizon (two hours), split into the surge's recent window
 * and the baseline before it (which starts at the shop's first order in the horizon, if
 * later: a shop recorded for half an hour has half an hour of baseline, not two).
 */
export async function loadShopDemand(database: Database, shop: string, now: Date): Promise<ShopDemandSample> {
  const horizonMs = DEFAULT_SURGE_CONFIG.baselineWindowMs + DEFAULT_SURGE_CONFIG.recentWindowMs;
  const since = new Date(now.getTime() - horizonMs);
  const recentSince = new Date(now.getTime() - DEFAULT_SURGE_CONFIG.recentWindowMs);
  const rows = await database.$queryRaw<
    { recent: number | bigint | null; total: number | bigint | null; first: Date | string | number | null }[]
  >`
    SELECT SUM(CASE WHEN "placedAt" > ${recentSince} THEN 1 ELSE 0 END) AS "recent",
      COUNT(*) AS "total", MIN("placedAt") AS "first"
    FROM "OrderRecord"
    WHERE "shop" = ${shop} AND "placedAt" >= ${since} AND "placedAt" <= ${now}`;
  const row = rows[0];
  const recentOrders = Number(row?.recent ?? 0);
  const total = Number(row?.total ?? 0);
  // An aggregate loses the column's type on SQLite: the stored value comes back as is.
  const first = row?.first == null ? null : row.first instanceof Date ? row.first : new Date(row.first);
  const baselineStartMs = Math.max(
    now.getTime() - horizonMs,
    first !== null && Number.isFinite(first.getTime()) ? first.getTime() : recentSince.getTime(),
  );
  return {
    recentOrders,
    recentWindowMs: DEFAULT_SURGE_CONFIG.recentWindowMs,
    baselineOrders: total - recentOrders,
    baselineWindowMs: Math.max(0, recentSince.getTime() - baselineStartMs),
  };
}

/** The demand lift and the prior from the shop's orders; `trackedItems` divides the prior. */
export async function loadShopSignals(
  database: Database,
  shop: string,
  now: Date,
  trackedItems: number,
): Promise<ShopSignals> {
  const sample = await loadShopDemand(database, shop, now);
  const orders = sample.recentOrders + sample.baselineOrders;
  const horizonMs = DEFAULT_SURGE_CONFIG.baselineWindowMs + DEFAULT_SURGE_CONFIG.recentWindowMs;
  return {
    demandLift: demandLift(sample),
    // A store selling 100 orders an hour over 500 items gives each unsold item 0.2 an hour.
    priorRatePerMs: trackedItems > 0 ? orders / trackedItems / horizonMs : 0,
  };
}

/** What refreshSignals updates in a recompute context. */
export interface SignalContext {
  signalsAtMs: number;
  trackedItems: number;
  allocation: {
    readonly timing: Readonly<Record<ChannelId, ChannelTiming>>;
    readonly demandLift?: number;
    readonly priorRatePerMs?: number;
  };
}

/** The context with its fast signals brought up to `now`, or itself when they are fresh enough. */
export async function refreshSignals<Context extends SignalContext>(
  database: Database,
  shop: string,
  now: Date,
  context: Context,
): Promise<Context> {
  if (now.getTime() - context.signalsAtMs < SIGNALS_REFRESH_MS) return context;
  const [timing, signals] = await Promise.all([
    refreshChannelTiming(database, shop, now, context.allocation.timing),
    loadShopSignals(database, shop, now, context.trackedItems),
  ]);
  return {
    ...context,
    signalsAtMs: now.getTime(),
    allocation: { ...context.allocation, timing, ...signals },
  };
}

/**
 * A rehearsal's outcome, compact enough to store with the operation and send to the page:
 * per strategy the cost rows (what each harm cost, in units and money), what the channels
 * showed against stock at a coarse resolution (for the chart), and the cheapest of the
 * strategies a shop can run (the oracle is the limit beside them, not a choice).
 */
import type { CostBreakdown, PerChannel, StrategyResult, TimelinePoint } from "./metrics";
import type { Checkout, LagChannel } from "./scenario";

/** The strategies of the app's rehearsal, in the order the page shows them. */
export const SUMMARY_STRATEGIES = ["native", "static", "settings", "oracle"] as const;
export type SummaryStrategy = (typeof SUMMARY_STRATEGIES)[number];
export type RealStrategy = Exclude<SummaryStrategy, "oracle">;
const REAL_STRATEGIES: readonly RealStrategy[] = ["native", "static", "settings"];

/** What one strategy cost. */
export interface CostRow {
  demandUnits: number;
  soldUnits: number;
  soldValue: number;
  oversoldUnits: number;
  oversoldValue: number;
  failedCheckoutBuyers: number;
  failedCheckoutUnits: number;
  withheldUnits: number;
  withheldValue: number;
  /** Withheld units never sold to anyone (what the withheld cost is counted on). */
  lostSalesUnits: number;
  /** Item-minutes, all channels: shown in stock while the shop had none. */
  advertisedSoldOutItemMinutes: number;
  /** Item-minutes, all channels: shown out of stock (or ads paused) while the shop could sell. */
  lostExposureItemMinutes: number;
  apiCalls: number;
  cost: CostBreakdown;
}

/** One point of the chart: the stock and what each channel showed. */
export interface ChartPoint {
  hour: number;
  /** Units the shop could sell. */
  stock: number;
  /** Items with at least one unit to sell (beside Google's offers in stock). */
  itemsInStock: number;
  onlineStore: number;
  meta: number;
  /** Offers Google showed in stock. */
  googleInStock: number;
}

export interface RehearsalSummary {
  family: string;
  seed: number;
  /** Simulated start of the day (epoch ms). */
  startMs: number;
  durationHours: number;
  variants: number;
  orders: number;
  /** Variants with stock left out (the rehearsal takes the ones with the most stock). */
  leftOut: number;
  /** The family's demand was cut to keep the rehearsal short. */
  demandCut: boolean;
  checkout: Record<LagChannel, Checkout>;
  outages: { channel: LagChannel; atHour: number; minutes: number }[];
  strategies: Record<SummaryStrategy, CostRow>;
  timeline: Record<SummaryStrategy, ChartPoint[]>;
  cheapest: RealStrategy;
}

/** At most this many points per strategy in the chart. */
export const CHART_POINTS = 48;

const sum = (perChannel: PerChannel<number>) => perChannel.online_store + perChannel.meta + perChannel.google;
const round2 = (value: number) => Math.round(value * 100) / 100;

export function costRow(result: StrategyResult): CostRow {
  if (!result.cost) throw new Error(`the ${result.strategy} result has no cost yet (withCost)`);
  return {
    demandUnits: result.demandUnits,
    soldUnits: result.soldUnits,
    soldValue: result.soldValue,
    oversoldUnits: result.oversoldUnits,
    oversoldValue: result.oversoldValue,
    failedCheckoutBuyers: result.failedCheckoutBuyers,
    failedCheckoutUnits: result.failedCheckoutUnits,
    withheldUnits: result.withheldUnits,
    withheldValue: result.withheldValue,
    lostSalesUnits: result.lostSalesUnits,
    advertisedSoldOutItemMinutes: round2(sum(result.advertisedSoldOutItemMinutes)),
    lostExposureItemMinutes: round2(sum(result.lostExposureItemMinutes)),
    apiCalls: result.apiCalls.total,
    cost: result.cost,
  };
}

/** The timeline thinned to at most CHART_POINTS points, the last one kept. */
export function chartPoints(timeline: readonly TimelinePoint[], points = CHART_POINTS): ChartPoint[] {
  const stride = Math.max(1, Math.ceil(timeline.length / points));
  const kept = timeline.filter((_, index) => index % stride === 0 || index === timeline.length - 1);
  return kept.map((point) => ({
    hour: point.hour,
    stock: point.stock,
    itemsInStock: point.itemsInStock ?? 0,
    onlineStore: point.shown.online_store,
    meta: point.shown.meta,
    googleInStock: point.shown.google,
  }));
}

/** The strategy a shop can run that cost least (ties: the earlier in the page's order). */
export function cheapestOf(rows: Record<SummaryStrategy, CostRow>): RealStrategy {
  return REAL_STRATEGIES.reduce((best, id) => (rows[id].cost.total < rows[best].cost.total ? id : best));
}

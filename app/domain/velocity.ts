import { poissonMeanLowerBound, poissonMeanUpperBound } from "./poisson";

/**
 * Sales velocity as two exponentially weighted moving averages (a short and a long
 * horizon); the estimate is the larger of the two, so a burst shows at once (short)
 * and a steady seller is not forgotten between orders (long). Buffers use
 * `salesRateEstimatePerMs`: the long horizon read as an upper confidence bound, since a
 * handful of sales says little about how fast the next ones come.
 *
 * Each horizon keeps an exponentially decayed unit count S; an event of n units at t
 * does S ← S·e^(−(t − at)/τ) + n, and the rate at t is S·e^(−(t − at)/τ) / τ.
 * Events older than the state are decayed by their age instead of rewinding the
 * clock, so the result does not depend on the order events arrive in.
 */
export interface VelocityState {
  /** Time the counts below are valid at (epoch ms). */
  readonly atMs: number;
  /** Decayed unit counts for the short and the long horizon. */
  readonly short: number;
  readonly long: number;
}

export interface VelocityConfig {
  readonly shortHorizonMs: number;
  readonly longHorizonMs: number;
  /**
   * Confidence of the upper bound on the long-horizon rate that buffers use (0.5–0.99).
   * Omitted: DEFAULT_RATE_CONFIDENCE.
   */
  readonly rateConfidence?: number;
}

/**
 * Measured on the rehearsal: with the point estimate, items with a few sales in the last
 * hours were taken for slow sellers and the last units oversold on Meta when the next
 * buyers came sooner than the average said.
 */
export const DEFAULT_RATE_CONFIDENCE = 0.8;

export const DEFAULT_VELOCITY_CONFIG: VelocityConfig = {
  shortHorizonMs: 15 * 60_000,
  longHorizonMs: 2 * 3_600_000,
};

export const EMPTY_VELOCITY: VelocityState = { atMs: 0, short: 0, long: 0 };

/** Records `units` sold at `atMs`. */
export function recordSale(
  state: VelocityState,
  units: number,
  atMs: number,
  config: VelocityConfig = DEFAULT_VELOCITY_CONFIG,
): VelocityState {
  if (!(units > 0)) return state;
  if (atMs >= state.atMs) {
    const elapsed = atMs - state.atMs;
    return {
      atMs,
      short: state.short * Math.exp(-elapsed / config.shortHorizonMs) + units,
      long: state.long * Math.exp(-elapsed / config.longHorizonMs) + units,
    };
  }
  const age = state.atMs - atMs;
  return {
    atMs: state.atMs,
    short: state.short + units * Math.exp(-age / config.shortHorizonMs),
    long: state.long + units * Math.exp(-age / config.longHorizonMs),
  };
}

/**
 * The larger of the short horizon's rate and the long horizon's (units per ms) at `atMs`:
 * the long one as its average, or, given a confidence, as the upper bound of its decayed
 * count read as a Poisson count.
 */
function largerHorizonRatePerMs(
  state: VelocityState,
  atMs: number,
  config: VelocityConfig,
  longConfidence: number | null,
  longLift = 1,
): number {
  if (state.short === 0 && state.long === 0) return 0;
  // A clock slightly behind the last event must not inflate the rate.
  const elapsed = Math.max(0, atMs - state.atMs);
  const shortRate = (state.short * Math.exp(-elapsed / config.shortHorizonMs)) / config.shortHorizonMs;
  const longCount = state.long * Math.exp(-elapsed / config.longHorizonMs);
  const longRate =
    ((longConfidence === null ? longCount : poissonMeanUpperBound(longCount, longConfidence)) * longLift) /
    config.longHorizonMs;
  return shortRate > longRate ? shortRate : longRate;
}

/** Units per millisecond at `atMs`: the larger of the two horizons. */
export function salesRatePerMs(
  state: VelocityState,
  atMs: number,
  config: VelocityConfig = DEFAULT_VELOCITY_CONFIG,
): number {
  return largerHorizonRatePerMs(state, atMs, config, null);
}

export const salesRatePerMinute = (
  state: VelocityState,
  atMs: number,
  config: VelocityConfig = DEFAULT_VELOCITY_CONFIG,
): number => salesRatePerMs(state, atMs, config) * 60_000;

/**
 * The sales speed buffers are sized with (units per ms): the larger of the short-horizon
 * rate (bursts) and an upper confidence bound on the long-horizon rate, the latter
 * multiplied by the shop's demand lift (`demandLift`, 1 when the shop sells as usual). The long horizon's
 * decayed count is the number of units seen over about `longHorizonMs`; reading it as a
 * Poisson count and taking its upper bound at `rateConfidence` makes a few sales count for
 * more than their average (a count of 2 over 2 h: 0.017/min on average, 0.030/min at 80%), while a
 * steady seller's estimate stays close to its average. Never below `salesRatePerMs`.
 * An item with no sale recorded has rate 0 here (the caller may apply a prior).
 */
export function salesRateEstimatePerMs(
  state: VelocityState,
  atMs: number,
  config: VelocityConfig = DEFAULT_VELOCITY_CONFIG,
  demandLift = 1,
): number {
  return largerHorizonRatePerMs(state, atMs, config, config.rateConfidence ?? DEFAULT_RATE_CONFIDENCE, demandLift);
}

/**
 * Surge awareness, shop-wide. An item sells a few units an hour: its own count takes a
 * quarter of an hour or more to tell a rush from chance. The shop's orders tell within
 * minutes: a flash sale multiplies them all at once. The lift is the shop's recent order
 * rate over its usual one, read cautiously on both sides (a lower confidence bound on the
 * recent count, an upper one on the baseline), so a few orders close together are not a
 * rush; it multiplies every item's long-horizon rate (the short horizon already follows
 * the item's own recent sales).
 */
export interface ShopDemandSample {
  /** Orders placed in the recent window (the last `recentWindowMs`). */
  readonly recentOrders: number;
  readonly recentWindowMs: number;
  /** Orders placed in the baseline window just before it. */
  readonly baselineOrders: number;
  /** How long the baseline window really covers (shorter when the shop's first order is recent). */
  readonly baselineWindowMs: number;
}

export interface SurgeConfig {
  readonly recentWindowMs: number;
  readonly baselineWindowMs: number;
  /** Confidence of both bounds (0.5–0.99). */
  readonly confidence: number;
  /** A shorter baseline says too little about the usual rate: no lift. */
  readonly minBaselineMs: number;
  /** Fewer recent orders say too little about a rush (a quiet shop's three orders after two empty hours): no lift. */
  readonly minRecentOrders: number;
  readonly maxLift: number;
}

/**
 * Five minutes: at a tenfold rush the lift passes 3 within about three minutes and 6
 * within five; a quiet shop's five minutes (a dozen orders) stays at 1 (see velocity.test.ts).
 */
export const DEFAULT_SURGE_CONFIG: SurgeConfig = {
  recentWindowMs: 5 * 60_000,
  // With the recent window, the long horizon's two hours.
  baselineWindowMs: 2 * 3_600_000 - 5 * 60_000,
  confidence: 0.9,
  minBaselineMs: 30 * 60_000,
  minRecentOrders: 8,
  maxLift: 20,
};

/** How many times its usual rate the shop is selling now, ≥ 1 (see ShopDemandSample). */
export function demandLift(sample: ShopDemandSample, config: SurgeConfig = DEFAULT_SURGE_CONFIG): number {
  if (
    !(sample.recentWindowMs > 0) ||
    !(sample.baselineWindowMs >= config.minBaselineMs) ||
    !(sample.recentOrders >= config.minRecentOrders)
  )
    return 1;
  const recentRate = poissonMeanLowerBound(sample.recentOrders, config.confidence) / sample.recentWindowMs;
  const usualRate = poissonMeanUpperBound(sample.baselineOrders, config.confidence) / sample.baselineWindowMs;
  if (!(usualRate > 0)) return 1;
  const lift = recentRate / usualRate;
  return lift > 1 ? Math.min(config.maxLift, lift) : 1;
}

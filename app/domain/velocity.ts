/**
 * Sales velocity as two exponentially weighted moving averages (a short and a long
 * horizon); the estimate is the larger of the two, so a burst shows at once (short)
 * and a steady seller is not forgotten between orders (long).
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
}

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

/** Units per millisecond at `atMs`: the larger of the two horizons. */
export function salesRatePerMs(
  state: VelocityState,
  atMs: number,
  config: VelocityConfig = DEFAULT_VELOCITY_CONFIG,
): number {
  if (state.short === 0 && state.long === 0) return 0;
  // A clock slightly behind the last event must not inflate the rate.
  const elapsed = Math.max(0, atMs - state.atMs);
  const short = (state.short * Math.exp(-elapsed / config.shortHorizonMs)) / config.shortHorizonMs;
  const long = (state.long * Math.exp(-elapsed / config.longHorizonMs)) / config.longHorizonMs;
  return short > long ? short : long;
}

export const salesRatePerMinute = (
  state: VelocityState,
  atMs: number,
  config: VelocityConfig = DEFAULT_VELOCITY_CONFIG,
): number => salesRatePerMs(state, atMs, config) * 60_000;

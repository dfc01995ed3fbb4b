import type { DampingParams } from "./channels";

/**
 * Decreases apply at once; an increase is applied only once it has been computed
 * `confirmations` times in a row AND `minHoldMs` has passed since it was first seen,
 * so one stale high level is not pushed back to a channel. Set confirmations 1 for a
 * pure hold time, or minHoldMs 0 for pure confirmation.
 */
export interface DampingState {
  /** The quantity last decided for the channel; null before the first decision. */
  readonly shown: number | null;
  readonly pending: PendingIncrease | null;
}

export interface PendingIncrease {
  /** The smallest increase asked for since `sinceMs` (the one all computations agree on). */
  readonly quantity: number;
  readonly sinceMs: number;
  readonly confirmations: number;
}

export const INITIAL_DAMPING: DampingState = { shown: null, pending: null };

/** The next state; `state.shown` is what to show now. Returns the same object when nothing changed. */
export function dampIncrease(state: DampingState, target: number, nowMs: number, params: DampingParams): DampingState {
  if (state.shown === null || target <= state.shown) {
    return state.shown === target && state.pending === null ? state : { shown: target, pending: null };
  }
  const pending = state.pending;
  const quantity = pending === null ? target : Math.min(pending.quantity, target);
  const confirmations = pending === null ? 1 : pending.confirmations + 1;
  const sinceMs = pending === null ? nowMs : pending.sinceMs;
  if (confirmations >= params.confirmations && nowMs - sinceMs >= params.minHoldMs) {
    return { shown: quantity, pending: null };
  }
  return { shown: state.shown, pending: { quantity, sinceMs, confirmations } };
}

/** The state after a decision that bypasses damping (override, pause). */
export const settledDamping = (state: DampingState, shown: number): DampingState =>
  state.shown === shown && state.pending === null ? state : { shown, pending: null };

/**
 * Whether two damping states lead to the same thing shown. For a channel that shows only
 * availability (Google), a state whose quantity is positive shows "in stock" whatever the
 * quantity and whatever increase is pending: storing each ±1 of it rewrote every Google
 * row whenever the measured lag moved (about 500 rows every 15 minutes in the rehearsal)
 * and changed nothing Google shows. Any other difference counts.
 */
export function dampingEquivalent(
  a: DampingState | null | undefined,
  b: DampingState | null | undefined,
  availabilityOnly: boolean,
): boolean {
  if (availabilityOnly && (a?.shown ?? 0) > 0 && (b?.shown ?? 0) > 0) return true;
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

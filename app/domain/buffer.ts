import { effectiveDelayMs, type ChannelTiming } from "./channels";
import type { ExplanationStep } from "./explain";
import { poissonQuantile } from "./poisson";
import type { CompiledRule } from "./rules";

/**
 * What one rule lets a channel show out of `sellable`:
 *   held  = max(fixed, ceil(percent × sellable), tier hold, lag-aware hold)
 *   shown = max(0, sellable − held), then 0 if shown ≤ floor, then min(shown, cap).
 * Each hold part is a minimum ("hold at least"), so the largest applies. Percent is
 * rounded up, which rounds what the channel shows down. Every step is non-decreasing
 * in `sellable`, so more stock never shows less.
 *
 * The lag-aware hold is the Poisson quantile, at the rule's confidence, of the units
 * expected to sell during the channel's effective delay (ratePerMs × delay).
 *
 * Pass `steps` to collect the explanation; the hot loop passes null and allocates nothing.
 * `demandLift` is only told (the shop-wide lift already in `ratePerMs`, 1 for none).
 */
export function evaluateRule(
  rule: CompiledRule,
  sellable: number,
  ratePerMs: number,
  timing: ChannelTiming,
  steps: ExplanationStep[] | null,
  demandLift = 1,
): number {
  const tierIndex = tierIndexOf(rule, sellable);
  const lagHold =
    rule.lagConfidence > 0 ? poissonQuantile(ratePerMs * effectiveDelayMs(timing), rule.lagConfidence) : 0;
  const held = Math.max(rule.fixedUnits, percentHoldOf(rule, sellable), tierHoldOf(rule, tierIndex, sellable), lagHold);
  const afterHolds = sellable > held ? sellable - held : 0;
  const afterFloor = rule.floor >= 0 && afterHolds <= rule.floor ? 0 : afterHolds;
  const shown = rule.cap >= 0 && afterFloor > rule.cap ? rule.cap : afterFloor;

  if (steps !== null) {
    explainHolds(rule, sellable, { ratePerMs, demandLift }, timing, tierIndex, lagHold, held, steps);
    if (afterFloor !== afterHolds) {
      steps.push({ kind: "floor", units: afterHolds - afterFloor, params: { atOrBelow: rule.floor } });
    }
    if (shown !== afterFloor) {
      steps.push({ kind: "cap", units: afterFloor - shown, params: { max: rule.cap } });
    }
  }
  return shown;
}

/** Integer arithmetic in basis points: ceil(30% × 10) must be 3, not 4. */
function percentHoldOf(rule: CompiledRule, sellable: number): number {
  return rule.percentBasisPoints > 0 ? Math.ceil((rule.percentBasisPoints * sellable) / 10_000) : 0;
}

/** The lowest tier with `sellable ≤ atOrBelow`, or -1. */
function tierIndexOf(rule: CompiledRule, sellable: number): number {
  for (let index = 0; index < rule.tierThresholds.length; index++) {
    if (sellable <= (rule.tierThresholds[index] ?? -1)) return index;
  }
  return -1;
}

/** The units a tier holds; "all" is compiled to -1. */
function tierHoldOf(rule: CompiledRule, tierIndex: number, sellable: number): number {
  const setting = tierIndex === -1 ? 0 : (rule.tierHolds[tierIndex] ?? 0);
  return setting === -1 ? sellable : setting;
}

/**
 * One step per hold part the rule sets, in the order listed; the first part that holds
 * `held` is the binding one. Only built when explaining, so the parts cheap to compute are
 * computed again here rather than carried out of the hot path.
 */
function explainHolds(
  rule: CompiledRule,
  sellable: number,
  speed: { readonly ratePerMs: number; readonly demandLift: number },
  timing: ChannelTiming,
  tierIndex: number,
  lagHold: number,
  held: number,
  steps: ExplanationStep[],
): void {
  let bindingClaimed = held === 0;
  const claim = (units: number): boolean => {
    if (bindingClaimed || units !== held) return false;
    bindingClaimed = true;
    return true;
  };
  const { rule: source } = rule;
  if (source.fixedUnits !== undefined) {
    const fixedHold = rule.fixedUnits;
    steps.push({ kind: "fixed", units: fixedHold, params: { fixedUnits: fixedHold, binding: claim(fixedHold) } });
  }
  if (source.percent !== undefined) {
    const percentHold = percentHoldOf(rule, sellable);
    steps.push({
      kind: "percent",
      units: percentHold,
      params: { percent: source.percent, ofUnits: sellable, binding: claim(percentHold) },
    });
  }
  const tier = tierIndex === -1 ? undefined : source.tiers?.[tierIndex];
  if (tier !== undefined) {
    const tierHold = tierHoldOf(rule, tierIndex, sellable);
    steps.push({
      kind: "tier",
      units: tierHold,
      params: { atOrBelow: tier.atOrBelow, hold: tier.hold, binding: claim(tierHold) },
    });
  }
  if (source.lagAware !== undefined) {
    const { ratePerMs, demandLift } = speed;
    const delayMs = rule.lagConfidence > 0 ? effectiveDelayMs(timing) : 0;
    steps.push({
      kind: "lag_aware",
      units: lagHold,
      params: {
        ratePerMinute: ratePerMs * 60_000,
        delayMs,
        measuredLagMs: timing.measuredLagMs,
        ...(timing.inFlightLagMs !== undefined ? { inFlightLagMs: timing.inFlightLagMs } : {}),
        ...(demandLift > 1 ? { demandLift } : {}),
        ...(timing.surgeLagMs !== undefined ? { surgeLagMs: timing.surgeLagMs } : {}),
        pushIntervalMs: timing.pushIntervalMs,
        budgetWaitMs: timing.budgetWaitMs,
        confidence: source.lagAware.confidence,
        expectedUnits: rule.lagConfidence > 0 ? ratePerMs * delayMs : 0,
        binding: claim(lagHold),
      },
    });
  }
}

import { evaluateRule } from "./buffer";
import {
  CHANNELS,
  DEFAULT_THIN_STOCK_UNITS,
  type ChannelId,
  type ChannelSettings,
  type ChannelTiming,
  type GoogleLowStockMode,
  type ShopChannelSettings,
} from "./channels";
import { dampIncrease, INITIAL_DAMPING, settledDamping, type DampingState } from "./damping";
import type { Availability } from "./channels";
import type { Explanation, ExplanationStep } from "./explain";
import type { VariantGid } from "./ids";
import { sellableBreakdown, sellableUnits, type MasterRecord } from "./master-record";
import { isOverrideActive, type ManualOverride } from "./override";
import { candidateRules, type CompiledRule, type CompiledRuleSet, type ItemPlacement, type RuleSource } from "./rules";
import { DEFAULT_VELOCITY_CONFIG, salesRateEstimatePerMs, type VelocityConfig } from "./velocity";

/** Everything shared by the items of one shop in one computation. */
export interface AllocationContext {
  /** The clock, epoch ms: overrides expire, velocity decays and damping waits against it. */
  readonly nowMs: number;
  readonly rules: CompiledRuleSet;
  readonly settings: ShopChannelSettings;
  readonly timing: Readonly<Record<ChannelId, ChannelTiming>>;
  readonly velocityConfig?: VelocityConfig;
  /**
   * Sales speed assumed for an item with no sale recorded yet (units per ms), e.g. the
   * shop's recent orders per item. Without it an item's lag-aware hold is 0 until its
   * first sale, which a channel's delay turns into an oversell of that first sale.
   * Ignored once the item has its own velocity.
   */
  readonly priorRatePerMs?: number;
}

/** What the caller persisted for one (channel, item) since the last computation. */
export interface ItemChannelMemory {
  readonly override?: ManualOverride | null;
  readonly damping?: DampingState;
  /** The quantity last pushed to the channel; a frozen channel keeps showing it. */
  readonly lastPushed?: number | null;
}

export interface AllocationItem extends ItemPlacement {
  readonly record: MasterRecord;
  readonly memory?: Readonly<Partial<Record<ChannelId, ItemChannelMemory>>>;
}

/** A frozen channel showing more than it should. */
export interface FreezeRisk {
  /** Units the frozen value shows above what the rules compute now. */
  readonly aboveTarget: number;
  /** Units above sellable: a sale the store cannot honour. */
  readonly aboveSellable: number;
}

export interface ChannelDecision {
  readonly channel: ChannelId;
  /** Desired quantity. For Google (availability only) the quantity Ballast computed. */
  readonly quantity: number;
  readonly availability: Availability;
  /** Stock remains but the channel is shown none: the buffer has eaten it. */
  readonly nearSellout: boolean;
  /** Google in "pause_ads" mode near sellout: keep the offer in stock, pause its ads. */
  readonly pauseAds: boolean;
  /** False while the channel is frozen: the worker must not push. */
  readonly push: boolean;
  readonly risk: FreezeRisk | null;
  readonly sellable: number;
  /** Persist and pass back as memory.damping next time. */
  readonly damping: DampingState;
  /** Present when asked for (allocateItem's `explain` option). */
  readonly explanation: Explanation | null;
}

export interface ItemAllocation {
  readonly variantId: VariantGid;
  readonly decisions: Readonly<Record<ChannelId, ChannelDecision>>;
}

export interface AllocateOptions {
  /** Build explanations. Deterministic, so they can also be built later from the same inputs. */
  readonly explain?: boolean;
}

// Reused by every call: allocation is synchronous, so no two calls share it at once.
const scratchCandidates: CompiledRule[] = [];

/**
 * How sure an increase must be to still be safe when it lands, on a channel whose increases
 * are guarded (Meta: it takes orders at its own checkout, so a unit re-listed late is an
 * oversell, not a refused checkout). Measured on the Black Friday rehearsal: at the rule's
 * 95%, an item re-listed during the evening peak sold its last unit on Meta after it was
 * gone; at 99% none did, for 37 more units withheld over the day (652 → 689).
 */
export const INCREASE_CONFIDENCE = 0.99;

/** Desired quantities for every channel of one item. */
export function allocateItem(item: AllocationItem, context: AllocationContext, options: AllocateOptions = {}): ItemAllocation {
  const velocity = item.record.velocity;
  const neverSold = velocity.short === 0 && velocity.long === 0;
  const ratePerMs =
    neverSold && context.priorRatePerMs !== undefined && context.priorRatePerMs > 0
      ? context.priorRatePerMs
      : salesRateEstimatePerMs(velocity, context.nowMs, context.velocityConfig ?? DEFAULT_VELOCITY_CONFIG);
  const sellableEverywhere = sellableUnits(item.record, "all");
  const explain = options.explain === true;
  return {
    variantId: item.variantId,
    decisions: {
      online_store: decideChannel(item, "online_store", sellableEverywhere, ratePerMs, context, explain),
      meta: decideChannel(item, "meta", sellableEverywhere, ratePerMs, context, explain),
      google: decideChannel(item, "google", sellableEverywhere, ratePerMs, context, explain),
    },
  };
}

/**
 * A full recompute, streamed: each item's allocation is handed to `visit` and not
 * kept, so memory stays flat however many items there are (a worker compares each
 * with what was pushed and keeps only the dirty ones).
 */
export function forEachAllocation(
  items: Iterable<AllocationItem>,
  context: AllocationContext,
  visit: (allocation: ItemAllocation, item: AllocationItem) => void,
  options: AllocateOptions = {},
): void {
  for (const item of items) visit(allocateItem(item, context, options), item);
}

/** A full recompute, collected (convenient for previews, tests and the rehearsal). */
export function recompute(
  items: Iterable<AllocationItem>,
  context: AllocationContext,
  options: AllocateOptions = {},
): ItemAllocation[] {
  const allocations: ItemAllocation[] = [];
  forEachAllocation(items, context, (allocation) => allocations.push(allocation), options);
  return allocations;
}

function decideChannel(
  item: AllocationItem,
  channel: ChannelId,
  sellableEverywhere: number,
  ratePerMs: number,
  context: AllocationContext,
  explain: boolean,
): ChannelDecision {
  const settings: ChannelSettings = context.settings[channel];
  const lowStockMode: GoogleLowStockMode | null = channel === "google" ? context.settings.google.lowStock : null;
  const sellable =
    settings.locations === "all" ? sellableEverywhere : sellableUnits(item.record, settings.locations);
  const memory = item.memory?.[channel];
  const previousDamping = memory?.damping ?? INITIAL_DAMPING;
  const steps: ExplanationStep[] | null = explain ? [] : null;
  if (steps !== null) {
    const breakdown = sellableBreakdown(item.record, settings.locations);
    steps.push({
      kind: "sellable",
      units: sellable,
      params: {
        available: breakdown.available,
        ballastSafetyStock: breakdown.ballastSafetyStock,
        orderHolds: breakdown.orderHolds,
        locations: settings.locations === "all" ? "all" : breakdown.locations,
      },
    });
  }

  let quantity: number;
  let damping: DampingState;
  let push = true;
  let risk: FreezeRisk | null = null;
  let rule: RuleSource | null = null;
  let ruleCandidates = 0;
  // Thin stock (Online Store only): the rules never hold back the last few units.
  const thinStockUnits = channel === "online_store" ? (context.settings.online_store.thinStock?.keepSellingAtOrBelow ?? DEFAULT_THIN_STOCK_UNITS) : 0;
  const thinFloor = Math.min(sellable, thinStockUnits);

  if (settings.state === "paused_stop_selling") {
    quantity = 0;
    damping = settledDamping(previousDamping, 0);
    steps?.push({ kind: "paused_stop_selling", units: 0, params: {} });
  } else {
    const override = memory?.override;
    let target: number;
    let fromOverride = false;
    if (override != null && isOverrideActive(override, context.nowMs)) {
      // Validated against sellable when set; stock may have fallen since.
      target = override.quantity < sellable ? override.quantity : sellable;
      fromOverride = true;
      steps?.push({
        kind: "override",
        units: target,
        params: {
          requested: override.quantity,
          expiresAtMs: override.expiresAtMs,
          limitedBySellable: target < override.quantity,
        },
      });
    } else {
      const timing = context.timing[channel];
      const candidates = candidateRules(context.rules, item, channel, scratchCandidates);
      const chosen = leastShowingRule(candidates, sellable, ratePerMs, timing) ?? context.rules.shopDefaults[channel];
      rule = chosen.source;
      ruleCandidates = candidates.length;
      target = evaluateRule(chosen, sellable, ratePerMs, timing, steps);
      if (target < thinFloor) {
        steps?.push({ kind: "thin_stock", units: thinFloor, params: { keepSellingAtOrBelow: thinStockUnits, ruleShows: target } });
        target = thinFloor;
      }
    }

    if (settings.state === "paused_freeze") {
      quantity = memory?.lastPushed ?? target;
      damping = previousDamping;
      push = false;
      const aboveSellable = Math.max(0, quantity - sellable);
      const aboveTarget = Math.max(0, quantity - target);
      if (aboveSellable > 0 || aboveTarget > 0) risk = { aboveTarget, aboveSellable };
      steps?.push({ kind: "paused_freeze", units: quantity, params: { computed: target, excessOverSellable: aboveSellable } });
    } else if (fromOverride) {
      // A merchant's number applies at once.
      quantity = target;
      damping = settledDamping(previousDamping, target);
    } else {
      // An increase must still be safe when it lands, which during a lag spike is much
      // later than usual: it goes only as high as the rule allows at the day's longest lag
      // (or the current one, if longer), at INCREASE_CONFIDENCE.
      const timing = context.timing[channel];
      const shownBefore = previousDamping.shown;
      if (shownBefore !== null && target > shownBefore && timing.increaseLagMs !== undefined) {
        const candidates = candidateRules(context.rules, item, channel, scratchCandidates);
        const slowTiming = { ...timing, measuredLagMs: Math.max(timing.increaseLagMs, timing.measuredLagMs) };
        const chosen = leastShowingRule(candidates, sellable, ratePerMs, slowTiming) ?? context.rules.shopDefaults[channel];
        // A lag-aware rule is held to INCREASE_CONFIDENCE for increases; a static one stays static.
        const confidence = chosen.lagConfidence > 0 ? Math.max(chosen.lagConfidence, INCREASE_CONFIDENCE) : 0;
        const guardedTarget = Math.max(shownBefore, thinFloor, evaluateRule({ ...chosen, lagConfidence: confidence }, sellable, ratePerMs, slowTiming, null));
        if (guardedTarget < target) {
          steps?.push({ kind: "increase_guarded", units: guardedTarget, params: { target, guardedTarget, increaseLagMs: slowTiming.measuredLagMs, confidence } });
          target = guardedTarget;
        }
      }
      damping = dampIncrease(previousDamping, target, context.nowMs, settings.damping);
      quantity = damping.shown ?? target;
      const pending = damping.pending;
      if (steps !== null && pending !== null) {
        steps.push({
          kind: "damped_increase",
          units: quantity,
          params: {
            target,
            confirmations: pending.confirmations,
            confirmationsNeeded: settings.damping.confirmations,
            pendingSinceMs: pending.sinceMs,
            minHoldMs: settings.damping.minHoldMs,
          },
        });
      }
    }
  }

  // A paused channel shows 0 on purpose; near sellout means the buffer ate the stock.
  const nearSellout = settings.state !== "paused_stop_selling" && quantity === 0 && sellable > 0;
  const pauseAds = lowStockMode === "pause_ads" && nearSellout;
  // In pause_ads mode Google keeps "in stock" while the store can still sell, so the
  // offer never contradicts the product page.
  const availability: Availability = quantity > 0 || pauseAds ? "in_stock" : "out_of_stock";

  let explanation: Explanation | null = null;
  if (steps !== null) {
    steps.push({ kind: "availability", units: quantity, params: { availability, nearSellout, lowStockMode } });
    explanation = { channel, quantity, availability, sellable, rule, ruleCandidates, steps };
  }
  return { channel, quantity, availability, nearSellout, pauseAds, push, risk, sellable, damping, explanation };
}

/** Several collection rules may match: when in doubt, show less (the first wins ties). */
function leastShowingRule(
  candidates: readonly CompiledRule[],
  sellable: number,
  ratePerMs: number,
  timing: ChannelTiming,
): CompiledRule | undefined {
  if (candidates.length < 2) return candidates[0];
  let chosen: CompiledRule | undefined;
  let leastShown = Infinity;
  for (const candidate of candidates) {
    const shown = evaluateRule(candidate, sellable, ratePerMs, timing, null);
    if (shown < leastShown) {
      leastShown = shown;
      chosen = candidate;
    }
  }
  return chosen;
}

/** Channels in display order with their decisions, for callers that iterate. */
export const decisionsInOrder = (allocation: ItemAllocation): ChannelDecision[] =>
  CHANNELS.map((channel) => allocation.decisions[channel]);

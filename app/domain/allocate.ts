import { evaluateRule } from "./buffer";
import {
  CHANNELS,
  DEFAULT_THIN_STOCK_UNITS,
  effectiveDelayMs,
  slowerThanMeasured,
  surgeTiming,
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
import { sellableBreakdown, sellableUnits, type LocationScope, type MasterRecord } from "./master-record";
import { isOverrideActive, type ManualOverride } from "./override";
import { poissonQuantile } from "./poisson";
import { candidateRules, type CompiledRule, type CompiledRuleSet, type ItemPlacement } from "./rules";
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
  /**
   * How many times its usual rate the whole shop sells now (velocity.ts demandLift; 1 or
   * absent when as usual): multiplies every item's long-horizon rate and the prior, so a
   * rush raises holds within minutes, before each item's own count shows it.
   */
  readonly demandLift?: number;
}

/** What the caller persisted for one (channel, item) since the last computation. */
export interface ItemChannelMemory {
  readonly override?: ManualOverride | null;
  readonly damping?: DampingState;
  /** The quantity last pushed to the channel; a frozen channel keeps showing it. */
  readonly lastPushed?: number | null;
  /**
   * The most the channel may show now or once its pushes in flight land: the larger of what
   * it was last seen showing and what was last pushed (null: unknown). Used for channels that
   * take orders themselves (see exposureReserves).
   */
  readonly mayShow?: number | null;
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
 * are guarded (one that takes orders at its own checkout, `checkoutOn: "channel"`: a unit
 * re-listed late is an oversell, not a refused checkout). Measured on the Black Friday
 * rehearsal (Meta with its own checkout): at the rule's 95%, an item re-listed during the
 * evening peak sold its last unit on Meta after it was gone; at 99% none did, for 37 more
 * units withheld over the day (652 → 689).
 */
export const INCREASE_CONFIDENCE = 0.99;

/**
 * The quantile of the item's sales (all channels) during the channel's delay that caps the
 * Online Store's reserve for a channel with its own checkout (see exposureReserves): the
 * median, which covers that channel's own share of them most of the time. Measured on the
 * flash-drop rehearsal (seeds 1–3, Meta with its own checkout): without the reserve 43 / 46 /
 * 19 units oversold and 41 / 72 / 49 units left unsold at the end; at the median 16 / 6 / 7
 * oversold and 50 / 82 / 73 unsold; at 95%, 13 / 1 / 7 oversold for 76 / 91 / 79 unsold (and
 * more buyers turned away on the Online Store meanwhile). The median avoids nearly as many
 * oversells for half the unsold stock the 95% quantile added.
 */
export const RESERVE_CONFIDENCE = 0.5;

/** Channels other than the Online Store, which can take orders themselves. */
const CATALOG_CHANNELS = ["meta", "google"] as const;

/** What the item's decisions share: its sales speed, the shop's lift behind it, the channels' timing. */
interface ItemInputs {
  readonly ratePerMs: number;
  /** The shop-wide demand lift applied (1: none). */
  readonly demandLift: number;
  /** The context's timings, with each channel's surge lag during a rush (surgeTiming). */
  readonly timing: Readonly<Record<ChannelId, ChannelTiming>>;
}

// The last context's timings during a rush: computed once per computation, not per item.
let surgeMemo: {
  timing: Readonly<Record<ChannelId, ChannelTiming>>;
  demandLift: number;
  lifted: Readonly<Record<ChannelId, ChannelTiming>>;
} | null = null;

function timingDuring(
  timing: Readonly<Record<ChannelId, ChannelTiming>>,
  demandLift: number,
): Readonly<Record<ChannelId, ChannelTiming>> {
  if (surgeMemo === null || surgeMemo.timing !== timing || surgeMemo.demandLift !== demandLift)
    surgeMemo = { timing, demandLift, lifted: surgeTiming(timing, demandLift) };
  return surgeMemo.lifted;
}

/** The item's sales speed: its own (or the shop's prior before its first sale), lifted by a shop-wide rush. */
function itemSpeed(item: AllocationItem, context: AllocationContext): ItemInputs {
  const velocity = item.record.velocity;
  const neverSold = velocity.short === 0 && velocity.long === 0;
  const demandLift = context.demandLift !== undefined && context.demandLift > 1 ? context.demandLift : 1;
  const ratePerMs =
    neverSold && context.priorRatePerMs !== undefined && context.priorRatePerMs > 0
      ? context.priorRatePerMs * demandLift
      : salesRateEstimatePerMs(velocity, context.nowMs, context.velocityConfig ?? DEFAULT_VELOCITY_CONFIG, demandLift);
  return { ratePerMs, demandLift, timing: timingDuring(context.timing, demandLift) };
}

/** Desired quantities for every channel of one item. */
export function allocateItem(
  item: AllocationItem,
  context: AllocationContext,
  options: AllocateOptions = {},
): ItemAllocation {
  const speed = itemSpeed(item, context);
  const sellableEverywhere = sellableUnits(item.record, "all");
  const explain = options.explain === true;
  // The catalogs first: what the Online Store leaves depends on what they may still show.
  const meta = decideChannel(item, "meta", sellableEverywhere, speed, context, explain, NO_RESERVES);
  const google = decideChannel(item, "google", sellableEverywhere, speed, context, explain, NO_RESERVES);
  const reserves = exposureReserves(item, { meta, google }, speed, context);
  return {
    variantId: item.variantId,
    decisions: {
      online_store: decideChannel(item, "online_store", sellableEverywhere, speed, context, explain, reserves),
      meta,
      google,
    },
  };
}

/** Units the Online Store leaves for one channel that takes orders itself. */
export interface ChannelReserve {
  readonly channel: ChannelId;
  readonly units: number;
  /** The most the channel may show until its pushes land (ItemChannelMemory.mayShow). */
  readonly mayShow: number;
  /** What Ballast wants it to show now. */
  readonly wants: number;
  /** The channel's effective delay: how long its lower figure takes to reach buyers. */
  readonly delayMs: number;
  /** Units expected to sell during that delay (all channels), whose quantile caps the reserve. */
  readonly expectedUnits: number;
}

const NO_RESERVES: readonly ChannelReserve[] = [];

/**
 * A channel that takes orders at its own checkout and may still show more than Ballast now
 * wants (a lower figure is on its way but has not landed: a rush began or its lag grew
 * after the last figure was sent) sells units that other channels may sell first: an
 * oversell. Its figure cannot be lowered faster than its lag, but the Online Store's can
 * (Shopify's available, which every store checkout goes through, changes at once). So the
 * Online Store leaves it the excess it shows, `mayShow − wants`, at most the units it can
 * sell before its lower figure lands (the RESERVE_CONFIDENCE quantile of the item's sales
 * during the channel's effective delay). Only while the channel is slower than the lag its
 * figures were sized for (slowerThanMeasured: a rush, or a push waiting well beyond the
 * measured lag): otherwise its own lag-aware hold already covers what the other channels sell
 * before its next figure lands (in the Black Friday rehearsal, reserving at every sale cost
 * 74 more units withheld on the Online Store for no oversell avoided).
 */
function exposureReserves(
  item: AllocationItem,
  decisions: Readonly<Record<(typeof CATALOG_CHANNELS)[number], ChannelDecision>>,
  speed: ItemInputs,
  context: AllocationContext,
): readonly ChannelReserve[] {
  const { ratePerMs } = speed;
  let reserves: ChannelReserve[] | null = null;
  for (const channel of CATALOG_CHANNELS) {
    if (context.settings[channel].checkoutOn !== "channel" || !slowerThanMeasured(speed.timing[channel])) continue;
    const mayShow = item.memory?.[channel]?.mayShow;
    const wants = decisions[channel].quantity;
    if (mayShow === undefined || mayShow === null || !(mayShow > wants)) continue;
    const delayMs = effectiveDelayMs(speed.timing[channel]);
    const expectedUnits = ratePerMs * delayMs;
    const units = Math.min(mayShow - wants, poissonQuantile(expectedUnits, RESERVE_CONFIDENCE));
    if (units <= 0) continue;
    (reserves ??= []).push({ channel, units, mayShow, wants, delayMs, expectedUnits });
  }
  return reserves ?? NO_RESERVES;
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

/** An explanation filled in as the decision is made; built only when asked for. */
type ExplanationDraft = { -readonly [K in keyof Explanation]: Explanation[K] } & { steps: ExplanationStep[] };

/**
 * One channel's decision: the target (an active override, else the rules and thin stock),
 * then what the channel state makes of it (stop selling, freeze), else the increase guard and
 * damping; availability last.
 */
function decideChannel(
  item: AllocationItem,
  channel: ChannelId,
  sellableEverywhere: number,
  speed: ItemInputs,
  context: AllocationContext,
  explain: boolean,
  reserves: readonly ChannelReserve[],
): ChannelDecision {
  const settings: ChannelSettings = context.settings[channel];
  const sellable = settings.locations === "all" ? sellableEverywhere : sellableUnits(item.record, settings.locations);
  const memory = item.memory?.[channel];
  const previousDamping = memory?.damping ?? INITIAL_DAMPING;
  const draft = explain ? explanationDraft(item.record, channel, settings.locations, sellable) : null;

  if (settings.state === "paused_stop_selling") {
    draft?.steps.push({ kind: "paused_stop_selling", units: 0, params: {} });
    return finishDecision(channel, context, sellable, 0, settledDamping(previousDamping, 0), true, null, draft);
  }
  // Thin stock (Online Store only): the rules never hold back the last few units.
  const thinStockUnits =
    channel === "online_store"
      ? (context.settings.online_store.thinStock?.keepSellingAtOrBelow ?? DEFAULT_THIN_STOCK_UNITS)
      : 0;
  const thinFloor = Math.min(sellable, thinStockUnits);
  const override = memory?.override;
  const activeOverride = override != null && isOverrideActive(override, context.nowMs) ? override : null;
  let target =
    activeOverride !== null
      ? overrideTarget(activeOverride, sellable, draft)
      : rulesTarget(item, channel, sellable, speed, context, thinStockUnits, thinFloor, draft);

  if (settings.state === "paused_freeze") {
    return frozenDecision(channel, context, sellable, target, memory?.lastPushed ?? target, previousDamping, draft);
  }
  // A merchant's number applies at once.
  if (activeOverride !== null) {
    return finishDecision(
      channel,
      context,
      sellable,
      target,
      settledDamping(previousDamping, target),
      true,
      null,
      draft,
    );
  }
  target = reservedTarget(target, sellable, reserves, draft);
  target = guardedIncrease(item, channel, target, previousDamping.shown, thinFloor, sellable, speed, context, draft);
  const damping = dampIncrease(previousDamping, target, context.nowMs, settings.damping);
  const quantity = damping.shown ?? target;
  const pending = damping.pending;
  if (draft !== null && pending !== null) {
    draft.steps.push({
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
  return finishDecision(channel, context, sellable, quantity, damping, true, null, draft);
}

/** The explanation's frame, opened with what is sellable and where (the fields are filled in as the decision is made). */
function explanationDraft(
  record: MasterRecord,
  channel: ChannelId,
  locations: LocationScope,
  sellable: number,
): ExplanationDraft {
  const breakdown = sellableBreakdown(record, locations);
  return {
    channel,
    quantity: 0,
    availability: "out_of_stock",
    sellable,
    rule: null,
    ruleCandidates: 0,
    steps: [
      {
        kind: "sellable",
        units: sellable,
        params: {
          available: breakdown.available,
          ballastSafetyStock: breakdown.ballastSafetyStock,
          orderHolds: breakdown.orderHolds,
          locations: locations === "all" ? "all" : breakdown.locations,
        },
      },
    ],
  };
}

/** Validated against sellable when set; stock may have fallen since. */
function overrideTarget(override: ManualOverride, sellable: number, draft: ExplanationDraft | null): number {
  const target = override.quantity < sellable ? override.quantity : sellable;
  draft?.steps.push({
    kind: "override",
    units: target,
    params: {
      requested: override.quantity,
      expiresAtMs: override.expiresAtMs,
      limitedBySellable: target < override.quantity,
    },
  });
  return target;
}

/**
 * What the channel leaves for channels that take orders themselves (exposureReserves), even
 * below the thin-stock floor: those last units are not held back, they sell there.
 */
function reservedTarget(
  target: number,
  sellable: number,
  reserves: readonly ChannelReserve[],
  draft: ExplanationDraft | null,
): number {
  let shown = target;
  let left = sellable;
  for (const reserve of reserves) {
    left -= reserve.units;
    const limit = left > 0 ? left : 0;
    if (shown <= limit) continue;
    shown = limit;
    draft?.steps.push({
      kind: "reserved_for_channel",
      units: shown,
      params: {
        channel: reserve.channel,
        reserved: reserve.units,
        mayShow: reserve.mayShow,
        wants: reserve.wants,
        delayMs: reserve.delayMs,
        expectedUnits: reserve.expectedUnits,
        confidence: RESERVE_CONFIDENCE,
      },
    });
  }
  return shown;
}

/** What the rule in force shows at the channel's usual timing, never below the thin-stock floor. */
function rulesTarget(
  item: AllocationItem,
  channel: ChannelId,
  sellable: number,
  speed: ItemInputs,
  context: AllocationContext,
  thinStockUnits: number,
  thinFloor: number,
  draft: ExplanationDraft | null,
): number {
  const { ratePerMs } = speed;
  const timing = speed.timing[channel];
  const rule = ruleInForce(item, channel, sellable, ratePerMs, context, timing, draft);
  const target = evaluateRule(rule, sellable, ratePerMs, timing, draft?.steps ?? null, speed.demandLift);
  if (target < thinFloor) {
    draft?.steps.push({
      kind: "thin_stock",
      units: thinFloor,
      params: { keepSellingAtOrBelow: thinStockUnits, ruleShows: target },
    });
    return thinFloor;
  }
  return target;
}

/**
 * The rule in force at `timing`: the most specific layer; among several matching collection
 * rules, the one that shows least. Noted in the explanation when one is given.
 */
function ruleInForce(
  item: AllocationItem,
  channel: ChannelId,
  sellable: number,
  ratePerMs: number,
  context: AllocationContext,
  timing: ChannelTiming,
  draft: ExplanationDraft | null,
): CompiledRule {
  const candidates = candidateRules(context.rules, item, channel, scratchCandidates);
  const chosen = leastShowingRule(candidates, sellable, ratePerMs, timing) ?? context.rules.shopDefaults[channel];
  if (draft !== null) {
    draft.rule = chosen.source;
    draft.ruleCandidates = candidates.length;
  }
  return chosen;
}

/**
 * An increase must still be safe when it lands, which during a lag spike is much later than
 * usual: it goes only as high as the rule allows at the day's longest lag (or the current
 * one, or the age of the oldest push in flight, if longer), at INCREASE_CONFIDENCE. Only on
 * a channel that takes orders itself (`checkoutOn: "channel"`, where a unit re-listed late
 * is an oversell); elsewhere a late unit is a refused checkout and the increase passes.
 */
function guardedIncrease(
  item: AllocationItem,
  channel: ChannelId,
  target: number,
  shownBefore: number | null,
  thinFloor: number,
  sellable: number,
  speed: ItemInputs,
  context: AllocationContext,
  draft: ExplanationDraft | null,
): number {
  const { ratePerMs } = speed;
  const timing = speed.timing[channel];
  if (shownBefore === null || target <= shownBefore || context.settings[channel].checkoutOn !== "channel")
    return target;
  const slowTiming = {
    ...timing,
    measuredLagMs: Math.max(timing.increaseLagMs ?? 0, timing.measuredLagMs, timing.inFlightLagMs ?? 0),
  };
  const chosen = ruleInForce(item, channel, sellable, ratePerMs, context, slowTiming, null);
  // A lag-aware rule is held to INCREASE_CONFIDENCE for increases; a static one stays static.
  const confidence = chosen.lagConfidence > 0 ? Math.max(chosen.lagConfidence, INCREASE_CONFIDENCE) : 0;
  const guardedTarget = Math.max(
    shownBefore,
    thinFloor,
    evaluateRule({ ...chosen, lagConfidence: confidence }, sellable, ratePerMs, slowTiming, null),
  );
  if (guardedTarget >= target) return target;
  draft?.steps.push({
    kind: "increase_guarded",
    units: guardedTarget,
    params: { target, guardedTarget, increaseLagMs: slowTiming.measuredLagMs, confidence },
  });
  return guardedTarget;
}

/** A frozen channel keeps showing what was last pushed (nothing is pushed), and says when that is more than it should. */
function frozenDecision(
  channel: ChannelId,
  context: AllocationContext,
  sellable: number,
  target: number,
  quantity: number,
  damping: DampingState,
  draft: ExplanationDraft | null,
): ChannelDecision {
  const aboveSellable = Math.max(0, quantity - sellable);
  const aboveTarget = Math.max(0, quantity - target);
  const risk = aboveSellable > 0 || aboveTarget > 0 ? { aboveTarget, aboveSellable } : null;
  draft?.steps.push({
    kind: "paused_freeze",
    units: quantity,
    params: { computed: target, excessOverSellable: aboveSellable },
  });
  return finishDecision(channel, context, sellable, quantity, damping, false, risk, draft);
}

/** Availability from the quantity (Google's low-stock mode), and the explanation closed. */
function finishDecision(
  channel: ChannelId,
  context: AllocationContext,
  sellable: number,
  quantity: number,
  damping: DampingState,
  push: boolean,
  risk: FreezeRisk | null,
  draft: ExplanationDraft | null,
): ChannelDecision {
  const lowStockMode: GoogleLowStockMode | null = channel === "google" ? context.settings.google.lowStock : null;
  // A paused channel shows 0 on purpose; near sellout means the buffer ate the stock.
  const nearSellout = context.settings[channel].state !== "paused_stop_selling" && quantity === 0 && sellable > 0;
  const pauseAds = lowStockMode === "pause_ads" && nearSellout;
  // In pause_ads mode Google keeps "in stock" while the store can still sell, so the
  // offer never contradicts the product page.
  const availability: Availability = quantity > 0 || pauseAds ? "in_stock" : "out_of_stock";
  if (draft !== null) {
    draft.steps.push({ kind: "availability", units: quantity, params: { availability, nearSellout, lowStockMode } });
    draft.quantity = quantity;
    draft.availability = availability;
  }
  return { channel, quantity, availability, nearSellout, pauseAds, push, risk, sellable, damping, explanation: draft };
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

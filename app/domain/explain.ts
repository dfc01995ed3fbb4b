import {
  CHANNEL_NAMES,
  channelLagMs,
  type Availability,
  type ChannelId,
  type GoogleLowStockMode,
  type Locale,
} from "./channels";
import type { RuleSource } from "./rules";

/**
 * One step of how a quantity was reached. `units` means, by kind:
 * - sellable: the sellable quantity;
 * - fixed, percent, tier, lag_aware: the units that part would hold back (the
 *   largest, marked `binding`, is the one applied);
 * - floor, cap: the units they removed from what the channel would show;
 * - thin_stock: what the Online Store shows instead of what the rule showed (`ruleShows`):
 *   never less than min(sellable, keepSellingAtOrBelow);
 * - override, paused_stop_selling, paused_freeze, damped_increase, increase_guarded,
 *   reserved_for_channel, availability: the quantity the channel is shown after the step.
 */
export type ExplanationStep =
  | {
      readonly kind: "sellable";
      readonly units: number;
      readonly params: {
        readonly available: number;
        readonly ballastSafetyStock: number;
        readonly orderHolds: number;
        readonly locations: "all" | number;
      };
    }
  | {
      readonly kind: "fixed";
      readonly units: number;
      readonly params: { readonly fixedUnits: number; readonly binding: boolean };
    }
  | {
      readonly kind: "percent";
      readonly units: number;
      readonly params: { readonly percent: number; readonly ofUnits: number; readonly binding: boolean };
    }
  | {
      readonly kind: "tier";
      readonly units: number;
      readonly params: { readonly atOrBelow: number; readonly hold: number | "all"; readonly binding: boolean };
    }
  | {
      readonly kind: "lag_aware";
      readonly units: number;
      readonly params: {
        readonly ratePerMinute: number;
        readonly delayMs: number;
        readonly measuredLagMs: number;
        /** Age of the oldest push the channel has not shown yet: the lag is at least this. */
        readonly inFlightLagMs?: number;
        /** The shop sells this many times its usual pace: already in `ratePerMinute` (absent: 1). */
        readonly demandLift?: number;
        /** The lag assumed during that rush (channels.ts surgeTiming), when the shop is in one. */
        readonly surgeLagMs?: number;
        readonly pushIntervalMs: number;
        readonly budgetWaitMs: number;
        readonly confidence: number;
        readonly expectedUnits: number;
        readonly binding: boolean;
      };
    }
  | { readonly kind: "floor"; readonly units: number; readonly params: { readonly atOrBelow: number } }
  | { readonly kind: "cap"; readonly units: number; readonly params: { readonly max: number } }
  | {
      readonly kind: "thin_stock";
      readonly units: number;
      readonly params: { readonly keepSellingAtOrBelow: number; readonly ruleShows: number };
    }
  | {
      readonly kind: "override";
      readonly units: number;
      readonly params: {
        readonly requested: number;
        readonly expiresAtMs: number;
        readonly limitedBySellable: boolean;
      };
    }
  | { readonly kind: "paused_stop_selling"; readonly units: 0; readonly params: Readonly<Record<string, never>> }
  | {
      readonly kind: "paused_freeze";
      readonly units: number;
      readonly params: { readonly computed: number; readonly excessOverSellable: number };
    }
  | {
      readonly kind: "damped_increase";
      readonly units: number;
      readonly params: {
        readonly target: number;
        readonly confirmations: number;
        readonly confirmationsNeeded: number;
        readonly pendingSinceMs: number;
        readonly minHoldMs: number;
      };
    }
  | {
      readonly kind: "increase_guarded";
      readonly units: number;
      readonly params: {
        readonly target: number;
        readonly guardedTarget: number;
        readonly increaseLagMs: number;
        readonly confidence?: number;
      };
    }
  | {
      /**
       * The Online Store leaves `reserved` units to a channel that takes orders itself and may
       * still show `mayShow` where Ballast wants `wants`, until its lower figure lands (`delayMs`).
       */
      readonly kind: "reserved_for_channel";
      readonly units: number;
      readonly params: {
        readonly channel: ChannelId;
        readonly reserved: number;
        readonly mayShow: number;
        readonly wants: number;
        readonly delayMs: number;
        readonly expectedUnits: number;
        readonly confidence: number;
      };
    }
  | {
      readonly kind: "availability";
      readonly units: number;
      readonly params: {
        readonly availability: Availability;
        readonly nearSellout: boolean;
        readonly lowStockMode: GoogleLowStockMode | null;
      };
    };

export type ExplanationStepKind = ExplanationStep["kind"];

/** Machine-readable account of one (channel, item) decision; render with renderExplanation. */
export interface Explanation {
  readonly channel: ChannelId;
  readonly quantity: number;
  readonly availability: Availability;
  readonly sellable: number;
  /** The rule in force (null when an override or a pause decided). */
  readonly rule: RuleSource | null;
  /** How many collection rules matched; the one showing least was kept. */
  readonly ruleCandidates: number;
  readonly steps: readonly ExplanationStep[];
}

const NBSP = "\u00a0";

interface Words {
  sellable: string;
  fixed: (units: number) => string;
  percent: (percent: string, of: number) => string;
  tierHold: (atOrBelow: number, hold: number) => string;
  tierAll: (atOrBelow: number) => string;
  /** `rateNote` and `delayNote` (possibly empty) follow the rate and the delay. */
  lagAware: (rate: string, delay: string, confidence: string, rateNote: string, delayNote: string) => string;
  /** Appended to the rate when a shop-wide rush lifts it. */
  lagAwareLift: (lift: string) => string;
  /** Appended to the delay when a push still unconfirmed sets it. */
  lagAwareInFlight: (age: string) => string;
  /** Appended to the delay when the rush's assumed lag sets it. */
  lagAwareSurge: string;
  reserved: (units: number, channel: string, mayShow: number, wants: number, delay: string) => string;
  floor: (atOrBelow: number) => string;
  cap: (max: number) => string;
  thinAll: (units: number, atOrBelow: number) => string;
  thinLimited: (atOrBelow: number) => string;
  override: (until: string, sellable: number) => string;
  overrideLimited: (requested: number, sellable: number) => string;
  stopSelling: (sellable: number) => string;
  freeze: (computed: number) => string;
  freezeRisk: (excess: number) => string;
  damped: (target: number, confirmations: number, needed: number) => string;
  increaseGuarded: (target: number, duration: string, confidence: string | null) => string;
  inStock: string;
  outOfStock: string;
  pauseAds: string;
}

const WORDS: Record<Locale, Words> = {
  en: {
    sellable: "sellable",
    fixed: (units) => `fixed: ${units} ${units === 1 ? "unit" : "units"}`,
    percent: (percent, of) => `${percent}% of ${of}, rounded up`,
    tierHold: (atOrBelow, hold) => `tier ≤ ${atOrBelow}: hold ${hold}`,
    tierAll: (atOrBelow) => `tier ≤ ${atOrBelow}: show none`,
    lagAware: (rate, delay, confidence, rateNote, delayNote) =>
      `lag-aware: ${rate}/min${rateNote} × ${delay}${delayNote} at ${confidence}%`,
    lagAwareLift: (lift) => ` (shop selling ×${lift} its usual pace)`,
    lagAwareInFlight: (age) => ` (a change sent ${age} ago has not shown yet)`,
    lagAwareSurge: " (in a rush, as slow as at its peak)",
    reserved: (units, channel, mayShow, wants, delay) =>
      `${units} left to ${channel}, which takes orders itself and may show ${mayShow} (not ${wants}) until its lower figure lands in about ${delay}`,
    floor: (atOrBelow) => `out of stock at or below ${atOrBelow}`,
    cap: (max) => `capped at ${max}`,
    thinAll: (units, atOrBelow) =>
      `keeps selling the last ${units === 1 ? "unit" : `${units} units`}: items with ${atOrBelow} or fewer are never held back on the Online Store — change this in Settings`,
    thinLimited: (atOrBelow) =>
      `limited: the last ${atOrBelow} are never held back on the Online Store — change this in Settings`,
    override: (until, sellable) => `manual override until ${until} (${sellable} sellable)`,
    overrideLimited: (requested, sellable) => `manual override ${requested} limited to ${sellable} sellable`,
    stopSelling: (sellable) => `paused, stop selling (${sellable} sellable)`,
    freeze: (computed) => `frozen at the last pushed value (rules say ${computed})`,
    freezeRisk: (excess) => `risk: ${excess} more than sellable`,
    damped: (target, confirmations, needed) =>
      `increase to ${target} waiting for confirmation (${confirmations} of ${needed} computations)`,
    increaseGuarded: (target, duration, confidence) =>
      `raised toward ${target} only as far as is safe${confidence ? ` at ${confidence}%` : ""} if the change takes ${duration} to show (the longest lag today)`,
    inStock: "in stock",
    outOfStock: "out of stock",
    pauseAds: "kept in stock, pause ads (near sellout)",
  },
  fr: {
    sellable: "vendables",
    fixed: (units) => `fixe${NBSP}: ${units} ${units === 1 ? "unité" : "unités"}`,
    percent: (percent, of) => `${percent}${NBSP}% de ${of}, arrondi au supérieur`,
    tierHold: (atOrBelow, hold) => `palier ≤ ${atOrBelow}${NBSP}: retenir ${hold}`,
    tierAll: (atOrBelow) => `palier ≤ ${atOrBelow}${NBSP}: ne rien montrer`,
    lagAware: (rate, delay, confidence, rateNote, delayNote) =>
      `délai${NBSP}: ${rate}/min${rateNote} × ${delay}${delayNote} à ${confidence}${NBSP}%`,
    lagAwareLift: (lift) => ` (boutique à ×${lift} son rythme habituel)`,
    lagAwareInFlight: (age) => ` (un changement envoyé il y a ${age} n’est pas encore affiché)`,
    lagAwareSurge: " (en plein rush, aussi lent qu’à son pic)",
    reserved: (units, channel, mayShow, wants, delay) =>
      `${units} laissé(s) à ${channel}, qui prend les commandes lui-même et peut afficher ${mayShow} (au lieu de ${wants}) jusqu’à ce que son chiffre plus bas arrive, dans environ ${delay}`,
    floor: (atOrBelow) => `rupture à ${atOrBelow} ou moins`,
    cap: (max) => `plafonné à ${max}`,
    thinAll: (units, atOrBelow) =>
      `${units === 1 ? "la dernière unité reste en vente" : `les ${units} dernières unités restent en vente`}${NBSP}: un article à ${atOrBelow} unités ou moins n’est jamais retenu sur la Boutique en ligne — modifiable dans les Réglages`,
    thinLimited: (atOrBelow) =>
      `limité${NBSP}: les ${atOrBelow} dernières unités ne sont jamais retenues sur la Boutique en ligne — modifiable dans les Réglages`,
    override: (until, sellable) => `forçage manuel jusqu’au ${until} (${sellable} vendables)`,
    overrideLimited: (requested, sellable) => `forçage manuel ${requested} limité à ${sellable} vendables`,
    stopSelling: (sellable) => `en pause, vente arrêtée (${sellable} vendables)`,
    freeze: (computed) => `figé à la dernière valeur envoyée (les règles donnent ${computed})`,
    freezeRisk: (excess) => `risque${NBSP}: ${excess} de plus que le vendable`,
    damped: (target, confirmations, needed) =>
      `hausse à ${target} en attente de confirmation (${confirmations} calcul(s) sur ${needed})`,
    increaseGuarded: (target, duration, confidence) =>
      `hausse vers ${target} limitée à ce qui reste sûr${confidence ? ` à ${confidence}${NBSP}%` : ""} si le changement met ${duration} à s'afficher (le plus long délai du jour)`,
    inStock: "en stock",
    outOfStock: "en rupture",
    pauseAds: "maintenu en stock, annonces en pause (bientôt épuisé)",
  },
};

function formatNumber(value: number, maxDecimals: number, locale: Locale): string {
  const text = String(Number(value.toFixed(maxDecimals)));
  return locale === "fr" ? text.replace(".", ",") : text;
}

function formatRate(perMinute: number, locale: Locale): string {
  const decimals = perMinute >= 10 ? 0 : perMinute >= 0.1 ? 1 : 2;
  return formatNumber(perMinute, decimals, locale);
}

function formatDuration(ms: number, locale: Locale): string {
  const seconds = ms / 1000;
  if (seconds < 120) return `${formatNumber(seconds, 0, locale)} s`;
  const minutes = seconds / 60;
  if (minutes < 120) return `${formatNumber(minutes, 0, locale)} min`;
  return `${formatNumber(minutes / 60, 1, locale)} h`;
}

/** UTC, minute precision: "2026-11-28 10:00 UTC". */
function formatInstant(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export type HoldStep = Extract<ExplanationStep, { kind: "fixed" | "percent" | "tier" | "lag_aware" }>;

/**
 * The rule's hold that applies (the largest of its holds, marked `binding`) and the units it
 * takes: never more than the stock ("3 sellable − 3 (fixed: 5 units)"); undefined for any other step.
 */
export function appliedHold(step: ExplanationStep, sellable: number): { step: HoldStep; held: number } | undefined {
  switch (step.kind) {
    case "fixed":
    case "percent":
    case "tier":
    case "lag_aware":
      return step.params.binding ? { step, held: Math.min(step.units, sellable) } : undefined;
    default:
      return undefined;
  }
}

function describeHold(step: HoldStep, words: Words, locale: Locale): string {
  switch (step.kind) {
    case "fixed":
      return words.fixed(step.params.fixedUnits);
    case "percent":
      return words.percent(formatNumber(step.params.percent, 2, locale), step.params.ofUnits);
    case "tier":
      return step.params.hold === "all"
        ? words.tierAll(step.params.atOrBelow)
        : words.tierHold(step.params.atOrBelow, step.params.hold);
    case "lag_aware": {
      const { demandLift } = step.params;
      return words.lagAware(
        formatRate(step.params.ratePerMinute, locale),
        formatDuration(step.params.delayMs, locale),
        formatNumber(step.params.confidence * 100, 2, locale),
        demandLift !== undefined && demandLift > 1 ? words.lagAwareLift(formatNumber(demandLift, 1, locale)) : "",
        lagReason(step.params, words, locale),
      );
    }
  }
}

/**
 * Why a lag-aware hold's delay is longer than the lag measured, when it is: a push still
 * unconfirmed (`in_flight`, channels.ts channelLagMs) or the rush's assumed lag (`surge`).
 */
export function lagAwareCause(
  params: Extract<ExplanationStep, { kind: "lag_aware" }>["params"],
): "in_flight" | "surge" | null {
  const { inFlightLagMs, measuredLagMs, surgeLagMs } = params;
  const withoutSurge = channelLagMs({ measuredLagMs, inFlightLagMs, pushIntervalMs: 0, budgetWaitMs: 0 });
  if (surgeLagMs !== undefined && surgeLagMs > withoutSurge) return "surge";
  return inFlightLagMs !== undefined && withoutSurge > measuredLagMs ? "in_flight" : null;
}

function lagReason(
  params: Extract<ExplanationStep, { kind: "lag_aware" }>["params"],
  words: Words,
  locale: Locale,
): string {
  const cause = lagAwareCause(params);
  if (cause === "surge") return words.lagAwareSurge;
  return cause === "in_flight" ? words.lagAwareInFlight(formatDuration(params.inFlightLagMs ?? 0, locale)) : "";
}

/** What the rule's steps come to: `sellable − held (binding hold), adjustments`. */
interface Formula {
  /** What the rule leaves the channel (before an override, a pause or damping decides). */
  quantity: number;
  heldUnits: number;
  bindingHold: HoldStep | undefined;
  adjustments: string[];
  thinNote: string | undefined;
}

function readFormula(steps: readonly ExplanationStep[], sellable: number, words: Words): Formula {
  const formula: Formula = {
    quantity: sellable,
    heldUnits: 0,
    bindingHold: undefined,
    adjustments: [],
    thinNote: undefined,
  };
  for (const step of steps) {
    const hold = appliedHold(step, sellable);
    if (hold) {
      formula.bindingHold = hold.step;
      formula.heldUnits = hold.held;
      formula.quantity = sellable - hold.held;
    }
    switch (step.kind) {
      case "floor":
        formula.adjustments.push(words.floor(step.params.atOrBelow));
        formula.quantity -= step.units;
        break;
      case "cap":
        formula.adjustments.push(words.cap(step.params.max));
        formula.quantity -= step.units;
        break;
      case "thin_stock":
        // Replaces what the rule's holds, floor and cap left: only this many are held back.
        formula.adjustments = [];
        formula.heldUnits = sellable - step.units;
        formula.quantity = step.units;
        if (step.units >= sellable) {
          formula.bindingHold = undefined;
          formula.thinNote = words.thinAll(step.units, step.params.keepSellingAtOrBelow);
        } else {
          formula.thinNote = words.thinLimited(step.params.keepSellingAtOrBelow);
        }
        break;
      default:
        break;
    }
  }
  return formula;
}

function formulaText(formula: Formula, sellable: number, words: Words, locale: Locale): string {
  const { heldUnits, bindingHold, thinNote } = formula;
  let text = `${sellable} ${words.sellable}`;
  if (thinNote !== undefined && heldUnits > 0) {
    text += ` − ${heldUnits} (${bindingHold !== undefined ? `${describeHold(bindingHold, words, locale)}, ` : ""}${thinNote})`;
  } else if (bindingHold !== undefined) {
    text += ` − ${heldUnits} (${describeHold(bindingHold, words, locale)})`;
  }
  const adjustments =
    thinNote !== undefined && heldUnits === 0 ? [...formula.adjustments, thinNote] : formula.adjustments;
  if (adjustments.length > 0) text += `, ${adjustments.join(", ")}`;
  return text;
}

/** What decided the quantity instead of (or after) the rule, for the steps that do; undefined for the others. */
function describeDecision(step: ExplanationStep, sellable: number, words: Words, locale: Locale): string | undefined {
  switch (step.kind) {
    case "override":
      return step.params.limitedBySellable
        ? words.overrideLimited(step.params.requested, sellable)
        : words.override(formatInstant(step.params.expiresAtMs), sellable);
    case "paused_stop_selling":
      return words.stopSelling(sellable);
    case "paused_freeze":
      return step.params.excessOverSellable > 0
        ? `${words.freeze(step.params.computed)}; ${words.freezeRisk(step.params.excessOverSellable)}`
        : words.freeze(step.params.computed);
    case "damped_increase":
      return words.damped(step.params.target, step.params.confirmations, step.params.confirmationsNeeded);
    case "reserved_for_channel":
      return words.reserved(
        step.params.reserved,
        CHANNEL_NAMES[step.params.channel][locale],
        step.params.mayShow,
        step.params.wants,
        formatDuration(step.params.delayMs, locale),
      );
    case "increase_guarded":
      return words.increaseGuarded(
        step.params.target,
        formatDuration(step.params.increaseLagMs, locale),
        step.params.confidence ? formatNumber(step.params.confidence * 100, 2, locale) : null,
      );
    default:
      return undefined;
  }
}

/** Google's availability (a channel with a low-stock mode); undefined for the others. */
function availabilityNote(
  params: Extract<ExplanationStep, { kind: "availability" }>["params"],
  words: Words,
): string | undefined {
  if (params.lowStockMode === null) return undefined;
  if (params.availability !== "in_stock") return words.outOfStock;
  return params.nearSellout ? words.pauseAds : words.inStock;
}

/**
 * "Meta 7 = 10 sellable − 3 (lag-aware: 2.1/min × 90 s at 95%)": the formula the
 * rules produced, then what overrode or adjusted it, then availability for Google.
 */
export function renderExplanation(explanation: Explanation, locale: Locale = "en"): string {
  const words = WORDS[locale];
  const name = CHANNEL_NAMES[explanation.channel][locale];
  const { sellable } = explanation;
  const formula = readFormula(explanation.steps, sellable, words);
  // The last step of each sort is the one that stands.
  let decided: string | undefined;
  let finalNote: string | undefined;
  for (const step of explanation.steps) {
    decided = describeDecision(step, sellable, words, locale) ?? decided;
    if (step.kind === "availability") finalNote = availabilityNote(step.params, words) ?? finalNote;
  }

  const formulaLine = formulaText(formula, sellable, words, locale);
  let text: string;
  if (decided === undefined) {
    text = `${name} ${explanation.quantity} = ${formulaLine}`;
  } else if (explanation.rule === null) {
    text = `${name} ${explanation.quantity}: ${decided}`;
  } else {
    text = `${name} ${explanation.quantity}: ${decided}; ${formula.quantity} = ${formulaLine}`;
  }
  return finalNote === undefined ? text : `${text} → ${finalNote}`;
}

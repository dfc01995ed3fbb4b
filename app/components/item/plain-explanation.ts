import type { Explanation, ExplanationStep } from "~/domain";
import { appliedHold, lagAwareCause, type HoldStep } from "~/domain/explain";
import { formatMessage, messagesFor, type Locale, type MessageKey } from "~/i18n";

/**
 * A channel's number in the merchant's words: "Ballast wants Meta to show 7: you have 10,
 * Meta runs about 15 minutes behind and this item sells about 1 every 5 minutes, so 3 are
 * kept back." Built from the engine's structured explanation (app/domain/explain.ts), whose
 * precise formula (renderExplanation) stays available beside it. Pure: the page passes the
 * locale and how to write a time (the shop's zone).
 */
export interface PlainOptions {
  locale: Locale;
  /** A moment as the page writes it (the shop's time zone). */
  formatTime: (ms: number) => string;
}

type Words = (key: MessageKey, values?: Record<string, string | number>) => string;

const wordsFor =
  (locale: Locale): Words =>
  (key, values) =>
    formatMessage(messagesFor(locale)[key], values);

/** `${key}.one` or `${key}.other`, by the language's plural rule (French: 0 and 1 are singular). */
function plural(
  words: Words,
  locale: Locale,
  key: string,
  count: number,
  values: Record<string, string | number> = {},
) {
  const form = new Intl.PluralRules(locale).select(count) === "one" ? "one" : "other";
  return words(`${key}.${form}` as MessageKey, { count: number(count, locale), ...values });
}

const number = (value: number, locale: Locale) => new Intl.NumberFormat(locale).format(value);

const unit = (value: number, name: "second" | "minute" | "hour" | "day", locale: Locale) =>
  new Intl.NumberFormat(locale, { style: "unit", unit: name, unitDisplay: "long" }).format(value);

/** A rounded duration a person would say: "40 seconds", "15 minutes", "13 hours", "2 days". */
export function plainDuration(ms: number, locale: Locale): string {
  const seconds = ms / 1000;
  if (seconds < 90) return unit(Math.max(1, Math.round(seconds)), "second", locale);
  const minutes = seconds / 60;
  if (minutes < 90) return unit(minutes < 10 ? Math.round(minutes) : Math.round(minutes / 5) * 5, "minute", locale);
  const hours = minutes / 60;
  if (hours < 36) return unit(Math.round(hours), "hour", locale);
  return unit(Math.round(hours / 24), "day", locale);
}

/** A sales speed a person would say: "about 3 a minute", "about 1 every 5 minutes", "about 1 every 2 hours". */
export function plainRate(perMinute: number, locale: Locale): string {
  const words = wordsFor(locale);
  if (perMinute <= 0) return words("item.plain.rate.none");
  if (perMinute >= 1) return words("item.plain.rate.perMinute", { count: number(Math.round(perMinute), locale) });
  return words("item.plain.rate.every", { interval: plainDuration(60_000 / perMinute, locale) });
}

/** How the rule's hold reads, with the units it keeps back (`held`, at most what there is). */
function holdClause(step: HoldStep, held: number, channel: string, words: Words, locale: Locale): string {
  const keptBack = plural(words, locale, "item.plain.keptBack", held);
  switch (step.kind) {
    case "fixed":
      return plural(words, locale, "item.plain.fixed", held);
    case "percent":
      return words("item.plain.percent", {
        percent: new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(
          step.params.percent / 100,
        ),
        keptBack,
      });
    case "tier":
      return step.params.hold === "all"
        ? words("item.plain.tierAll", { atOrBelow: number(step.params.atOrBelow, locale) })
        : words("item.plain.tier", { atOrBelow: number(step.params.atOrBelow, locale), keptBack });
    case "lag_aware":
      return words("item.plain.lagAware", {
        channel,
        delay: plainDuration(step.params.delayMs, locale),
        lagNote: lagNote(step, words, locale),
        rate: plainRate(step.params.ratePerMinute, locale),
        paceNote:
          step.params.demandLift !== undefined && step.params.demandLift > 1
            ? words("item.plain.paceNote", {
                lift: new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(step.params.demandLift),
              })
            : "",
        keptBack,
      });
  }
}

/** Why the channel's delay is longer than measured: a change still on its way, or a rush. */
function lagNote(step: Extract<HoldStep, { kind: "lag_aware" }>, words: Words, locale: Locale): string {
  const cause = lagAwareCause(step.params);
  if (cause === "surge") return words("item.plain.lagNote.surge");
  if (cause === "in_flight")
    return words("item.plain.lagNote.inFlight", { age: plainDuration(step.params.inFlightLagMs ?? 0, locale) });
  return "";
}

interface RuleReading {
  hold: HoldStep | undefined;
  held: number;
  adjustments: string[];
  /** The Online Store's last units kept selling: replaces what the hold, floor and cap left. */
  thin: Extract<ExplanationStep, { kind: "thin_stock" }> | undefined;
}

/** What the rule did, step by step (the same reading as renderExplanation's formula). */
function readRule(explanation: Explanation, words: Words, locale: Locale): RuleReading {
  const { sellable } = explanation;
  const reading: RuleReading = { hold: undefined, held: 0, adjustments: [], thin: undefined };
  for (const step of explanation.steps) {
    const hold = appliedHold(step, sellable);
    if (hold) {
      reading.hold = hold.step;
      reading.held = hold.held;
    }
    switch (step.kind) {
      case "floor":
        if (step.units > 0)
          reading.adjustments.push(words("item.plain.floor", { atOrBelow: number(step.params.atOrBelow, locale) }));
        break;
      case "cap":
        if (step.units > 0) reading.adjustments.push(words("item.plain.cap", { max: number(step.params.max, locale) }));
        break;
      case "thin_stock":
        reading.thin = step;
        reading.adjustments = [];
        break;
      default:
        break;
    }
  }
  return reading;
}

/** What decided instead of (or after) the rule: an override, a pause, damping; the last one stands. */
function decisionClause(
  explanation: Explanation,
  channel: string,
  words: Words,
  options: PlainOptions,
): string | undefined {
  const { locale } = options;
  let clause: string | undefined;
  for (const step of explanation.steps) {
    switch (step.kind) {
      case "override":
        clause = step.params.limitedBySellable
          ? words("item.plain.overrideLimited", {
              requested: number(step.params.requested, locale),
              sellable: number(explanation.sellable, locale),
            })
          : words("item.plain.override", {
              requested: number(step.params.requested, locale),
              until: options.formatTime(step.params.expiresAtMs),
            });
        break;
      case "paused_stop_selling":
        clause = words("item.plain.stopSelling", { channel });
        break;
      case "paused_freeze":
        clause = words("item.plain.freeze", { channel, computed: number(step.params.computed, locale) });
        if (step.params.excessOverSellable > 0)
          clause += words("item.plain.freezeRisk", { excess: number(step.params.excessOverSellable, locale) });
        break;
      case "damped_increase":
        clause = words("item.plain.damped", {
          target: number(step.params.target, locale),
          confirmations: number(step.params.confirmations, locale),
          needed: number(step.params.confirmationsNeeded, locale),
        });
        break;
      case "reserved_for_channel":
        clause = plural(words, locale, "item.plain.reserved", step.params.reserved, {
          other: words(`item.subject.${step.params.channel}`),
          mayShow: number(step.params.mayShow, locale),
          wants: number(step.params.wants, locale),
          delay: plainDuration(step.params.delayMs, locale),
        });
        break;
      case "increase_guarded":
        clause = words("item.plain.increaseGuarded", {
          target: number(step.params.target, locale),
          channel,
          duration: plainDuration(step.params.increaseLagMs, locale),
        });
        break;
      default:
        break;
    }
  }
  return clause;
}

/** Google's state near a sell-out: out of stock, or in stock with its ads paused. */
function availabilityClause(explanation: Explanation, words: Words): string | undefined {
  const step = [...explanation.steps].reverse().find((entry) => entry.kind === "availability");
  if (!step || step.kind !== "availability" || step.params.lowStockMode === null || !step.params.nearSellout)
    return undefined;
  return step.params.availability === "in_stock"
    ? words("item.plain.nearSelloutPauseAds")
    : words("item.plain.nearSelloutOut");
}

/** "Ballast wants Meta to show 7" / "Ballast wants Google to show it in stock, ads paused". */
function lead(explanation: Explanation, channel: string, words: Words, locale: Locale): string {
  if (explanation.channel !== "google")
    return words("item.plain.lead", { channel, quantity: number(explanation.quantity, locale) });
  const availability = [...explanation.steps].reverse().find((step) => step.kind === "availability");
  const pauseAds =
    availability?.kind === "availability" &&
    availability.params.lowStockMode === "pause_ads" &&
    availability.params.nearSellout &&
    explanation.availability === "in_stock";
  if (pauseAds) return words("item.plain.lead.googlePauseAds");
  return words(
    explanation.availability === "in_stock" ? "item.plain.lead.googleInStock" : "item.plain.lead.googleOutOfStock",
  );
}

/** What the rule kept back, and what adjusted it; the Online Store's last units said as overriding the hold. */
function ruleClauses(explanation: Explanation, channel: string, words: Words, locale: Locale): string[] {
  if (explanation.sellable <= 0) return [];
  const rule = readRule(explanation, words, locale);
  if (rule.thin) {
    const lastUnits = plural(words, locale, "item.plain.thinStock", rule.thin.params.keepSellingAtOrBelow);
    const stillHeld = explanation.sellable - rule.thin.units;
    const thin =
      stillHeld > 0
        ? `${lastUnits}${words("item.plain.separator")}${plural(words, locale, "item.plain.keptBack", stillHeld)}`
        : lastUnits;
    return rule.held > 0
      ? [plural(words, locale, "item.plain.wouldKeep", rule.held), words("item.plain.but", { clause: thin })]
      : [thin];
  }
  const hold =
    rule.hold && rule.held > 0
      ? holdClause(rule.hold, rule.held, channel, words, locale)
      : words("item.plain.nothingHeld");
  return [hold, ...rule.adjustments];
}

export function plainExplanation(explanation: Explanation, options: PlainOptions): string {
  const { locale } = options;
  const words = wordsFor(locale);
  // "the Online Store", "la Boutique en ligne": the channel as the subject of a sentence.
  const channel = words(`item.subject.${explanation.channel}`);
  const have =
    explanation.sellable > 0
      ? words("item.plain.have", { sellable: number(explanation.sellable, locale) })
      : words("item.plain.haveNone");
  const decided = decisionClause(explanation, channel, words, options);
  const clauses: string[] = [];
  if (decided !== undefined && explanation.rule === null) {
    // An override or a pause decided alone: the rule did not run.
    clauses.push(decided, have);
  } else {
    clauses.push(have, ...ruleClauses(explanation, channel, words, locale));
    if (decided !== undefined) clauses.push(decided);
  }
  const note = availabilityClause(explanation, words);
  if (note !== undefined) clauses.push(note);
  return words("item.plain.sentence", {
    lead: lead(explanation, channel, words, locale),
    reasons: clauses.join(words("item.plain.separator")),
  });
}

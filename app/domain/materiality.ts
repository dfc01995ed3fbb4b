import { CHANNEL_NAMES, type ChannelId, type Locale } from "./channels";

/**
 * Is a difference between what a channel was last told (`pushed`) and what it should show
 * (`desired`) worth a call on its own? Meta allows about 100 catalog batch calls an hour,
 * and at a steady order rate almost every minute brings some item one unit lower, so
 * pushing every difference at once spends a call a minute on changes no buyer notices
 * (showing 495 instead of 494). A call is made when at least one pending row is
 * *material*; every other pending row then rides along for free (up to the batch limit).
 *
 * Material (pushed at the next chance):
 * - never pushed, or the channel's state is unknown (`pendingSinceMs` null);
 * - a sell-out: desired 0 while the channel shows stock;
 * - a manual override: the merchant's number applies at once;
 * - a decrease larger than the slack: a share of the units the engine held back for this
 *   channel (its buffer, sellable − desired), and no slack at all when stock is low: the
 *   channel is about to show few units, or the stock could sell out within a few of the
 *   channel's delays (sellable ≤ lowStockBuffers × the lag-aware hold, the 95% bound on
 *   sales during one delay; the whole buffer when the rule has no lag-aware part). Left
 *   unpushed, a decrease of d units leaves the channel buffer − d units of protection,
 *   never less than (1 − slackFraction) × buffer;
 * - an increase while the channel shows fewer than max(fewUnits, buffer) units: a buyer
 *   could be refused, or the channel could sell what it shows before it learns more (the
 *   buffer is the 95% bound on sales during its delay). Above that, showing fewer than
 *   desired loses no sale;
 * - any difference pending for `stalenessMs`: every channel converges.
 *
 * Pure: the push lane calls it for each pending row; the items page shows its reason.
 */
export interface MaterialityPolicy {
  /** Share of the buffer a pending decrease may spend (0: every decrease is material). */
  readonly slackFraction: number;
  /** "Few units": an increase from below this is material, and a decrease to below it gets no slack. */
  readonly fewUnits: number;
  /** Low stock, no slack: sellable at most this many lag-aware holds (it could sell out within a few delays). */
  readonly lowStockBuffers: number;
  /** A difference pending this long is material whatever its size. */
  readonly stalenessMs: number;
}

/**
 * Channels whose writes are budgeted per call get a policy; the others push every difference.
 * - Meta: ~100 catalog batch calls an hour per catalog (CHANNELS.md).
 * - Google: not here. Its desired value is already an availability code (out of stock, in
 *   stock, in stock with ads paused), so quantity changes never make a row differ: every
 *   Google difference is a change of what buyers see, and its ~2 updates a day per product
 *   are a per-offer budget, which a per-call rule would not save.
 * - Online Store: no per-call budget (a cost bucket refilled every second), and its holds
 *   are Shopify's own stock: left alone.
 */
export const MATERIALITY_POLICIES: Readonly<Partial<Record<ChannelId, MaterialityPolicy>>> = {
  // Tuned on the Black Friday rehearsal (seed 1): half the buffer as slack, "few" = 10 and
  // low stock within 4 holds oversold 9 units and withheld 795 (Meta's own 680) against 1 and
  // 504 without the rule; a quarter, 20 and 8 holds gave 1 and 504 (a later tree: 545 against
  // 486; seed 2: equal), and still 3 calls per 1,000 orders in the bench (25 without). README.
  meta: { slackFraction: 0.25, fewUnits: 20, lowStockBuffers: 8, stalenessMs: 10 * 60_000 },
};

export interface PendingDifference {
  readonly desired: number;
  /** What the channel was last told; null when never pushed. */
  readonly pushed: number | null;
  /** Sellable units behind the decision (the stored explanation's), null when unknown. */
  readonly sellable: number | null;
  /** The decision's lag-aware hold (sales expected during the channel's delay, 95%); null when its rule has none. */
  readonly lagHold?: number | null;
  /** Since when desired has differed from pushed; null when unknown. */
  readonly pendingSinceMs: number | null;
  /** The decision is a merchant's override. */
  readonly override?: boolean;
}

export type MaterialReason = "never_pushed" | "unknown" | "sell_out" | "override" | "decrease" | "few_shown" | "stale";
export type DeferredReason = "decrease_within_slack" | "increase_plenty_shown";

export type Materiality =
  | { readonly material: true; readonly reason: MaterialReason }
  | {
      readonly material: false;
      readonly reason: DeferredReason;
      /** Units the engine held back (sellable − desired). */
      readonly buffer: number;
      /** Decrease: units of the buffer the channel may show above desired until a call. */
      readonly slack: number;
      /** When the difference becomes material by age alone. */
      readonly dueAtMs: number;
    };

const material = (reason: MaterialReason): Materiality => ({ material: true, reason });

/** The units a pending decrease may leave on the channel: 0 when stock is low. */
export function decreaseSlack(
  desired: number,
  sellable: number,
  lagHold: number | null,
  policy: MaterialityPolicy,
): number {
  const buffer = Math.max(0, sellable - desired);
  const lowStock = desired < policy.fewUnits || sellable <= policy.lowStockBuffers * (lagHold ?? buffer);
  return lowStock ? 0 : Math.floor(policy.slackFraction * buffer);
}

export function assessDifference(row: PendingDifference, policy: MaterialityPolicy, nowMs: number): Materiality {
  const { desired, pushed, sellable, pendingSinceMs } = row;
  if (pushed === null) return material("never_pushed");
  if (pushed === desired) throw new RangeError("assessDifference: the row does not differ");
  if (desired <= 0) return material("sell_out");
  if (row.override === true) return material("override");
  if (sellable === null || pendingSinceMs === null) return material("unknown");
  if (nowMs - pendingSinceMs >= policy.stalenessMs) return material("stale");
  const buffer = Math.max(0, sellable - desired);
  const dueAtMs = pendingSinceMs + policy.stalenessMs;
  if (pushed > desired) {
    const slack = decreaseSlack(desired, sellable, row.lagHold ?? null, policy);
    return pushed - desired > slack
      ? material("decrease")
      : { material: false, reason: "decrease_within_slack", buffer, slack, dueAtMs };
  }
  return pushed < Math.max(policy.fewUnits, buffer)
    ? material("few_shown")
    : { material: false, reason: "increase_plenty_shown", buffer, slack: 0, dueAtMs };
}

/**
 * The same, from a stored sync row: the sellable units, the lag-aware hold and whether an
 * override decided come from the explanation the recompute stored with `desired`.
 */
export function assessStoredRow(
  row: {
    readonly desired: number;
    readonly pushed: number | null;
    readonly pendingSinceMs: number | null;
    readonly explanation: unknown;
  },
  policy: MaterialityPolicy,
  nowMs: number,
): Materiality {
  const explanation = (typeof row.explanation === "object" && row.explanation !== null ? row.explanation : {}) as {
    sellable?: unknown;
    steps?: unknown;
  };
  const steps = (Array.isArray(explanation.steps) ? explanation.steps : []) as ({
    kind?: unknown;
    units?: unknown;
  } | null)[];
  const lagUnits = steps.find((step) => step?.kind === "lag_aware")?.units;
  return assessDifference(
    {
      desired: row.desired,
      pushed: row.pushed,
      sellable: typeof explanation.sellable === "number" ? explanation.sellable : null,
      lagHold: typeof lagUnits === "number" ? lagUnits : null,
      pendingSinceMs: row.pendingSinceMs,
      override: steps.some((step) => step?.kind === "override"),
    },
    policy,
    nowMs,
  );
}

const PENDING_WORDS: Record<
  Locale,
  {
    decrease: (name: string, extra: number, buffer: number, slack: number, by: string) => string;
    increase: (name: string, shown: number, by: string) => string;
  }
> = {
  en: {
    decrease: (name, extra, buffer, slack, by) =>
      `waits for the next ${name} call: showing ${extra} more of the ${buffer} held back (up to ${slack}); sent by ${by}`,
    increase: (name, shown, by) => `waits for the next ${name} call: the ${shown} shown cover any order; sent by ${by}`,
  },
  fr: {
    decrease: (name, extra, buffer, slack, by) =>
      `attend le prochain appel ${name}\u00a0: ${extra} de plus affiché(s) sur les ${buffer} retenus (jusqu’à ${slack})\u00a0; envoyé au plus tard le ${by}`,
    increase: (name, shown, by) =>
      `attend le prochain appel ${name}\u00a0: les ${shown} affichés suffisent pour toute commande\u00a0; envoyé au plus tard le ${by}`,
  },
};

/** Why a channel still shows `pushed` rather than desired: "waits for the next Meta call: showing 1 more of the 125 held back (up to 31); sent by 2026-11-28 10:10 UTC". */
export function renderDeferral(
  channel: ChannelId,
  row: { desired: number; pushed: number },
  verdict: Extract<Materiality, { material: false }>,
  locale: Locale = "en",
): string {
  const words = PENDING_WORDS[locale];
  const name = CHANNEL_NAMES[channel][locale];
  const by = `${new Date(verdict.dueAtMs).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return verdict.reason === "decrease_within_slack"
    ? words.decrease(name, row.pushed - row.desired, verdict.buffer, verdict.slack, by)
    : words.increase(name, row.pushed, by);
}

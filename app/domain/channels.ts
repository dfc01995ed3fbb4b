import { z } from "zod";
import { locationGidSchema } from "./ids";

/** The channels Ballast shows stock to, in the order the UI lists them. */
export const CHANNELS = ["online_store", "meta", "google"] as const;
export type ChannelId = (typeof CHANNELS)[number];
export const channelIdSchema = z.enum(CHANNELS);

/** What a channel advertises for an item, whatever it does with quantities. */
export type Availability = "in_stock" | "out_of_stock";

/** The languages Ballast speaks to merchants (app/i18n holds the words). */
export const LOCALES = ["en", "fr"] as const;
export type Locale = (typeof LOCALES)[number];

export const CHANNEL_NAMES: Readonly<Record<ChannelId, { en: string; fr: string }>> = {
  online_store: { en: "Online Store", fr: "Boutique en ligne" },
  meta: { en: "Meta", fr: "Meta" },
  google: { en: "Google", fr: "Google" },
};

/**
 * - active: Ballast pushes what the rules compute.
 * - paused_stop_selling: the channel is shown 0.
 * - paused_freeze: Ballast stops pushing; the channel keeps the last pushed value,
 *   which may exceed what is sellable, so the decision carries a risk.
 */
export const CHANNEL_STATES = ["active", "paused_stop_selling", "paused_freeze"] as const;
export type ChannelState = (typeof CHANNEL_STATES)[number];

/**
 * Observe first, activate by choice (orthogonal to the states above, which apply to an
 * activated channel):
 * - observing: Ballast reads Shopify and computes and explains what the channel would
 *   show, and writes nothing to it (on the Online Store it holds nothing, and releases
 *   the units it held before). A new install starts here; so does a channel without a
 *   connection row.
 * - active: the merchant activated it (ChannelConnection.activatedAt): Ballast writes.
 */
export const CHANNEL_MODES = ["observing", "active"] as const;
export type ChannelMode = (typeof CHANNEL_MODES)[number];
export const channelModeOf = (
  connection: { readonly activatedAt: Date | string | null } | null | undefined,
): ChannelMode => (connection?.activatedAt ? "active" : "observing");

/**
 * Where checkout happens decides what a stale channel costs: on the channel it is a
 * true oversell; on the merchant's store Shopify refuses it (a failed checkout).
 */
export const CHECKOUT_PLACES = ["channel", "store"] as const;
export type CheckoutPlace = (typeof CHECKOUT_PLACES)[number];
export type StaleSaleCost = "oversell" | "failed_checkout";
export const staleSaleCost = (checkoutOn: CheckoutPlace): StaleSaleCost =>
  checkoutOn === "channel" ? "oversell" : "failed_checkout";

/**
 * Google learns availability only and accepts about two updates a day, so near a
 * sellout Ballast can either keep the offer in stock and ask the connector to pause
 * ads (no availability mismatch with the product page), or mark it out of stock.
 */
export const GOOGLE_LOW_STOCK_MODES = ["pause_ads", "out_of_stock"] as const;
export type GoogleLowStockMode = (typeof GOOGLE_LOW_STOCK_MODES)[number];

/** Increases wait until seen in `confirmations` consecutive computations AND `minHoldMs` old. */
export const dampingParamsSchema = z
  .object({
    confirmations: z.number().int().min(1).max(10).default(2),
    minHoldMs: z.number().int().min(0).max(86_400_000).default(30_000),
  })
  .strict();
export type DampingParams = z.output<typeof dampingParamsSchema>;

export const channelSettingsSchema = z
  .object({
    state: z.enum(CHANNEL_STATES).default("active"),
    /** The locations this channel sells from; "all" means every location of the variant. */
    locations: z.union([z.literal("all"), z.array(locationGidSchema).min(1)]).default("all"),
    checkoutOn: z.enum(CHECKOUT_PLACES).default("store"),
    damping: dampingParamsSchema.default({}),
  })
  .strict();
export type ChannelSettings = z.output<typeof channelSettingsSchema>;

/**
 * Thin stock: the Online Store never holds back the last units of an item that has only a
 * few. It always shows at least min(sellable, keepSellingAtOrBelow): an item with that many
 * sellable units or fewer is shown whole, and a larger one is never held below that many
 * (so more stock never shows less). 0 turns it off. Meta and Google are not affected.
 * Pauses and manual overrides still apply.
 */
export const DEFAULT_THIN_STOCK_UNITS = 3;
export const thinStockSchema = z
  .object({ keepSellingAtOrBelow: z.number().int().min(0).max(1_000).default(DEFAULT_THIN_STOCK_UNITS) })
  .strict();
export type ThinStock = z.output<typeof thinStockSchema>;

export const onlineStoreChannelSettingsSchema = channelSettingsSchema
  .extend({ thinStock: thinStockSchema.default({}) })
  .strict();
export type OnlineStoreChannelSettings = z.output<typeof onlineStoreChannelSettingsSchema>;

export const googleChannelSettingsSchema = channelSettingsSchema
  .extend({ lowStock: z.enum(GOOGLE_LOW_STOCK_MODES).default("pause_ads") })
  .strict();
export type GoogleChannelSettings = z.output<typeof googleChannelSettingsSchema>;

export const shopChannelSettingsSchema = z
  .object({
    online_store: onlineStoreChannelSettingsSchema.default({}),
    meta: channelSettingsSchema.default({}),
    google: googleChannelSettingsSchema.default({}),
  })
  .strict();
export type ShopChannelSettings = z.output<typeof shopChannelSettingsSchema>;

export const DEFAULT_CHANNEL_SETTINGS: ShopChannelSettings = shopChannelSettingsSchema.parse({});

/**
 * How late a channel is, measured or derived from its budget. The lag-aware buffer
 * covers sales during effectiveDelayMs = channelLagMs + pushIntervalMs + budgetWaitMs.
 */
export interface ChannelTiming {
  /** Observed time from push to the channel showing the value (monitor's read-back). */
  readonly measuredLagMs: number;
  /**
   * Age of the oldest push the channel has not shown yet. It grows with a lag spike as it
   * happens, before any slow sample is measured: the lag is at least this (see channelLagMs).
   */
  readonly inFlightLagMs?: number;
  /** How often the worker pushes this channel. */
  readonly pushIntervalMs: number;
  /** Extra wait the channel's update budget imposes (see metaBudgetWaitMs, googleBudgetWaitMs). */
  readonly budgetWaitMs: number;
  /**
   * The longest lag measured over the last day (or the age of the oldest push in flight, if
   * longer). A decrease is safe whenever it lands; an increase pushed just before a spike
   * lands half an hour later, when the stock it offers may be gone, so on a channel that
   * takes orders itself increases are sized for this lag (see allocate.ts).
   */
  readonly increaseLagMs?: number;
  /**
   * The lag assumed while the shop sells far above its usual pace (surgeTiming): a rush
   * slows channels down, and the pushes sent since it began are not confirmed yet, so the
   * lag measured before it says little. Absent when the shop sells as usual.
   */
  readonly surgeLagMs?: number;
  /**
   * The lag measured when the oldest push still in flight was sent: what the figures the
   * channel has yet to show were sized for (see slowerThanMeasured). Absent when unknown.
   */
  readonly sizedForLagMs?: number;
}

/**
 * How far a push may wait beyond the measured lag before it counts as a spike: the
 * read-back's own delay (a channel is read back every minute or two, so its pushes in flight
 * look a little older than its p95) — a quarter of the lag, at least two minutes.
 */
export const spikeSlackMs = (lagMs: number): number => Math.max(2 * 60_000, lagMs / 4);

/**
 * The channel's lag as the buffers size it: the measured p95, or more when a push has been
 * waiting longer (a spike in progress). The oldest unconfirmed push is a lower bound of the
 * lag. Once it is late beyond the read-back's own delay (spikeSlackMs), how much longer it
 * will wait is unknown, and it is assumed to wait as much again as it is late: a push
 * 15 minutes old on a channel measured at 8 counts as 15 + 5 = 20 minutes, one 20 minutes
 * old as 30. Continuous, and never below the in-flight age. During a rush, at least the
 * channel's surge lag.
 */
export function channelLagMs(timing: ChannelTiming): number {
  const measured = timing.measuredLagMs > 0 ? timing.measuredLagMs : 0;
  const inFlight = timing.inFlightLagMs !== undefined && timing.inFlightLagMs > 0 ? timing.inFlightLagMs : 0;
  const late = inFlight - measured - spikeSlackMs(measured);
  const spike = inFlight + (late > 0 ? late : 0);
  const surge = timing.surgeLagMs !== undefined && timing.surgeLagMs > 0 ? timing.surgeLagMs : 0;
  return Math.max(measured, spike, surge);
}

/**
 * The channel is slower now than the lag its figures were sized for: its lag as the buffers
 * size it (channelLagMs: a spike in progress, a rush) exceeds, beyond the read-back's delay,
 * the lag measured now or when the oldest figure still in flight was pushed
 * (`sizedForLagMs`). What it shows, or will show when those figures land, was decided for a
 * quicker channel, so it may sell what other channels sell too.
 */
export function slowerThanMeasured(timing: ChannelTiming): boolean {
  const measured = timing.measuredLagMs > 0 ? timing.measuredLagMs : 0;
  const reference =
    timing.sizedForLagMs !== undefined && timing.sizedForLagMs < measured ? timing.sizedForLagMs : measured;
  return channelLagMs(timing) > reference + spikeSlackMs(reference);
}

export const effectiveDelayMs = (timing: ChannelTiming): number =>
  channelLagMs(timing) + Math.max(0, timing.pushIntervalMs) + Math.max(0, timing.budgetWaitMs);

/** Meta's lag at peak in 2026: 15–20 minutes (the design brief's CHANNELS.md); the upper end. */
const META_PEAK_LAG_MS = 20 * 60_000;

/** A shop selling at least this many times its usual pace is in a rush (surgeTiming). */
export const SURGE_LAG_LIFT = 2;

/**
 * Each channel's lag during a rush, when the shop's demand lift reaches SURGE_LAG_LIFT: the
 * peak lag the channel is known for (Meta: META_COLD_START_LAG_MS, its peak in 2026). The
 * Online Store applies a move at once and Google's delay is its update budget: no change.
 */
export const SURGE_LAG_MS: Readonly<Partial<Record<ChannelId, number>>> = {
  meta: META_PEAK_LAG_MS,
};

/** The timings with each channel's surge lag set when `demandLift` says the shop is in a rush (else unchanged). */
export function surgeTiming(
  timing: Readonly<Record<ChannelId, ChannelTiming>>,
  demandLift: number,
): Readonly<Record<ChannelId, ChannelTiming>> {
  if (!(demandLift >= SURGE_LAG_LIFT)) return timing;
  const lifted = { ...timing };
  for (const channel of CHANNELS) {
    const surgeLagMs = SURGE_LAG_MS[channel];
    if (surgeLagMs !== undefined) lifted[channel] = { ...timing[channel], surgeLagMs };
  }
  return lifted;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Meta allows about `callsPerHour` catalog batch calls an hour per catalog, each with at
 * most `itemsPerCall` items. An item waits for the calls that flush the queue ahead of
 * it (at least one slot), plus any lock-out Meta announced in X-Business-Use-Case-Usage.
 */
export function metaBudgetWaitMs(budget: {
  readonly pendingItems: number;
  readonly itemsPerCall?: number;
  readonly callsPerHour?: number;
  readonly regainAccessMs?: number;
}): number {
  const itemsPerCall = budget.itemsPerCall ?? 3_000;
  const callsPerHour = budget.callsPerHour ?? 100;
  const callsAhead = Math.max(1, Math.ceil(Math.max(0, budget.pendingItems) / itemsPerCall));
  return callsAhead * (HOUR_MS / callsPerHour) + Math.max(0, budget.regainAccessMs ?? 0);
}

/** Google accepts about `updatesPerDay` updates of one product: worst case, a whole interval. */
export function googleBudgetWaitMs(budget: { readonly updatesPerDay?: number } = {}): number {
  return DAY_MS / (budget.updatesPerDay ?? 2);
}

/**
 * Meta's catalog applies an update 15–20 minutes after it is sent at peak (measured by
 * merchants in 2026, the design brief's CHANNELS.md): until Ballast has measured a shop's own
 * lag, it assumes the peak's upper end rather than a quiet night's few minutes.
 */
export const META_COLD_START_LAG_MS = META_PEAK_LAG_MS;

/**
 * How measured timing is chosen, by the worker (app/sync/timing.server.ts, over stored rows)
 * and by the in-app rehearsal (app/rehearsal/settings-timing.ts, over arrays) alike. The lag
 * p95 is taken over the samples observed in the last `recentMs` when there are at least
 * `minSamples`, otherwise over the `latestSamples` latest pushes of the day seen landing,
 * otherwise the default: buffers shrink back soon after a spike is over. Over a day, one
 * spike kept them wide all day; over an hour, a 30-minute spike kept Meta at 0 for most items
 * an hour after it ended in the flash-drop rehearsal, and so did falling back to the day's
 * latest *observations* when a quiet channel had few samples in the window. A spike in
 * progress is seen sooner by the pushes still in flight.
 */
export const TIMING_SELECTION = {
  recentMs: 20 * 60_000,
  latestSamples: 10,
  /** Fewer samples than this and the measured figure is noise: keep the conservative default. */
  minSamples: 5,
  /** Channels whose in-flight lag counts: Google's delay is dominated by its 12-h budget wait. */
  inFlightChannels: ["online_store", "meta"] as readonly ChannelId[],
  /** Channels whose figures in flight are compared with the lag they were sized for (slowerThanMeasured). */
  sizedForChannels: ["meta"] as readonly ChannelId[],
} as const;

/** Conservative starting values until the monitor has measured each channel. */
export const DEFAULT_CHANNEL_TIMING: Readonly<Record<ChannelId, ChannelTiming>> = {
  online_store: { measuredLagMs: 5_000, pushIntervalMs: 10_000, budgetWaitMs: 0 },
  // Meta: every minute (the rehearsal loses fewer sales than with 2 or 3; many orders still
  // share a call, and ~100 calls an hour stays the cap);
  // sell-outs go out at once (the worker's urgent push).
  meta: {
    measuredLagMs: META_COLD_START_LAG_MS,
    pushIntervalMs: 60_000,
    budgetWaitMs: metaBudgetWaitMs({ pendingItems: 1 }),
  },
  google: { measuredLagMs: 1_800_000, pushIntervalMs: 300_000, budgetWaitMs: googleBudgetWaitMs() },
};

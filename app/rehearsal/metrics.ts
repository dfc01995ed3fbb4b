/**
 * What one strategy cost on the scenario's demand, counted the same way for every
 * strategy. A buyer only ever buys what their channel shows at that moment:
 * - checkout on the channel (Meta's own checkout by default): the channel takes the
 *   order even when the master has nothing left → oversold units (refunds);
 * - checkout on the store (Google Shopping by default): Shopify refuses what it does not
 *   have → failed checkouts, counted apart and never called oversells;
 * - the channel shows less than the buyer wants while the master could sell it →
 *   withheld units (buyers turned away by buffers); of those, the units still unsold
 *   after the item's last buyer are lost sales, the ones that cost the merchant a sale
 *   (a unit refused to one buyer and sold to the next was not lost).
 * Drift: items a channel shows as available beyond what the master can sell.
 * Exposure, sampled every 5 minutes for every item: item-minutes a channel advertised an
 * item while the master had none to sell, and item-minutes it showed the item out of
 * stock (or paused) while the master could sell it (lost exposure).
 * Cost: every harm above in money, with the scenario's cost weights (`costOf`).
 */
import type { BuyerChannel, CostWeights, ScenarioVariant } from "./scenario";

export const CHANNEL_IDS: readonly BuyerChannel[] = ["online_store", "meta", "google"];
/**
 * native, static and oracle run in-process everywhere; adaptive is the real app over HTTP
 * (`npm run rehearse`); settings is the real engine with a shop's own rules and channel
 * settings, in-process (the app's "rehearse my settings", settings-strategy.ts).
 */
export type StrategyId = "native" | "static" | "adaptive" | "settings" | "oracle";
export type PerChannel<T> = Record<BuyerChannel, T>;

/** The money figure of one strategy, part by part (scenario `costs`, docs/rehearsal.md). */
export interface CostBreakdown {
  oversold: number;
  withheld: number;
  failedCheckouts: number;
  advertisedSoldOut: number;
  lostExposure: number;
  apiCalls: number;
  total: number;
}

/** One alert the app opened, for the outage goal (alerts within minutes of an outage). */
export interface AlertEvent {
  kind: string;
  channel: string | null;
  atHour: number;
}

export interface TimelinePoint {
  hour: number;
  /** Units the master can sell, summed over the catalog. */
  stock: number;
  /** Units each channel shows (Google: offers in stock). */
  shown: PerChannel<number>;
  oversoldUnits: number;
  withheldUnits: number;
  failedCheckoutUnits: number;
  /** Items the master could sell (at least one unit), to set beside Google's offers in stock. */
  itemsInStock?: number;
}

/** One oversell, so the number can be explained item by item (the first 100 are kept). */
export interface OversellEvent {
  hour: number;
  channel: BuyerChannel;
  sku: string;
  units: number;
  /** What the channel showed the buyer, and what the master could really sell. */
  shown: number;
  sellable: number;
}

export interface StrategyResult {
  strategy: StrategyId;
  /** How it ran: the real app over HTTP, or the same model of the channels in-process. */
  mode: "http" | "in-process";
  demandUnits: number;
  soldUnits: number;
  soldValue: number;
  oversoldUnits: number;
  oversoldValue: number;
  oversoldByChannel: PerChannel<number>;
  oversells: OversellEvent[];
  failedCheckoutUnits: number;
  failedCheckoutValue: number;
  failedCheckoutByChannel: PerChannel<number>;
  /** Buyers sent to a sold-out page (store checkout): each counts once, whatever the units. */
  failedCheckoutBuyers: number;
  /** Item-minutes a channel showed an item in stock while the master had none to sell. */
  advertisedSoldOutItemMinutes: PerChannel<number>;
  /** Item-minutes a channel showed an item out of stock (or paused) while the master could sell it. */
  lostExposureItemMinutes: PerChannel<number>;
  withheldUnits: number;
  withheldValue: number;
  withheldByChannel: PerChannel<number>;
  /** Withheld units still sellable after the item's last buyer, summed per item: sales lost for good. */
  lostSalesUnits: number;
  lostSalesValue: number;
  maxDriftItems: number;
  p95DriftItems: number;
  maxDriftByChannel: PerChannel<number>;
  alerts: {
    total: number;
    byKind: Record<string, { count: number; firstAtHour: number }>;
    /** Every alert opened, in order (HTTP runs). */
    events?: AlertEvent[];
  };
  pushes: PerChannel<number>;
  apiCalls: PerChannel<number> & { total: number };
  /**
   * The real app's Shopify access (HTTP runs only), from the fake Shopify's counters:
   * offline-token refreshes it granted, and Admin API requests it answered 401.
   */
  shopify?: { tokenRefreshes: number; authFailures: number };
  timeline: TimelinePoint[];
  /** Set by `withCost` once the run is over. */
  cost?: CostBreakdown;
  wallMs: number;
  notes: string[];
}

export interface ChannelView {
  /** Units the channel offers now (Google in stock: Infinity; out of stock: 0). */
  shown: number;
  checkout: "channel" | "store";
}

const zero = (): PerChannel<number> => ({ online_store: 0, meta: 0, google: 0 });
const round2 = (value: number) => Math.round(value * 100) / 100;

export class Accounting {
  private readonly result: StrategyResult;
  private readonly driftSamples: number[] = [];
  /** Per variant: units withheld, and what the master could still sell after its latest buyer. */
  private readonly withheldOf = new Map<number, number>();
  private readonly sellableAfter = new Map<number, number>();

  constructor(
    strategy: StrategyId,
    mode: StrategyResult["mode"],
    private readonly variants: readonly ScenarioVariant[],
    private readonly startMs: number,
  ) {
    this.result = {
      strategy,
      mode,
      demandUnits: 0,
      soldUnits: 0,
      soldValue: 0,
      oversoldUnits: 0,
      oversoldValue: 0,
      oversoldByChannel: zero(),
      oversells: [],
      failedCheckoutUnits: 0,
      failedCheckoutValue: 0,
      failedCheckoutByChannel: zero(),
      failedCheckoutBuyers: 0,
      advertisedSoldOutItemMinutes: zero(),
      lostExposureItemMinutes: zero(),
      withheldUnits: 0,
      withheldValue: 0,
      withheldByChannel: zero(),
      lostSalesUnits: 0,
      lostSalesValue: 0,
      maxDriftItems: 0,
      p95DriftItems: 0,
      maxDriftByChannel: zero(),
      alerts: { total: 0, byKind: {} },
      pushes: zero(),
      apiCalls: { ...zero(), total: 0 },
      timeline: [],
      wallMs: 0,
      notes: [],
    };
  }

  /**
   * One buyer: `view` is what their channel shows, `storeAvailable` what Shopify would
   * sell at checkout, `master` what the master record can really sell (available plus
   * Ballast's own safety stock, after every order). Returns the units that become an
   * order in Shopify.
   */
  buyer(
    channel: BuyerChannel,
    variant: number,
    wanted: number,
    view: ChannelView,
    storeAvailable: number,
    master: number,
    atMs?: number,
  ): number {
    const price = this.variants[variant]!.price;
    const sellable = Math.max(0, master);
    const r = this.result;
    r.demandUnits += wanted;
    let bought = 0;
    if (view.checkout === "channel") {
      bought = Math.min(wanted, Math.max(0, view.shown));
      const oversold = Math.max(0, bought - sellable);
      r.oversoldUnits += oversold;
      r.oversoldValue += oversold * price;
      r.oversoldByChannel[channel] += oversold;
      if (oversold > 0 && r.oversells.length < 100) {
        r.oversells.push({
          hour: atMs === undefined ? Number.NaN : Math.round(((atMs - this.startMs) / 3_600_000) * 1000) / 1000,
          channel,
          sku: this.variants[variant]!.sku,
          units: oversold,
          shown: view.shown,
          sellable,
        });
      }
    } else if (view.shown > 0) {
      const attempted = Math.min(wanted, view.shown);
      bought = Math.min(attempted, Math.max(0, storeAvailable));
      const failed = attempted - bought;
      r.failedCheckoutUnits += failed;
      r.failedCheckoutValue += failed * price;
      r.failedCheckoutByChannel[channel] += failed;
      if (failed > 0) r.failedCheckoutBuyers += 1;
    }
    const withheld = Math.max(
      0,
      Math.min(wanted, sellable) -
        bought -
        (view.checkout === "store" && view.shown > 0 ? Math.min(wanted, view.shown) - bought : 0),
    );
    r.withheldUnits += withheld;
    r.withheldValue += withheld * price;
    r.withheldByChannel[channel] += withheld;
    if (withheld > 0) this.withheldOf.set(variant, (this.withheldOf.get(variant) ?? 0) + withheld);
    this.sellableAfter.set(variant, Math.max(0, sellable - bought));
    r.soldUnits += bought;
    r.soldValue += bought * price;
    return bought;
  }

  /** One step's exposure sample (every item seen at one moment) stands for `minutes`. */
  exposure(sample: ExposureSample, minutes: number): void {
    for (const channel of CHANNEL_IDS) {
      this.result.advertisedSoldOutItemMinutes[channel] += sample.advertisedSoldOut[channel] * minutes;
      this.result.lostExposureItemMinutes[channel] += sample.lostExposure[channel] * minutes;
    }
  }

  /** Items each channel shows beyond what the master can sell, at one moment. */
  drift(perChannel: PerChannel<number>): void {
    const total = perChannel.online_store + perChannel.meta + perChannel.google;
    this.driftSamples.push(total);
    for (const channel of CHANNEL_IDS) {
      this.result.maxDriftByChannel[channel] = Math.max(this.result.maxDriftByChannel[channel], perChannel[channel]);
    }
  }

  sample(atMs: number, stock: number, shown: PerChannel<number>, itemsInStock?: number): void {
    const r = this.result;
    r.timeline.push({
      hour: Math.round(((atMs - this.startMs) / 3_600_000) * 1000) / 1000,
      stock,
      shown: { ...shown },
      oversoldUnits: r.oversoldUnits,
      withheldUnits: r.withheldUnits,
      failedCheckoutUnits: r.failedCheckoutUnits,
      ...(itemsInStock === undefined ? {} : { itemsInStock }),
    });
  }

  push(channel: BuyerChannel, items: number, calls: number): void {
    this.result.pushes[channel] += items;
    this.result.apiCalls[channel] += calls;
  }

  /** Running totals, for progress lines. */
  get current(): Readonly<StrategyResult> {
    return this.result;
  }

  note(text: string): void {
    this.result.notes.push(text);
  }

  finish(
    extra: Partial<Pick<StrategyResult, "alerts" | "pushes" | "apiCalls" | "shopify" | "wallMs">>,
  ): StrategyResult {
    const r = { ...this.result, ...extra };
    const sorted = [...this.driftSamples].sort((a, b) => a - b);
    r.maxDriftItems = sorted.at(-1) ?? 0;
    r.p95DriftItems =
      sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(0.95 * sorted.length) - 1))]!;
    r.apiCalls = { ...r.apiCalls, total: r.apiCalls.online_store + r.apiCalls.meta + r.apiCalls.google };
    r.soldValue = round2(r.soldValue);
    r.oversoldValue = round2(r.oversoldValue);
    r.withheldValue = round2(r.withheldValue);
    r.lostSalesUnits = 0;
    r.lostSalesValue = 0;
    for (const [variant, withheld] of this.withheldOf) {
      const lost = Math.min(withheld, this.sellableAfter.get(variant) ?? 0);
      r.lostSalesUnits += lost;
      r.lostSalesValue += lost * this.variants[variant]!.price;
    }
    r.lostSalesValue = round2(r.lostSalesValue);
    r.failedCheckoutValue = round2(r.failedCheckoutValue);
    for (const channel of CHANNEL_IDS) {
      r.advertisedSoldOutItemMinutes[channel] = round2(r.advertisedSoldOutItemMinutes[channel]);
      r.lostExposureItemMinutes[channel] = round2(r.lostExposureItemMinutes[channel]);
    }
    return r;
  }
}

/** How often every item's exposure is sampled (at the end of the step that reaches each mark). */
export const EXPOSURE_EVERY_MS = 5 * 60_000;

/**
 * When exposure is due: at the end of the first step that reaches each 5-minute mark (and of
 * the last step), the sample standing for the minutes since the previous one. The same for
 * every strategy; one sample every 5 minutes keeps it off the HTTP run's time.
 */
export class ExposureCadence {
  #last: number;
  #next: number;

  constructor(
    startMs: number,
    private readonly endMs: number,
  ) {
    this.#last = startMs;
    this.#next = startMs + EXPOSURE_EVERY_MS;
  }

  /** The minutes the sample at `stepEnd` stands for, or null when none is due. */
  due(stepEnd: number): number | null {
    const end = Math.min(stepEnd, this.endMs);
    if (end < this.#next && end < this.endMs) return null;
    const minutes = (end - this.#last) / 60_000;
    this.#last = end;
    while (this.#next <= end) this.#next += EXPOSURE_EVERY_MS;
    return minutes > 0 ? minutes : null;
  }
}

/** What one item looks like at one moment: what the master can sell and what each channel shows. */
export interface ItemView {
  /** Available + the app's safety stock (what the master could still sell). */
  sellable: number;
  /** What the Online Store offers (Shopify's available). */
  store: number;
  /** Meta's quantity (an item with a positive quantity is advertised). */
  meta: number;
  googleInStock: boolean;
  /** Google ads paused on the offer (`pause: ads`): still listed, not advertised. */
  googlePaused: boolean;
}

/** Items advertised while sold out and items hidden while sellable, per channel, at one moment. */
export class ExposureSample {
  readonly advertisedSoldOut: PerChannel<number> = zero();
  readonly lostExposure: PerChannel<number> = zero();

  add(view: ItemView): void {
    if (view.sellable <= 0) {
      if (view.store > 0) this.advertisedSoldOut.online_store += 1;
      if (view.meta > 0) this.advertisedSoldOut.meta += 1;
      if (view.googleInStock) this.advertisedSoldOut.google += 1;
      return;
    }
    if (view.store <= 0) this.lostExposure.online_store += 1;
    if (view.meta <= 0) this.lostExposure.meta += 1;
    if (!view.googleInStock || view.googlePaused) this.lostExposure.google += 1;
  }
}

const sum = (perChannel: PerChannel<number>) => perChannel.online_store + perChannel.meta + perChannel.google;

/** The money figure of a result with the scenario's weights: every strategy priced the same way. */
export function costOf(result: StrategyResult, weights: CostWeights): CostBreakdown {
  const part = {
    oversold:
      result.oversoldUnits * weights.oversoldUnit.fixed + result.oversoldValue * weights.oversoldUnit.priceShare,
    // A buyer turned away costs a sale only if the unit never sold to anyone else.
    withheld:
      result.lostSalesUnits * weights.withheldUnit.fixed + result.lostSalesValue * weights.withheldUnit.priceShare,
    failedCheckouts:
      result.failedCheckoutBuyers * weights.failedCheckout.fixed +
      result.failedCheckoutValue * weights.failedCheckout.priceShare,
    advertisedSoldOut: sum(result.advertisedSoldOutItemMinutes) * weights.advertisedSoldOutItemMinute,
    lostExposure: sum(result.lostExposureItemMinutes) * weights.lostExposureItemMinute,
    apiCalls: result.apiCalls.total * weights.apiCall,
  };
  const rounded = Object.fromEntries(Object.entries(part).map(([key, value]) => [key, round2(value)])) as Omit<
    CostBreakdown,
    "total"
  >;
  return { ...rounded, total: round2(Object.values(part).reduce((total, value) => total + value, 0)) };
}

/** The result with its money figure set. */
export function withCost(result: StrategyResult, weights: CostWeights): StrategyResult {
  return { ...result, cost: costOf(result, weights) };
}

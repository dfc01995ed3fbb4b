/**
 * What one strategy cost on the scenario's demand, counted the same way for every
 * strategy. A buyer only ever buys what their channel shows at that moment:
 * - checkout on the channel (Meta's own checkout by default): the channel takes the
 *   order even when the master has nothing left → oversold units (refunds);
 * - checkout on the store (Google Shopping by default): Shopify refuses what it does not
 *   have → failed checkouts, counted apart and never called oversells;
 * - the channel shows less than the buyer wants while the master could sell it →
 *   withheld units (lost sales caused by buffers).
 * Drift: items a channel shows as available beyond what the master can sell.
 */
import type { BuyerChannel, ScenarioVariant } from "./scenario";

export const CHANNEL_IDS: readonly BuyerChannel[] = ["online_store", "meta", "google"];
export type StrategyId = "native" | "static" | "adaptive";
export type PerChannel<T> = Record<BuyerChannel, T>;

export interface TimelinePoint {
  hour: number;
  /** Units the master can sell, summed over the catalog. */
  stock: number;
  /** Units each channel shows (Google: offers in stock). */
  shown: PerChannel<number>;
  oversoldUnits: number;
  withheldUnits: number;
  failedCheckoutUnits: number;
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
  withheldUnits: number;
  withheldValue: number;
  withheldByChannel: PerChannel<number>;
  maxDriftItems: number;
  p95DriftItems: number;
  maxDriftByChannel: PerChannel<number>;
  alerts: { total: number; byKind: Record<string, { count: number; firstAtHour: number }> };
  pushes: PerChannel<number>;
  apiCalls: PerChannel<number> & { total: number };
  /**
   * The real app's Shopify access (HTTP runs only), from the fake Shopify's counters:
   * offline-token refreshes it granted, and Admin API requests it answered 401.
   */
  shopify?: { tokenRefreshes: number; authFailures: number };
  timeline: TimelinePoint[];
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
      withheldUnits: 0,
      withheldValue: 0,
      withheldByChannel: zero(),
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
    r.soldUnits += bought;
    r.soldValue += bought * price;
    return bought;
  }

  /** Items each channel shows beyond what the master can sell, at one moment. */
  drift(perChannel: PerChannel<number>): void {
    const total = perChannel.online_store + perChannel.meta + perChannel.google;
    this.driftSamples.push(total);
    for (const channel of CHANNEL_IDS) {
      this.result.maxDriftByChannel[channel] = Math.max(this.result.maxDriftByChannel[channel], perChannel[channel]);
    }
  }

  sample(atMs: number, stock: number, shown: PerChannel<number>): void {
    const r = this.result;
    r.timeline.push({
      hour: Math.round(((atMs - this.startMs) / 3_600_000) * 1000) / 1000,
      stock,
      shown: { ...shown },
      oversoldUnits: r.oversoldUnits,
      withheldUnits: r.withheldUnits,
      failedCheckoutUnits: r.failedCheckoutUnits,
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
    r.failedCheckoutValue = round2(r.failedCheckoutValue);
    return r;
  }
}

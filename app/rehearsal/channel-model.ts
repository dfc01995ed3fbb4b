/**
 * The channels as buyers see them, in-process, shared by every in-process strategy (native,
 * static, your settings, the oracle). It mirrors the fakes exactly: a written value becomes
 * visible after the channel's lag (`expanded.landsAt`: the lag in force when it was sent,
 * pushed past any outage of the channel), one item's writes in the order sent; Meta's own
 * checkout lowers the figure Meta shows at once; Google shows availability only (a value of
 * 2 is "in stock, ads paused"). The Online Store shows Shopify's available: what the master
 * has less the units the app moved to safety_stock.
 *
 * A strategy is a step loop (StrategySimulation): its own work at the start of each step,
 * then the step's buyers served by `serveBuyer`, then the samples due (`sampleStep`), so a
 * caller can run it to the end at once (`runToEnd`) or a few steps at a time.
 */
import {
  Accounting,
  ExposureCadence,
  ExposureSample,
  type PerChannel,
  type StrategyId,
  type StrategyResult,
} from "./metrics";
import type { Buyer, Checkout, ExpandedScenario } from "./scenario";

export interface Version {
  visibleAt: number;
  value: number;
}

/** Google's value for "in stock, ads paused" (app/channels/item-value.ts, GOOGLE_CODE). */
export const GOOGLE_IN_STOCK_ADS_PAUSED = 2;

/** One channel's catalog: written values become visible at their time (like the fakes). */
export class ChannelShadow {
  private readonly versions: Version[][];
  /** When each item's last queued write lands: one item's writes apply in the order sent. */
  private readonly queueEnd_: number[];
  constructor(initial: readonly number[]) {
    this.versions = initial.map((value) => [{ visibleAt: -Infinity, value }]);
    this.queueEnd_ = initial.map(() => -Infinity);
  }
  /** A write that lands after the channel's delay, never before an earlier write of the item. Returns when it lands. */
  write(item: number, visibleAt: number, value: number): number {
    const landsAt = Math.max(visibleAt, this.queueEnd_[item]!);
    this.queueEnd_[item] = landsAt;
    this.insert(item, landsAt, value);
    return landsAt;
  }
  private insert(item: number, visibleAt: number, value: number): void {
    const list = this.versions[item]!;
    list.push({ visibleAt, value });
    list.sort((a, b) => a.visibleAt - b.visibleAt);
  }
  visible(item: number, now: number): number {
    const list = this.versions[item]!;
    for (let index = list.length - 1; index >= 0; index -= 1)
      if (list[index]!.visibleAt <= now) return list[index]!.value;
    return 0;
  }
  /** When the item's last queued write lands (-Infinity before any write): a new write lands no earlier. */
  queueEnd(item: number): number {
    return this.queueEnd_[item]!;
  }
  /** Versions of the item that become visible after `now`, earliest first. */
  pendingAfter(item: number, now: number): readonly Version[] {
    const list = this.versions[item]!;
    let first = list.length;
    while (first > 0 && list[first - 1]!.visibleAt > now) first -= 1;
    return list.slice(first);
  }
  /** Meta's own checkout: lowers the figure shown now, at once (queued writes land later as sent, as in the fake). */
  sell(item: number, units: number, now: number): void {
    this.insert(item, now, Math.max(0, this.visible(item, now) - units));
  }
}

export interface ProgressReporter {
  (strategy: string, fraction: number, line: string): void;
}

const SAMPLE_EVERY_MS = 5 * 60_000;

/** The shop and the channels as buyers see them. */
export interface Shelves {
  /** Per item: available + the app's safety stock. */
  physical: number[];
  /** Per item: the units the app moved to safety_stock to hold them from the Online Store. */
  safety: number[];
  meta: ChannelShadow;
  google: ChannelShadow;
}

/** Where each channel's buyers check out. */
export type Checkouts = PerChannel<Checkout>;

export function checkoutsOf(expanded: ExpandedScenario): Checkouts {
  const { channels } = expanded.scenario;
  return { online_store: "store", meta: channels.meta.checkout, google: channels.google.checkout };
}

/** What happens after a sale, per strategy: native mirrors the level, static hears of it by webhook, the oracle knew. */
export type AfterSale = (item: number, physicalAfter: number, at: number, units: number) => void;

/** One buyer: buys what the channel shows (counted by the shared accounting); Meta's own checkout lowers Meta's figure. */
export function serveBuyer(
  buyer: Buyer,
  shelves: Shelves,
  accounting: Accounting,
  checkout: Checkouts,
  afterSale: AfterSale,
): void {
  const { physical, safety, meta, google } = shelves;
  const at = buyer.atMs;
  const item = buyer.variant;
  const storeAvailable = physical[item]! - safety[item]!;
  const shown =
    buyer.channel === "online_store"
      ? Math.max(0, storeAvailable)
      : buyer.channel === "meta"
        ? meta.visible(item, at)
        : google.visible(item, at) > 0
          ? Number.POSITIVE_INFINITY
          : 0;
  const bought = accounting.buyer(
    buyer.channel,
    item,
    buyer.units,
    { shown, checkout: checkout[buyer.channel] },
    storeAvailable,
    physical[item]!,
    buyer.atMs,
  );
  if (bought <= 0) return;
  if (buyer.channel === "meta" && checkout.meta === "channel") meta.sell(item, bought, at);
  physical[item] = physical[item]! - bought;
  afterSale(item, physical[item]!, at, bought);
}

/** The shelves at the start: every channel shows the starting stock (Google: in stock when there is some). */
export function openShelves(expanded: ExpandedScenario): Shelves {
  const { variants } = expanded;
  return {
    physical: variants.map((variant) => variant.stock),
    safety: new Array<number>(variants.length).fill(0),
    meta: new ChannelShadow(variants.map((variant) => variant.stock)),
    google: new ChannelShadow(variants.map((variant) => (variant.stock > 0 ? 1 : 0))),
  };
}

/**
 * After a step's buyers: the exposure of every item at the step's end when due (every 5
 * minutes, standing for the minutes since the last), and the timeline and drift samples due by then. The same for every
 * in-process strategy; the HTTP run samples the fakes the same way (sim/rehearsal/adaptive-day.ts).
 */
export function sampleStep(
  accounting: Accounting,
  expanded: ExpandedScenario,
  shelves: Shelves,
  stepEnd: number,
  sampling: { nextSample: number; exposure: ExposureCadence },
): number {
  const { physical, safety, meta, google } = shelves;
  const minutes = sampling.exposure.due(stepEnd);
  if (minutes !== null) {
    const exposure = new ExposureSample();
    for (let item = 0; item < physical.length; item += 1) {
      const googleShown = google.visible(item, stepEnd);
      exposure.add({
        sellable: physical[item]!,
        store: Math.max(0, physical[item]! - safety[item]!),
        meta: meta.visible(item, stepEnd),
        googleInStock: googleShown > 0,
        googlePaused: googleShown === GOOGLE_IN_STOCK_ADS_PAUSED,
      });
    }
    accounting.exposure(exposure, minutes);
  }
  let next = sampling.nextSample;
  while (next <= stepEnd && next < expanded.endMs) {
    sampleInProcess(accounting, next, shelves);
    next += SAMPLE_EVERY_MS;
  }
  return next;
}

export function accountingSnapshot(accounting: Accounting): string {
  const now = accounting.current;
  return `${now.oversoldUnits} · withheld ${now.withheldUnits} · failed checkouts ${now.failedCheckoutUnits}`;
}

function sampleInProcess(accounting: Accounting, at: number, shelves: Shelves): void {
  const { physical, safety, meta, google } = shelves;
  const shown: PerChannel<number> = { online_store: 0, meta: 0, google: 0 };
  const drift: PerChannel<number> = { online_store: 0, meta: 0, google: 0 };
  let stock = 0;
  let itemsInStock = 0;
  for (let item = 0; item < physical.length; item += 1) {
    const sellable = Math.max(0, physical[item]!);
    stock += sellable;
    if (sellable > 0) itemsInStock += 1;
    const store = Math.max(0, physical[item]! - safety[item]!);
    const metaShown = meta.visible(item, at);
    // Offers in stock (ads paused or not).
    const googleShown = google.visible(item, at) > 0 ? 1 : 0;
    shown.online_store += store;
    shown.meta += metaShown;
    shown.google += googleShown;
    if (metaShown > sellable) drift.meta += 1;
    if (googleShown > 0 && sellable <= 0) drift.google += 1;
  }
  accounting.drift(drift);
  accounting.sample(at, stock, shown, itemsInStock);
}

/** One strategy over the scenario, a step at a time. */
export interface StrategySimulation {
  readonly strategy: StrategyId;
  readonly steps: number;
  /** Steps run so far. */
  readonly done: number;
  /** Runs the next step (nothing once every step has run). */
  step(): void;
  /** The result, once every step has run. */
  finish(wallMs: number): StrategyResult;
  /** Running totals, for progress lines. */
  progressLine(): string;
}

/**
 * The step loop every in-process strategy shares: `plan` (the strategy's own work at the
 * step's start), the step's buyers (`beforeBuyer` first, `afterSale` after each sale), then
 * the samples due.
 */
export abstract class ShelfSimulation implements StrategySimulation {
  readonly accounting: Accounting;
  readonly shelves: Shelves;
  readonly checkout: Checkouts;
  readonly steps: number;
  #done = 0;
  #buyerIndex = 0;
  #nextSample: number;
  readonly #exposure: ExposureCadence;

  constructor(
    readonly strategy: StrategyId,
    readonly expanded: ExpandedScenario,
    readonly buyers: readonly Buyer[],
  ) {
    this.accounting = new Accounting(strategy, "in-process", expanded.variants, expanded.startMs);
    this.shelves = openShelves(expanded);
    this.checkout = checkoutsOf(expanded);
    this.steps = expanded.steps;
    this.#nextSample = expanded.startMs;
    this.#exposure = new ExposureCadence(expanded.startMs, expanded.endMs);
  }

  get done(): number {
    return this.#done;
  }

  /** The strategy's own work at the start of a step (decide, push, learn). */
  protected abstract plan(now: number): void;
  protected abstract afterSale(item: number, physicalAfter: number, at: number, units: number): void;
  protected beforeBuyer(_buyer: Buyer): void {}

  step(): void {
    if (this.#done >= this.steps) return;
    const { expanded, buyers } = this;
    const now = expanded.startMs + this.#done * expanded.stepMs;
    this.plan(now);
    const stepEnd = now + expanded.stepMs;
    const afterSale: AfterSale = (item, physicalAfter, at, units) => this.afterSale(item, physicalAfter, at, units);
    while (this.#buyerIndex < buyers.length && buyers[this.#buyerIndex]!.atMs < stepEnd) {
      this.beforeBuyer(buyers[this.#buyerIndex]!);
      serveBuyer(buyers[this.#buyerIndex]!, this.shelves, this.accounting, this.checkout, afterSale);
      this.#buyerIndex += 1;
    }
    this.#nextSample = sampleStep(this.accounting, expanded, this.shelves, stepEnd, {
      nextSample: this.#nextSample,
      exposure: this.#exposure,
    });
    this.#done += 1;
  }

  progressLine(): string {
    return `oversold ${accountingSnapshot(this.accounting)}`;
  }

  abstract finish(wallMs: number): StrategyResult;
}

/**
 * Runs a simulation to its end, reporting progress every 60 steps and at the last; `clock`
 * (performance.now in the command line) times it.
 */
export function runToEnd(
  simulation: StrategySimulation,
  options: { progress?: ProgressReporter; clock?: () => number } = {},
): StrategyResult {
  const started = options.clock?.() ?? 0;
  const { steps } = simulation;
  while (simulation.done < steps) {
    const step = simulation.done;
    simulation.step();
    if (options.progress && (step % 60 === 0 || step === steps - 1))
      options.progress(simulation.strategy, (step + 1) / steps, simulation.progressLine());
  }
  return simulation.finish(Math.round((options.clock?.() ?? 0) - started));
}

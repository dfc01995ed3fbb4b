/**
 * Native sync and static tiers, simulated in-process on the same demand, lags and
 * webhook delays as the HTTP run of Ballast adaptive. The channel model mirrors the
 * fakes exactly: a written value becomes visible after the channel's lag, Meta's own
 * checkout lowers the figure Meta shows at once, Google shows availability only.
 *
 * - native: Shopify's own Meta and Google apps mirror Shopify's available after each
 *   change, with the channel's delay; no buffers, no Online Store hold.
 * - static: an app with the seed's fixed 8/7/6 rules (Online Store hold 2, Meta 25%,
 *   Google tiers) and no lag-awareness. It learns levels from webhooks (same delays),
 *   and pushes once per step (Google every 5 minutes), through the real engine.
 *
 * A write lands when `expanded.landsAt` says (the lag in force when it was sent, pushed
 * past any outage of the channel), one item's writes in the order sent. The oracle
 * (oracle.ts) runs on the same shelves, buyers and sampling.
 */
import {
  allocateItem,
  applyLevelUpdate,
  compileRuleSet,
  createMasterRecord,
  DEFAULT_CHANNEL_TIMING,
  locationGid,
  productGid,
  ruleSetSchema,
  shopChannelSettingsSchema,
  shopDomain,
  variantGid,
  type AllocationContext,
  type RuleSet,
} from "~/domain";
import { Accounting, ExposureCadence, ExposureSample, type PerChannel, type StrategyResult } from "./metrics";
import { stream, type Random } from "./random";
import type { Buyer, Checkout, ExpandedScenario } from "./scenario";

/** The seed's shop defaults without the lag-aware part: the 8 / 7 / 6 approach. */
export const STATIC_RULES: RuleSet = ruleSetSchema.parse({
  shopDefaults: {
    online_store: { fixedUnits: 2 },
    meta: { percent: 25 },
    google: {
      tiers: [
        { atOrBelow: 3, hold: "all" },
        { atOrBelow: 20, hold: 4 },
      ],
    },
  },
});

/**
 * The static approach holds its fixed 2 units on the Online Store whatever the stock: thin
 * stock (Ballast's default, which shows the last 3 or fewer units on the Online Store) is off,
 * so this baseline stays what it always was.
 */
const STATIC_SETTINGS = shopChannelSettingsSchema.parse({ online_store: { thinStock: { keepSellingAtOrBelow: 0 } } });

export interface Version {
  visibleAt: number;
  value: number;
}

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
const GOOGLE_PUSH_EVERY_MS = 5 * 60_000;

/** The shop and the channels as buyers see them. */
export interface Shelves {
  /** Per item: available + the app's safety stock. */
  physical: number[];
  /** Per item: the units the app moved to safety_stock to hold them from the Online Store. */
  safety: number[];
  meta: ChannelShadow;
  google: ChannelShadow;
}

/** A level update on its way to the static app: it arrives at `at`, stamped by Shopify at `stampedAt`. */
interface Arrival {
  at: number;
  item: number;
  level: number;
  stampedAt: number;
}

/**
 * The static approach as an app: it knows levels from webhooks (newer-wins by Shopify's
 * stamp), decides with the real engine and the fixed rules, and pushes once per step
 * (Google every 5 minutes).
 */
class StaticApp {
  readonly #view: number[];
  readonly #viewStamp: number[];
  readonly #dirty: Set<number>;
  readonly #pushedMeta: number[];
  readonly #pushedGoogle: number[];
  readonly #arrivals: Arrival[] = [];
  readonly #webhookRandom: Random;
  readonly #rules = compileRuleSet(STATIC_RULES);
  readonly #shop = shopDomain("ballast-rehearsal.myshopify.com");
  readonly #location = locationGid("gid://shopify/Location/1");
  #lastGooglePush = -Infinity;

  constructor(private readonly expanded: ExpandedScenario) {
    const { variants, startMs } = expanded;
    this.#view = variants.map((variant) => variant.stock);
    this.#viewStamp = new Array<number>(variants.length).fill(startMs - 1);
    this.#dirty = new Set<number>(variants.map((variant) => variant.index));
    this.#pushedMeta = variants.map((variant) => variant.stock);
    this.#pushedGoogle = variants.map((variant) => (variant.stock > 0 ? 1 : 0));
    this.#webhookRandom = stream(expanded.seed, "webhooks");
  }

  /** orders/create + inventory_levels/update: the level reaches the app after the webhook delay. */
  orderPlaced(item: number, level: number, at: number): void {
    this.#arrivals.push({ at: at + this.expanded.webhookDelayMs(at, this.#webhookRandom), item, level, stampedAt: at });
  }

  /** Webhooks that arrived by now (newer-wins by Shopify's stamp, so late ones change nothing). */
  receive(now: number): void {
    const arrivals = this.#arrivals;
    arrivals.sort((a, b) => a.at - b.at);
    let delivered = 0;
    while (delivered < arrivals.length && arrivals[delivered]!.at <= now) {
      const arrival = arrivals[delivered]!;
      if (arrival.stampedAt > this.#viewStamp[arrival.item]!) {
        this.#view[arrival.item] = arrival.level;
        this.#viewStamp[arrival.item] = arrival.stampedAt;
        this.#dirty.add(arrival.item);
      }
      delivered += 1;
    }
    arrivals.splice(0, delivered);
  }

  #decide(item: number, sellable: number, nowMs: number) {
    const record = applyLevelUpdate(
      createMasterRecord(this.#shop, variantGid(`gid://shopify/ProductVariant/${item + 1}`)),
      {
        locationId: this.#location,
        available: sellable,
        onHand: Math.max(0, sellable),
        committed: 0,
        updatedAtMs: nowMs - 1,
      },
    );
    const context: AllocationContext = {
      nowMs,
      rules: this.#rules,
      settings: STATIC_SETTINGS,
      timing: DEFAULT_CHANNEL_TIMING,
    };
    return allocateItem(
      {
        variantId: record.variantId,
        productId: productGid(`gid://shopify/Product/${item + 1}`),
        collectionIds: [],
        record,
      },
      context,
    ).decisions;
  }

  /** Decides every changed item and writes what changed: the Online Store hold, Meta's quantity, Google's availability when due. */
  push(now: number, shelves: Shelves, accounting: Accounting): void {
    const googleDue = now - this.#lastGooglePush >= GOOGLE_PUSH_EVERY_MS;
    let storeMoves = 0;
    let metaItems = 0;
    let googleItems = 0;
    for (const item of [...this.#dirty].sort((a, b) => a - b)) {
      const decisions = this.#decide(item, Math.max(0, this.#view[item]!), now);
      // Online Store: move available → safety_stock so the store shows its target (only what is available can move).
      const targetSafety = Math.max(0, Math.max(0, this.#view[item]!) - decisions.online_store.quantity);
      const nextSafety = Math.max(0, Math.min(targetSafety, shelves.physical[item]!));
      if (nextSafety !== shelves.safety[item]) {
        shelves.safety[item] = nextSafety;
        storeMoves += 1;
      }
      if (decisions.meta.quantity !== this.#pushedMeta[item]) {
        this.#pushedMeta[item] = decisions.meta.quantity;
        shelves.meta.write(item, this.expanded.landsAt("meta", now), decisions.meta.quantity);
        metaItems += 1;
      }
      const inStock = decisions.google.quantity > 0 ? 1 : 0;
      if (googleDue && inStock !== this.#pushedGoogle[item]) {
        this.#pushedGoogle[item] = inStock;
        shelves.google.write(item, this.expanded.landsAt("google", now), inStock);
        googleItems += 1;
      }
      if (googleDue || inStock === this.#pushedGoogle[item]) this.#dirty.delete(item);
    }
    if (googleDue) this.#lastGooglePush = now;
    // Calls as the connectors batch them: 250 moves, 3,000 Meta items (+1 status check), 1 Google product per call.
    accounting.push("online_store", storeMoves, Math.ceil(storeMoves / 250));
    accounting.push("meta", metaItems, Math.ceil(metaItems / 3000) * 2);
    accounting.push("google", googleItems, googleItems);
  }
}

/** Where each channel's buyers check out. */
export type Checkouts = PerChannel<Checkout>;

export function checkoutsOf(expanded: ExpandedScenario): Checkouts {
  const { channels } = expanded.scenario;
  return { online_store: "store", meta: channels.meta.checkout, google: channels.google.checkout };
}

/** What happens after a sale, per strategy: native mirrors the level, static hears of it by webhook, the oracle knew. */
export type AfterSale = (item: number, physicalAfter: number, at: number) => void;

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
  afterSale(item, physical[item]!, at);
}

/** Shopify's own channel apps mirror available after their delay (one call per item update). */
function nativeMirror(expanded: ExpandedScenario, shelves: Shelves, accounting: Accounting): AfterSale {
  return (item, physicalAfter, at) => {
    const available = Math.max(0, physicalAfter);
    shelves.meta.write(item, expanded.landsAt("meta", at), available);
    shelves.google.write(item, expanded.landsAt("google", at), available > 0 ? 1 : 0);
    accounting.push("meta", 1, 1);
    accounting.push("google", 1, 1);
  };
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
 * in-process strategy; the HTTP run samples the fakes the same way (adaptive-day.ts).
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
      exposure.add({
        sellable: physical[item]!,
        store: Math.max(0, physical[item]! - safety[item]!),
        meta: meta.visible(item, stepEnd),
        googleInStock: google.visible(item, stepEnd) > 0,
        googlePaused: false,
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

export function simulateInProcess(
  strategy: "native" | "static",
  expanded: ExpandedScenario,
  buyers: readonly Buyer[],
  progress?: ProgressReporter,
): StrategyResult {
  const started = performance.now();
  const { variants, startMs, stepMs, steps } = expanded;
  const accounting = new Accounting(strategy, "in-process", variants, startMs);
  const shelves = openShelves(expanded);
  const staticApp = strategy === "static" ? new StaticApp(expanded) : null;
  const checkout = checkoutsOf(expanded);
  const afterSale: AfterSale = staticApp
    ? (item, physicalAfter, at) => staticApp.orderPlaced(item, physicalAfter, at)
    : nativeMirror(expanded, shelves, accounting);

  let buyerIndex = 0;
  let nextSample = startMs;
  const exposure = new ExposureCadence(startMs, expanded.endMs);
  for (let step = 0; step < steps; step += 1) {
    const now = startMs + step * stepMs;
    staticApp?.receive(now);
    staticApp?.push(now, shelves, accounting);
    const stepEnd = now + stepMs;
    while (buyerIndex < buyers.length && buyers[buyerIndex]!.atMs < stepEnd) {
      serveBuyer(buyers[buyerIndex]!, shelves, accounting, checkout, afterSale);
      buyerIndex += 1;
    }
    nextSample = sampleStep(accounting, expanded, shelves, stepEnd, { nextSample, exposure });
    if (progress && (step % 60 === 0 || step === steps - 1)) {
      progress(strategy, (step + 1) / steps, `oversold ${accountingSnapshot(accounting)}`);
    }
  }
  const result = accounting.finish({ wallMs: Math.round(performance.now() - started) });
  result.notes.push(
    strategy === "native"
      ? "Simulated in-process: Shopify's own channel apps write each change of available after the channel's lag (one call per item update)."
      : "Simulated in-process with the real engine (seed rules without lag-awareness); levels reach it through webhooks with the scenario's delays; calls counted as the connectors batch them (writes only).",
  );
  return result;
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
  for (let item = 0; item < physical.length; item += 1) {
    const sellable = Math.max(0, physical[item]!);
    stock += sellable;
    const store = Math.max(0, physical[item]! - safety[item]!);
    const metaShown = meta.visible(item, at);
    const googleShown = google.visible(item, at);
    shown.online_store += store;
    shown.meta += metaShown;
    shown.google += googleShown;
    if (metaShown > sellable) drift.meta += 1;
    if (googleShown > 0 && sellable <= 0) drift.google += 1;
  }
  accounting.drift(drift);
  accounting.sample(at, stock, shown);
}

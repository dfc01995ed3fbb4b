/**
 * Native sync and static tiers, simulated in-process on the same demand, lags and
 * webhook delays as the HTTP run of Ballast adaptive, on the shared channel model
 * (channel-model.ts).
 *
 * - native: Shopify's own Meta and Google apps mirror Shopify's available after each
 *   change, with the channel's delay; no buffers, no Online Store hold.
 * - static: an app with the seed's fixed 8/7/6 rules (Online Store hold 2, Meta 25%,
 *   Google tiers) and no lag-awareness. It learns levels from webhooks (same delays),
 *   and pushes once per step (Google every 5 minutes), through the real engine.
 *
 * The oracle (oracle.ts) and your settings (settings-strategy.ts) run on the same shelves,
 * buyers and sampling.
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
import {
  runToEnd,
  ShelfSimulation,
  type ProgressReporter,
  type Shelves,
  type StrategySimulation,
} from "./channel-model";
import type { Accounting, StrategyResult } from "./metrics";
import { stream, type Random } from "./random";
import type { Buyer, ExpandedScenario } from "./scenario";

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

const GOOGLE_PUSH_EVERY_MS = 5 * 60_000;

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

/** Native sync or static tiers, a step at a time. */
class InProcessSimulation extends ShelfSimulation {
  readonly #staticApp: StaticApp | null;

  constructor(strategy: "native" | "static", expanded: ExpandedScenario, buyers: readonly Buyer[]) {
    super(strategy, expanded, buyers);
    this.#staticApp = strategy === "static" ? new StaticApp(expanded) : null;
  }

  protected plan(now: number): void {
    this.#staticApp?.receive(now);
    this.#staticApp?.push(now, this.shelves, this.accounting);
  }

  /** Static hears of a sale by webhook; native mirrors it (Shopify's own channel apps, one call per item update). */
  protected afterSale(item: number, physicalAfter: number, at: number): void {
    if (this.#staticApp) {
      this.#staticApp.orderPlaced(item, physicalAfter, at);
      return;
    }
    const available = Math.max(0, physicalAfter);
    this.shelves.meta.write(item, this.expanded.landsAt("meta", at), available);
    this.shelves.google.write(item, this.expanded.landsAt("google", at), available > 0 ? 1 : 0);
    this.accounting.push("meta", 1, 1);
    this.accounting.push("google", 1, 1);
  }

  finish(wallMs: number): StrategyResult {
    const result = this.accounting.finish({ wallMs });
    result.notes.push(
      this.strategy === "native"
        ? "Simulated in-process: Shopify's own channel apps write each change of available after the channel's lag (one call per item update)."
        : "Simulated in-process with the real engine (seed rules without lag-awareness); levels reach it through webhooks with the scenario's delays; calls counted as the connectors batch them (writes only).",
    );
    return result;
  }
}

export function inProcessSimulation(
  strategy: "native" | "static",
  expanded: ExpandedScenario,
  buyers: readonly Buyer[],
): StrategySimulation {
  return new InProcessSimulation(strategy, expanded, buyers);
}

export function simulateInProcess(
  strategy: "native" | "static",
  expanded: ExpandedScenario,
  buyers: readonly Buyer[],
  progress?: ProgressReporter,
  clock?: () => number,
): StrategyResult {
  return runToEnd(inProcessSimulation(strategy, expanded, buyers), { progress, clock });
}

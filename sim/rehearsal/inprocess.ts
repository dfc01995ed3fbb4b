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
import { Accounting, type PerChannel, type StrategyResult } from "./metrics";
import { stream } from "./random";
import type { Buyer, ExpandedScenario } from "./scenario";

/** The seed's shop defaults without the lag-aware part: the 8 / 7 / 6 approach. */
export const STATIC_RULES: RuleSet = ruleSetSchema.parse({
  shopDefaults: {
    online_store: { fixedUnits: 2 },
    meta: { percent: 25 },
    google: { tiers: [{ atOrBelow: 3, hold: "all" }, { atOrBelow: 20, hold: 4 }] },
  },
});

/**
 * The static approach holds its fixed 2 units on the Online Store whatever the stock: thin
 * stock (Ballast's default, which shows the last 3 or fewer units on the Online Store) is off,
 * so this baseline stays what it always was.
 */
const STATIC_SETTINGS = shopChannelSettingsSchema.parse({ online_store: { thinStock: { keepSellingAtOrBelow: 0 } } });

interface Version {
  visibleAt: number;
  value: number;
}

/** One channel's catalogue: written values become visible at their time (like the fakes). */
export class ChannelShadow {
  private readonly versions: Version[][];
  /** When each item's last queued write lands: one item's writes apply in the order sent. */
  private readonly queueEnd: number[];
  constructor(initial: readonly number[]) {
    this.versions = initial.map((value) => [{ visibleAt: -Infinity, value }]);
    this.queueEnd = initial.map(() => -Infinity);
  }
  /** A write that lands after the channel's delay, never before an earlier write of the item. */
  write(item: number, visibleAt: number, value: number): void {
    const landsAt = Math.max(visibleAt, this.queueEnd[item]!);
    this.queueEnd[item] = landsAt;
    this.insert(item, landsAt, value);
  }
  private insert(item: number, visibleAt: number, value: number): void {
    const list = this.versions[item]!;
    list.push({ visibleAt, value });
    list.sort((a, b) => a.visibleAt - b.visibleAt);
  }
  visible(item: number, now: number): number {
    const list = this.versions[item]!;
    for (let index = list.length - 1; index >= 0; index -= 1) if (list[index]!.visibleAt <= now) return list[index]!.value;
    return 0;
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

export function simulateInProcess(
  strategy: "native" | "static",
  expanded: ExpandedScenario,
  buyers: readonly Buyer[],
  progress?: ProgressReporter,
): StrategyResult {
  const started = performance.now();
  const { variants, startMs, stepMs, steps, scenario } = expanded;
  const accounting = new Accounting(strategy, "in-process", variants, startMs);
  const count = variants.length;
  const physical = variants.map((variant) => variant.stock); // available + the app's safety stock
  const safety = new Array<number>(count).fill(0);
  const meta = new ChannelShadow(variants.map((variant) => variant.stock));
  const google = new ChannelShadow(variants.map((variant) => (variant.stock > 0 ? 1 : 0)));
  const checkout = { online_store: "store" as const, meta: scenario.channels.meta.checkout, google: scenario.channels.google.checkout };

  // static: what the app knows (from webhooks) and what it last pushed.
  const view = variants.map((variant) => variant.stock);
  const viewStamp = new Array<number>(count).fill(startMs - 1);
  const dirty = new Set<number>(variants.map((variant) => variant.index));
  const pushedMeta = variants.map((variant) => variant.stock);
  const pushedGoogle = variants.map((variant) => (variant.stock > 0 ? 1 : 0));
  const webhookRandom = stream(expanded.seed, "webhooks");
  const arrivals: { at: number; item: number; level: number; stampedAt: number }[] = [];
  const rules = compileRuleSet(STATIC_RULES);
  const shop = shopDomain("ballast-rehearsal.myshopify.com");
  const location = locationGid("gid://shopify/Location/1");

  const staticDecision = (item: number, sellable: number, nowMs: number) => {
    const record = applyLevelUpdate(createMasterRecord(shop, variantGid(`gid://shopify/ProductVariant/${item + 1}`)), {
      locationId: location,
      available: sellable,
      onHand: Math.max(0, sellable),
      committed: 0,
      updatedAtMs: nowMs - 1,
    });
    const context: AllocationContext = { nowMs, rules, settings: STATIC_SETTINGS, timing: DEFAULT_CHANNEL_TIMING };
    return allocateItem({ variantId: record.variantId, productId: productGid(`gid://shopify/Product/${item + 1}`), collectionIds: [], record }, context).decisions;
  };

  let buyerIndex = 0;
  let nextSample = startMs;
  let lastGooglePush = -Infinity;
  for (let step = 0; step < steps; step += 1) {
    const now = startMs + step * stepMs;
    if (strategy === "static") {
      // Webhooks that arrived by now (newer-wins by Shopify's stamp, so late ones change nothing).
      arrivals.sort((a, b) => a.at - b.at);
      let delivered = 0;
      while (delivered < arrivals.length && arrivals[delivered]!.at <= now) {
        const arrival = arrivals[delivered]!;
        if (arrival.stampedAt > viewStamp[arrival.item]!) {
          view[arrival.item] = arrival.level;
          viewStamp[arrival.item] = arrival.stampedAt;
          dirty.add(arrival.item);
        }
        delivered += 1;
      }
      arrivals.splice(0, delivered);
      const googleDue = now - lastGooglePush >= GOOGLE_PUSH_EVERY_MS;
      let storeMoves = 0;
      let metaItems = 0;
      let googleItems = 0;
      for (const item of [...dirty].sort((a, b) => a - b)) {
        const decisions = staticDecision(item, Math.max(0, view[item]!), now);
        // Online Store: move available → safety_stock so the store shows its target (only what is available can move).
        const targetSafety = Math.max(0, Math.max(0, view[item]!) - decisions.online_store.quantity);
        const nextSafety = Math.max(0, Math.min(targetSafety, physical[item]!));
        if (nextSafety !== safety[item]) {
          safety[item] = nextSafety;
          storeMoves += 1;
        }
        if (decisions.meta.quantity !== pushedMeta[item]) {
          pushedMeta[item] = decisions.meta.quantity;
          meta.write(item, now + expanded.lagMs("meta", now), decisions.meta.quantity);
          metaItems += 1;
        }
        const inStock = decisions.google.quantity > 0 ? 1 : 0;
        if (googleDue) {
          if (inStock !== pushedGoogle[item]) {
            pushedGoogle[item] = inStock;
            google.write(item, now + expanded.lagMs("google", now), inStock);
            googleItems += 1;
          }
        }
        if (googleDue || inStock === pushedGoogle[item]) dirty.delete(item);
      }
      if (googleDue) lastGooglePush = now;
      // Calls as the connectors batch them: 250 moves, 3,000 Meta items (+1 status check), 1 Google product per call.
      accounting.push("online_store", storeMoves, Math.ceil(storeMoves / 250));
      accounting.push("meta", metaItems, Math.ceil(metaItems / 3000) * 2);
      accounting.push("google", googleItems, googleItems);
    }

    const stepEnd = now + stepMs;
    while (buyerIndex < buyers.length && buyers[buyerIndex]!.atMs < stepEnd) {
      const buyer = buyers[buyerIndex]!;
      buyerIndex += 1;
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
      const bought = accounting.buyer(buyer.channel, item, buyer.units, { shown, checkout: checkout[buyer.channel] }, storeAvailable, physical[item]!, buyer.atMs);
      if (bought <= 0) continue;
      if (buyer.channel === "meta" && checkout.meta === "channel") meta.sell(item, bought, at);
      physical[item] = physical[item]! - bought;
      if (strategy === "native") {
        // Shopify's own channel apps mirror available after their delay.
        const available = Math.max(0, physical[item]!);
        meta.write(item, at + expanded.lagMs("meta", at), available);
        google.write(item, at + expanded.lagMs("google", at), available > 0 ? 1 : 0);
        accounting.push("meta", 1, 1);
        accounting.push("google", 1, 1);
      } else {
        // orders/create + inventory_levels/update: the level reaches the app after the webhook delay.
        arrivals.push({ at: at + expanded.webhookDelayMs(at, webhookRandom), item, level: physical[item]!, stampedAt: at });
      }
    }

    while (nextSample <= stepEnd && nextSample < expanded.endMs) {
      sampleInProcess(accounting, nextSample, physical, safety, meta, google);
      nextSample += SAMPLE_EVERY_MS;
    }
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

function accountingSnapshot(accounting: Accounting): string {
  const now = accounting.current;
  return `${now.oversoldUnits} · withheld ${now.withheldUnits} · failed checkouts ${now.failedCheckoutUnits}`;
}

function sampleInProcess(accounting: Accounting, at: number, physical: number[], safety: number[], meta: ChannelShadow, google: ChannelShadow): void {
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

/**
 * The "your settings" strategy's app: what the worker does, step by step, in memory, with
 * the real engine and a shop's own rules and channel settings. Each step, as the HTTP run's
 * worker pass (sim/rehearsal/adaptive-day.ts):
 *
 * 1. ingest: the webhooks delivered during the previous step (orders/create and
 *    inventory_levels/update, with the scenario's delays, duplicates and overtaking; a
 *    duplicate is recognised by its event id and changes nothing) update the master records
 *    (applyOrder, applyLevelUpdate: newer wins) and the shop's order list;
 * 2. recompute: every item every 5 minutes, else the items whose record changed, with
 *    allocateItem (explanations on), syncRowMemory and planSyncRows; timing and the shop's
 *    signals (rush lift, prior speed) as the worker computes them (settings-timing.ts,
 *    app/sync/recompute-signals.server.ts): loaded at each full recompute, the fast ones
 *    refreshed at most once a minute;
 * 3. each channel, when its push is due (its interval, or a sell-out after the urgent gap):
 *    push the rows whose desired differs from pushed (Meta: only when one is material,
 *    MATERIALITY_POLICIES; within ~100 calls an hour; Google: about 2 updates a product a
 *    day plus one toward safety, 50 requests a minute), then read back what the channel shows
 *    when due, which records the lag samples the timing is measured from.
 *
 * Not modelled: the monitor (alerts, auto-protect), the reconciliation with Shopify (no
 * webhook is lost here), manual overrides, observe mode (every channel written).
 */
import {
  allocateItem,
  applyLevelUpdate,
  applyOrder,
  CHANNELS,
  createMasterRecord,
  DEFAULT_CHANNEL_TIMING,
  DEFAULT_SURGE_CONFIG,
  demandLift,
  locationGid,
  orderGid,
  planSyncRows,
  shopDomain,
  syncRowMemory,
  type AllocationContext,
  type Availability,
  type CatalogChannel,
  type ChannelDecision,
  type ChannelId,
  type CollectionGid,
  type CompiledRuleSet,
  type MasterRecord,
  type ProductGid,
  type ShopChannelSettings,
  type SyncRowPlan,
  type VariantGid,
} from "~/domain";
import type { Shelves } from "./channel-model";
import type { Accounting } from "./metrics";
import { stream, type Random } from "./random";
import type { ExpandedScenario } from "./scenario";
import { LagBook, loadTiming, refreshTiming } from "./settings-timing";
import { ChannelPush, type SyncRow } from "./settings-push";

/** Where an item sits for the rules: its variant, product and collections. */
export interface ItemPlacement {
  readonly variantId: VariantGid;
  readonly productId: ProductGid;
  readonly collectionIds: readonly CollectionGid[];
}

/** A shop's own settings, as the worker decides with them. */
export interface ShopSetup {
  /** The shop's rule set, compiled (compileRuleSet). */
  readonly rules: CompiledRuleSet;
  readonly settings: ShopChannelSettings;
  /** Per variant of the scenario, in order; synthetic ids when absent. */
  readonly placements?: readonly ItemPlacement[];
  /** The worker's push intervals (default: the engine's, DEFAULT_CHANNEL_TIMING). */
  readonly pushIntervalMs?: Partial<Record<ChannelId, number>>;
}

const FULL_RECOMPUTE_EVERY_MS = 5 * 60_000;
const SIGNALS_REFRESH_MS = 60_000;
const LOCATION = locationGid("gid://shopify/Location/1");
const SHOP = shopDomain("ballast-rehearsal.myshopify.com");

/** A webhook on its way to the app: it is ingested at the first step that starts a step after it arrives. */
interface Arrival {
  at: number;
  item: number;
  kind: "order" | "level";
  orderSeq: number;
  units: number;
  available: number;
  stampedAt: number;
}

/** The number a catalog's row stores for a decision (app/channels/item-value.ts, encodeItemValue). */
function encodeItemValue(channel: CatalogChannel, decision: ChannelDecision): number {
  if (channel !== "google") return decision.quantity;
  if (decision.availability === "out_of_stock") return 0;
  return decision.pauseAds ? 2 : 1;
}

function syntheticPlacement(index: number): ItemPlacement {
  return {
    variantId: `gid://shopify/ProductVariant/${index + 1}` as VariantGid,
    productId: `gid://shopify/Product/${index + 1}` as ProductGid,
    collectionIds: [],
  };
}

export class SettingsApp {
  readonly #records: MasterRecord[];
  readonly #dirty = new Set<number>();
  readonly #rows: SyncRow[][];
  readonly #rowsByChannel: Record<ChannelId, SyncRow[]> = { online_store: [], meta: [], google: [] };
  readonly #placements: readonly ItemPlacement[];
  readonly #arrivals: Arrival[] = [];
  readonly #orders: number[] = [];
  readonly #webhookRandom: Random;
  readonly #chaosRandom: Random;
  readonly #lags = new LagBook();
  readonly #pushes: Record<ChannelId, ChannelPush>;
  #orderSeq = 0;
  #context: { allocation: Omit<AllocationContext, "nowMs">; loadedAtMs: number; signalsAtMs: number } | null = null;

  constructor(
    private readonly expanded: ExpandedScenario,
    private readonly setup: ShopSetup,
    private readonly shelves: Shelves,
    private readonly accounting: Accounting,
  ) {
    const { variants, startMs, seed } = expanded;
    this.#placements = variants.map((_, index) => setup.placements?.[index] ?? syntheticPlacement(index));
    // The first full read of Shopify: every level as it stands at the start.
    this.#records = variants.map((variant, index) =>
      applyLevelUpdate(createMasterRecord(SHOP, this.#placements[index]!.variantId), {
        locationId: LOCATION,
        available: variant.stock,
        onHand: variant.stock,
        committed: 0,
        updatedAtMs: startMs - 1,
      }),
    );
    this.#rows = variants.map(() => []);
    this.#webhookRandom = stream(seed, "webhooks");
    this.#chaosRandom = stream(seed, "webhook-chaos");
    const random = stream(seed, "worker");
    const context = { expanded, shelves, accounting, lags: this.#lags, records: this.#records, random };
    this.#pushes = {
      online_store: new ChannelPush("online_store", { ...context, intervalMs: this.#pushIntervalMs("online_store") }),
      meta: new ChannelPush("meta", { ...context, intervalMs: this.#pushIntervalMs("meta") }),
      google: new ChannelPush("google", { ...context, intervalMs: this.#pushIntervalMs("google") }),
    };
  }

  #pushIntervalMs(channel: ChannelId): number {
    return this.setup.pushIntervalMs?.[channel] ?? DEFAULT_CHANNEL_TIMING[channel].pushIntervalMs;
  }

  /** One worker pass at the start of a step: ingest, recompute, then each channel's push and read-back when due. */
  step(now: number): void {
    this.#ingest(now - this.expanded.stepMs);
    this.#recompute(now);
    for (const channel of CHANNELS) this.#pushes[channel].runIfDue(now, this.#rowsByChannel[channel]);
  }

  /**
   * A sale placed in Shopify: orders/create and inventory_levels/update after the scenario's
   * delay, sometimes overtaking each other, sometimes twice (the same draws as the HTTP run).
   */
  orderPlaced(item: number, units: number, availableAfter: number, at: number): void {
    const { expanded } = this;
    const chaos = expanded.scenario.webhooks;
    this.#orderSeq += 1;
    const delay = expanded.webhookDelayMs(at, this.#webhookRandom);
    const outOfOrder = this.#chaosRandom() < chaos.outOfOrderRate;
    const levelDelay = delay + (outOfOrder ? -Math.min(delay, 1_000) : 1_000);
    const orderDelay = delay + (outOfOrder ? 1_000 + Math.round(this.#chaosRandom() * 60_000) : 0);
    const common = { item, orderSeq: this.#orderSeq, units, available: availableAfter, stampedAt: at };
    this.#arrivals.push({ ...common, kind: "order", at: at + orderDelay });
    this.#arrivals.push({ ...common, kind: "level", at: at + levelDelay });
    // Duplicates carry the event id of the first delivery: recorded once, they change nothing.
    if (this.#chaosRandom() < chaos.duplicateRate) expanded.webhookDelayMs(at, this.#webhookRandom);
    if (this.#chaosRandom() < chaos.duplicateRate) expanded.webhookDelayMs(at, this.#webhookRandom);
  }

  /** Applies the webhooks delivered by `deliveredBy`, in delivery order. */
  #ingest(deliveredBy: number): void {
    const arrivals = this.#arrivals;
    if (arrivals.length === 0) return;
    arrivals.sort((a, b) => a.at - b.at);
    let applied = 0;
    while (applied < arrivals.length && arrivals[applied]!.at <= deliveredBy) {
      const arrival = arrivals[applied]!;
      const record = this.#records[arrival.item]!;
      if (arrival.kind === "order") {
        this.#records[arrival.item] = applyOrder(record, {
          orderId: orderGid(`gid://shopify/Order/${arrival.orderSeq}`),
          locationId: null,
          units: arrival.units,
          orderedAtMs: arrival.stampedAt,
        });
        this.#orders.push(arrival.stampedAt);
      } else {
        this.#records[arrival.item] = applyLevelUpdate(record, {
          locationId: LOCATION,
          available: arrival.available,
          updatedAtMs: arrival.stampedAt,
        });
      }
      this.#dirty.add(arrival.item);
      applied += 1;
    }
    arrivals.splice(0, applied);
  }

  /** Every item every 5 minutes (with timing and signals loaded afresh), else the changed ones. */
  #recompute(now: number): void {
    const full = this.#context === null || now - this.#context.loadedAtMs >= FULL_RECOMPUTE_EVERY_MS;
    if (!full && this.#dirty.size === 0) return;
    if (full) {
      const timing = loadTiming(this.#lags, this.#rowsByChannel, now, (channel) => this.#pushIntervalMs(channel));
      const allocation = { rules: this.setup.rules, settings: this.setup.settings, timing, ...this.#signals(now) };
      this.#context = { allocation, loadedAtMs: now, signalsAtMs: now };
    } else if (now - this.#context!.signalsAtMs >= SIGNALS_REFRESH_MS) {
      const previous = this.#context!;
      const timing = refreshTiming(this.#lags, this.#rowsByChannel, now, previous.allocation.timing);
      this.#context = {
        ...previous,
        signalsAtMs: now,
        allocation: { ...previous.allocation, timing, ...this.#signals(now) },
      };
    }
    const items = full
      ? this.expanded.variants.map((variant) => variant.index)
      : [...this.#dirty].sort((a, b) => a - b);
    this.#dirty.clear();
    const context: AllocationContext = { ...this.#context!.allocation, nowMs: now };
    for (const item of items) this.#decide(item, context, now);
  }

  /** The shop's rush lift and prior speed from the orders it has seen (app/sync/recompute-signals.server.ts). */
  #signals(now: number): { demandLift: number; priorRatePerMs: number } {
    const horizonMs = DEFAULT_SURGE_CONFIG.baselineWindowMs + DEFAULT_SURGE_CONFIG.recentWindowMs;
    const since = now - horizonMs;
    const recentSince = now - DEFAULT_SURGE_CONFIG.recentWindowMs;
    let recentOrders = 0;
    let total = 0;
    let first = Infinity;
    for (const placedAt of this.#orders) {
      if (placedAt < since || placedAt > now) continue;
      total += 1;
      if (placedAt > recentSince) recentOrders += 1;
      first = Math.min(first, placedAt);
    }
    const baselineStartMs = Math.max(since, Number.isFinite(first) ? first : recentSince);
    const sample = {
      recentOrders,
      recentWindowMs: DEFAULT_SURGE_CONFIG.recentWindowMs,
      baselineOrders: total - recentOrders,
      baselineWindowMs: Math.max(0, recentSince - baselineStartMs),
    };
    const trackedItems = this.expanded.variants.length;
    return { demandLift: demandLift(sample), priorRatePerMs: trackedItems > 0 ? total / trackedItems / horizonMs : 0 };
  }

  /** One item: its allocation, and its sync rows as planSyncRows wants them. */
  #decide(item: number, context: AllocationContext, now: number): void {
    const placement = this.#placements[item]!;
    const record = this.#records[item]!;
    const rows = this.#rows[item]!;
    const memory = syncRowMemory(placement.variantId, rows, []);
    const allocation = allocateItem({ ...placement, record, memory }, context, { explain: true });
    const plan: SyncRowPlan<number> = { created: [], decided: [], redecided: [] };
    const catalogKeys = new Map<CatalogChannel, string>([
      ["meta", `meta-${item}`],
      ["google", `google-${item}`],
    ]);
    planSyncRows(
      { variantGid: placement.variantId, inventoryItemGid: `inventory-${item}`, record, allocation, catalogKeys, rows },
      {
        onlineStoreLocations: this.setup.settings.online_store.locations,
        holdsReleased: false,
        encode: encodeItemValue,
        now,
      },
      plan,
    );
    for (const planned of [...plan.created, ...plan.decided, ...plan.redecided]) {
      let row = rows.find(
        (candidate) => candidate.channel === planned.channel && candidate.itemKey === planned.itemKey,
      );
      if (!row) {
        row = newRow(item, planned.channel, planned.itemKey);
        rows.push(row);
        this.#rowsByChannel[planned.channel].push(row);
      }
      const redecided = row.desired !== planned.desired;
      row.desired = planned.desired;
      row.desiredAvailability = planned.desiredAvailability;
      row.explanation = planned.explanation;
      row.dampingState = planned.dampingState;
      row.pendingSince = planned.pendingSince;
      // A new desired gets a fresh try, as the worker's recompute gives it.
      if (redecided) Object.assign(row, { attempts: 0, nextAttemptAt: null });
    }
  }
}

function newRow(item: number, channel: ChannelId, itemKey: string): SyncRow {
  return {
    item,
    channel,
    itemKey,
    desired: Number.NaN,
    desiredAvailability: "in_stock" as Availability,
    dampingState: null,
    explanation: null,
    pushed: null,
    pushedAt: null,
    pendingSince: null,
    confirmed: null,
    confirmedAt: null,
    attempts: 0,
    nextAttemptAt: null,
  };
}

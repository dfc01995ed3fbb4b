/**
 * The adaptive run's simulated day: the scenario clock stepped one step at a time, the
 * worker's lanes run each step, buyers served from what the fakes show, their orders sent
 * to the app as signed webhooks (delayed, sometimes duplicated or out of order, per the
 * scenario), and the channels sampled every 5 simulated minutes.
 */
import type { Database } from "~/db.server";
import type { SyncWorker } from "../../app/worker/worker.server";
import type { VirtualClock } from "../fakes/meta/clock";
import { deliverWebhook, jsonWithBigInts, type WebhookTarget } from "../fakes/shopify/webhooks";
import type { World, WorldVariant } from "../world";
import type { ProgressReporter } from "~/rehearsal/channel-model";
import { ExposureCadence, ExposureSample, type Accounting, type PerChannel } from "~/rehearsal/metrics";
import { stream, type Random } from "~/rehearsal/random";
import type { Buyer, ExpandedScenario } from "~/rehearsal/scenario";

const SAMPLE_EVERY_MS = 5 * 60_000;
const DELIVERY_CONCURRENCY = Number(process.env.REHEARSAL_DELIVERY_CONCURRENCY ?? 16);

interface Delivery {
  at: number;
  seq: number;
  topic: string;
  body: string;
  eventId: string;
  triggeredAt: string;
}

/** Signed webhooks waiting for their delivery time, delivered as Shopify does: concurrently, a bounded batch at a time. */
class WebhookQueue {
  readonly #queue: Delivery[] = [];
  #seq = 0;
  /** Deliveries not answered 200: "topic status". */
  readonly failed: string[] = [];

  constructor(
    private readonly target: WebhookTarget,
    private readonly shop: string,
  ) {}

  /** Deliveries scheduled so far. */
  get scheduled(): number {
    return this.#seq;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  /** One event; the function returned queues a delivery of it (duplicates share the event id). */
  event(at: number, topic: string, payload: unknown, eventId: string): (deliverAt: number) => void {
    const base = { topic, body: jsonWithBigInts(payload), eventId, triggeredAt: new Date(at).toISOString() };
    return (deliverAt) => void this.#queue.push({ ...base, at: deliverAt, seq: this.#seq++ });
  }

  /** Delivers every webhook due by `now`, in delivery order. */
  deliverDue(now: number): Promise<void> {
    this.#sort();
    let dueCount = 0;
    while (dueCount < this.#queue.length && this.#queue[dueCount]!.at <= now) dueCount += 1;
    return this.#deliver(this.#queue.splice(0, dueCount));
  }

  /** Delivers everything still queued (the day is over). */
  deliverRest(): Promise<void> {
    this.#sort();
    return this.#deliver(this.#queue.splice(0));
  }

  #sort(): void {
    this.#queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  async #deliver(due: Delivery[]): Promise<void> {
    for (let index = 0; index < due.length; index += DELIVERY_CONCURRENCY) {
      const batch = due.slice(index, index + DELIVERY_CONCURRENCY);
      const results = await Promise.all(
        batch.map((delivery) =>
          deliverWebhook(this.target, {
            topic: delivery.topic,
            shopDomain: this.shop,
            body: delivery.body,
            eventId: delivery.eventId,
            triggeredAt: delivery.triggeredAt,
          }),
        ),
      );
      for (const result of results)
        if (result.status !== 200) this.failed.push(`${result.topic} ${result.status ?? result.error}`);
    }
  }
}

/** What Google shows, rebuilt from the inserts the fake received: each visible after the processing delay (and any outage), one offer's in the order received (as the fake). */
class GoogleShown {
  readonly #versions: { visibleAt: number; inStock: boolean; paused: boolean }[][];
  readonly #offerIndex: Map<string, number>;
  #insertsSeen = 0;

  constructor(world: World, initialStock: readonly number[]) {
    this.#offerIndex = new Map(world.variants.map((variant, index) => [variant.googleOfferId.toLowerCase(), index]));
    this.#versions = initialStock.map((stock) => [{ visibleAt: -Infinity, inStock: stock > 0, paused: false }]);
  }

  /** Takes the inserts received since the last call, visible from `visibleAt` at the earliest. */
  observe(inserted: readonly unknown[], visibleAt: number): void {
    for (; this.#insertsSeen < inserted.length; this.#insertsSeen += 1) {
      const body = inserted[this.#insertsSeen] as {
        offerId?: string;
        productAttributes?: { availability?: string; pause?: string };
      };
      const item = this.#offerIndex.get(String(body.offerId).toLowerCase());
      if (item === undefined) continue;
      const versions = this.#versions[item]!;
      const queueEnd = versions.reduce((max, version) => Math.max(max, version.visibleAt), -Infinity);
      versions.push({
        visibleAt: Math.max(visibleAt, queueEnd),
        inStock: body.productAttributes?.availability !== "OUT_OF_STOCK",
        // An insert replaces the source's input: no `pause` un-pauses.
        paused: body.productAttributes?.pause !== undefined,
      });
      versions.sort((a, b) => a.visibleAt - b.visibleAt);
    }
  }

  visible(item: number, at: number): boolean {
    return this.#at(item, at)?.inStock ?? false;
  }

  /** Ads paused on the offer (`pause: ads`): still listed, not advertised. */
  paused(item: number, at: number): boolean {
    return this.#at(item, at)?.paused ?? false;
  }

  #at(item: number, at: number) {
    const list = this.#versions[item]!;
    for (let index = list.length - 1; index >= 0; index -= 1) if (list[index]!.visibleAt <= at) return list[index];
    return undefined;
  }
}

/** Wall time per part of the step loop (a note of the result). */
export class StepTimes {
  readonly spent = { webhooks: 0, ingest: 0, worker: 0, buyers: 0, samples: 0 };
  #mark = performance.now();

  start(): void {
    this.#mark = performance.now();
  }

  lap(key: keyof StepTimes["spent"]): void {
    const at = performance.now();
    this.spent[key] += at - this.#mark;
    this.#mark = at;
  }
}

export interface AdaptiveDaySetting {
  expanded: ExpandedScenario;
  buyers: readonly Buyer[];
  world: World;
  database: Database;
  worker: SyncWorker;
  clock: VirtualClock;
  accounting: Accounting;
  /** Where the app receives Shopify's webhooks. */
  target: WebhookTarget;
}

const numeric = (gid: string) => BigInt(gid.slice(gid.lastIndexOf("/") + 1));
const hoursSince = (startMs: number, atMs: number) => `${((atMs - startMs) / 3_600_000).toFixed(3)} h`;

export class AdaptiveDay {
  readonly webhooks: WebhookQueue;
  readonly times = new StepTimes();
  /** Why each oversell on Meta or Google happened: what Ballast had decided, pushed and read back. */
  readonly oversellNotes: string[] = [];
  readonly #google: GoogleShown;
  readonly #webhookRandom: Random;
  readonly #chaosRandom: Random;
  #orderSeq = 0;
  #buyerIndex = 0;
  #nextSample: number;
  readonly #exposure: ExposureCadence;
  #inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly setting: AdaptiveDaySetting) {
    const { expanded, world, target } = setting;
    this.webhooks = new WebhookQueue(target, world.shop);
    this.#google = new GoogleShown(
      world,
      expanded.variants.map((variant) => variant.stock),
    );
    this.#webhookRandom = stream(expanded.seed, "webhooks");
    this.#chaosRandom = stream(expanded.seed, "webhook-chaos");
    this.#nextSample = expanded.startMs;
    this.#exposure = new ExposureCadence(expanded.startMs, expanded.endMs);
  }

  /** The whole day: a first full pass, every step, then what is still in flight so the app's record ends complete. */
  async run(options: { speed?: number; progress?: ProgressReporter }): Promise<void> {
    const { expanded, worker } = this.setting;
    const { startMs, stepMs, steps } = expanded;
    // First pass at the start: full read of Shopify, first pushes.
    await worker.runOnce();
    const realStart = performance.now();
    const stepLimit = process.env.REHEARSAL_PROFILE_STEPS
      ? Math.min(steps, Number(process.env.REHEARSAL_PROFILE_STEPS))
      : steps;
    for (let step = 0; step < stepLimit; step += 1) {
      const now = startMs + step * stepMs;
      await this.step(now);
      if (options.speed && options.speed > 0) {
        const aheadMs = (now + stepMs - startMs) / options.speed - (performance.now() - realStart);
        if (aheadMs > 0) await new Promise((resolve) => setTimeout(resolve, aheadMs));
      }
      if (options.progress && (step % 30 === 0 || step === steps - 1)) {
        const current = this.setting.accounting.current;
        options.progress(
          "adaptive",
          (step + 1) / steps,
          `oversold ${current.oversoldUnits} · withheld ${current.withheldUnits} · failed checkouts ${current.failedCheckoutUnits} · webhooks queued ${this.webhooks.waiting}`,
        );
      }
    }
    await this.#inFlight;
    await this.webhooks.deliverRest();
  }

  /** One step: the clock moves to `now`, ingest, webhooks due go out while push / read-back / monitor run, then buyers and samples. */
  async step(now: number): Promise<void> {
    const { clock, world, expanded, worker } = this.setting;
    if (clock.now() < now) clock.advance(now - clock.now());
    world.meta.control.setPropagationDelay(expanded.lagMs("meta", now));
    world.google.control.setProcessingDelay(expanded.lagMs("google", now));

    // Webhooks due by now are delivered (concurrently, bounded, as Shopify does) while
    // the worker runs its push / read-back / monitor lanes; the next step's ingest takes
    // them. The app records them meanwhile in its own process, so the two cores work at
    // once. Deterministic: every delivery is answered before the next ingest starts. The
    // price is up to one step (60 s) more between a webhook's arrival and its ingest.
    this.times.start();
    await this.#inFlight;
    this.times.lap("webhooks");
    await worker.runOnce("ingest");
    this.times.lap("ingest");
    this.#inFlight = this.webhooks.deliverDue(now);
    await worker.runOnce("rest");
    this.times.lap("worker");
    this.#google.observe(world.google.control.insertedBodies, expanded.landsAt("google", now));

    const stepEnd = now + expanded.stepMs;
    const { buyers } = this.setting;
    while (this.#buyerIndex < buyers.length && buyers[this.#buyerIndex]!.atMs < stepEnd) {
      const buyer = buyers[this.#buyerIndex]!;
      this.#buyerIndex += 1;
      await this.serve(buyer);
    }
    this.times.lap("buyers");
    // Exposure at the step's end every 5 minutes, as in-process: the clock moves there (nothing
    // else runs before the next step).
    const minutes = this.#exposure.due(stepEnd);
    if (minutes !== null) {
      if (clock.now() < stepEnd) clock.advance(stepEnd - clock.now());
      this.exposure(stepEnd, minutes);
    }
    while (this.#nextSample <= stepEnd && this.#nextSample < expanded.endMs) {
      this.sample(this.#nextSample);
      this.#nextSample += SAMPLE_EVERY_MS;
    }
    this.times.lap("samples");
  }

  /** The master's figures for an item: what the store offers, and what can really be sold (available + the app's safety stock). */
  master(item: number): { available: number; sellable: number } {
    const { world } = this.setting;
    const variant = world.variants[item]!;
    const level = world.shopify.quantities(world.shop, variant.inventoryItemGid, world.locationGid)!;
    return { available: level.available, sellable: level.available + level.safety_stock };
  }

  /** What the buyer's channel shows now: the store's available, Meta's visible version, Google in stock or not. */
  shownTo(buyer: Buyer, available: number): number {
    const { world } = this.setting;
    const variant = world.variants[buyer.variant]!;
    if (buyer.channel === "online_store") return Math.max(0, available);
    // Read in process, not over HTTP: ~7,000 buyers, and the app's own reads are what count.
    if (buyer.channel === "meta")
      return world.meta.control.shownItem(world.catalogId, variant.metaRetailerId)?.quantity ?? 0;
    return this.#google.visible(buyer.variant, buyer.atMs) ? Number.POSITIVE_INFINITY : 0;
  }

  /** One buyer: buys what the channel shows; an order placed in Shopify and sent to the app as webhooks. */
  async serve(buyer: Buyer): Promise<void> {
    const { clock, world, accounting, expanded } = this.setting;
    if (clock.now() < buyer.atMs) clock.advance(buyer.atMs - clock.now());
    const item = buyer.variant;
    const variant = world.variants[item]!;
    const { available, sellable } = this.master(item);
    const shown = this.shownTo(buyer, available);
    const checkout = buyer.channel === "online_store" ? "store" : expanded.scenario.channels[buyer.channel].checkout;
    const oversoldBefore = accounting.current.oversoldUnits;
    const bought = accounting.buyer(
      buyer.channel,
      item,
      buyer.units,
      { shown, checkout },
      available,
      sellable,
      buyer.atMs,
    );
    if (accounting.current.oversoldUnits > oversoldBefore && buyer.channel !== "online_store") {
      this.oversellNotes.push(await this.explainOversell(buyer, variant, shown, sellable));
    }
    if (bought <= 0) return;
    if (buyer.channel === "meta" && checkout === "channel")
      world.meta.control.sell(world.catalogId, variant.metaRetailerId, bought);
    await world.shopify.placeOrder(world.shop, {
      lines: [{ inventoryItemId: variant.inventoryItemGid, locationId: world.locationGid, quantity: bought }],
      webhooks: false,
    });
    this.sendOrderWebhooks(buyer, variant, bought);
  }

  /** What Ballast had decided and pushed for the item: the oversell's explanation. */
  async explainOversell(buyer: Buyer, variant: WorldVariant, shown: number, sellable: number): Promise<string> {
    const { database, world, expanded } = this.setting;
    const state = await database.channelItemState.findFirst({
      where: { shop: world.shop, channel: buyer.channel, variantGid: variant.variantGid },
      select: { desired: true, pushed: true, pushedAt: true, confirmed: true, confirmedAt: true, computedAt: true },
    });
    const at = (date: Date | null | undefined) => (date ? hoursSince(expanded.startMs, date.getTime()) : "never");
    return `Oversell at ${hoursSince(expanded.startMs, buyer.atMs)} on ${buyer.channel} (${variant.sku}): shown ${shown}, sellable ${sellable}; Ballast desired ${state?.desired ?? "?"} (computed ${at(state?.computedAt)}), pushed ${state?.pushed ?? "?"} at ${at(state?.pushedAt)}, last read back ${state?.confirmed ?? "?"} at ${at(state?.confirmedAt)}.`;
  }

  /** orders/create and inventory_levels/update after the scenario's delay; sometimes out of order, sometimes twice. */
  sendOrderWebhooks(buyer: Buyer, variant: WorldVariant, bought: number): void {
    const { world, expanded } = this.setting;
    const { webhooks: chaos } = expanded.scenario;
    this.#orderSeq += 1;
    const order = orderPayload(this.#orderSeq, buyer, variant, bought);
    const level = world.shopify.inventoryLevelUpdatePayload(world.shop, variant.inventoryItemGid, world.locationGid);
    const delay = expanded.webhookDelayMs(buyer.atMs, this.#webhookRandom);
    const sendOrder = this.webhooks.event(buyer.atMs, "orders/create", order, `rehearsal-order-${this.#orderSeq}`);
    const sendLevel = this.webhooks.event(
      buyer.atMs,
      "inventory_levels/update",
      level,
      `rehearsal-level-${this.#orderSeq}`,
    );
    const outOfOrder = this.#chaosRandom() < chaos.outOfOrderRate;
    const levelDelay = delay + (outOfOrder ? -Math.min(delay, 1_000) : 1_000);
    const orderDelay = delay + (outOfOrder ? 1_000 + Math.round(this.#chaosRandom() * 60_000) : 0);
    sendOrder(buyer.atMs + orderDelay);
    sendLevel(buyer.atMs + levelDelay);
    if (this.#chaosRandom() < chaos.duplicateRate)
      sendOrder(buyer.atMs + orderDelay + expanded.webhookDelayMs(buyer.atMs, this.#webhookRandom));
    if (this.#chaosRandom() < chaos.duplicateRate)
      sendLevel(buyer.atMs + levelDelay + expanded.webhookDelayMs(buyer.atMs, this.#webhookRandom));
  }

  /** Every item's exposure at `at` (advertised while sold out, hidden while sellable), standing for `minutes`. */
  exposure(at: number, minutes: number): void {
    const { world, accounting, expanded } = this.setting;
    const metaQuantities = world.meta.control.shownQuantities(world.catalogId);
    const sample = new ExposureSample();
    for (let item = 0; item < expanded.variants.length; item += 1) {
      const { available, sellable } = this.master(item);
      sample.add({
        sellable,
        store: Math.max(0, available),
        meta: metaQuantities.get(world.variants[item]!.metaRetailerId) ?? 0,
        googleInStock: this.#google.visible(item, at),
        googlePaused: this.#google.paused(item, at),
      });
    }
    accounting.exposure(sample, minutes);
  }

  /** Stock, what each channel shows, and drift (items shown beyond what can be sold) at one moment. */
  sample(at: number): void {
    const { world, accounting, expanded } = this.setting;
    const metaQuantities = world.meta.control.shownQuantities(world.catalogId);
    const shownTotals: PerChannel<number> = { online_store: 0, meta: 0, google: 0 };
    const drift: PerChannel<number> = { online_store: 0, meta: 0, google: 0 };
    let stock = 0;
    for (let item = 0; item < expanded.variants.length; item += 1) {
      const { available, sellable } = this.master(item);
      const positive = Math.max(0, sellable);
      stock += positive;
      const metaQuantity = metaQuantities.get(world.variants[item]!.metaRetailerId) ?? 0;
      const googleInStock = this.#google.visible(item, at);
      shownTotals.online_store += Math.max(0, available);
      shownTotals.meta += metaQuantity;
      shownTotals.google += googleInStock ? 1 : 0;
      if (metaQuantity > positive) drift.meta += 1;
      if (googleInStock && positive <= 0) drift.google += 1;
    }
    accounting.drift(drift);
    accounting.sample(at, stock, shownTotals);
  }
}

/** The orders/create payload of a rehearsal order (ids as Shopify's 64-bit numbers). */
function orderPayload(orderSeq: number, buyer: Buyer, variant: WorldVariant, bought: number) {
  const orderId = 820_000_000_000_000_000n + BigInt(orderSeq);
  const createdAt = new Date(buyer.atMs).toISOString();
  return {
    id: orderId,
    admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
    created_at: createdAt,
    updated_at: createdAt,
    name: `#R${orderSeq}`,
    financial_status: "paid",
    fulfillment_status: null,
    source_name: buyer.channel === "online_store" ? "web" : buyer.channel === "meta" ? "facebook" : "web",
    line_items: [
      {
        id: orderId * 10n,
        admin_graphql_api_id: `gid://shopify/LineItem/${orderId * 10n}`,
        variant_id: numeric(variant.variantGid),
        product_id: numeric(variant.productGid),
        sku: variant.sku,
        quantity: bought,
        variant_inventory_management: "shopify",
        fulfillment_status: null,
      },
    ],
  };
}

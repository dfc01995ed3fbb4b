/**
 * State of the fake Meta catalogs: items with a history of values (so read-back shows a
 * value only after the propagation delay), batches whose status moves with the clock,
 * and a rolling-hour window of batch calls for the business-use-case rate limit.
 */
import { randomBytes } from "node:crypto";
import type { FakeClock } from "./clock";
import { deferPastOutages, type OutageWindow } from "./outages";

export const META_AVAILABILITY = [
  "in stock",
  "out of stock",
  "preorder",
  "available for order",
  "discontinued",
] as const;
export type MetaAvailability = (typeof META_AVAILABILITY)[number];

export interface SeedItem {
  retailerId: string;
  quantity: number;
  availability?: MetaAvailability;
}

interface ItemVersion {
  visibleAt: number;
  quantity: number;
  availability: MetaAvailability;
  writer: "seed" | "ballast" | "meta_checkout" | "competing_writer";
}

export interface CatalogItem {
  /** Meta's own product id (digits, kept as a string). */
  id: string;
  retailerId: string;
  versions: ItemVersion[];
}

export interface BatchRequest {
  line: number;
  retailerId: string;
  quantity?: number;
  availability?: MetaAvailability;
}

export interface BatchError {
  line: number;
  id: string;
  message: string;
}

export interface Batch {
  handle: string;
  catalogId: string;
  createdAt: number;
  startsAt: number;
  finishesAt: number;
  allowUpsert: boolean;
  requests: BatchRequest[];
  /** Set when the batch settles. */
  outcome?: { status: "finished" | "error" | "canceled"; errors: BatchError[] };
  /** Forced by the control API. */
  forcedOutcome?: "error" | "canceled";
}

export interface CompetingWriter {
  /** How long after Ballast's value lands the other writer puts its own back. */
  afterMs: number;
  /** The other writer's figure for an item; undefined leaves the item alone. */
  quantityFor(retailerId: string): number | undefined;
}

export interface CatalogStateOptions {
  clock: FakeClock;
  propagationDelayMs: number;
  batchTiming: { startAfterMs: number; finishAfterMs: number };
  itemFailureRate: number;
  random: () => number;
  competingWriter: CompetingWriter | null;
  /** While one lasts nothing is applied: writes due then show when it ends (outages.ts). */
  outages: OutageWindow[];
}

let nextProductId = 7_100_000_000_000_000n;

export function availabilityFor(quantity: number): MetaAvailability {
  return quantity > 0 ? "in stock" : "out of stock";
}

/**
 * Whether Meta's catalog ads and shop pages offer the item: by `availability` alone. Since
 * Meta's own checkout closed (2025-09-04) nothing reads `quantity_to_sell_on_facebook` for
 * that, so an item at quantity 0 still "in stock" stays in the ads (app/channels/meta/README.md).
 */
export function advertises(availability: MetaAvailability): boolean {
  return availability === "in stock" || availability === "available for order" || availability === "preorder";
}

/** A batch write that left an item's two stock fields contradicting each other. */
export interface IncoherentWrite {
  catalogId: string;
  retailerId: string;
  quantity: number;
  availability: MetaAvailability;
}

export class Catalog {
  readonly items = new Map<string, CatalogItem>();
  readonly batchCallTimes: number[] = [];
  constructor(
    readonly id: string,
    readonly name: string,
  ) {}

  seed(items: readonly SeedItem[], at: number): void {
    for (const seed of items) {
      nextProductId += 1n;
      this.items.set(seed.retailerId, {
        id: nextProductId.toString(),
        retailerId: seed.retailerId,
        versions: [
          {
            visibleAt: at === -Infinity ? -Infinity : at,
            quantity: seed.quantity,
            availability: seed.availability ?? availabilityFor(seed.quantity),
            writer: "seed",
          },
        ],
      });
    }
  }
}

/** The latest version visible at `now`, or the true current one when `now` is omitted. */
export function versionAt(item: CatalogItem, now?: number): ItemVersion | undefined {
  for (let index = item.versions.length - 1; index >= 0; index -= 1) {
    const version = item.versions[index]!;
    if (now === undefined || version.visibleAt <= now) return version;
  }
  return undefined;
}

export class MetaCatalogState {
  readonly catalogs = new Map<string, Catalog>();
  readonly batches = new Map<string, Batch>();
  /** Timed effects (competing writer), applied lazily in time order. */
  #timers: Array<{ at: number; run: () => void }> = [];
  /** Items Meta refuses in the next batches: partial batch failures on demand. */
  readonly rejectedItems = new Map<string, string>();
  /**
   * Batch writes after which an item's availability contradicts its quantity (0 yet offered,
   * or stock yet "out of stock"). An update carrying only the quantity keeps the availability
   * the item had (*unverified*: the strict reading), which is how a sold-out item stays in the ads.
   */
  readonly incoherentWrites: IncoherentWrite[] = [];

  constructor(readonly options: CatalogStateOptions) {}

  catalog(id: string): Catalog | undefined {
    return this.catalogs.get(id);
  }

  addCatalog(id: string, name: string, items: readonly SeedItem[]): Catalog {
    const catalog = this.catalogs.get(id) ?? new Catalog(id, name);
    this.catalogs.set(id, catalog);
    catalog.seed(items, -Infinity);
    return catalog;
  }

  createBatch(
    catalogId: string,
    requests: BatchRequest[],
    allowUpsert: boolean,
    forcedOutcome?: "error" | "canceled",
  ): Batch {
    const now = this.options.clock.now();
    const { startAfterMs, finishAfterMs } = this.options.batchTiming;
    const batch: Batch = {
      handle: `AcM${randomBytes(12).toString("base64url")}`,
      catalogId,
      createdAt: now,
      startsAt: now + startAfterMs,
      finishesAt: now + Math.max(startAfterMs, finishAfterMs),
      allowUpsert,
      requests,
      ...(forcedOutcome ? { forcedOutcome } : {}),
    };
    this.batches.set(batch.handle, batch);
    return batch;
  }

  /** Brings every batch and timer up to the clock's present, in time order. */
  settle(): void {
    const now = this.options.clock.now();
    // One effect at a time, earliest first: applying a batch may schedule a timer that is already due.
    while (true) {
      let next: { at: number; run: () => void } | undefined;
      for (const batch of this.batches.values()) {
        if (!batch.outcome && batch.finishesAt <= now && (!next || batch.finishesAt < next.at)) {
          next = { at: batch.finishesAt, run: () => this.#apply(batch) };
        }
      }
      const timer = this.#timers.filter((entry) => entry.at <= now).sort((a, b) => a.at - b.at)[0];
      if (timer && (!next || timer.at < next.at)) {
        this.#timers.splice(this.#timers.indexOf(timer), 1);
        next = timer;
      }
      if (!next) return;
      next.run();
    }
  }

  statusOf(batch: Batch): "scheduled" | "started" | "finished" | "error" | "canceled" {
    if (batch.outcome) return batch.outcome.status;
    const now = this.options.clock.now();
    return now < batch.startsAt ? "scheduled" : "started";
  }

  #apply(batch: Batch): void {
    if (batch.forcedOutcome) {
      batch.outcome = { status: batch.forcedOutcome, errors: [] };
      return;
    }
    const catalog = this.catalogs.get(batch.catalogId)!;
    const errors: BatchError[] = [];
    for (const request of batch.requests) {
      const rejection = this.rejectedItems.get(request.retailerId);
      if (rejection) {
        errors.push({ line: request.line, id: request.retailerId, message: rejection });
        continue;
      }
      if (this.options.itemFailureRate > 0 && this.options.random() < this.options.itemFailureRate) {
        errors.push({
          line: request.line,
          id: request.retailerId,
          message: "An unexpected error occurred while processing this item. Please retry.",
        });
        continue;
      }
      let item = catalog.items.get(request.retailerId);
      if (!item) {
        if (!batch.allowUpsert) {
          // Exact wording unverified; the shape (an error per line, id in ids_of_invalid_requests) is documented.
          errors.push({
            line: request.line,
            id: request.retailerId,
            message: `Item with retailer_id ${request.retailerId} does not exist in catalog and allow_upsert is false.`,
          });
          continue;
        }
        catalog.seed([{ retailerId: request.retailerId, quantity: request.quantity ?? 0 }], batch.finishesAt);
        item = catalog.items.get(request.retailerId)!;
      }
      const previous = versionAt(item)!;
      const quantity = request.quantity ?? previous.quantity;
      const availability = request.availability ?? previous.availability;
      if (quantity > 0 ? !advertises(availability) : availability === "in stock")
        this.incoherentWrites.push({
          catalogId: batch.catalogId,
          retailerId: request.retailerId,
          quantity,
          availability,
        });
      this.#write(item, {
        visibleAt: inOrder(
          item,
          deferPastOutages(this.options.outages, batch.finishesAt + this.options.propagationDelayMs),
        ),
        quantity,
        availability,
        writer: "ballast",
      });
      this.#scheduleCompetingWriter(item, batch.finishesAt);
    }
    batch.outcome = { status: "finished", errors };
  }

  #write(item: CatalogItem, version: ItemVersion): void {
    item.versions.push(version);
    item.versions.sort((a, b) => a.visibleAt - b.visibleAt);
    // Bounded history, but never drop the version visible now: with more than 20 writes still
    // propagating (a long lag), trimming it would make the item vanish from reads.
    if (item.versions.length > 20) {
      const now = this.options.clock.now();
      let visible = 0;
      for (let index = item.versions.length - 1; index >= 0; index -= 1) {
        if (item.versions[index]!.visibleAt <= now) {
          visible = index;
          break;
        }
      }
      item.versions.splice(0, Math.min(visible, item.versions.length - 20));
    }
  }

  #scheduleCompetingWriter(item: CatalogItem, landedAt: number): void {
    const writer = this.options.competingWriter;
    if (!writer) return;
    this.#timers.push({
      at: landedAt + writer.afterMs,
      run: () => {
        const quantity = writer.quantityFor(item.retailerId);
        if (quantity === undefined) return;
        const at = landedAt + writer.afterMs;
        this.#write(item, {
          visibleAt: inOrder(item, deferPastOutages(this.options.outages, at + this.options.propagationDelayMs)),
          quantity,
          availability: availabilityFor(quantity),
          writer: "competing_writer",
        });
      },
    });
  }

  /**
   * Meta's own checkout sold units: Meta lowers the figure buyers see now, at once. Writes
   * still propagating are absolute values: they land later as sent, over the lowered one.
   */
  sell(catalogId: string, retailerId: string, units: number): number {
    this.settle();
    const item = this.catalogs.get(catalogId)?.items.get(retailerId);
    if (!item) throw new Error(`no item ${retailerId} in catalog ${catalogId}`);
    const current = versionAt(item, this.options.clock.now()) ?? versionAt(item)!;
    const quantity = Math.max(0, current.quantity - units);
    this.#write(item, {
      visibleAt: this.options.clock.now(),
      quantity,
      availability: availabilityFor(quantity),
      writer: "meta_checkout",
    });
    return quantity;
  }

  /** Calls in the rolling hour before now. */
  callsInWindow(catalog: Catalog): number {
    const since = this.options.clock.now() - 3_600_000;
    while (catalog.batchCallTimes.length > 0 && catalog.batchCallTimes[0]! <= since) catalog.batchCallTimes.shift();
    return catalog.batchCallTimes.length;
  }
}

/**
 * Updates of one item are applied in the order they were sent: the propagation delay is a
 * queue, so when it shrinks after a spike a later write waits for the earlier ones instead
 * of overtaking them (and being overwritten when they land). Meta's own checkout is not
 * queued: it changes the live figure at once.
 */
function inOrder(item: CatalogItem, visibleAt: number): number {
  let latest = -Infinity;
  for (const version of item.versions)
    if (version.writer === "ballast" || version.writer === "competing_writer")
      latest = Math.max(latest, version.visibleAt);
  return Math.max(visibleAt, latest);
}

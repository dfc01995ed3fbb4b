import { ZodError } from "zod";
import type { DatabaseProvider, DatabaseTransaction } from "~/db.server";
import {
  applyLevelUpdate,
  applyOrder,
  applyOrderCancelled,
  locationGid,
  orderGid,
  variantSearchText,
  type LocationGid,
  type MasterRecord,
} from "~/domain";
import { emptyMasterRecord, loadMasterRecords, saveMasterRecords } from "~/records/master-records.server";
import { followOnlineStoreLevels, type OnlineStoreLevel } from "~/records/online-store-shown.server";
import { parseJsonLossless } from "./json";
import {
  parseInventoryItem,
  parseInventoryLevel,
  parseOrder,
  parseProduct,
  parseProductDeleted,
  stockTopic,
  type ParsedLevel,
  type ParsedOrder,
} from "./topics";

/**
 * Applies recorded webhooks to the master record, inside the caller's transaction (which
 * also marks them processed, so an event is applied exactly once even if the process
 * dies half-way). Level-triggered: orders and levels carry Shopify's own times, so
 * duplicates, late retries and reordering converge to the same state.
 *
 * Set-based: the orders and levels of a batch are applied in memory, in order, to
 * records loaded with a few queries, and written back once per changed row; catalog
 * events (rare) are applied one by one between them, in their place.
 */
export interface StoredEvent {
  eventId: string;
  shop: string;
  topic: string;
  payload: string;
}

type LockOption = { lockFor: DatabaseProvider };

export type EventOutcome =
  { kind: "applied"; variants: string[] } | { kind: "ignored"; reason: string } | { kind: "rejected"; reason: string };

/** A stock event parsed, or the reason it will not be applied. */
type ParsedEvent =
  | { kind: "order"; order: ParsedOrder; cancel: boolean }
  | { kind: "level"; level: ParsedLevel }
  | { kind: "catalog"; topic: "INVENTORY_ITEMS_UPDATE" | "PRODUCTS_UPDATE" | "PRODUCTS_DELETE"; payload: unknown }
  | { kind: "skip"; outcome: EventOutcome };

function parseEvent(event: StoredEvent): ParsedEvent {
  const topic = stockTopic(event.topic);
  if (topic === null)
    return { kind: "skip", outcome: { kind: "ignored", reason: `topic ${event.topic} is not a stock topic` } };
  try {
    const payload = parseJsonLossless(event.payload);
    switch (topic) {
      case "ORDERS_CREATE":
      case "ORDERS_UPDATED": {
        const order = parseOrder(payload);
        return { kind: "order", order, cancel: order.cancelledAtMs !== null };
      }
      case "ORDERS_CANCELLED":
        return { kind: "order", order: parseOrder(payload), cancel: true };
      case "ORDERS_EDITED":
        // The payload lists line-item deltas without variants; the orders/updated that
        // follows carries the new quantities, and Shopify's level update the stock.
        return {
          kind: "skip",
          outcome: { kind: "ignored", reason: "order edits are read from the following orders/updated" },
        };
      case "REFUNDS_CREATE":
        // Restocked units come back through Shopify's own inventory level update.
        return { kind: "skip", outcome: { kind: "ignored", reason: "restocks arrive as inventory level updates" } };
      case "INVENTORY_LEVELS_UPDATE":
        return { kind: "level", level: parseInventoryLevel(payload) };
      case "INVENTORY_ITEMS_UPDATE":
      case "PRODUCTS_UPDATE":
      case "PRODUCTS_DELETE":
        return { kind: "catalog", topic, payload };
    }
  } catch (error) {
    const rejected = rejection(error);
    if (rejected) return { kind: "skip", outcome: rejected };
    throw error;
  }
}

/** Bad payloads are recorded and skipped: retrying cannot fix them. */
function rejection(error: unknown): EventOutcome | null {
  if (error instanceof ZodError) return { kind: "rejected", reason: error.issues[0]?.message ?? "invalid payload" };
  if (error instanceof SyntaxError) return { kind: "rejected", reason: "payload is not valid JSON" };
  return null;
}

/** Outcomes in the order of `events`, all of one shop. */
export async function applyEvents(
  tx: DatabaseTransaction,
  shop: string,
  events: readonly StoredEvent[],
  provider: DatabaseProvider = "sqlite",
): Promise<EventOutcome[]> {
  const lock = { lockFor: provider };
  const outcomes: EventOutcome[] = new Array(events.length);
  let segment: { index: number; event: Extract<ParsedEvent, { kind: "order" | "level" }> }[] = [];
  const flush = async () => {
    if (segment.length === 0) return;
    const applied = await applyStockSegment(
      tx,
      shop,
      segment.map((entry) => entry.event),
      lock,
      provider,
    );
    segment.forEach((entry, position) => (outcomes[entry.index] = applied[position]!));
    segment = [];
  };
  for (const [index, event] of events.entries()) {
    const parsed = parseEvent(event);
    if (parsed.kind === "skip") outcomes[index] = parsed.outcome;
    else if (parsed.kind === "catalog") {
      await flush();
      outcomes[index] = await applyCatalog(tx, shop, parsed.topic, parsed.payload);
    } else segment.push({ index, event: parsed });
  }
  await flush();
  return outcomes;
}

async function applyCatalog(
  tx: DatabaseTransaction,
  shop: string,
  topic: Extract<ParsedEvent, { kind: "catalog" }>["topic"],
  payload: unknown,
): Promise<EventOutcome> {
  try {
    switch (topic) {
      case "INVENTORY_ITEMS_UPDATE": {
        const item = parseInventoryItem(payload);
        await tx.variant.updateMany({
          where: { shop, inventoryItemGid: item.inventoryItemGid },
          data: { tracked: item.tracked },
        });
        const rows = await tx.variant.findMany({
          where: { shop, inventoryItemGid: item.inventoryItemGid, tracked: true },
          select: { gid: true },
        });
        return { kind: "applied", variants: rows.map((row) => row.gid) };
      }
      case "PRODUCTS_UPDATE":
        return await applyProduct(tx, shop, payload);
      case "PRODUCTS_DELETE": {
        const { productGid } = parseProductDeleted(payload);
        await tx.variant.updateMany({ where: { shop, productGid }, data: { deletedAt: new Date() } });
        return { kind: "applied", variants: [] };
      }
    }
  } catch (error) {
    const rejected = rejection(error);
    if (rejected) return rejected;
    throw error;
  }
}

/** An order record as it will be written: created whole, or existing and updated in part. */
type OrderWrite = { exists: false; fields: OrderFields } | { exists: true; update: Partial<OrderFields> };

interface OrderFields {
  sourceName: string | null;
  lines: { variantGid: string; quantity: number }[];
  placedAt: Date;
  cancelledAt: Date | null;
}

type StockEvent = Extract<ParsedEvent, { kind: "order" | "level" }>;

/** What a segment's events refer to: orders already recorded, untracked variants, each item's variants. */
interface SegmentRefs {
  knownOrders: { orderGid: string }[];
  untrackedGids: Set<string>;
  variantsOfItem: Map<string, string[]>;
  /** Every variant whose master record the segment may change. */
  touched: string[];
}

/** Read in one round of queries run together, before any record is loaded. */
async function loadSegmentRefs(
  tx: DatabaseTransaction,
  shop: string,
  events: readonly StockEvent[],
): Promise<SegmentRefs> {
  const orders = events.flatMap((event) => (event.kind === "order" ? [event.order] : []));
  const levels = events.flatMap((event) => (event.kind === "level" ? [event.level] : []));
  const orderedVariants = [...new Set(orders.flatMap((order) => [...order.units.keys()]))];
  const items = [...new Set(levels.map((level) => level.inventoryItemGid))];
  const [knownOrders, untracked, itemVariants] = await Promise.all([
    orders.length === 0
      ? []
      : tx.orderRecord.findMany({
          where: { shop, orderGid: { in: [...new Set(orders.map((order) => order.orderGid))] } },
          select: { orderGid: true },
        }),
    orderedVariants.length === 0
      ? []
      : tx.variant.findMany({ where: { shop, gid: { in: orderedVariants }, tracked: false }, select: { gid: true } }),
    items.length === 0
      ? []
      : tx.variant.findMany({
          where: { shop, inventoryItemGid: { in: items }, tracked: true },
          select: { gid: true, inventoryItemGid: true },
        }),
  ]);
  const untrackedGids = new Set(untracked.map((row) => row.gid));
  const variantsOfItem = new Map<string, string[]>();
  for (const row of itemVariants)
    variantsOfItem.set(row.inventoryItemGid, [...(variantsOfItem.get(row.inventoryItemGid) ?? []), row.gid]);
  const touched = [
    ...new Set([...orderedVariants.filter((gid) => !untrackedGids.has(gid)), ...itemVariants.map((row) => row.gid)]),
  ];
  return { knownOrders, untrackedGids, variantsOfItem, touched };
}

/** Orders and levels, in order, against records loaded once. */
async function applyStockSegment(
  tx: DatabaseTransaction,
  shop: string,
  events: readonly StockEvent[],
  lock: LockOption,
  provider: DatabaseProvider,
): Promise<EventOutcome[]> {
  const { knownOrders, untrackedGids, variantsOfItem, touched } = await loadSegmentRefs(tx, shop, events);
  const loaded = await loadMasterRecords(tx, shop, touched, lock);
  const records = new Map(loaded);
  const changed = new Set<string>();
  const record = (variant: string) => records.get(variant) ?? emptyMasterRecord(shop, variant);
  const update = (variant: string, next: MasterRecord) => {
    if (next === record(variant)) return;
    records.set(variant, next);
    changed.add(variant);
  };
  /** The levels Shopify reported, by Online Store item key: their rows follow what the record now holds. */
  const reported = new Map<string, { variants: readonly string[]; locationId: LocationGid }>();
  const orderWrites = new Map<string, OrderWrite>(
    knownOrders.map((row) => [row.orderGid, { exists: true, update: {} }]),
  );

  const outcomes = events.map((event): EventOutcome => {
    if (event.kind === "level") {
      const { level } = event;
      const variants = variantsOfItem.get(level.inventoryItemGid) ?? [];
      // Not in the catalog yet (or untracked): the next reconciliation reads it.
      if (variants.length === 0) return { kind: "ignored", reason: `unknown inventory item ${level.inventoryItemGid}` };
      reported.set(`${level.inventoryItemGid}|${level.locationGid}`, {
        variants,
        locationId: locationGid(level.locationGid),
      });
      for (const variant of variants) {
        update(
          variant,
          applyLevelUpdate(record(variant), {
            locationId: locationGid(level.locationGid),
            updatedAtMs: level.updatedAtMs,
            available: level.available,
          }),
        );
      }
      return { kind: "applied", variants };
    }
    const { order, cancel } = event;
    const seenBefore = orderWrites.has(order.orderGid);
    recordOrder(orderWrites, order);
    // Seen before: the sale is already counted and held. Quantities added by an edit are
    // not held again; Shopify's level update for the edit reflects them.
    if (!cancel && seenBefore) return { kind: "applied", variants: [] };
    const variants = [...order.units.keys()].filter((gid) => !untrackedGids.has(gid));
    const orderId = orderGid(order.orderGid);
    const locationId = order.locationGid === null ? null : locationGid(order.locationGid);
    for (const variant of variants) {
      const sale = { orderId, locationId, units: order.units.get(variant) ?? 0, orderedAtMs: order.placedAtMs };
      // A cancel that overtakes its order still counts the sale once, as in-order delivery
      // would; the late orders/create then finds the order known and changes nothing.
      const counted = cancel && seenBefore ? record(variant) : applyOrder(record(variant), sale);
      update(
        variant,
        cancel ? applyOrderCancelled(counted, { orderId, locationId, orderedAtMs: order.placedAtMs }) : counted,
      );
    }
    return { kind: "applied", variants };
  });

  await writeOrders(tx, shop, orderWrites);
  await saveMasterRecords(
    tx,
    [...changed].map((variant) => records.get(variant)!),
    provider,
  );
  await followOnlineStoreLevels(tx, shop, provider, shownLevels(reported, records));
  return outcomes;
}

/** Shopify's available at each reported level, as the (newest-wins) record holds it now. */
function shownLevels(
  reported: ReadonlyMap<string, { variants: readonly string[]; locationId: LocationGid }>,
  records: ReadonlyMap<string, MasterRecord>,
): OnlineStoreLevel[] {
  return [...reported].flatMap(([itemKey, { variants, locationId }]) => {
    const location = records.get(variants[0] ?? "")?.locations.find((entry) => entry.locationId === locationId);
    return location?.available ? [{ itemKey, available: location.available.value }] : [];
  });
}

function recordOrder(writes: Map<string, OrderWrite>, order: ParsedOrder): void {
  const lines = [...order.units].map(([variantGid, quantity]) => ({ variantGid, quantity }));
  const fields: OrderFields = {
    sourceName: order.sourceName,
    lines,
    placedAt: new Date(order.placedAtMs),
    cancelledAt: order.cancelledAtMs === null ? null : new Date(order.cancelledAtMs),
  };
  // A cancel is final: a later orders/updated must not un-cancel.
  const change: Partial<OrderFields> = order.cancelledAtMs === null ? { sourceName: fields.sourceName, lines } : fields;
  const current = writes.get(order.orderGid);
  if (current === undefined) writes.set(order.orderGid, { exists: false, fields });
  else if (current.exists) writes.set(order.orderGid, { exists: true, update: { ...current.update, ...change } });
  else writes.set(order.orderGid, { exists: false, fields: { ...current.fields, ...change } });
}

async function writeOrders(tx: DatabaseTransaction, shop: string, writes: Map<string, OrderWrite>): Promise<void> {
  const creates = [...writes].flatMap(([orderGid, write]) =>
    write.exists ? [] : [{ shop, orderGid, ...write.fields }],
  );
  if (creates.length > 0) await tx.orderRecord.createMany({ data: creates });
  for (const [orderGid, write] of writes) {
    if (write.exists && Object.keys(write.update).length > 0) {
      await tx.orderRecord.update({ where: { shop_orderGid: { shop, orderGid } }, data: write.update });
    }
  }
}

async function applyProduct(tx: DatabaseTransaction, shop: string, payload: unknown): Promise<EventOutcome> {
  const product = parseProduct(payload);
  for (const variant of product.variants) {
    const fields = {
      productGid: variant.productGid,
      inventoryItemGid: variant.inventoryItemGid,
      title: variant.title,
      sku: variant.sku,
      barcode: variant.barcode,
      searchText: variantSearchText(variant),
      price: variant.price,
      deletedAt: null,
    };
    // `tracked` is left alone: the payload does not say (app/ingest/topics.ts parseProduct).
    // A new variant starts tracked, as most are; inventory_items/update or the next catalog
    // read corrects an untracked one.
    await tx.variant.upsert({
      where: { shop_gid: { shop, gid: variant.gid } },
      create: { shop, gid: variant.gid, ...fields },
      update: fields,
    });
  }
  // Variants removed from the product.
  await tx.variant.updateMany({
    where: {
      shop,
      productGid: product.productGid,
      gid: { notIn: product.keptVariantGids },
      deletedAt: null,
    },
    data: { deletedAt: new Date() },
  });
  return { kind: "applied", variants: product.variants.map((variant) => variant.gid) };
}

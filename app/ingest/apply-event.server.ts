import { ZodError } from "zod";
import type { DatabaseProvider, DatabaseTransaction } from "~/db.server";
import {
  applyLevelUpdate,
  applyOrder,
  applyOrderCancelled,
  locationGid,
  orderGid,
  type MasterRecord,
} from "~/domain";
import { emptyLedger, loadLedgers, saveLedger } from "~/sync/ledger-store.server";
import { parseJsonLossless } from "./json";
import {
  parseInventoryItem,
  parseInventoryLevel,
  parseOrder,
  parseProduct,
  parseProductDeleted,
  stockTopic,
  type ParsedOrder,
} from "./topics";

/**
 * Applies one recorded webhook to the master record, inside the caller's transaction
 * (which also marks the event processed, so an event is applied exactly once even if
 * the process dies half-way). Level-triggered: orders and levels carry Shopify's own
 * times, so duplicates, late retries and reordering converge to the same state.
 */
export interface StoredEvent {
  eventId: string;
  shop: string;
  topic: string;
  payload: string;
}

type LockOption = { lockFor: DatabaseProvider };

export type EventOutcome =
  | { kind: "applied"; variants: string[] }
  | { kind: "ignored"; reason: string }
  | { kind: "rejected"; reason: string };

export async function applyEvent(tx: DatabaseTransaction, event: StoredEvent, provider: DatabaseProvider = "sqlite"): Promise<EventOutcome> {
  const lock = { lockFor: provider };
  const topic = stockTopic(event.topic);
  if (topic === null) return { kind: "ignored", reason: `topic ${event.topic} is not a stock topic` };
  let payload: unknown;
  try {
    payload = parseJsonLossless(event.payload);
    switch (topic) {
      case "ORDERS_CREATE":
      case "ORDERS_UPDATED": {
        const order = parseOrder(payload);
        return order.cancelledAtMs === null ? applyOrderSeen(tx, event.shop, order, lock) : applyCancel(tx, event.shop, order, lock);
      }
      case "ORDERS_CANCELLED":
        return applyCancel(tx, event.shop, parseOrder(payload), lock);
      case "ORDERS_EDITED":
        // The payload lists line-item deltas without variants; the orders/updated that
        // follows carries the new quantities, and Shopify's level update the stock.
        return { kind: "ignored", reason: "order edits are read from the following orders/updated" };
      case "REFUNDS_CREATE":
        // Restocked units come back through Shopify's own inventory level update.
        return { kind: "ignored", reason: "restocks arrive as inventory level updates" };
      case "INVENTORY_LEVELS_UPDATE":
        return applyLevel(tx, event.shop, payload, lock);
      case "INVENTORY_ITEMS_UPDATE": {
        const item = parseInventoryItem(payload);
        await tx.variant.updateMany({
          where: { shop: event.shop, inventoryItemGid: item.inventoryItemGid },
          data: { tracked: item.tracked },
        });
        return { kind: "applied", variants: await variantsOfItem(tx, event.shop, item.inventoryItemGid) };
      }
      case "PRODUCTS_UPDATE":
        return applyProduct(tx, event.shop, payload);
      case "PRODUCTS_DELETE": {
        const { productGid } = parseProductDeleted(payload);
        await tx.variant.updateMany({ where: { shop: event.shop, productGid }, data: { deletedAt: new Date() } });
        return { kind: "applied", variants: [] };
      }
    }
  } catch (error) {
    // Bad payloads are recorded and skipped: retrying cannot fix them.
    if (error instanceof ZodError) return { kind: "rejected", reason: error.issues[0]?.message ?? "invalid payload" };
    if (error instanceof SyntaxError) return { kind: "rejected", reason: "payload is not valid JSON" };
    throw error;
  }
}

async function applyOrderSeen(tx: DatabaseTransaction, shop: string, order: ParsedOrder, lock: LockOption): Promise<EventOutcome> {
  const existing = await tx.orderRecord.findUnique({ where: { shop_orderGid: { shop, orderGid: order.orderGid } } });
  await upsertOrderRecord(tx, shop, order);
  // Seen before: the sale is already counted and held. Quantities added by an edit are
  // not held again; Shopify's level update for the edit reflects them.
  if (existing) return { kind: "applied", variants: [] };
  const variants = await trackedVariants(tx, shop, [...order.units.keys()]);
  const ledgers = await loadLedgers(tx, shop, variants, lock);
  for (const variant of variants) {
    const record = ledgers.get(variant) ?? emptyLedger(shop, variant);
    const next = applyOrder(record, {
      orderId: orderGid(order.orderGid),
      locationId: order.locationGid === null ? null : locationGid(order.locationGid),
      units: order.units.get(variant) ?? 0,
      orderedAtMs: order.placedAtMs,
    });
    await saveIfChanged(tx, record, next);
  }
  return { kind: "applied", variants };
}

async function applyCancel(tx: DatabaseTransaction, shop: string, order: ParsedOrder, lock: LockOption): Promise<EventOutcome> {
  const existing = await tx.orderRecord.findUnique({ where: { shop_orderGid: { shop, orderGid: order.orderGid } } });
  await upsertOrderRecord(tx, shop, order);
  const variants = await trackedVariants(tx, shop, [...order.units.keys()]);
  const ledgers = await loadLedgers(tx, shop, variants, lock);
  const orderId = orderGid(order.orderGid);
  const locationId = order.locationGid === null ? null : locationGid(order.locationGid);
  for (const variant of variants) {
    const record = ledgers.get(variant) ?? emptyLedger(shop, variant);
    // A cancel that overtakes its order still counts the sale once, as in-order delivery
    // would; the late orders/create then finds the order known and changes nothing.
    const counted = existing
      ? record
      : applyOrder(record, { orderId, locationId, units: order.units.get(variant) ?? 0, orderedAtMs: order.placedAtMs });
    await saveIfChanged(tx, record, applyOrderCancelled(counted, { orderId, locationId, orderedAtMs: order.placedAtMs }));
  }
  return { kind: "applied", variants };
}

async function applyLevel(tx: DatabaseTransaction, shop: string, payload: unknown, lock: LockOption): Promise<EventOutcome> {
  const level = parseInventoryLevel(payload);
  const variants = await variantsOfItem(tx, shop, level.inventoryItemGid);
  if (variants.length === 0) {
    // Not in the catalogue yet (or untracked): the next reconciliation reads it.
    return { kind: "ignored", reason: `unknown inventory item ${level.inventoryItemGid}` };
  }
  const ledgers = await loadLedgers(tx, shop, variants, lock);
  for (const variant of variants) {
    const record = ledgers.get(variant) ?? emptyLedger(shop, variant);
    const next = applyLevelUpdate(record, {
      locationId: locationGid(level.locationGid),
      updatedAtMs: level.updatedAtMs,
      available: level.available,
    });
    await saveIfChanged(tx, record, next);
  }
  return { kind: "applied", variants };
}

async function applyProduct(tx: DatabaseTransaction, shop: string, payload: unknown): Promise<EventOutcome> {
  const product = parseProduct(payload);
  for (const variant of product.variants) {
    const fields = {
      productGid: variant.productGid,
      inventoryItemGid: variant.inventoryItemGid,
      title: variant.title,
      sku: variant.sku,
      price: variant.price,
      tracked: variant.tracked,
      deletedAt: null,
    };
    await tx.variant.upsert({
      where: { shop_gid: { shop, gid: variant.gid } },
      create: { shop, gid: variant.gid, ...fields },
      update: fields,
    });
  }
  // Variants removed from the product.
  await tx.variant.updateMany({
    where: { shop, productGid: product.productGid, gid: { notIn: product.variants.map((variant) => variant.gid) }, deletedAt: null },
    data: { deletedAt: new Date() },
  });
  return { kind: "applied", variants: product.variants.map((variant) => variant.gid) };
}

async function upsertOrderRecord(tx: DatabaseTransaction, shop: string, order: ParsedOrder) {
  const lines = [...order.units].map(([variantGid, quantity]) => ({ variantGid, quantity }));
  const fields = {
    sourceName: order.sourceName,
    lines,
    placedAt: new Date(order.placedAtMs),
    cancelledAt: order.cancelledAtMs === null ? null : new Date(order.cancelledAtMs),
  };
  await tx.orderRecord.upsert({
    where: { shop_orderGid: { shop, orderGid: order.orderGid } },
    create: { shop, orderGid: order.orderGid, ...fields },
    // A cancel is final: a late orders/updated must not un-cancel.
    update: order.cancelledAtMs === null ? { sourceName: fields.sourceName, lines } : fields,
  });
}

/**
 * The order's variants, less those Shopify does not track. A variant not yet in the
 * catalogue (an order that beat the first full read) is kept: its hold must not be lost.
 */
async function trackedVariants(tx: DatabaseTransaction, shop: string, gids: string[]): Promise<string[]> {
  if (gids.length === 0) return [];
  const untracked = await tx.variant.findMany({ where: { shop, gid: { in: gids }, tracked: false }, select: { gid: true } });
  const skip = new Set(untracked.map((row) => row.gid));
  return gids.filter((gid) => !skip.has(gid));
}

async function variantsOfItem(tx: DatabaseTransaction, shop: string, inventoryItemGid: string): Promise<string[]> {
  const rows = await tx.variant.findMany({ where: { shop, inventoryItemGid, tracked: true }, select: { gid: true } });
  return rows.map((row) => row.gid);
}

async function saveIfChanged(tx: DatabaseTransaction, before: MasterRecord, after: MasterRecord): Promise<void> {
  if (after !== before) await saveLedger(tx, after);
}

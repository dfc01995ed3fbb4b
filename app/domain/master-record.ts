import { z } from "zod";
import type { LocationGid, OrderGid, ShopDomain, VariantGid } from "./ids";
import {
  DEFAULT_VELOCITY_CONFIG,
  EMPTY_VELOCITY,
  recordSale,
  type VelocityConfig,
  type VelocityState,
} from "./velocity";

/**
 * The master record of one variant in one shop: what Shopify last reported per
 * location, what Ballast knows that Shopify does not reflect yet (order holds), and
 * what Ballast itself moved aside for the Online Store buffer.
 *
 * Every function returns a new record; nothing is mutated. Records are plain JSON.
 */
export interface StampedQuantity {
  readonly value: number;
  /** The time Shopify stamped the value (its updatedAt), epoch ms. */
  readonly updatedAtMs: number;
}

export interface LocationLevels {
  readonly locationId: LocationGid;
  readonly available: StampedQuantity | null;
  readonly onHand: StampedQuantity | null;
  readonly committed: StampedQuantity | null;
  /**
   * Units Ballast itself moved available → safety_stock here. They are the Online
   * Store buffer, not sales: they stay part of the sellable quantity.
   */
  readonly ballastSafetyStock: StampedQuantity | null;
}

/** Units of an order seen by webhook before Shopify's levels reflect it. */
export interface OrderHold {
  readonly orderId: OrderGid;
  /** null when the order does not say which location it draws from. */
  readonly locationId: LocationGid | null;
  readonly units: number;
  readonly orderedAtMs: number;
}

/** A cancel that arrived before its order, so the late order does not create a hold. */
export interface CancelledOrder {
  readonly orderId: OrderGid;
  readonly locationId: LocationGid | null;
  readonly orderedAtMs: number;
}

export interface MasterRecord {
  readonly shop: ShopDomain;
  readonly variantId: VariantGid;
  readonly locations: readonly LocationLevels[];
  readonly holds: readonly OrderHold[];
  readonly cancelledOrders: readonly CancelledOrder[];
  readonly velocity: VelocityState;
}

/** The locations a channel sells from. */
export type LocationScope = "all" | readonly LocationGid[];

const stampedSchema = z.object({ value: z.number().finite(), updatedAtMs: z.number().finite() }).nullable();
const idSchema = z.string().min(1);

/**
 * The stored JSON of a master record, checked on the way in (records/master-records.server.ts).
 * Ids are checked as non-empty strings only: every record is read on every recompute, and
 * the ids were checked when they entered.
 */
export const masterRecordSchema = z.object({
  shop: idSchema,
  variantId: idSchema,
  locations: z.array(
    z.object({
      locationId: idSchema,
      available: stampedSchema,
      onHand: stampedSchema,
      committed: stampedSchema,
      ballastSafetyStock: stampedSchema,
    }),
  ),
  holds: z.array(
    z.object({
      orderId: idSchema,
      locationId: idSchema.nullable(),
      units: z.number().finite(),
      orderedAtMs: z.number().finite(),
    }),
  ),
  cancelledOrders: z.array(
    z.object({ orderId: idSchema, locationId: idSchema.nullable(), orderedAtMs: z.number().finite() }),
  ),
  velocity: z.object({ atMs: z.number().finite(), short: z.number().finite(), long: z.number().finite() }),
}) as unknown as z.ZodType<MasterRecord>;

export function createMasterRecord(shop: ShopDomain, variantId: VariantGid): MasterRecord {
  return { shop, variantId, locations: [], holds: [], cancelledOrders: [], velocity: EMPTY_VELOCITY };
}

/** An absolute level as Shopify reported it (webhook, GraphQL read or bulk export). */
export interface LevelUpdate {
  readonly locationId: LocationGid;
  readonly updatedAtMs: number;
  readonly available?: number;
  readonly onHand?: number;
  readonly committed?: number;
}

/**
 * Applies each quantity only if it is newer than the one held: an older (or equally
 * old) value never overwrites. A newer `available` reflects every order placed before
 * it at that location, so those holds are released.
 */
export function applyLevelUpdate(record: MasterRecord, update: LevelUpdate): MasterRecord {
  const current = findLocation(record, update.locationId);
  const next: LocationLevels = {
    locationId: update.locationId,
    available: newer(current.available, update.available, update.updatedAtMs),
    onHand: newer(current.onHand, update.onHand, update.updatedAtMs),
    committed: newer(current.committed, update.committed, update.updatedAtMs),
    ballastSafetyStock: current.ballastSafetyStock,
  };
  return releaseReflectedOrders(replaceLocation(record, next));
}

/**
 * Ballast's own inventoryMoveQuantities (available → safety_stock) as its response
 * reported it: the units Ballast now holds in safety_stock at the location and the
 * resulting available, both stamped. `available` is required: counting the new share
 * against an older available would count the moved units twice.
 */
export interface OwnSafetyStockMove {
  readonly locationId: LocationGid;
  readonly updatedAtMs: number;
  readonly ballastSafetyStock: number;
  readonly available: number;
  /**
   * The `available` the move was planned on, and a time no later than that read. A level
   * Shopify stamped after it with another value is a change made after the move (a sale
   * during the round trip): it already counts the move, and is kept.
   */
  readonly startedFrom?: { readonly available: number; readonly atMs: number };
}

export function applyOwnSafetyStockMove(record: MasterRecord, move: OwnSafetyStockMove): MasterRecord {
  const current = findLocation(record, move.locationId);
  const changedSince =
    move.startedFrom !== undefined &&
    current.available !== null &&
    current.available.updatedAtMs > move.startedFrom.atMs &&
    current.available.value !== move.startedFrom.available;
  const next: LocationLevels = {
    ...current,
    available: changedSince ? current.available : newer(current.available, move.available, move.updatedAtMs),
    ballastSafetyStock: newer(current.ballastSafetyStock, move.ballastSafetyStock, move.updatedAtMs),
  };
  return releaseReflectedOrders(replaceLocation(record, next));
}

/** One variant's line of an order seen by webhook (units summed over its lines). */
export interface OrderSeen {
  readonly orderId: OrderGid;
  readonly locationId: LocationGid | null;
  readonly units: number;
  readonly orderedAtMs: number;
}

/**
 * Counts the sale in the velocity and holds its units until a level newer than the
 * order arrives. Replays of a held order are ignored; callers deduplicate webhook
 * deliveries by event id, since a replay after release would count the sale again.
 */
export function applyOrder(
  record: MasterRecord,
  order: OrderSeen,
  velocityConfig: VelocityConfig = DEFAULT_VELOCITY_CONFIG,
): MasterRecord {
  if (!(order.units > 0)) return record;
  if (record.holds.some((hold) => hold.orderId === order.orderId)) return record;
  const velocity = recordSale(record.velocity, order.units, order.orderedAtMs, velocityConfig);
  const cancelled = record.cancelledOrders.some((entry) => entry.orderId === order.orderId);
  if (cancelled || isReflected(record, order.locationId, order.orderedAtMs)) return { ...record, velocity };
  const hold: OrderHold = {
    orderId: order.orderId,
    locationId: order.locationId,
    units: order.units,
    orderedAtMs: order.orderedAtMs,
  };
  return { ...record, velocity, holds: [...record.holds, hold] };
}

/**
 * Releases the order's hold. Shopify restocks a cancelled order through a level
 * update of its own, so nothing else changes. The sale stays in the velocity: it was
 * demand all the same. The cancel leaves a tombstone, so an order delivered late (or
 * again) does not hold units; it is dropped under the rule that releases holds.
 */
export function applyOrderCancelled(record: MasterRecord, cancel: CancelledOrder): MasterRecord {
  const holds = record.holds.filter((hold) => hold.orderId !== cancel.orderId);
  const known = record.cancelledOrders.some((entry) => entry.orderId === cancel.orderId);
  const needsTombstone = !known && !isReflected(record, cancel.locationId, cancel.orderedAtMs);
  if (holds.length === record.holds.length && !needsTombstone) return record;
  const tombstone: CancelledOrder = {
    orderId: cancel.orderId,
    locationId: cancel.locationId,
    orderedAtMs: cancel.orderedAtMs,
  };
  return {
    ...record,
    holds,
    cancelledOrders: needsTombstone ? [...record.cancelledOrders, tombstone] : record.cancelledOrders,
  };
}

const inScope = (scope: LocationScope, locationId: LocationGid): boolean =>
  scope === "all" || scope.includes(locationId);

/**
 * What a channel selling from `scope` may sell: Shopify's available plus the units
 * Ballast holds in safety_stock, less order holds (a hold without a location counts
 * against every scope), never below zero. A location never reported counts 0.
 * Negative available (Shopify oversold) is summed as is: when in doubt, show less.
 */
export function sellableUnits(record: MasterRecord, scope: LocationScope = "all"): number {
  let units = 0;
  for (const location of record.locations) {
    if (!inScope(scope, location.locationId)) continue;
    units += (location.available?.value ?? 0) + (location.ballastSafetyStock?.value ?? 0);
  }
  for (const hold of record.holds) {
    if (hold.locationId === null || inScope(scope, hold.locationId)) units -= hold.units;
  }
  return units > 0 ? units : 0;
}

export interface SellableBreakdown {
  readonly sellable: number;
  readonly available: number;
  readonly ballastSafetyStock: number;
  readonly orderHolds: number;
  readonly locations: number;
}

/** The parts of sellableUnits, for explanations. */
export function sellableBreakdown(record: MasterRecord, scope: LocationScope = "all"): SellableBreakdown {
  let available = 0;
  let ballastSafetyStock = 0;
  let orderHolds = 0;
  let locations = 0;
  for (const location of record.locations) {
    if (!inScope(scope, location.locationId)) continue;
    locations += 1;
    available += location.available?.value ?? 0;
    ballastSafetyStock += location.ballastSafetyStock?.value ?? 0;
  }
  for (const hold of record.holds) {
    if (hold.locationId === null || inScope(scope, hold.locationId)) orderHolds += hold.units;
  }
  return { sellable: sellableUnits(record, scope), available, ballastSafetyStock, orderHolds, locations };
}

function newer(
  current: StampedQuantity | null,
  value: number | undefined,
  updatedAtMs: number,
): StampedQuantity | null {
  if (value === undefined) return current;
  if (current !== null && current.updatedAtMs >= updatedAtMs) return current;
  return { value, updatedAtMs };
}

const EMPTY_LEVELS = { available: null, onHand: null, committed: null, ballastSafetyStock: null } as const;

function findLocation(record: MasterRecord, locationId: LocationGid): LocationLevels {
  return record.locations.find((location) => location.locationId === locationId) ?? { locationId, ...EMPTY_LEVELS };
}

function replaceLocation(record: MasterRecord, next: LocationLevels): MasterRecord {
  const index = record.locations.findIndex((location) => location.locationId === next.locationId);
  const locations = index === -1 ? [...record.locations, next] : record.locations.with(index, next);
  return { ...record, locations };
}

/**
 * An order is reflected once `available` at its location was stamped after it. An
 * order without a location is taken as reflected by any location's newer level:
 * Shopify decrements at order creation, so a later stamp anywhere follows it.
 */
function isReflected(record: MasterRecord, locationId: LocationGid | null, orderedAtMs: number): boolean {
  return record.locations.some(
    (location) =>
      (locationId === null || location.locationId === locationId) &&
      location.available !== null &&
      location.available.updatedAtMs > orderedAtMs,
  );
}

function releaseReflectedOrders(record: MasterRecord): MasterRecord {
  const holds = record.holds.filter((hold) => !isReflected(record, hold.locationId, hold.orderedAtMs));
  const cancelledOrders = record.cancelledOrders.filter(
    (entry) => !isReflected(record, entry.locationId, entry.orderedAtMs),
  );
  if (holds.length === record.holds.length && cancelledOrders.length === record.cancelledOrders.length) return record;
  return { ...record, holds, cancelledOrders };
}

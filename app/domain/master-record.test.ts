import { describe, expect, it } from "vitest";
import type { LocationGid, OrderGid, ShopDomain, VariantGid } from "./ids";
import {
  applyLevelUpdate,
  applyOrder,
  applyOrderCancelled,
  applyOwnSafetyStockMove,
  createMasterRecord,
  sellableBreakdown,
  sellableUnits,
} from "./master-record";
import { salesRatePerMs } from "./velocity";

const WAREHOUSE = "gid://shopify/Location/271878346596884015" as LocationGid;
const SHOPFRONT = "gid://shopify/Location/271878346596884016" as LocationGid;
const ORDER = "gid://shopify/Order/820982911946154508" as OrderGid;
const T = Date.UTC(2026, 10, 27, 12, 0, 0);

const empty = () =>
  createMasterRecord("stored.myshopify.com" as ShopDomain, "gid://shopify/ProductVariant/44960469696645" as VariantGid);
const stocked = (warehouse: number, shopfront = 0) =>
  applyLevelUpdate(applyLevelUpdate(empty(), { locationId: WAREHOUSE, available: warehouse, updatedAtMs: T }), {
    locationId: SHOPFRONT,
    available: shopfront,
    updatedAtMs: T,
  });

describe("absolute levels", () => {
  it("GIVEN a level WHEN an older one arrives THEN the newer stays", () => {
    const record = applyLevelUpdate(stocked(10), { locationId: WAREHOUSE, available: 25, updatedAtMs: T - 1 });
    expect(sellableUnits(record)).toBe(10);
  });

  it("ignores a replay stamped the same time", () => {
    const record = applyLevelUpdate(stocked(10), { locationId: WAREHOUSE, available: 3, updatedAtMs: T });
    expect(sellableUnits(record)).toBe(10);
  });

  it("stamps each quantity on its own: a newer on-hand does not revive an old available", () => {
    const record = applyLevelUpdate(stocked(10), {
      locationId: WAREHOUSE,
      onHand: 12,
      committed: 2,
      updatedAtMs: T + 5,
    });
    const warehouse = record.locations.find((location) => location.locationId === WAREHOUSE);
    expect(warehouse?.available).toEqual({ value: 10, updatedAtMs: T });
    expect(warehouse?.onHand).toEqual({ value: 12, updatedAtMs: T + 5 });
  });

  it("sums the locations in a channel's scope; an unknown location counts nothing", () => {
    const record = stocked(10, 4);
    expect(sellableUnits(record, "all")).toBe(14);
    expect(sellableUnits(record, [SHOPFRONT])).toBe(4);
    expect(sellableUnits(record, ["gid://shopify/Location/1" as LocationGid])).toBe(0);
  });

  it("lets an oversold location (negative available) lower the total, never below zero", () => {
    expect(sellableUnits(stocked(10, -3))).toBe(7);
    expect(sellableUnits(stocked(-5, 2))).toBe(0);
  });
});

describe("order holds", () => {
  const order = { orderId: ORDER, locationId: WAREHOUSE, units: 2, orderedAtMs: T + 1_000 };

  it("holds an order's units until a newer level at its location arrives", () => {
    const held = applyOrder(stocked(10, 4), order);
    expect(sellableUnits(held)).toBe(12);
    expect(sellableUnits(held, [SHOPFRONT])).toBe(4);
    const otherLocation = applyLevelUpdate(held, { locationId: SHOPFRONT, available: 4, updatedAtMs: T + 2_000 });
    expect(sellableUnits(otherLocation)).toBe(12);
    const reflected = applyLevelUpdate(held, { locationId: WAREHOUSE, available: 8, updatedAtMs: T + 2_000 });
    expect(reflected.holds).toEqual([]);
    expect(sellableUnits(reflected)).toBe(12);
  });

  it("does not hold an order the levels already reflect, but still counts it as a sale", () => {
    const record = applyOrder(stocked(10), { ...order, orderedAtMs: T - 1 });
    expect(record.holds).toEqual([]);
    expect(salesRatePerMs(record.velocity, T)).toBeGreaterThan(0);
  });

  it("holds an order without a location against every scope", () => {
    const record = applyOrder(stocked(10, 4), { ...order, locationId: null });
    expect(sellableUnits(record, [SHOPFRONT])).toBe(2);
    expect(sellableUnits(record, [WAREHOUSE])).toBe(8);
  });

  it("ignores a replay of a held order", () => {
    const once = applyOrder(stocked(10), order);
    expect(applyOrder(once, order)).toBe(once);
  });

  it("releases the hold on cancel, in either order of arrival", () => {
    const createdThenCancelled = applyOrderCancelled(applyOrder(stocked(10), order), order);
    const cancelledThenCreated = applyOrder(applyOrderCancelled(stocked(10), order), order);
    expect(sellableUnits(createdThenCancelled)).toBe(10);
    expect(sellableUnits(cancelledThenCreated)).toBe(10);
  });

  it("forgets a cancel once a level newer than its order arrives where the order was", () => {
    const tombstoned = applyOrderCancelled(stocked(10, 4), order);
    expect(tombstoned.cancelledOrders).toHaveLength(1);
    const elsewhere = applyLevelUpdate(tombstoned, { locationId: SHOPFRONT, available: 4, updatedAtMs: T + 5_000 });
    expect(elsewhere.cancelledOrders).toHaveLength(1);
    const reflected = applyLevelUpdate(elsewhere, { locationId: WAREHOUSE, available: 10, updatedAtMs: T + 5_000 });
    expect(reflected.cancelledOrders).toEqual([]);
    expect(sellableUnits(applyOrder(reflected, order))).toBe(14);
  });
});

describe("Ballast's own safety_stock moves", () => {
  it("are not sales: moving 2 to safety_stock and the echo leave sellable and velocity alone", () => {
    const before = stocked(10);
    const moved = applyOwnSafetyStockMove(before, {
      locationId: WAREHOUSE,
      ballastSafetyStock: 2,
      available: 8,
      updatedAtMs: T + 1_000,
    });
    const echoed = applyLevelUpdate(moved, { locationId: WAREHOUSE, available: 8, updatedAtMs: T + 1_000 });
    expect(sellableUnits(echoed)).toBe(10);
    expect(echoed.velocity).toEqual(before.velocity);
    expect(sellableBreakdown(echoed)).toEqual({
      sellable: 10,
      available: 8,
      ballastSafetyStock: 2,
      orderHolds: 0,
      locations: 2,
    });
  });

  it("an echo arriving before the move is recorded only ever shows less", () => {
    const echoFirst = applyLevelUpdate(stocked(10), { locationId: WAREHOUSE, available: 8, updatedAtMs: T + 1_000 });
    expect(sellableUnits(echoFirst)).toBe(8);
    const recorded = applyOwnSafetyStockMove(echoFirst, {
      locationId: WAREHOUSE,
      ballastSafetyStock: 2,
      available: 8,
      updatedAtMs: T + 1_000,
    });
    expect(sellableUnits(recorded)).toBe(10);
  });

  it("a sale after the move lowers sellable by the sale only", () => {
    const moved = applyOwnSafetyStockMove(stocked(10), {
      locationId: WAREHOUSE,
      ballastSafetyStock: 2,
      available: 8,
      updatedAtMs: T + 1_000,
    });
    const sold = applyLevelUpdate(moved, { locationId: WAREHOUSE, available: 7, updatedAtMs: T + 2_000 });
    expect(sellableUnits(sold)).toBe(9);
  });

  it("a sale recorded while the move was on its way is kept: the move's answer is older", () => {
    // Planned at T+1s on available 10; a sale after Shopify applied it (8 → 7) reached the
    // record first, stamped by Shopify after the read. The answer (available 8) is older.
    const soldFirst = applyLevelUpdate(stocked(10), { locationId: WAREHOUSE, available: 7, updatedAtMs: T + 1_500 });
    const recorded = applyOwnSafetyStockMove(soldFirst, {
      locationId: WAREHOUSE,
      ballastSafetyStock: 2,
      available: 8,
      updatedAtMs: T + 2_000,
      startedFrom: { available: 10, atMs: T + 1_000 },
    });
    expect(sellableBreakdown(recorded)).toMatchObject({ available: 7, ballastSafetyStock: 2, sellable: 9 });
  });

  it("a level stamped after the plan with the value it was planned on is the state the move started from", () => {
    const readState = applyLevelUpdate(stocked(12), { locationId: WAREHOUSE, available: 10, updatedAtMs: T + 1_200 });
    const recorded = applyOwnSafetyStockMove(readState, {
      locationId: WAREHOUSE,
      ballastSafetyStock: 2,
      available: 8,
      updatedAtMs: T + 2_000,
      startedFrom: { available: 10, atMs: T + 1_000 },
    });
    expect(sellableBreakdown(recorded)).toMatchObject({ available: 8, ballastSafetyStock: 2, sellable: 10 });
  });
});

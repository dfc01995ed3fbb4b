import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isEnumType } from "graphql";
import { loadRealAdminSchema } from "../../../sim/fakes/shopify/schema-contract";
import {
  changeIndexOf,
  idempotencyKeyFor,
  MOVE_ERROR_VERDICTS,
  moveChange,
  moveErrorVerdict,
  ownEffectOf,
  ownUnitsIn,
  parseItemKey,
  planMove,
} from "./plan";

describe("planning the Online Store move", () => {
  it("holds the surplus when available is above the wanted quantity, as Ballast's own units", () => {
    expect(planMove({ available: 10, safetyStock: 0 }, 7)).toEqual({
      kind: "hold",
      quantity: 3,
      reached: 7,
      ownAfter: 3,
    });
    expect(planMove({ available: 10, safetyStock: 5, own: 1 }, 7)).toEqual({
      kind: "hold",
      quantity: 3,
      reached: 7,
      ownAfter: 4,
    });
  });
  it("releases Ballast's own held units when available is below", () => {
    expect(planMove({ available: 2, safetyStock: 5, own: 5 }, 6)).toEqual({
      kind: "release",
      quantity: 4,
      reached: 6,
      ownAfter: 1,
    });
  });
  it("releases at most Ballast's own units and reports what it reaches", () => {
    expect(planMove({ available: 2, safetyStock: 3, own: 3 }, 9)).toEqual({
      kind: "release",
      quantity: 3,
      reached: 5,
      ownAfter: 0,
    });
    expect(planMove({ available: 2, safetyStock: 0 }, 9)).toEqual({ kind: "none", reached: 2, ownAfter: 0 });
  });
  it("never releases the merchant's own safety stock", () => {
    // 5 in safety_stock, 2 of them Ballast's: at most 2 come back.
    expect(planMove({ available: 2, safetyStock: 5, own: 2 }, 9)).toEqual({
      kind: "release",
      quantity: 2,
      reached: 4,
      ownAfter: 0,
    });
    // No record of Ballast's own: all of it is the merchant's.
    expect(planMove({ available: 2, safetyStock: 5 }, 9)).toEqual({ kind: "none", reached: 2, ownAfter: 0 });
  });
  it("counts as Ballast's at most what safety_stock still holds (the merchant released some in Shopify admin)", () => {
    expect(ownUnitsIn({ available: 4, safetyStock: 1, own: 3 })).toBe(1);
    expect(planMove({ available: 4, safetyStock: 1, own: 3 }, 9)).toEqual({
      kind: "release",
      quantity: 1,
      reached: 5,
      ownAfter: 0,
    });
    expect(planMove({ available: 4, safetyStock: 1, own: 3 }, 4)).toEqual({ kind: "none", reached: 4, ownAfter: 1 });
  });
  it("treats negative wanted quantities as zero", () => {
    expect(planMove({ available: 3, safetyStock: 0 }, -4)).toEqual({
      kind: "hold",
      quantity: 3,
      reached: 0,
      ownAfter: 3,
    });
  });

  it("property: whatever the wanted quantities, the merchant's share of safety_stock never changes and available + own is kept", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -3, max: 40 }),
        fc.integer({ min: 0, max: 20 }),
        fc.array(fc.integer({ min: -5, max: 60 }), { maxLength: 30 }),
        (startAvailable, merchantSafetyStock, wantedSequence) => {
          let level = { available: startAvailable, safetyStock: merchantSafetyStock };
          let own = 0;
          const pool = startAvailable;
          for (const wanted of wantedSequence) {
            const plan = planMove({ ...level, own }, wanted);
            if (plan.kind !== "none") {
              const parts = parseItemKey("gid://shopify/InventoryItem/1|gid://shopify/Location/1")!;
              const change = moveChange(parts, level, plan, "ballast://hold/1");
              expect(ownEffectOf(change)).toBe(plan.ownAfter - own);
              const delta = plan.kind === "hold" ? plan.quantity : -plan.quantity;
              level = { available: level.available - delta, safetyStock: level.safetyStock + delta };
            }
            own = plan.ownAfter;
            expect(level.available).toBe(plan.reached);
            expect(own).toBeGreaterThanOrEqual(0);
            expect(level.safetyStock - own).toBe(merchantSafetyStock);
            expect(level.available + own).toBe(pool);
            // Reached exactly whenever the target lies within what Ballast may move.
            const target = Math.max(0, wanted);
            if (target <= pool) expect(plan.reached).toBe(target);
          }
        },
      ),
    );
  });
});

describe("item keys and idempotency keys", () => {
  const parts = parseItemKey("gid://shopify/InventoryItem/271878346596884015|gid://shopify/Location/24826418")!;
  it("parses `${inventoryItemGid}|${locationGid}` without touching the numbers", () => {
    expect(parts.inventoryItemId).toBe("gid://shopify/InventoryItem/271878346596884015");
    expect(parseItemKey("271878346596884015|24826418")).toBeNull();
  });
  it("gives the same key to the same intended change and a new one per generation", () => {
    const change = moveChange(
      parts,
      { available: 10, safetyStock: 0 },
      { kind: "hold", quantity: 3, reached: 7, ownAfter: 3 },
      "gid://ballast/Hold/1",
    );
    expect(change.from).toMatchObject({ name: "available", changeFromQuantity: 10, ledgerDocumentUri: null });
    expect(change.to).toMatchObject({ name: "safety_stock", changeFromQuantity: 0 });
    const key = idempotencyKeyFor("a.myshopify.com", [change]);
    expect(idempotencyKeyFor("a.myshopify.com", [change])).toBe(key);
    expect(idempotencyKeyFor("a.myshopify.com", [change], 1)).not.toBe(key);
    expect(idempotencyKeyFor("a.myshopify.com", [{ ...change, quantity: 4 }])).not.toBe(key);
    // A nonce per send: a later identical move is a new move, not a replay of the earlier one.
    expect(idempotencyKeyFor("a.myshopify.com", [change], 0, "n1")).not.toBe(
      idempotencyKeyFor("a.myshopify.com", [change], 0, "n2"),
    );
    expect(ownEffectOf(change)).toBe(3);
  });
  it("finds the change a userError points at", () => {
    expect(changeIndexOf(["input", "changes", "3", "from", "changeFromQuantity"])).toBe(3);
    expect(changeIndexOf(["input", "reason"])).toBeNull();
    expect(changeIndexOf(null)).toBeNull();
  });
});

describe("what a push does with each inventoryMoveQuantities userError code", () => {
  it("has a verdict for exactly the codes of Shopify's 2026-10 InventoryMoveQuantitiesUserErrorCode (the vendored introspection)", () => {
    const codes = loadRealAdminSchema().getType("InventoryMoveQuantitiesUserErrorCode");
    if (!isEnumType(codes))
      throw new Error("InventoryMoveQuantitiesUserErrorCode is not an enum in the vendored schema");
    expect(Object.keys(MOVE_ERROR_VERDICTS).sort()).toEqual(
      codes
        .getValues()
        .map((value) => value.name)
        .sort(),
    );
    // Removed in 2026-10 (shopify.dev/changelog/removal-of-itemnotstockedatlocation-error).
    expect(MOVE_ERROR_VERDICTS).not.toHaveProperty("ITEM_NOT_STOCKED_AT_LOCATION");
  });
  it("re-reads after a stale quantity or an idempotency refusal, tries later when Shopify says so, refuses the rest", () => {
    expect(moveErrorVerdict("CHANGE_FROM_QUANTITY_STALE")).toBe("reread");
    expect(moveErrorVerdict("IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED")).toBe("reread");
    expect(moveErrorVerdict("SERVICE_UNAVAILABLE")).toBe("later");
    expect(moveErrorVerdict("MOVE_QUANTITIES_FAILED")).toBe("later");
    expect(moveErrorVerdict("NON_MUTABLE_INVENTORY_ITEM")).toBe("refused");
    expect(moveErrorVerdict("A_CODE_SHOPIFY_ADDS_LATER")).toBe("refused");
    expect(moveErrorVerdict("constructor")).toBe("refused");
    expect(moveErrorVerdict(null)).toBe("refused");
  });
});

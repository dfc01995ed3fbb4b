import { describe, expect, it } from "vitest";
import { changeIndexOf, idempotencyKeyFor, moveChange, parseItemKey, planMove } from "./plan";

describe("planning the Online Store move", () => {
  it("holds the surplus when available is above the wanted quantity", () => {
    expect(planMove({ available: 10, safetyStock: 0 }, 7)).toEqual({ kind: "hold", quantity: 3, reached: 7 });
  });
  it("releases held units when available is below", () => {
    expect(planMove({ available: 2, safetyStock: 5 }, 6)).toEqual({ kind: "release", quantity: 4, reached: 6 });
  });
  it("releases at most what is held and reports what it reaches", () => {
    expect(planMove({ available: 2, safetyStock: 3 }, 9)).toEqual({ kind: "release", quantity: 3, reached: 5 });
    expect(planMove({ available: 2, safetyStock: 0 }, 9)).toEqual({ kind: "none", reached: 2 });
  });
  it("treats negative wanted quantities as zero", () => {
    expect(planMove({ available: 3, safetyStock: 0 }, -4)).toEqual({ kind: "hold", quantity: 3, reached: 0 });
  });
});

describe("item keys and idempotency keys", () => {
  const parts = parseItemKey("gid://shopify/InventoryItem/271878346596884015|gid://shopify/Location/24826418")!;
  it("parses `${inventoryItemGid}|${locationGid}` without touching the numbers", () => {
    expect(parts.inventoryItemId).toBe("gid://shopify/InventoryItem/271878346596884015");
    expect(parseItemKey("271878346596884015|24826418")).toBeNull();
  });
  it("gives the same key to the same intended change and a new one per generation", () => {
    const change = moveChange(parts, { available: 10, safetyStock: 0 }, { kind: "hold", quantity: 3, reached: 7 }, "gid://ballast/Hold/1");
    expect(change.from).toMatchObject({ name: "available", changeFromQuantity: 10, ledgerDocumentUri: null });
    expect(change.to).toMatchObject({ name: "safety_stock", changeFromQuantity: 0 });
    const key = idempotencyKeyFor("a.myshopify.com", [change]);
    expect(idempotencyKeyFor("a.myshopify.com", [change])).toBe(key);
    expect(idempotencyKeyFor("a.myshopify.com", [change], 1)).not.toBe(key);
    expect(idempotencyKeyFor("a.myshopify.com", [{ ...change, quantity: 4 }])).not.toBe(key);
  });
  it("finds the change a userError points at", () => {
    expect(changeIndexOf(["input", "changes", "3", "from", "changeFromQuantity"])).toBe(3);
    expect(changeIndexOf(["input", "reason"])).toBeNull();
    expect(changeIndexOf(null)).toBeNull();
  });
});

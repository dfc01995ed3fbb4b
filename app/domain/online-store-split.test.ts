import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { locationGid, shopDomain, variantGid } from "./ids";
import { applyLevelUpdate, applyOwnSafetyStockMove, createMasterRecord, type MasterRecord } from "./master-record";
import { splitOnlineStoreTarget } from "./online-store-split";

const LOCATIONS = ["gid://shopify/Location/1", "gid://shopify/Location/2", "gid://shopify/Location/3"].map(locationGid);

function recordWith(levels: { available: number; held: number }[]): MasterRecord {
  let record = createMasterRecord(shopDomain("a.myshopify.com"), variantGid("gid://shopify/ProductVariant/1"));
  levels.forEach((level, index) => {
    const locationId = LOCATIONS[index]!;
    record = applyLevelUpdate(record, { locationId, updatedAtMs: 1_000, available: level.available });
    record = applyOwnSafetyStockMove(record, {
      locationId,
      updatedAtMs: 2_000,
      available: level.available,
      ballastSafetyStock: level.held,
    });
  });
  return record;
}

describe("splitOnlineStoreTarget", () => {
  it("withholds from the deepest location first", () => {
    const record = recordWith([
      { available: 3, held: 0 },
      { available: 5, held: 2 },
    ]);
    const targets = splitOnlineStoreTarget(record, "all", 8);
    expect(targets.map((target) => [target.locationId, target.available])).toEqual([
      [LOCATIONS[1], 5],
      [LOCATIONS[0], 3],
    ]);
  });

  it("shows nothing when the engine says 0, and everything when it says all", () => {
    const record = recordWith([
      { available: 4, held: 1 },
      { available: 2, held: 0 },
    ]);
    expect(splitOnlineStoreTarget(record, "all", 0).every((target) => target.available === 0)).toBe(true);
    expect(splitOnlineStoreTarget(record, "all", 99).map((target) => target.available)).toEqual([5, 2]);
  });

  it("only splits over the locations the Online Store sells from", () => {
    const record = recordWith([
      { available: 4, held: 0 },
      { available: 9, held: 0 },
    ]);
    const targets = splitOnlineStoreTarget(record, [LOCATIONS[0]!], 3);
    expect(targets).toEqual([{ locationId: LOCATIONS[0], pool: 4, available: 3 }]);
  });

  it("asks an oversold location for no more than it can reach: every held unit released, nothing invented", () => {
    const record = recordWith([
      { available: -3, held: 2 },
      { available: 4, held: 0 },
    ]);
    expect(splitOnlineStoreTarget(record, "all", 10).map((target) => [target.locationId, target.available])).toEqual([
      [LOCATIONS[1], 4],
      [LOCATIONS[0], -1],
    ]);
  });

  it("PROPERTY: the targets add up to what may be shown, each between 0 and its pool (or what an oversold location can reach)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ available: fc.integer({ min: -5, max: 500 }), held: fc.integer({ min: 0, max: 50 }) }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.integer({ min: 0, max: 1_000 }),
        (levels, shown) => {
          const targets = splitOnlineStoreTarget(recordWith(levels), "all", shown);
          const totalPool = targets.reduce((sum, target) => sum + target.pool, 0);
          const oversold = levels.map((level) => level.available + level.held).filter((reachable) => reachable < 0);
          expect(targets.reduce((sum, target) => sum + Math.max(0, target.available), 0)).toBe(
            Math.min(shown, totalPool),
          );
          expect(
            targets
              .filter((target) => target.available < 0)
              .map((target) => target.available)
              .sort(),
          ).toEqual([...oversold].sort());
          for (const target of targets) {
            expect(target.available).toBeLessThanOrEqual(target.pool);
            if (target.available < 0) expect(target.pool).toBe(0);
          }
        },
      ),
    );
  });

  it("PROPERTY: showing more never lowers any location's target", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ available: fc.integer({ min: 0, max: 100 }), held: fc.integer({ min: 0, max: 20 }) }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.integer({ min: 0, max: 200 }),
        (levels, shown) => {
          const record = recordWith(levels);
          const lower = splitOnlineStoreTarget(record, "all", shown);
          const higher = splitOnlineStoreTarget(record, "all", shown + 1);
          lower.forEach((target, index) => expect(higher[index]!.available).toBeGreaterThanOrEqual(target.available));
        },
      ),
    );
  });
});

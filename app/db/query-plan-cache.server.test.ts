import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { cacheQueryPlans, queryPlanCacheStats } from "./query-plan-cache.server";

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

const SHOP = "plans.myshopify.com";

describe("query plan cache", () => {
  it("is used by the generated client: a repeated request is not compiled again, a new value is", async () => {
    const { database } = testDatabase;
    await database.shop.create({ data: { shop: SHOP, installedAt: new Date(Date.UTC(2026, 10, 1)) } });
    const read = (shop: string) => database.shop.findUnique({ where: { shop }, select: { shop: true, installedAt: true } });
    await read(SHOP);
    const before = { ...queryPlanCacheStats };
    // Executing a cached (frozen) plan again gives the same, correct answer.
    expect(await read(SHOP)).toEqual({ shop: SHOP, installedAt: new Date(Date.UTC(2026, 10, 1)) });
    expect(await read(SHOP)).toEqual({ shop: SHOP, installedAt: new Date(Date.UTC(2026, 10, 1)) });
    expect(queryPlanCacheStats.hits - before.hits).toBe(2);
    expect(await read("other.myshopify.com")).toBeNull();
    expect(queryPlanCacheStats.misses - before.misses).toBe(1);
  });

  it("answers from the current data, not from the request's last answer", async () => {
    const { database } = testDatabase;
    const shops = ["current-one.myshopify.com", "current-two.myshopify.com"];
    const count = () => database.shop.count({ where: { shop: { in: shops } } });
    await database.shop.create({ data: { shop: shops[0]!, installedAt: new Date() } });
    expect(await count()).toBe(1);
    await database.shop.create({ data: { shop: shops[1]!, installedAt: new Date() } });
    expect(await count()).toBe(2);
  });

  it("keeps plans per compiler, bounded, and frozen", () => {
    let compiled = 0;
    class Compiler {
      constructor(readonly schema: string) {}
      compile(request: string): unknown {
        compiled += 1;
        return { schema: this.schema, request, steps: [{ sql: "SELECT 1" }] };
      }
    }
    cacheQueryPlans(Compiler.prototype);
    cacheQueryPlans(Compiler.prototype); // installing twice wraps once
    const a = new Compiler("a");
    const b = new Compiler("b");
    const plan = a.compile("{}") as { steps: { sql: string }[] };
    expect(a.compile("{}")).toBe(plan);
    expect(b.compile("{}")).toMatchObject({ schema: "b" });
    expect(compiled).toBe(2);
    expect(Object.isFrozen(plan.steps[0])).toBe(true);
    expect(() => {
      "use strict";
      plan.steps[0]!.sql = "DROP TABLE x";
    }).toThrow(TypeError);
    a.compile("x".repeat(5_000));
    a.compile("x".repeat(5_000));
    expect(compiled).toBe(4); // too large to keep
  });
});

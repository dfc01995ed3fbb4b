// @database
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { cacheQueryPlans, queryPlanCacheStats, rawQueryPlan, verifyingRawQueryPlans } from "./query-plan-cache.server";

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
    const read = (shop: string) =>
      database.shop.findUnique({ where: { shop }, select: { shop: true, installedAt: true } });
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

describe("raw query plans built without the compiler", () => {
  it("are the compiler's own for every parameter encoding the app sends (the suite verifies every raw plan)", async () => {
    expect(verifyingRawQueryPlans()).toBe(true);
    const { database, provider } = testDatabase;
    const before = queryPlanCacheStats.raw;
    const at = new Date(Date.UTC(2026, 10, 27, 12, 30, 15, 250));
    const rows = await database.$queryRaw<
      { text: string; whole: unknown; big: unknown; fraction: unknown; flag: unknown; missing: unknown }[]
    >`
      SELECT ${"text"} AS "text", ${42} AS "whole", ${9_007_199_254_740_993n} AS "big", ${0.25} AS "fraction", ${true} AS "flag", ${null} AS "missing"`;
    expect(rows[0]!.text).toBe("text");
    expect(Number(rows[0]!.whole)).toBe(42);
    expect(String(rows[0]!.big)).toBe("9007199254740993");
    expect(Number(rows[0]!.fraction)).toBe(0.25);
    expect(rows[0]!.missing).toBeNull();
    await database.shop.create({ data: { shop: "raw.myshopify.com", installedAt: at } });
    const changed =
      await database.$executeRaw`UPDATE "Shop" SET "locale" = ${"fr"}, "installedAt" = ${at} WHERE "shop" = ${"raw.myshopify.com"}`;
    expect(changed).toBe(1);
    expect(
      await database.shop.findUnique({
        where: { shop: "raw.myshopify.com" },
        select: { locale: true, installedAt: true },
      }),
    ).toEqual({ locale: "fr", installedAt: at });
    if (provider === "sqlite") {
      const bytes = await database.$queryRaw<{ size: unknown }[]>`SELECT length(${Buffer.from("abc")}) AS "size"`;
      expect(Number(bytes[0]!.size)).toBe(3);
    }
    expect(queryPlanCacheStats.raw - before).toBeGreaterThanOrEqual(2);
  });

  it("leaves every other encoding and request to the compiler", () => {
    const raw = (parameters: unknown[]) =>
      JSON.stringify({
        action: "queryRaw",
        query: { arguments: { query: "SELECT ?", parameters: JSON.stringify(parameters) }, selection: {} },
      });
    expect(rawQueryPlan(raw(["a", 1, 1.5, null, true]))).toEqual({
      type: "query",
      args: {
        type: "rawSql",
        sql: "SELECT ?",
        args: ["a", 1, 1.5, null, true],
        argTypes: ["string", "int", "float", "unknown", "boolean"].map((scalarType) => ({
          arity: "scalar",
          scalarType,
          dbType: null,
        })),
      },
    });
    expect(rawQueryPlan(raw([{ prisma__type: "decimal", prisma__value: "1.25" }]))).toBeUndefined();
    expect(rawQueryPlan(raw([[1, 2]]))).toBeUndefined();
    expect(rawQueryPlan(raw([2 ** 60]))).toBeUndefined();
    expect(rawQueryPlan(raw([{ a: 1 }]))).toBeUndefined();
    expect(
      rawQueryPlan('{"modelName":"Shop","action":"findMany","query":{"arguments":{},"selection":{"$scalars":true}}}'),
    ).toBeUndefined();
  });
});

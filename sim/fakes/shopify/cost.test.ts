import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { adminSchema } from "./schema";
import { CostBucket, queryCost } from "./cost";

describe("query cost (shopify.dev/docs/api/usage/limits#cost-calculation)", () => {
  const schema = adminSchema();
  it("an object costs 1, scalars 0", () => {
    expect(queryCost(schema, parse("{ shop { name } }"))).toBe(1);
  });
  it("a connection costs 2 + first × node cost, with variables", () => {
    expect(
      queryCost(schema, parse("query($n: Int) { products(first: $n) { nodes { id } } }"), { variables: { n: 10 } }),
    ).toBe(12);
  });
  it("mutations cost 10", () => {
    expect(queryCost(schema, parse('mutation { bulkOperationRunQuery(query: "{}") { userErrors { message } } }'))).toBe(
      10,
    );
  });
});

describe("cost bucket", () => {
  it("refills at restoreRate up to maximumAvailable", () => {
    let now = 0;
    const bucket = new CostBucket(100, 50, () => now);
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    now = 1000;
    expect(bucket.status().currentlyAvailable).toBe(50);
    now = 10_000;
    expect(bucket.status().currentlyAvailable).toBe(100);
  });
});

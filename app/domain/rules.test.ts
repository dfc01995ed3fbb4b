import { describe, expect, it } from "vitest";
import { allocateItem } from "./allocate";
import { evaluateRule } from "./buffer";
import type { ChannelTiming } from "./channels";
import type { ExplanationStep } from "./explain";
import {
  bufferRuleSchema,
  candidateRules,
  compileRule,
  compileRuleSet,
  ruleSetSchema,
  type BufferRule,
  type CompiledRule,
} from "./rules";
import { COLLECTIONS, contextFor, itemFor, PRODUCT, VARIANT, NOW_MS } from "./testing/arbitraries";
import { applyLevelUpdate, createMasterRecord } from "./master-record";
import { DEFAULT_CHANNEL_TIMING } from "./channels";
import type { LocationGid, ShopDomain } from "./ids";

const NO_DELAY: ChannelTiming = { measuredLagMs: 0, pushIntervalMs: 0, budgetWaitMs: 0 };
const shopSource = { level: "shop", id: null } as const;

function shown(rule: BufferRule, sellable: number, ratePerMs = 0, timing = NO_DELAY): number {
  return evaluateRule(compileRule(bufferRuleSchema.parse(rule), shopSource), sellable, ratePerMs, timing, null);
}
function steps(rule: BufferRule, sellable: number, ratePerMs = 0, timing = NO_DELAY): ExplanationStep[] {
  const collected: ExplanationStep[] = [];
  evaluateRule(compileRule(bufferRuleSchema.parse(rule), shopSource), sellable, ratePerMs, timing, collected);
  return collected;
}

describe("buffer rule parts", () => {
  it("shows everything sellable when the rule is empty", () => {
    expect(shown({}, 10)).toBe(10);
  });

  it("fixed: holds the units back, never below zero", () => {
    expect(shown({ fixedUnits: 3 }, 10)).toBe(7);
    expect(shown({ fixedUnits: 3 }, 2)).toBe(0);
  });

  it("percent: rounds the hold up, so what the channel shows rounds down", () => {
    expect(shown({ percent: 25 }, 10)).toBe(7); // 2.5 held → 3
    expect(shown({ percent: 30 }, 10)).toBe(7); // exactly 3, not 4 from 0.3 × 10 = 3.0000000000000004
    expect(shown({ percent: 10 }, 1)).toBe(0);
    expect(shown({ percent: 12.5 }, 8)).toBe(7);
    expect(shown({ percent: 100 }, 50)).toBe(0);
  });

  it("tiers: the lowest tier at or above the stock applies; none above the last", () => {
    const rule: BufferRule = {
      tiers: [
        { atOrBelow: 5, hold: "all" },
        { atOrBelow: 20, hold: 3 },
      ],
    };
    expect([0, 5, 6, 20, 21, 100].map((sellable) => shown(rule, sellable))).toEqual([0, 0, 3, 17, 21, 100]);
  });

  it("floor: out of stock when the channel would show that many or fewer", () => {
    expect(shown({ floor: 2 }, 2)).toBe(0);
    expect(shown({ floor: 2 }, 3)).toBe(3);
    expect(shown({ fixedUnits: 1, floor: 2 }, 3)).toBe(0);
    expect(steps({ floor: 2 }, 2)).toContainEqual({ kind: "floor", units: 2, params: { atOrBelow: 2 } });
  });

  it("cap: never shows more than the cap", () => {
    expect(shown({ cap: 5 }, 100)).toBe(5);
    expect(shown({ cap: 5 }, 3)).toBe(3);
    expect(steps({ cap: 5 }, 100)).toContainEqual({ kind: "cap", units: 95, params: { max: 5 } });
  });

  it("lag-aware: holds the Poisson quantile of sales expected during the effective delay", () => {
    const ratePerMs = 2.1 / 60_000;
    const timing: ChannelTiming = { measuredLagMs: 60_000, pushIntervalMs: 20_000, budgetWaitMs: 10_000 };
    // 2.1/min × 90 s = 3.15 expected; P(X ≤ 5) = 0.900, P(X ≤ 6) = 0.958.
    expect(shown({ lagAware: { confidence: 0.95 } }, 20, ratePerMs, timing)).toBe(14);
    expect(shown({ lagAware: { confidence: 0.9 } }, 20, ratePerMs, timing)).toBe(15);
    expect(shown({ lagAware: { confidence: 0.95 } }, 20, 0, timing)).toBe(20);
    const [lag] = steps({ lagAware: { confidence: 0.95 } }, 20, ratePerMs, timing);
    expect(lag).toMatchObject({ kind: "lag_aware", units: 6, params: { delayMs: 90_000, binding: true } });
  });

  it("combines hold parts by taking the largest, then floor, then cap", () => {
    const rule: BufferRule = { fixedUnits: 2, percent: 25, tiers: [{ atOrBelow: 20, hold: 4 }], floor: 1, cap: 50 };
    expect(shown(rule, 10)).toBe(6); // max(2, 3, 4) = 4
    expect(shown(rule, 40)).toBe(30); // max(2, 10) = 10
    expect(shown(rule, 400)).toBe(50);
    const binding = steps(rule, 10).filter((step) => "binding" in step.params && step.params.binding);
    expect(binding.map((step) => step.kind)).toEqual(["tier"]);
  });
});

describe("rule validation", () => {
  it("rejects tiers that would show less as stock grows", () => {
    const result = bufferRuleSchema.safeParse({
      tiers: [
        { atOrBelow: 20, hold: 3 },
        { atOrBelow: 100, hold: 10 },
      ],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(
      "at 21 units holding 10 would show 11, fewer than 17 at 20 units",
    );
  });

  it('rejects unsorted tiers and an "all" tier above another', () => {
    expect(
      bufferRuleSchema.safeParse({
        tiers: [
          { atOrBelow: 20, hold: 3 },
          { atOrBelow: 5, hold: 3 },
        ],
      }).success,
    ).toBe(false);
    expect(
      bufferRuleSchema.safeParse({
        tiers: [
          { atOrBelow: 5, hold: 1 },
          { atOrBelow: 9, hold: "all" },
        ],
      }).success,
    ).toBe(false);
  });

  it("rejects a cap at or below the floor, unknown keys and out-of-range values", () => {
    expect(bufferRuleSchema.safeParse({ floor: 5, cap: 5 }).success).toBe(false);
    expect(bufferRuleSchema.safeParse({ fixedUnit: 2 }).success).toBe(false);
    expect(bufferRuleSchema.safeParse({ percent: 101 }).success).toBe(false);
    expect(bufferRuleSchema.safeParse({ percent: 12.345 }).success).toBe(false);
    expect(bufferRuleSchema.safeParse({ fixedUnits: -1 }).success).toBe(false);
    expect(bufferRuleSchema.safeParse({ lagAware: { confidence: 1 } }).success).toBe(false);
  });

  it("keys layers by Shopify GIDs of the right kind", () => {
    const parse = (products: unknown) =>
      ruleSetSchema.safeParse({ shopDefaults: { online_store: {}, meta: {}, google: {} }, products }).success;
    expect(parse({ "gid://shopify/Product/9007199254740993": { meta: { fixedUnits: 1 } } })).toBe(true);
    expect(parse({ "gid://shopify/ProductVariant/1": { meta: { fixedUnits: 1 } } })).toBe(false);
    expect(parse({ "9007199254740993": { meta: { fixedUnits: 1 } } })).toBe(false);
  });
});

describe("rule layering", () => {
  const rules = ruleSetSchema.parse({
    shopDefaults: { online_store: { fixedUnits: 1 }, meta: { fixedUnits: 1 }, google: { fixedUnits: 1 } },
    collections: {
      [COLLECTIONS[0]!]: { meta: { fixedUnits: 2 } },
      [COLLECTIONS[1]!]: { meta: { fixedUnits: 5 }, google: { fixedUnits: 3 } },
    },
    products: { [PRODUCT]: { meta: { fixedUnits: 6 } } },
    variants: { [VARIANT]: { meta: { fixedUnits: 7 } } },
  });
  const record = applyLevelUpdate(createMasterRecord("layer.myshopify.com" as ShopDomain, VARIANT), {
    locationId: "gid://shopify/Location/1" as LocationGid,
    available: 20,
    updatedAtMs: NOW_MS - 1,
  });
  const decide = (ruleSet: typeof rules) =>
    allocateItem(itemFor(record), contextFor(ruleSet, DEFAULT_CHANNEL_TIMING), { explain: true }).decisions;

  it("takes the most specific rule and falls back as rules are removed", () => {
    expect(decide(rules).meta.quantity).toBe(13);
    expect(decide(rules).meta.explanation?.rule).toEqual({ level: "variant", id: VARIANT });
    const withoutVariant = { ...rules, variants: {} };
    expect(decide(withoutVariant).meta.quantity).toBe(14);
    expect(decide(withoutVariant).meta.explanation?.rule).toEqual({ level: "product", id: PRODUCT });
    const withoutProduct = { ...withoutVariant, products: {} };
    expect(decide(withoutProduct).meta.explanation?.rule).toEqual({ level: "collection", id: COLLECTIONS[1] });
    const withoutCollections = { ...withoutProduct, collections: {} };
    expect(decide(withoutCollections).meta.quantity).toBe(19);
    expect(decide(withoutCollections).meta.explanation?.rule).toEqual({ level: "shop", id: null });
  });

  it("between matching collections keeps the one that shows least", () => {
    const decisions = decide({ ...rules, variants: {}, products: {} });
    expect(decisions.meta.quantity).toBe(15);
    expect(decisions.meta.explanation?.ruleCandidates).toBe(2);
  });

  it("layers per channel: a layer without a rule for the channel passes it down", () => {
    const decisions = decide(rules);
    expect(decisions.google.explanation?.rule).toEqual({ level: "collection", id: COLLECTIONS[1] });
    expect(decisions.online_store.explanation?.rule).toEqual({ level: "shop", id: null });
  });

  it("lists candidates without allocating new arrays", () => {
    const scratch: CompiledRule[] = [];
    const compiled = compileRuleSet({ ...rules, variants: {}, products: {} });
    const placement = { variantId: VARIANT, productId: PRODUCT, collectionIds: COLLECTIONS };
    expect(candidateRules(compiled, placement, "meta", scratch)).toBe(scratch);
    expect(scratch.map((rule) => rule.fixedUnits)).toEqual([2, 5]);
  });
});

import { z } from "zod";
import { CHANNELS, type ChannelId } from "./channels";
import {
  collectionGidSchema,
  productGidSchema,
  variantGidSchema,
  type CollectionGid,
  type ProductGid,
  type VariantGid,
} from "./ids";

/**
 * A tier applies when sellable stock is at or below `atOrBelow` (the lowest matching
 * tier wins). `hold: "all"` shows 0.
 */
export const bufferTierSchema = z
  .object({
    atOrBelow: z.number().int().min(0),
    hold: z.union([z.number().int().min(0), z.literal("all")]),
  })
  .strict();
export type BufferTier = z.output<typeof bufferTierSchema>;

/**
 * Tiers must never show less as stock grows: sorted by threshold, "all" only in the
 * lowest tier, and stepping into the next tier may hold at most one unit more (one
 * more unit of stock, at most one more held).
 */
function checkTiers(tiers: readonly BufferTier[], context: z.RefinementCtx): void {
  tiers.forEach((tier, index) => {
    const previous = index === 0 ? undefined : tiers[index - 1];
    if (previous === undefined) return;
    if (tier.atOrBelow <= previous.atOrBelow) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: [index, "atOrBelow"],
        message: `tiers must be sorted by strictly increasing atOrBelow (${tier.atOrBelow} after ${previous.atOrBelow})`,
      });
      return;
    }
    if (tier.hold === "all") {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: [index, "hold"],
        message: `only the lowest tier may hold "all": more stock would show less`,
      });
      return;
    }
    if (previous.hold === "all") return;
    const shownAtTop = previous.atOrBelow - previous.hold;
    const shownAfter = previous.atOrBelow + 1 - tier.hold;
    if (shownAtTop > 0 && shownAfter < shownAtTop) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: [index, "hold"],
        message:
          `tiers must not show less as stock grows: at ${previous.atOrBelow + 1} units holding ${tier.hold} ` +
          `would show ${Math.max(0, shownAfter)}, fewer than ${shownAtTop} at ${previous.atOrBelow} units`,
      });
    }
  });
}

/**
 * One channel's buffer. Every hold part present is computed and the largest wins
 * (each is "hold at least"); then floor, then cap. An empty rule shows all sellable.
 */
export const bufferRuleSchema = z
  .object({
    /** Units always held back. */
    fixedUnits: z.number().int().min(0).max(1_000_000).optional(),
    /** Percent of sellable held back, rounded UP (so what the channel shows is rounded down). */
    percent: z.number().min(0).max(100).multipleOf(0.01).optional(),
    /** Holds by stock level, e.g. [{atOrBelow: 5, hold: "all"}, {atOrBelow: 20, hold: 3}]. */
    tiers: z.array(bufferTierSchema).max(20).superRefine(checkTiers).optional(),
    /** Out of stock when the channel would show this many or fewer. */
    floor: z.number().int().min(0).optional(),
    /** Never show more than this. */
    cap: z.number().int().min(0).optional(),
    /** Hold at least the Poisson quantile of expected sales during the channel's effective delay. */
    lagAware: z
      .object({ confidence: z.number().min(0.5).max(0.9999) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((rule) => rule.cap === undefined || rule.floor === undefined || rule.cap > rule.floor, {
    message: "cap must be above floor, or the channel would never show anything",
    path: ["cap"],
  });
export type BufferRule = z.output<typeof bufferRuleSchema>;

/** Rules per channel for one target; the shape stored in a product or variant metafield. */
export const channelRulesSchema = z
  .object({
    online_store: bufferRuleSchema.optional(),
    meta: bufferRuleSchema.optional(),
    google: bufferRuleSchema.optional(),
  })
  .strict();
export type ChannelRules = z.output<typeof channelRulesSchema>;

/**
 * A shop's rules, layered from least to most specific: shop default per channel →
 * collection → product → variant (manual overrides sit above, see override.ts). The
 * most specific layer with a rule for the channel wins whole; layers are not merged.
 */
export const ruleSetSchema = z
  .object({
    shopDefaults: z
      .object({ online_store: bufferRuleSchema, meta: bufferRuleSchema, google: bufferRuleSchema })
      .strict(),
    collections: z.record(collectionGidSchema, channelRulesSchema).default({}),
    products: z.record(productGidSchema, channelRulesSchema).default({}),
    variants: z.record(variantGidSchema, channelRulesSchema).default({}),
  })
  .strict();
export type RuleSet = z.output<typeof ruleSetSchema>;
export type RuleSetInput = z.input<typeof ruleSetSchema>;

export type RuleLevel = "shop" | "collection" | "product" | "variant";

/** Where the rule in force came from. */
export interface RuleSource {
  readonly level: RuleLevel;
  /** The collection, product or variant id; null for the shop default. */
  readonly id: string | null;
}

/** A rule prepared for the hot loop: plain numbers, -1 for "absent". */
export interface CompiledRule {
  readonly source: RuleSource;
  readonly rule: BufferRule;
  readonly fixedUnits: number;
  /** Percent in basis points, so 30% of 10 is exactly 3 (0.3 × 10 in floating point is not). */
  readonly percentBasisPoints: number;
  /** Thresholds and holds, ascending; a hold of -1 means "all". */
  readonly tierThresholds: Int32Array;
  readonly tierHolds: Int32Array;
  readonly floor: number;
  readonly cap: number;
  readonly lagConfidence: number;
}

/** Rule lookups by id, built once per shop and rule change. */
export interface CompiledRuleSet {
  readonly shopDefaults: Readonly<Record<ChannelId, CompiledRule>>;
  readonly collections: ReadonlyMap<string, CompiledChannelRules>;
  readonly products: ReadonlyMap<string, CompiledChannelRules>;
  readonly variants: ReadonlyMap<string, CompiledChannelRules>;
}
export type CompiledChannelRules = Readonly<Partial<Record<ChannelId, CompiledRule>>>;

export function compileRule(rule: BufferRule, source: RuleSource): CompiledRule {
  const tiers = rule.tiers ?? [];
  return {
    source,
    rule,
    fixedUnits: rule.fixedUnits ?? 0,
    percentBasisPoints: Math.round((rule.percent ?? 0) * 100),
    tierThresholds: Int32Array.from(tiers, (tier) => tier.atOrBelow),
    tierHolds: Int32Array.from(tiers, (tier) => (tier.hold === "all" ? -1 : tier.hold)),
    floor: rule.floor ?? -1,
    cap: rule.cap ?? -1,
    lagConfidence: rule.lagAware?.confidence ?? 0,
  };
}

function compileLayer(
  level: Exclude<RuleLevel, "shop">,
  layer: Readonly<Partial<Record<string, ChannelRules>>>,
): Map<string, CompiledChannelRules> {
  const compiled = new Map<string, CompiledChannelRules>();
  for (const [id, channelRules] of Object.entries(layer)) {
    if (channelRules === undefined) continue;
    const entry: Partial<Record<ChannelId, CompiledRule>> = {};
    for (const channel of CHANNELS) {
      const rule = channelRules[channel];
      if (rule !== undefined) entry[channel] = compileRule(rule, { level, id });
    }
    compiled.set(id, entry);
  }
  return compiled;
}

/** Prepares a validated rule set for allocation. */
export function compileRuleSet(rules: RuleSet): CompiledRuleSet {
  const source: RuleSource = { level: "shop", id: null };
  return {
    shopDefaults: {
      online_store: compileRule(rules.shopDefaults.online_store, source),
      meta: compileRule(rules.shopDefaults.meta, source),
      google: compileRule(rules.shopDefaults.google, source),
    },
    collections: compileLayer("collection", rules.collections),
    products: compileLayer("product", rules.products),
    variants: compileLayer("variant", rules.variants),
  };
}

/** What the rule lookup needs to know about an item. */
export interface ItemPlacement {
  readonly variantId: VariantGid;
  readonly productId: ProductGid;
  readonly collectionIds: readonly CollectionGid[];
}

/**
 * The variant or product rule if any; else every matching collection rule (the
 * caller keeps the one that shows least); else the shop default. Returns the
 * candidates in `into` to avoid allocating in the hot loop.
 */
export function candidateRules(
  rules: CompiledRuleSet,
  placement: ItemPlacement,
  channel: ChannelId,
  into: CompiledRule[],
): CompiledRule[] {
  into.length = 0;
  const variantRule = rules.variants.get(placement.variantId)?.[channel];
  if (variantRule !== undefined) {
    into.push(variantRule);
    return into;
  }
  const productRule = rules.products.get(placement.productId)?.[channel];
  if (productRule !== undefined) {
    into.push(productRule);
    return into;
  }
  if (rules.collections.size > 0) {
    for (const collectionId of placement.collectionIds) {
      const collectionRule = rules.collections.get(collectionId)?.[channel];
      if (collectionRule !== undefined) into.push(collectionRule);
    }
    if (into.length > 0) return into;
  }
  into.push(rules.shopDefaults[channel]);
  return into;
}

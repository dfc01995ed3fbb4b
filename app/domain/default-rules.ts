import type { AllocationContext, AllocationItem } from "./allocate";
import { DEFAULT_CHANNEL_SETTINGS, DEFAULT_CHANNEL_TIMING } from "./channels";
import { locationGid, productGid, shopDomain, variantGid } from "./ids";
import { applyLevelUpdate, createMasterRecord } from "./master-record";
import { compileRuleSet, ruleSetSchema, type RuleSet } from "./rules";

/**
 * The rules a shop starts with, which merchants see first (and the UI preview shows): with
 * 10 sellable and no recent sales, Online Store 8, Meta 7, Google 6 (the worked example below).
 * - Online Store: hold 2 (moved to safety_stock in Shopify).
 * - Meta: hold 25% (ceil 2.5 = 3).
 * - Google: out of stock at 3 or fewer, hold 4 up to 20.
 * Every channel also holds at least the sales expected during its delay (95%), which
 * is 0 until the item sells.
 */
export const DEFAULT_RULES: RuleSet = ruleSetSchema.parse({
  shopDefaults: {
    online_store: { fixedUnits: 2, lagAware: { confidence: 0.95 } },
    meta: { percent: 25, lagAware: { confidence: 0.95 } },
    google: {
      tiers: [
        { atOrBelow: 3, hold: "all" },
        { atOrBelow: 20, hold: 4 },
      ],
      lagAware: { confidence: 0.95 },
    },
  },
});

export const EXAMPLE_NOW_MS = Date.UTC(2026, 10, 27, 9, 0, 0);

const EXAMPLE_SHOP = shopDomain("ballast-demo.myshopify.com");
const EXAMPLE_VARIANT = variantGid("gid://shopify/ProductVariant/44960469696645");

/** One variant with 10 available at one location and no sales yet. */
export const EXAMPLE_ITEM: AllocationItem = {
  variantId: EXAMPLE_VARIANT,
  productId: productGid("gid://shopify/Product/8234567890123"),
  collectionIds: [],
  record: applyLevelUpdate(createMasterRecord(EXAMPLE_SHOP, EXAMPLE_VARIANT), {
    locationId: locationGid("gid://shopify/Location/76543210987"),
    available: 10,
    onHand: 10,
    committed: 0,
    updatedAtMs: EXAMPLE_NOW_MS - 60_000,
  }),
};

export const EXAMPLE_CONTEXT: AllocationContext = {
  nowMs: EXAMPLE_NOW_MS,
  rules: compileRuleSet(DEFAULT_RULES),
  settings: DEFAULT_CHANNEL_SETTINGS,
  timing: DEFAULT_CHANNEL_TIMING,
};

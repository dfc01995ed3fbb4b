/**
 * fast-check generators shared by the domain's property tests. Generated rules are
 * valid by construction and still go through the zod schemas, so a generator that
 * drifts from the schema fails loudly.
 */
import fc from "fast-check";
import type { AllocationContext, AllocationItem } from "~/domain/allocate";
import { CHANNELS, DEFAULT_CHANNEL_SETTINGS, type ChannelId, type ChannelTiming } from "~/domain/channels";
import type { CollectionGid, LocationGid, ProductGid, ShopDomain, VariantGid } from "~/domain/ids";
import type { LocationLevels, MasterRecord, OrderHold } from "~/domain/master-record";
import { bufferRuleSchema, compileRuleSet, ruleSetSchema, type BufferRule, type RuleSet } from "~/domain/rules";
import { EMPTY_VELOCITY, type VelocityState } from "~/domain/velocity";

export const NOW_MS = Date.UTC(2026, 10, 27, 12, 0, 0);
export const SHOP = "arbitrary-shop.myshopify.com" as ShopDomain;
export const LOCATIONS = [1, 2, 3].map((n) => `gid://shopify/Location/9000000000000000${n}` as LocationGid);
export const VARIANT = "gid://shopify/ProductVariant/9007199254740993" as VariantGid;
export const PRODUCT = "gid://shopify/Product/9007199254740995" as ProductGid;
export const COLLECTIONS = [1, 2, 3].map((n) => `gid://shopify/Collection/9007199254741${n}00` as CollectionGid);

const tiersArb = fc
  .record({
    lowestAll: fc.boolean(),
    firstThreshold: fc.integer({ min: 0, max: 10 }),
    firstHold: fc.integer({ min: 0, max: 8 }),
    steps: fc.array(fc.record({ gap: fc.integer({ min: 1, max: 25 }), hold: fc.integer({ min: 0, max: 8 }) }), {
      maxLength: 4,
    }),
  })
  .map(({ lowestAll, firstThreshold, firstHold, steps }) => {
    const tiers: { atOrBelow: number; hold: number | "all" }[] = [
      { atOrBelow: firstThreshold, hold: lowestAll ? "all" : firstHold },
    ];
    for (const step of steps) {
      const previous = tiers[tiers.length - 1]!;
      // At most one more unit held per step up, so more stock never shows less.
      const maxHold = previous.hold === "all" ? 8 : previous.hold + 1;
      tiers.push({ atOrBelow: previous.atOrBelow + step.gap, hold: Math.min(step.hold, maxHold) });
    }
    return tiers;
  });

export const bufferRuleArb: fc.Arbitrary<BufferRule> = fc
  .record(
    {
      fixedUnits: fc.integer({ min: 0, max: 30 }),
      percent: fc.integer({ min: 0, max: 10_000 }).map((basisPoints) => basisPoints / 100),
      tiers: tiersArb,
      floor: fc.integer({ min: 0, max: 10 }),
      capAboveFloor: fc.integer({ min: 1, max: 200 }),
      lagAware: fc.record({ confidence: fc.constantFrom(0.5, 0.8, 0.9, 0.95, 0.99, 0.999) }),
    },
    { requiredKeys: [] },
  )
  .map(({ capAboveFloor, ...parts }) => {
    const cap = capAboveFloor === undefined ? undefined : (parts.floor ?? 0) + capAboveFloor;
    return bufferRuleSchema.parse(cap === undefined ? parts : { ...parts, cap });
  });

export const timingArb: fc.Arbitrary<ChannelTiming> = fc.record(
  {
    measuredLagMs: fc.integer({ min: 0, max: 3_600_000 }),
    inFlightLagMs: fc.integer({ min: 0, max: 7_200_000 }),
    pushIntervalMs: fc.integer({ min: 0, max: 600_000 }),
    budgetWaitMs: fc.integer({ min: 0, max: 43_200_000 }),
    increaseLagMs: fc.integer({ min: 0, max: 7_200_000 }),
    surgeLagMs: fc.integer({ min: 0, max: 3_600_000 }),
    sizedForLagMs: fc.integer({ min: 0, max: 3_600_000 }),
  },
  { requiredKeys: ["measuredLagMs", "pushIntervalMs", "budgetWaitMs"] },
);

/** Units per ms, from none to a 10-a-minute best seller. */
export const ratePerMsArb = fc.double({ min: 0, max: 10 / 60_000, noNaN: true });

export const velocityArb: fc.Arbitrary<VelocityState> = fc.oneof(
  fc.constant(EMPTY_VELOCITY),
  fc.record({
    atMs: fc.integer({ min: NOW_MS - 7_200_000, max: NOW_MS }),
    short: fc.double({ min: 0, max: 50, noNaN: true }),
    long: fc.double({ min: 0, max: 200, noNaN: true }),
  }),
);

const stamped = (value: number, updatedAtMs: number) => ({ value, updatedAtMs });

export const masterRecordArb: fc.Arbitrary<MasterRecord> = fc
  .record({
    levels: fc.array(
      fc.record({
        available: fc.integer({ min: -3, max: 150 }),
        ownSafetyStock: fc.integer({ min: 0, max: 5 }),
        // Levels older than every hold: a level newer than an order would have released it.
        stampedAgoMs: fc.integer({ min: 120_000, max: 3_600_000 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    holds: fc.array(
      fc.record({
        location: fc.integer({ min: -1, max: 2 }),
        units: fc.integer({ min: 1, max: 4 }),
        agoMs: fc.integer({ min: 0, max: 60_000 }),
      }),
      { maxLength: 3 },
    ),
    velocity: velocityArb,
  })
  .map(({ levels, holds, velocity }) => {
    const locations: LocationLevels[] = levels.map((level, index) => ({
      locationId: LOCATIONS[index]!,
      available: stamped(level.available, NOW_MS - level.stampedAgoMs),
      onHand: null,
      committed: null,
      ballastSafetyStock: level.ownSafetyStock > 0 ? stamped(level.ownSafetyStock, NOW_MS - level.stampedAgoMs) : null,
    }));
    const orderHolds: OrderHold[] = holds.map((hold, index) => ({
      orderId: `gid://shopify/Order/${7_000_000_000_000_000 + index}` as OrderHold["orderId"],
      locationId: hold.location < 0 ? null : (LOCATIONS[hold.location % levels.length] ?? null),
      units: hold.units,
      orderedAtMs: NOW_MS - hold.agoMs,
    }));
    return { shop: SHOP, variantId: VARIANT, locations, holds: orderHolds, cancelledOrders: [], velocity };
  });

export const channelRulesArb = fc.record(
  { online_store: bufferRuleArb, meta: bufferRuleArb, google: bufferRuleArb },
  { requiredKeys: [] },
);

export const ruleSetArb: fc.Arbitrary<RuleSet> = fc
  .record({
    shopDefaults: fc.record({ online_store: bufferRuleArb, meta: bufferRuleArb, google: bufferRuleArb }),
    collection: fc.option(fc.tuple(fc.constantFrom(...COLLECTIONS), channelRulesArb), { nil: undefined }),
    product: fc.option(channelRulesArb, { nil: undefined }),
    variant: fc.option(channelRulesArb, { nil: undefined }),
  })
  .map(({ shopDefaults, collection, product, variant }) =>
    ruleSetSchema.parse({
      shopDefaults,
      collections: collection === undefined ? {} : { [collection[0]]: collection[1] },
      products: product === undefined ? {} : { [PRODUCT]: product },
      variants: variant === undefined ? {} : { [VARIANT]: variant },
    }),
  );

export const timingsArb: fc.Arbitrary<Record<ChannelId, ChannelTiming>> = fc.record({
  online_store: timingArb,
  meta: timingArb,
  google: timingArb,
});

export function contextFor(
  rules: RuleSet,
  timing: Record<ChannelId, ChannelTiming>,
  settings = DEFAULT_CHANNEL_SETTINGS,
): AllocationContext {
  return { nowMs: NOW_MS, rules: compileRuleSet(rules), settings, timing };
}

export function itemFor(record: MasterRecord, memory?: AllocationItem["memory"]): AllocationItem {
  return { variantId: VARIANT, productId: PRODUCT, collectionIds: COLLECTIONS, record, memory };
}

/** The same record with `extra` more units available at its first location. */
export function withMoreStock(record: MasterRecord, extra: number): MasterRecord {
  const [first, ...rest] = record.locations;
  if (first === undefined || first.available === null) return record;
  return {
    ...record,
    locations: [{ ...first, available: { ...first.available, value: first.available.value + extra } }, ...rest],
  };
}

export { CHANNELS };

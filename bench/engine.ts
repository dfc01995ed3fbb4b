/**
 * Engine benchmark: a full recompute of 100k variants × 3 channels with mixed rules.
 * The data set is deterministic (seeded PRNG): 1–3 locations per variant, some order
 * holds and Ballast safety stock, half the variants with recent sales, 5% variant and
 * product rules, 60 collection rules, 2% Meta overrides (some expired), damping state.
 * The timed runs stream the allocations and keep only the desired quantities, as a
 * worker does; the explained run is reported apart.
 * Prints one line of JSON; bench/run.ts merges it into bench/results.json.
 *
 *   node --import tsx bench/engine.ts
 */
import {
  CHANNELS,
  collectionGid,
  compileRuleSet,
  DEFAULT_CHANNEL_TIMING,
  DEFAULT_RULES,
  EMPTY_VELOCITY,
  locationGid,
  orderGid,
  productGid,
  forEachAllocation,
  recordSale,
  ruleSetSchema,
  shopChannelSettingsSchema,
  shopDomain,
  type AllocationContext,
  type AllocationItem,
  type BufferRule,
  type ChannelId,
  type ChannelRules,
  type CollectionGid,
  type ItemChannelMemory,
  type VariantGid,
  type LocationLevels,
  type MasterRecord,
  type OrderHold,
  type RuleSetInput,
} from "../app/domain/index";
import { seededRandom } from "~/rehearsal/random";

const VARIANTS = 100_000;
const RUNS = 5;
const START_MS = Date.UTC(2026, 10, 27, 6, 0, 0);

/** The data set's one seeded stream (mulberry32), so every run measures the same data. */
const random = seededRandom(20261127);
const integer = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;

function randomRule(): BufferRule {
  const rule: BufferRule = {};
  if (random() < 0.5) rule.fixedUnits = integer(0, 5);
  if (random() < 0.4) rule.percent = integer(0, 40);
  if (random() < 0.3) {
    rule.tiers = [
      { atOrBelow: integer(1, 5), hold: "all" },
      { atOrBelow: integer(10, 30), hold: integer(1, 4) },
    ];
  }
  if (random() < 0.2) rule.floor = integer(0, 2);
  if (random() < 0.2) rule.cap = integer(20, 200);
  if (random() < 0.6) rule.lagAware = { confidence: pick([0.9, 0.95, 0.99]) };
  return rule;
}
function randomChannelRules(): ChannelRules {
  const rules: ChannelRules = {};
  for (const channel of CHANNELS) if (random() < 0.6) rules[channel] = randomRule();
  return rules;
}

const shop = shopDomain("bench-shop.myshopify.com");
const locations = [1, 2, 3].map((n) => locationGid(`gid://shopify/Location/7654321098${n}`));
const collections: CollectionGid[] = Array.from({ length: 300 }, (_, n) =>
  collectionGid(`gid://shopify/Collection/4${String(n).padStart(11, "0")}`),
);

// The shop starts on the default rules; product, variant and collection rules are added below.
const ruleSetInput: RuleSetInput = {
  shopDefaults: DEFAULT_RULES.shopDefaults,
  collections: {},
  products: {},
  variants: {},
};

const items: AllocationItem[] = [];
let productNumber = 0;
let variantsLeftInProduct = 0;
let product = productGid("gid://shopify/Product/1");
let productCollections: CollectionGid[] = [];
for (let n = 0; n < VARIANTS; n++) {
  if (variantsLeftInProduct === 0) {
    productNumber += 1;
    variantsLeftInProduct = integer(1, 6);
    product = productGid(`gid://shopify/Product/8${String(productNumber).padStart(12, "0")}`);
    productCollections = Array.from({ length: integer(0, 3) }, () => pick(collections));
    if (random() < 0.05) ruleSetInput.products![product] = randomChannelRules();
  }
  variantsLeftInProduct -= 1;
  // Ids above 2^53, as Shopify's are: strings all the way (cast, not parsed: setup garbage would inflate peak RSS).
  const variant = `gid://shopify/ProductVariant/4496046969${String(n).padStart(7, "0")}` as VariantGid;
  if (random() < 0.05) ruleSetInput.variants![variant] = randomChannelRules();

  // Records are built as the worker loads them from the database: plain data.
  const stocked = locations.slice(0, integer(1, 3));
  const levels: LocationLevels[] = stocked.map((location) => ({
    locationId: location,
    available: { value: integer(-1, 120), updatedAtMs: START_MS - integer(0, 600_000) },
    onHand: { value: integer(0, 150), updatedAtMs: START_MS - integer(0, 600_000) },
    committed: { value: integer(0, 5), updatedAtMs: START_MS - integer(0, 600_000) },
    ballastSafetyStock: random() < 0.2 ? { value: integer(1, 3), updatedAtMs: START_MS - integer(0, 600_000) } : null,
  }));
  const holds: OrderHold[] = [];
  for (let h = random() < 0.1 ? integer(1, 3) : 0; h > 0; h--) {
    holds.push({
      orderId: orderGid(`gid://shopify/Order/5${String(n).padStart(7, "0")}${h}`),
      locationId: random() < 0.5 ? pick(stocked) : null,
      units: integer(1, 3),
      orderedAtMs: START_MS - integer(0, 30_000),
    });
  }
  let velocity = EMPTY_VELOCITY;
  for (let sales = random() < 0.5 ? integer(1, 12) : 0; sales > 0; sales--) {
    velocity = recordSale(velocity, integer(1, 3), START_MS - integer(0, 7_200_000));
  }
  const record: MasterRecord = { shop, variantId: variant, locations: levels, holds, cancelledOrders: [], velocity };

  let memory: Partial<Record<ChannelId, ItemChannelMemory>> | undefined;
  if (random() < 0.02) {
    memory = {
      meta: {
        override: {
          channel: "meta",
          variantId: variant,
          quantity: integer(0, 5),
          expiresAtMs: START_MS + integer(-3_600_000, 3_600_000),
        },
      },
    };
  } else if (random() < 0.3) {
    memory = { online_store: { damping: { shown: integer(0, 50), pending: null } } };
  }
  items.push({ variantId: variant, productId: product, collectionIds: productCollections, record, memory });
}
for (const collection of collections.slice(0, 60)) ruleSetInput.collections![collection] = randomChannelRules();

const baseContext: AllocationContext = {
  nowMs: START_MS,
  rules: compileRuleSet(ruleSetSchema.parse(ruleSetInput)),
  settings: shopChannelSettingsSchema.parse({
    meta: { locations: locations.slice(0, 2) },
    google: { lowStock: "pause_ads" },
  }),
  timing: DEFAULT_CHANNEL_TIMING,
};

const timings: number[] = [];
// What a worker keeps: the desired quantity per (item, channel), to compare with pushed.
const desired = new Int32Array(VARIANTS * CHANNELS.length);
for (let run = 0; run < RUNS; run++) {
  const runContext: AllocationContext = { ...baseContext, nowMs: START_MS + run * 60_000 };
  const started = performance.now();
  let index = 0;
  forEachAllocation(items, runContext, (allocation) => {
    for (const channel of CHANNELS) desired[index++] = allocation.decisions[channel].quantity;
  });
  timings.push(performance.now() - started);
}
timings.sort((a, b) => a - b);
const recomputeMs = timings[Math.floor(timings.length / 2)] ?? Number.NaN;

// Explanations are built on demand (activity log, "why 7?"); one run with all of them
// shows what explaining everything would cost.
const explainStarted = performance.now();
let explainedSteps = 0;
forEachAllocation(
  items,
  { ...baseContext, nowMs: START_MS + RUNS * 60_000 },
  (allocation) => {
    for (const channel of CHANNELS) explainedSteps += allocation.decisions[channel].explanation?.steps.length ?? 0;
  },
  { explain: true },
);
const explainedRecomputeMs = performance.now() - explainStarted;
if (explainedSteps === 0) throw new Error("explained recompute produced no explanations");

process.stdout.write(
  `${JSON.stringify({
    recomputeMs: Math.round(recomputeMs * 10) / 10,
    perVariantUs: Math.round((recomputeMs * 1000 * 100) / VARIANTS) / 100,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    variants: VARIANTS,
    channels: CHANNELS.length,
    runs: RUNS,
    explainedRecomputeMs: Math.round(explainedRecomputeMs * 10) / 10,
  })}\n`,
);

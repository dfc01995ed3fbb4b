/**
 * The rehearsal scenario: catalogue, stock, channels (checkout place, lag over the day,
 * spikes, outages), webhook behaviour, the demand curve (hourly, or finer) and the cost
 * weights. JSON, validated with zod; the format is documented in docs/rehearsal.md.
 * `expandScenario` turns it into concrete variants, a lag per time window and per channel
 * and when a write sent at a given time lands, deterministically from the seed. Pure: the
 * built-in families are JSON beside this file (families.ts); reading a scenario from a file
 * is the command line's business (sim/rehearsal/scenario-file.ts).
 */
import { z } from "zod";
import { deferPastOutages, type OutageWindow } from "./outages";
import { stream, uniform, weightedPicker, type Random } from "./random";

const lagWindowSchema = z
  .object({ fromHour: z.number().min(0), min: z.number().min(0), max: z.number().min(0) })
  .strict();
const spikeSchema = z
  .object({ atHour: z.number().min(0), minutes: z.number().positive(), lagMinutes: z.number().min(0) })
  .strict();
/** The channel applies nothing for `minutes` from `atHour`: writes sent before or during it land when it ends. */
const outageSchema = z
  .object({
    atHour: z.number().min(0),
    minutes: z
      .number()
      .positive()
      .max(24 * 60),
  })
  .strict();
const checkoutSchema = z.enum(["channel", "store"], {
  errorMap: () => ({ message: 'checkout must be "channel" (the channel takes the order) or "store" (Shopify does)' }),
});
const channelLagSchema = z
  .object({
    checkout: checkoutSchema,
    lagMinutes: z.array(lagWindowSchema).min(1),
    spikes: z.array(spikeSchema).default([]),
    outages: z.array(outageSchema).default([]),
  })
  .strict();

/** A unit's cost: a share of its price plus a fixed amount (in the shop's currency). */
const unitCostSchema = z.object({ priceShare: z.number().min(0), fixed: z.number().min(0) }).strict();

/**
 * What each kind of harm costs the merchant, to add them up into one money figure. The
 * defaults are argued in docs/rehearsal.md ("Cost weights"); a scenario overrides any of them.
 */
export const costWeightsSchema = z
  .object({
    /** A unit a channel sold that the shop did not have: refunded (its price) plus the penalty of a cancelled order. */
    oversoldUnit: unitCostSchema.default({ priceShare: 1, fixed: 10 }),
    /**
     * A unit a buyer wanted and the shop could have sold, but no channel offered, and that no
     * other buyer bought before the end (a lost sale): the lost margin.
     */
    withheldUnit: unitCostSchema.default({ priceShare: 0.4, fixed: 0 }),
    /** A buyer sent to a sold-out page (store checkout): `fixed` per buyer, `priceShare` of the units' value. */
    failedCheckout: unitCostSchema.default({ priceShare: 0, fixed: 3 }),
    /** One item shown in stock on one channel for one minute while the shop had none: ad spend and clicks wasted. */
    advertisedSoldOutItemMinute: z.number().min(0).default(0.02),
    /** One item shown out of stock (or paused) on one channel for one minute while the shop could sell it. */
    lostExposureItemMinute: z.number().min(0).default(0.005),
    /** One API call to Shopify, Meta or Google (free by default: the budgets are limits, not prices). */
    apiCall: z.number().min(0).default(0),
  })
  .strict();
export type CostWeights = z.infer<typeof costWeightsSchema>;

/** Which goal lines the report checks (issue 19): surge and slow weeks alike, or an outage. */
export const SCENARIO_FAMILIES = ["surge", "slow", "outage"] as const;
export type ScenarioFamily = (typeof SCENARIO_FAMILIES)[number];

const explicitVariantSchema = z
  .object({
    sku: z.string().min(1),
    title: z.string().default(""),
    price: z.number().min(0),
    stock: z.number().int().min(0),
    /** Relative popularity: the share of orders that pick this variant. */
    weight: z.number().min(0),
  })
  .strict();

export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().default(""),
    /** Simulated start (ISO); the default is Black Friday 2026, 00:00 UTC. */
    start: z.string().datetime().default("2026-11-27T00:00:00.000Z"),
    durationHours: z
      .number()
      .positive()
      .max(24 * 7),
    /** Time step of the simulation: the worker runs once per step. */
    stepSeconds: z.number().int().min(5).max(600).default(60),
    catalogue: z.union([
      z.object({ variants: z.array(explicitVariantSchema).min(1) }).strict(),
      z
        .object({
          generate: z
            .object({
              variants: z.number().int().min(1).max(100_000),
              priceRange: z.tuple([z.number().min(0), z.number().min(0)]),
              /** Popularity falls off as 1 / rank^zipf. */
              zipf: z.number().min(0).max(3).default(0.8),
              /** Stock = expected demand over the scenario × a factor drawn in this range (below 1 sells out). */
              stockCoverage: z.tuple([z.number().min(0), z.number().min(0)]),
              minStock: z.number().int().min(0).default(2),
            })
            .strict(),
        })
        .strict(),
    ]),
    demand: z
      .object({
        orders: z.number().int().min(1),
        /** Relative order rate per hour of the scenario (repeats if shorter than the duration). */
        hourly: z.array(z.number().min(0)).min(1).optional(),
        /** Or a finer shape: relative rate per `stepMinutes` slot (repeats if shorter than the duration). */
        curve: z
          .object({
            stepMinutes: z.number().int().min(1).max(60),
            weights: z.array(z.number().min(0)).min(1),
          })
          .strict()
          .optional(),
        unitsPerOrder: z.array(z.tuple([z.number().int().min(1), z.number().min(0)])).min(1),
        /** Share of buyers arriving on each channel. */
        channels: z
          .object({ online_store: z.number().min(0), meta: z.number().min(0), google: z.number().min(0) })
          .strict(),
      })
      .strict()
      .superRefine((demand, context) => {
        if (!demand.hourly === !demand.curve)
          context.addIssue({
            code: z.ZodIssueCode.custom,
            message: demand.hourly
              ? "give the demand's shape as `hourly` or as `curve`, not both"
              : "the demand needs a shape: `hourly` (one weight per hour) or `curve` ({stepMinutes, weights})",
          });
        const weights = demand.curve?.weights ?? demand.hourly ?? [];
        if (weights.length > 0 && weights.every((weight) => weight <= 0))
          context.addIssue({ code: z.ZodIssueCode.custom, message: "the demand curve's weights must not all be zero" });
        const shares = demand.channels;
        if (shares.online_store + shares.meta + shares.google <= 0)
          context.addIssue({
            code: z.ZodIssueCode.custom,
            path: ["channels"],
            message: "at least one channel needs a share of the buyers",
          });
      }),
    channels: z
      .object({
        meta: channelLagSchema,
        google: channelLagSchema,
      })
      .strict(),
    webhooks: z
      .object({
        delaySeconds: z.array(lagWindowSchema).min(1),
        duplicateRate: z.number().min(0).max(1),
        /** Share of events whose inventory_levels/update overtakes the orders/create. */
        outOfOrderRate: z.number().min(0).max(1),
      })
      .strict(),
    /** Which goal lines apply (default: "outage" when a channel has an outage, else "surge"). */
    family: z.enum(SCENARIO_FAMILIES).optional(),
    costs: costWeightsSchema.default({}),
  })
  .strict()
  .superRefine((scenario, context) => {
    for (const channel of ["meta", "google"] as const) {
      scenario.channels[channel].outages.forEach((outage, index) => {
        if (outage.atHour >= scenario.durationHours)
          context.addIssue({
            code: z.ZodIssueCode.custom,
            path: ["channels", channel, "outages", index, "atHour"],
            message: `the outage starts at hour ${outage.atHour}, after the scenario's end (hour ${scenario.durationHours})`,
          });
      });
    }
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type LagChannel = "meta" | "google";
export type Checkout = z.infer<typeof checkoutSchema>;

export interface ScenarioVariant {
  index: number;
  sku: string;
  title: string;
  price: number;
  stock: number;
  weight: number;
}

export interface ExpandedScenario {
  scenario: Scenario;
  seed: number;
  startMs: number;
  endMs: number;
  stepMs: number;
  steps: number;
  variants: ScenarioVariant[];
  /** Channel lag (ms) in force at a time: the same values for every strategy. */
  lagMs(channel: LagChannel, atMs: number): number;
  /** Each channel's outages as absolute times (the channel applies nothing in [fromMs, toMs)). */
  outages: Record<LagChannel, OutageWindow[]>;
  /**
   * When a write sent at `sentAtMs` becomes visible on the channel: after the lag in force
   * when it was sent, and never during an outage (then when the outage ends). One item's
   * writes still land in the order sent (the callers' queues).
   */
  landsAt(channel: LagChannel, sentAtMs: number): number;
  /** Which goal lines apply. */
  family: ScenarioFamily;
  /** A webhook's delivery delay drawn for one event. */
  webhookDelayMs(atMs: number, random: Random): number;
}

export type CheckoutOverride = Partial<Record<LagChannel, Checkout>>;

/**
 * `--checkout meta=store,google=channel`: where each named channel's buyers check out,
 * overriding the scenario. Refuses unknown channels, unknown places and repeats.
 */
export function parseCheckoutOverride(text: string): CheckoutOverride {
  const override: CheckoutOverride = {};
  const usage =
    'expected --checkout meta=channel|store[,google=channel|store], e.g. "--checkout meta=store,google=channel"';
  const parts = text.split(",").map((part) => part.trim());
  if (parts.length === 0 || parts.some((part) => part === "")) throw new Error(`--checkout "${text}": ${usage}`);
  for (const part of parts) {
    const [channel, place, ...rest] = part.split("=").map((piece) => piece.trim());
    if (rest.length > 0 || place === undefined) throw new Error(`--checkout "${part}": ${usage}`);
    if (channel !== "meta" && channel !== "google")
      throw new Error(
        `--checkout "${part}": unknown channel "${channel}" (meta or google; the Online Store always checks out on the store)`,
      );
    if (place !== "channel" && place !== "store")
      throw new Error(
        `--checkout "${part}": unknown checkout "${place}" (channel: the channel takes the order; store: Shopify does)`,
      );
    if (override[channel]) throw new Error(`--checkout "${text}": ${channel} is given twice`);
    override[channel] = place;
  }
  return override;
}

/** The scenario with each overridden channel's checkout replaced (a copy). */
export function withCheckout(scenario: Scenario, override: CheckoutOverride): Scenario {
  return {
    ...scenario,
    channels: {
      meta: { ...scenario.channels.meta, checkout: override.meta ?? scenario.channels.meta.checkout },
      google: { ...scenario.channels.google, checkout: override.google ?? scenario.channels.google.checkout },
    },
  };
}

export function parseScenario(value: unknown, origin = "scenario"): Scenario {
  const parsed = scenarioSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`)
      .join("\n");
    throw new Error(`${origin} is not a valid scenario:\n${issues}`);
  }
  return parsed.data;
}

const HOUR_MS = 3_600_000;
const LAG_WINDOW_MS = 10 * 60_000;

function windowAt(windows: readonly z.infer<typeof lagWindowSchema>[], hour: number) {
  let chosen = windows[0]!;
  for (const window of windows) if (window.fromHour <= hour) chosen = window;
  return chosen;
}

export function expandScenario(scenario: Scenario, seed: number): ExpandedScenario {
  const startMs = Date.parse(scenario.start);
  const durationMs = scenario.durationHours * HOUR_MS;
  const stepMs = scenario.stepSeconds * 1000;
  const variants = expandCatalogue(scenario, seed);

  // One lag per channel per 10-minute window, drawn once: every strategy sees the same lag.
  const windows = Math.ceil(durationMs / LAG_WINDOW_MS) + 1;
  const lags: Record<LagChannel, number[]> = { meta: [], google: [] };
  for (const channel of ["meta", "google"] as const) {
    const random = stream(seed, `lag:${channel}`);
    const config = scenario.channels[channel];
    for (let window = 0; window < windows; window += 1) {
      const hour = (window * LAG_WINDOW_MS) / HOUR_MS;
      const range = windowAt(config.lagMinutes, hour);
      let minutes = uniform(random, range.min, Math.max(range.min, range.max));
      for (const spike of config.spikes) {
        if (hour >= spike.atHour && hour < spike.atHour + spike.minutes / 60)
          minutes = Math.max(minutes, spike.lagMinutes);
      }
      lags[channel].push(Math.round(minutes * 60_000));
    }
  }

  const outages: Record<LagChannel, OutageWindow[]> = { meta: [], google: [] };
  for (const channel of ["meta", "google"] as const)
    outages[channel] = scenario.channels[channel].outages
      .map((outage) => ({
        fromMs: startMs + outage.atHour * HOUR_MS,
        toMs: startMs + outage.atHour * HOUR_MS + outage.minutes * 60_000,
      }))
      .sort((a, b) => a.fromMs - b.fromMs);
  const lagMs = (channel: LagChannel, atMs: number) => {
    const window = Math.min(windows - 1, Math.max(0, Math.floor((atMs - startMs) / LAG_WINDOW_MS)));
    return lags[channel][window]!;
  };
  const hasOutage = outages.meta.length + outages.google.length > 0;

  return {
    scenario,
    seed,
    startMs,
    endMs: startMs + durationMs,
    stepMs,
    steps: Math.ceil(durationMs / stepMs),
    variants,
    lagMs,
    outages,
    landsAt: (channel, sentAtMs) => deferPastOutages(outages[channel], sentAtMs + lagMs(channel, sentAtMs)),
    family: scenario.family ?? (hasOutage ? "outage" : "surge"),
    webhookDelayMs(atMs, random) {
      const range = windowAt(scenario.webhooks.delaySeconds, (atMs - startMs) / HOUR_MS);
      return Math.round(uniform(random, range.min, Math.max(range.min, range.max)) * 1000);
    },
  };
}

function expandCatalogue(scenario: Scenario, seed: number): ScenarioVariant[] {
  const catalogue = scenario.catalogue;
  if ("variants" in catalogue) {
    return catalogue.variants.map((variant, index) => ({ index, ...variant, title: variant.title || variant.sku }));
  }
  const spec = catalogue.generate;
  const random = stream(seed, "catalogue");
  const meanUnits =
    scenario.demand.unitsPerOrder.reduce((sum, [units, weight]) => sum + units * weight, 0) /
    scenario.demand.unitsPerOrder.reduce((sum, [, weight]) => sum + weight, 0);
  const raw = Array.from({ length: spec.variants }, (_, rank) => 1 / Math.pow(rank + 1, spec.zipf));
  // Shuffle popularity over the catalogue so neighbouring SKUs are not all best sellers.
  for (let index = raw.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [raw[index], raw[other]] = [raw[other]!, raw[index]!];
  }
  const total = raw.reduce((sum, weight) => sum + weight, 0);
  return raw.map((weight, index) => {
    const expectedUnits = (scenario.demand.orders * meanUnits * weight) / total;
    const coverage = uniform(random, spec.stockCoverage[0], spec.stockCoverage[1]);
    const price = Math.round(uniform(random, spec.priceRange[0], spec.priceRange[1]) * 100) / 100;
    const sku = `BAL-${String(index + 1).padStart(5, "0")}`;
    return {
      index,
      sku,
      title: `Product ${index + 1}`,
      price,
      stock: Math.max(spec.minStock, Math.round(expectedUnits * coverage)),
      weight,
    };
  });
}

export type BuyerChannel = "online_store" | "meta" | "google";

export interface Buyer {
  atMs: number;
  variant: number;
  channel: BuyerChannel;
  units: number;
}

/** Every buyer of the scenario, in time order: the same demand for every strategy. */
export function generateDemand(expanded: ExpandedScenario): Buyer[] {
  const { scenario, startMs, endMs } = expanded;
  const random = stream(expanded.seed, "demand");
  // Slots of an hour (`hourly`) or of `curve.stepMinutes`; the weights repeat over the scenario.
  const shape = scenario.demand.curve?.weights ?? scenario.demand.hourly ?? [1];
  const slotHours = scenario.demand.curve ? scenario.demand.curve.stepMinutes / 60 : 1;
  const slotsInScenario = scenario.durationHours / slotHours;
  const slots = Math.ceil(slotsInScenario - 1e-9);
  const slotWeights = Array.from({ length: slots }, (_, slot) => {
    const weight = shape[slot % shape.length]!;
    // A partial last slot gets its share only.
    return slot + 1 > slotsInScenario ? weight * (slotsInScenario - slot) : weight;
  });
  const pickSlot = weightedPicker(slotWeights);
  const pickVariant = weightedPicker(expanded.variants.map((variant) => variant.weight));
  const channels: BuyerChannel[] = ["online_store", "meta", "google"];
  const pickChannel = weightedPicker(channels.map((channel) => scenario.demand.channels[channel]));
  const pickUnits = weightedPicker(scenario.demand.unitsPerOrder.map(([, weight]) => weight));
  const buyers: Buyer[] = [];
  for (let order = 0; order < scenario.demand.orders; order += 1) {
    const slot = pickSlot(random);
    // Within the slot drawn, and within the scenario: a partial last slot is that long only
    // (spread over a whole hour and clamped to the end, three quarters of a 15-minute
    // scenario's buyers all arrived in its last millisecond).
    const slotStart = slot * slotHours;
    const slotLength = Math.min(slotHours, scenario.durationHours - slotStart);
    const atMs = Math.min(endMs - 1, Math.floor(startMs + (slotStart + random() * slotLength) * HOUR_MS));
    buyers.push({
      atMs,
      variant: pickVariant(random),
      channel: channels[pickChannel(random)]!,
      units: scenario.demand.unitsPerOrder[pickUnits(random)]![0],
    });
  }
  // Stable order for equal times: draw order.
  return buyers
    .map((buyer, index) => ({ buyer, index }))
    .sort((a, b) => a.buyer.atMs - b.buyer.atMs || a.index - b.index)
    .map(({ buyer }) => buyer);
}

/**
 * The rehearsal scenario: catalogue, stock, channels (checkout place, lag over the day,
 * spikes), webhook behaviour and the demand curve. JSON, validated with zod; the format
 * is documented in docs/rehearsal.md. `expandScenario` turns it into concrete variants,
 * a lag per time window and per channel, deterministically from the seed.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { stream, uniform, weightedPicker, type Random } from "./random";

const lagWindowSchema = z
  .object({ fromHour: z.number().min(0), min: z.number().min(0), max: z.number().min(0) })
  .strict();
const spikeSchema = z
  .object({ atHour: z.number().min(0), minutes: z.number().positive(), lagMinutes: z.number().min(0) })
  .strict();
const channelLagSchema = z
  .object({
    checkout: z.enum(["channel", "store"]),
    lagMinutes: z.array(lagWindowSchema).min(1),
    spikes: z.array(spikeSchema).default([]),
  })
  .strict();

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
        hourly: z.array(z.number().min(0)).min(1),
        unitsPerOrder: z.array(z.tuple([z.number().int().min(1), z.number().min(0)])).min(1),
        /** Share of buyers arriving on each channel. */
        channels: z
          .object({ online_store: z.number().min(0), meta: z.number().min(0), google: z.number().min(0) })
          .strict(),
      })
      .strict(),
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
  })
  .strict();

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type LagChannel = "meta" | "google";

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
  /** A webhook's delivery delay drawn for one event. */
  webhookDelayMs(atMs: number, random: Random): number;
}

export const BUILT_IN_SCENARIOS: Record<string, string> = {
  "black-friday": "sim/scenarios/black-friday.json",
};

export function loadScenario(nameOrPath: string, root = process.cwd()): Scenario {
  const file = BUILT_IN_SCENARIOS[nameOrPath] ?? nameOrPath;
  const text = readFileSync(path.resolve(root, file), "utf8");
  return parseScenario(JSON.parse(text) as unknown, file);
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

  return {
    scenario,
    seed,
    startMs,
    endMs: startMs + durationMs,
    stepMs,
    steps: Math.ceil(durationMs / stepMs),
    variants,
    lagMs(channel, atMs) {
      const window = Math.min(windows - 1, Math.max(0, Math.floor((atMs - startMs) / LAG_WINDOW_MS)));
      return lags[channel][window]!;
    },
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
  const hours = Math.ceil(scenario.durationHours);
  const hourWeights = Array.from({ length: hours }, (_, hour) => {
    const weight = scenario.demand.hourly[hour % scenario.demand.hourly.length]!;
    // A partial last hour gets its share only.
    return hour + 1 > scenario.durationHours ? weight * (scenario.durationHours - hour) : weight;
  });
  const pickHour = weightedPicker(hourWeights);
  const pickVariant = weightedPicker(expanded.variants.map((variant) => variant.weight));
  const channels: BuyerChannel[] = ["online_store", "meta", "google"];
  const pickChannel = weightedPicker(channels.map((channel) => scenario.demand.channels[channel]));
  const pickUnits = weightedPicker(scenario.demand.unitsPerOrder.map(([, weight]) => weight));
  const buyers: Buyer[] = [];
  for (let order = 0; order < scenario.demand.orders; order += 1) {
    const hour = pickHour(random);
    // Within the hour drawn, and within the scenario: a partial last hour is that long only
    // (spread over a whole hour and clamped to the end, three quarters of a 15-minute
    // scenario's buyers all arrived in its last millisecond).
    const hourLength = Math.min(1, scenario.durationHours - hour);
    const atMs = Math.min(endMs - 1, Math.floor(startMs + (hour + random() * hourLength) * HOUR_MS));
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

/**
 * The app's "rehearse my settings": a built-in family on the shop's own catalog and settings,
 * four strategies on the same day (native sync, fixed tiers, your settings, the physical
 * limit), run a few steps at a time so the caller (the worker) can report progress and let
 * other work through between slices. Pure: the caller loads the catalog, rules and settings
 * and stores the summary. Nothing here can reach a channel: the channels are the in-process
 * model.
 */
import { z } from "zod";
import { CHECKOUT_PLACES } from "~/domain";
import { scenarioForCatalog, type CatalogVariant } from "./catalog";
import type { StrategySimulation } from "./channel-model";
import { FAMILY_NAMES, builtInScenario } from "./families";
import { inProcessSimulation } from "./inprocess";
import { withCost } from "./metrics";
import { oracleSimulation } from "./oracle";
import { expandScenario, generateDemand, withCheckout, type ExpandedScenario, type LagChannel } from "./scenario";
import type { ShopSetup } from "./settings-app";
import { settingsSimulation } from "./settings-strategy";
import {
  chartPoints,
  cheapestOf,
  costRow,
  SUMMARY_STRATEGIES,
  type CostRow,
  type ChartPoint,
  type RehearsalSummary,
  type SummaryStrategy,
} from "./summary";

/** What the merchant asks for: a family, and where each catalog channel's buyers check out (default: the shop's settings). */
export const rehearsalInputSchema = z
  .object({
    family: z.enum(FAMILY_NAMES),
    checkout: z
      .object({ meta: z.enum(CHECKOUT_PLACES).optional(), google: z.enum(CHECKOUT_PLACES).optional() })
      .strict()
      .default({}),
    seed: z.number().int().min(0).max(2_147_483_647).default(1),
  })
  .strict();
export type RehearsalInput = z.output<typeof rehearsalInputSchema>;

export interface RehearsalRun {
  /** Steps of every strategy together. */
  readonly totalSteps: number;
  readonly doneSteps: number;
  /** Runs at most `steps` more steps; true once every strategy has run to its end. */
  advance(steps: number): boolean;
  /** The outcome, once `advance` has said it is over. */
  summary(): RehearsalSummary;
}

/** What the worker passes besides the input: the shop's catalog and settings, and when its day starts. */
export interface ShopRehearsal {
  readonly catalog: readonly CatalogVariant[];
  readonly setup: Omit<ShopSetup, "placements">;
  /** The simulated start (default: the family's, Black Friday 2026 at 00:00 UTC): the worker sets the shop's own midnight. */
  readonly startMs?: number;
}

/** The shop's day: the family on its catalog, checkout places from the input or the shop's settings. */
function shopDay(input: RehearsalInput, { catalog, setup, startMs }: ShopRehearsal) {
  const builtIn = builtInScenario(input.family);
  const family = startMs === undefined ? builtIn : { ...builtIn, start: new Date(startMs).toISOString() };
  const onCatalog = scenarioForCatalog(family, catalog, input.seed);
  const checkout = {
    meta: input.checkout.meta ?? setup.settings.meta.checkoutOn,
    google: input.checkout.google ?? setup.settings.google.checkoutOn,
  };
  const scenario = withCheckout(onCatalog.scenario, checkout);
  const expanded = expandScenario(scenario, input.seed);
  return { onCatalog, expanded, buyers: generateDemand(expanded) };
}

export function startRehearsal(input: RehearsalInput, shop: ShopRehearsal): RehearsalRun {
  const { setup } = shop;
  const { onCatalog, expanded, buyers } = shopDay(input, shop);
  const simulations: Record<SummaryStrategy, StrategySimulation> = {
    native: inProcessSimulation("native", expanded, buyers),
    static: inProcessSimulation("static", expanded, buyers),
    settings: settingsSimulation(expanded, buyers, { ...setup, placements: onCatalog.placements }),
    oracle: oracleSimulation(expanded, buyers),
  };
  const order = SUMMARY_STRATEGIES.map((id) => simulations[id]);
  const totalSteps = order.reduce((total, simulation) => total + simulation.steps, 0);
  const doneSteps = () => order.reduce((total, simulation) => total + simulation.done, 0);
  return {
    totalSteps,
    get doneSteps() {
      return doneSteps();
    },
    advance(steps) {
      let left = steps;
      for (const simulation of order) {
        while (left > 0 && simulation.done < simulation.steps) {
          simulation.step();
          left -= 1;
        }
      }
      return doneSteps() >= totalSteps;
    },
    summary() {
      if (doneSteps() < totalSteps) throw new Error("the rehearsal has not finished yet");
      return summarise(input, expanded, onCatalog, simulations);
    },
  };
}

function summarise(
  input: RehearsalInput,
  expanded: ExpandedScenario,
  onCatalog: { leftOut: number; demandCut: boolean },
  simulations: Record<SummaryStrategy, StrategySimulation>,
): RehearsalSummary {
  const { scenario } = expanded;
  const strategies = {} as Record<SummaryStrategy, CostRow>;
  const timeline = {} as Record<SummaryStrategy, ChartPoint[]>;
  for (const id of SUMMARY_STRATEGIES) {
    const result = withCost(simulations[id].finish(0), scenario.costs);
    strategies[id] = costRow(result);
    timeline[id] = chartPoints(result.timeline);
  }
  const outages = (["meta", "google"] as const satisfies readonly LagChannel[]).flatMap((channel) =>
    scenario.channels[channel].outages.map((outage) => ({ channel, atHour: outage.atHour, minutes: outage.minutes })),
  );
  return {
    family: input.family,
    seed: input.seed,
    startMs: expanded.startMs,
    durationHours: scenario.durationHours,
    variants: expanded.variants.length,
    orders: scenario.demand.orders,
    leftOut: onCatalog.leftOut,
    demandCut: onCatalog.demandCut,
    checkout: { meta: scenario.channels.meta.checkout, google: scenario.channels.google.checkout },
    outages,
    strategies,
    timeline,
    cheapest: cheapestOf(strategies),
  };
}

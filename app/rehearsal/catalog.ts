/**
 * A family's day on a shop's own catalog: the family keeps its length, its demand curve,
 * units per order, channel mix, lags, outages, webhook behaviour and cost weights; the
 * catalog becomes the shop's variants with their current sellable stock, and the demand is
 * sized the way the family sizes it for its own catalog: each variant is expected to sell
 * its stock divided by a coverage drawn in the family's range (`stockCoverage`: below 1 it
 * sells out), so a flash drop still sells most items out and a slow week still leaves stock.
 * Variants with nothing to sell are left out (they can be neither sold nor oversold), and a
 * large catalog is cut to the variants with the most stock, so a rehearsal runs in seconds.
 */
import type { ItemPlacement } from "./settings-app";
import { stream, uniform } from "./random";
import { parseScenario, type Scenario } from "./scenario";

/** One of the shop's variants as the rehearsal takes it. */
export interface CatalogVariant {
  readonly sku: string;
  readonly title: string;
  readonly price: number;
  /** Sellable units now (the master record's). */
  readonly stock: number;
  readonly placement: ItemPlacement;
}

/** At most this many variants are rehearsed: the ones with the most stock. */
export const MAX_REHEARSED_VARIANTS = 1_000;
/** At most this many orders: beyond, the demand is cut (and said so). */
export const MAX_REHEARSED_ORDERS = 40_000;

export interface CatalogScenario {
  scenario: Scenario;
  /** Per variant of the scenario, in order: where it sits for the rules. */
  placements: ItemPlacement[];
  /** Variants of the shop with stock that were left out (beyond MAX_REHEARSED_VARIANTS). */
  leftOut: number;
  /** True when the demand was cut to MAX_REHEARSED_ORDERS. */
  demandCut: boolean;
}

export class EmptyCatalogError extends Error {
  override name = "EmptyCatalogError";
}

const meanUnitsPerOrder = (scenario: Scenario) =>
  scenario.demand.unitsPerOrder.reduce((sum, [units, weight]) => sum + units * weight, 0) /
  scenario.demand.unitsPerOrder.reduce((sum, [, weight]) => sum + weight, 0);

export function scenarioForCatalog(
  family: Scenario,
  catalog: readonly CatalogVariant[],
  seed: number,
): CatalogScenario {
  const withStock = catalog
    .filter((variant) => variant.stock > 0)
    .sort((a, b) => b.stock - a.stock || (a.placement.variantId < b.placement.variantId ? -1 : 1));
  if (withStock.length === 0) throw new EmptyCatalogError("no variant has sellable stock to rehearse with");
  const chosen = withStock.slice(0, MAX_REHEARSED_VARIANTS);
  const coverage =
    "generate" in family.catalogue ? family.catalogue.generate.stockCoverage : ([1, 1] as [number, number]);
  const random = stream(seed, "catalogue");
  const variants = chosen.map((variant) => ({
    sku: variant.sku,
    title: variant.title,
    price: Math.max(0, variant.price),
    stock: Math.floor(variant.stock),
    // Expected units over the day: the stock over a coverage in the family's range.
    weight: variant.stock / Math.max(0.05, uniform(random, coverage[0], coverage[1])),
  }));
  const expectedUnits = variants.reduce((sum, variant) => sum + variant.weight, 0);
  const wanted = Math.max(1, Math.round(expectedUnits / meanUnitsPerOrder(family)));
  const orders = Math.min(MAX_REHEARSED_ORDERS, wanted);
  return {
    scenario: parseScenario(
      { ...family, catalogue: { variants }, demand: { ...family.demand, orders } },
      `the "${family.name}" family on the shop's catalog`,
    ),
    placements: chosen.map((variant) => variant.placement),
    leftOut: withStock.length - chosen.length,
    demandCut: orders < wanted,
  };
}

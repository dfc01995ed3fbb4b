/**
 * The rehearsal's pure core, shared by the app's "Rehearse my settings" (the worker runs it
 * as an operation) and `npm run rehearse` (sim/rehearse.ts). See docs/rehearsal.md.
 */
export { FAMILY_NAMES, builtInScenario, isFamilyName, type FamilyName } from "./families";
export { MAX_REHEARSED_ORDERS, MAX_REHEARSED_VARIANTS, EmptyCatalogError, type CatalogVariant } from "./catalog";
export {
  rehearsalInputSchema,
  startRehearsal,
  type RehearsalInput,
  type RehearsalRun,
  type ShopRehearsal,
} from "./run";
export {
  CHART_POINTS,
  SUMMARY_STRATEGIES,
  type ChartPoint,
  type CostRow,
  type RealStrategy,
  type RehearsalSummary,
  type SummaryStrategy,
} from "./summary";
export type { ItemPlacement, ShopSetup } from "./settings-app";

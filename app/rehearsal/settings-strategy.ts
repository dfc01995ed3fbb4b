/**
 * "Your settings": the real engine with a shop's own rules and channel settings (thin stock,
 * Google's low-stock mode, where each channel's buyers check out, damping, pauses), run the
 * way the worker runs it (settings-app.ts), on the same channel model, buyers, webhook
 * delays and accounting as the other in-process strategies. The app's "Rehearse my
 * settings" runs it on the shop's own catalog; `npm run rehearse -- --in-process` runs it
 * with the HTTP run's rules beside the real app, to show how close the two are
 * (docs/rehearsal.md).
 */
import { runToEnd, ShelfSimulation, type ProgressReporter, type StrategySimulation } from "./channel-model";
import type { StrategyResult } from "./metrics";
import type { Buyer, ExpandedScenario } from "./scenario";
import { SettingsApp, type ShopSetup } from "./settings-app";

export type { ItemPlacement, ShopSetup } from "./settings-app";

class SettingsSimulation extends ShelfSimulation {
  readonly #app: SettingsApp;

  constructor(expanded: ExpandedScenario, buyers: readonly Buyer[], setup: ShopSetup) {
    super("settings", expanded, buyers);
    this.#app = new SettingsApp(expanded, setup, this.shelves, this.accounting);
  }

  protected plan(now: number): void {
    this.#app.step(now);
  }

  /** The sale reaches the app as webhooks, with Shopify's available after it. */
  protected afterSale(item: number, physicalAfter: number, at: number, units: number): void {
    this.#app.orderPlaced(item, units, physicalAfter - this.shelves.safety[item]!, at);
  }

  finish(wallMs: number): StrategyResult {
    const result = this.accounting.finish({ wallMs });
    result.notes.push(
      "Simulated in-process with the real engine and the shop's own rules and channel settings, run as the worker runs it: webhooks with the scenario's delays, recompute, pushes when due (Meta's call budget and materiality, Google's update allowance), read-back measuring each channel's lag; calls counted as the connectors make them (writes only). Not modelled: alerts and auto-protect, reconciliation, overrides.",
    );
    return result;
  }
}

export function settingsSimulation(
  expanded: ExpandedScenario,
  buyers: readonly Buyer[],
  setup: ShopSetup,
): StrategySimulation {
  return new SettingsSimulation(expanded, buyers, setup);
}

export function simulateSettings(
  expanded: ExpandedScenario,
  buyers: readonly Buyer[],
  setup: ShopSetup,
  options: { progress?: ProgressReporter; clock?: () => number } = {},
): StrategyResult {
  return runToEnd(settingsSimulation(expanded, buyers, setup), options);
}

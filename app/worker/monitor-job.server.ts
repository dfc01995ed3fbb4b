import { monitorShop } from "~/monitor/monitor.server";
import type { JobContext } from "./job-context.server";

/** Lag, drift, alerts, auto-protect and alert delivery (app/monitor). The caller holds the shop's monitor lease. */
export class MonitorJob {
  constructor(private readonly context: JobContext) {}

  async run(shop: string): Promise<void> {
    const { database, connectors, schedule } = this.context;
    await monitorShop(database, shop, this.context.clock(), {
      connectors,
      reconcileEveryMs: schedule.reconcileEveryMs,
    });
  }
}

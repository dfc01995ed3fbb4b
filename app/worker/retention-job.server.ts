import { pruneExpired } from "~/sync/retention.server";
import type { JobContext } from "./job-context.server";

/** Retention (app/sync/retention.server.ts), every `pruneEveryMs` per shop. The caller holds the shop's stored lease. */
export class RetentionJob {
  private readonly lastPrune = new Map<string, number>();

  constructor(private readonly context: JobContext) {}

  isDue(shop: string, nowMs: number): boolean {
    return nowMs - (this.lastPrune.get(shop) ?? 0) >= this.context.schedule.pruneEveryMs;
  }

  async runIfDue(shop: string): Promise<void> {
    const nowMs = this.context.clock().getTime();
    if (!this.isDue(shop, nowMs)) return;
    this.lastPrune.set(shop, nowMs);
    await pruneExpired(this.context.database, shop, this.context.clock());
  }
}

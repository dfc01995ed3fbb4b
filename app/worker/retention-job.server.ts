import { logger } from "~/logger.server";
import { pruneExpired, PRUNE_LIMITS, type PruneLimits } from "~/sync/retention.server";
import type { JobContext } from "./job-context.server";

/**
 * Retention (app/sync/retention.server.ts), every `pruneEveryMs` per shop. The caller holds
 * the shop's stored lease. A run that stopped at its batch limit with rows left (a first
 * prune of a big shop) is due again on the next maintenance pass, until the backlog is gone.
 */
export class RetentionJob {
  private readonly lastPrune = new Map<string, number>();

  constructor(
    private readonly context: JobContext,
    private readonly limits: PruneLimits = PRUNE_LIMITS,
  ) {}

  isDue(shop: string, nowMs: number): boolean {
    return nowMs - (this.lastPrune.get(shop) ?? -Infinity) >= this.context.schedule.pruneEveryMs;
  }

  async runIfDue(shop: string): Promise<void> {
    const nowMs = this.context.clock().getTime();
    if (!this.isDue(shop, nowMs)) return;
    this.lastPrune.set(shop, nowMs);
    const { more, ...deleted } = await pruneExpired(this.context.database, shop, this.context.clock(), this.limits);
    if (more) this.lastPrune.delete(shop);
    if (Object.values(deleted).some((count) => count > 0)) logger.info({ shop, deleted, more }, "retention pruned");
  }
}

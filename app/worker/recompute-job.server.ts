import type { ChannelId } from "~/domain";
import { logger } from "~/logger.server";
import { recomputeShop, type RecomputeContext } from "~/sync/recompute.server";
import type { JobContext } from "./job-context.server";

/**
 * Master record → desired quantities (app/sync/recompute.server.ts): everything when asked
 * (a rule, setting or connection changed) or every `fullRecomputeEveryMs`, otherwise only
 * the items changed since. The caller holds the shop's stored lease.
 */
export class RecomputeJob {
  private readonly lastFullRecompute = new Map<string, number>();
  /** Per shop, what the last recompute decided with (see runDirty). */
  private readonly contexts = new Map<string, RecomputeContext | undefined>();

  constructor(
    private readonly context: JobContext,
    /** The push intervals the worker was given (WorkerOptions.pushIntervalMs): buffers cover them. */
    private readonly pushIntervalMs: Partial<Record<ChannelId, number>> | undefined,
  ) {}

  /** The number of channel rows written. */
  async run(shop: string): Promise<number> {
    const now = this.context.clock();
    const shopRow = await this.context.database.shop.findUnique({
      where: { shop },
      select: { recomputeRequestedAt: true, updatedAt: true },
    });
    const fullDue =
      now.getTime() - (this.lastFullRecompute.get(shop) ?? 0) >= this.context.schedule.fullRecomputeEveryMs;
    if (shopRow?.recomputeRequestedAt || fullDue) return this.runAll(shop, now, shopRow?.recomputeRequestedAt ?? null);
    return this.runDirty(shop, now, shopRow?.updatedAt ?? null);
  }

  private async runAll(shop: string, now: Date, requestedAt: Date | null): Promise<number> {
    const { database } = this.context;
    const result = await this.context.timed("recompute:all", () =>
      recomputeShop(database, shop, { ...this.optionsAt(now), scope: "all" }),
    );
    this.lastFullRecompute.set(shop, now.getTime());
    this.contexts.set(shop, result.context);
    if (result.rowsRetired > 0)
      logger.info({ shop, rows: result.rowsRetired }, "catalog rows under old item ids retired");
    // Cleared only if no newer request arrived meanwhile.
    if (requestedAt) {
      await database.shop.updateMany({
        where: { shop, recomputeRequestedAt: { lte: requestedAt } },
        data: { recomputeRequestedAt: null },
      });
    }
    return result.rowsWritten;
  }

  /**
   * The few items changed since the last pass are decided with the context of the last full
   * recompute (at most its interval old): loading rules and timing again each pass cost
   * more than deciding the items. Any change of rules, settings or connections updates the
   * shop row and so forces a fresh load, whichever worker or page made it.
   */
  private async runDirty(shop: string, now: Date, shopUpdatedAt: Date | null): Promise<number> {
    const cached = this.contexts.get(shop);
    const context =
      cached &&
      cached.shopVersion === (shopUpdatedAt?.getTime() ?? null) &&
      now.getTime() - cached.loadedAtMs < this.context.schedule.fullRecomputeEveryMs
        ? cached
        : undefined;
    const result = await this.context.timed("recompute:dirty", () =>
      recomputeShop(this.context.database, shop, { ...this.optionsAt(now), scope: "dirty", context }),
    );
    if (result.context) this.contexts.set(shop, result.context);
    return result.rowsWritten;
  }

  private optionsAt(now: Date) {
    return { now, provider: this.context.provider, pushIntervalMs: this.pushIntervalMs };
  }
}

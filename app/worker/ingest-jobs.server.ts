import type { ChannelId } from "~/domain";
import { processPendingEvents } from "~/ingest/process-events.server";
import { recordActivity } from "~/records/activity.server";
import type { JobContext } from "./job-context.server";

/** Recorded webhooks → master record (app/ingest). The caller holds the shop's stored lease. */
export class IngestJob {
  constructor(private readonly context: JobContext) {}

  /** The number of recorded events applied. */
  async run(shop: string): Promise<number> {
    const { database, provider } = this.context;
    const events = await this.context.timed("ingest", () =>
      processPendingEvents(database, shop, { now: this.context.clock(), provider }),
    );
    return events.processed;
  }
}

/**
 * Overrides past their expiry are deleted and their items marked for recompute. The caller
 * holds the shop's stored lease.
 */
export class OverrideExpiryJob {
  constructor(private readonly context: JobContext) {}

  async run(shop: string): Promise<void> {
    const { database } = this.context;
    const now = this.context.clock();
    const expired = await database.override.findMany({ where: { shop, expiresAt: { lte: now } } });
    for (const override of expired) {
      await database.$transaction([
        database.override.delete({ where: { id: override.id } }),
        database.masterRecord.updateMany({ where: { shop, variantGid: override.variantGid }, data: { dirty: true } }),
      ]);
      await recordActivity(database, {
        shop,
        kind: "override_expired",
        channel: override.channel as ChannelId,
        variantGid: override.variantGid,
        details: { quantity: override.quantity, expiresAt: override.expiresAt.toISOString() },
        at: now,
      });
    }
  }
}

import { adminClientFor, connectorFor, isConnector } from "~/channels/factory.server";
import { channelModeOf } from "~/domain";
import { logger } from "~/logger.server";
import { OperationFailed, operationFailureOf, operationFailureRecord } from "~/records/operation-failure";
import { setHoldsReleased } from "~/records/shop-settings.server";
import { releaseOwnHolds, type ReleaseSummary } from "~/sync/release-holds.server";
import { noteHoldsReleased } from "./holds-released.server";
import type { JobContext } from "./job-context.server";
import type { ReconcileJob } from "./reconcile-job.server";

type Operation = { id: string; kind: string };
/** What became of one operation: finished (succeeded), or back in the queue for the next pass. */
type Outcome = "done" | "requeued";

/**
 * The operations merchants queue from the admin (app/records/requests.server.ts), oldest
 * first: a full read of Shopify ("resync", "full_read") and "release_holds" (a "rehearsal"
 * runs in a lane of its own, outside the shop's stored lease: rehearsal-job.server.ts). Each ends
 * succeeded or failed; a failure is stored as a code with its values and the raw message as
 * `technical` (app/records/operation-failure.ts), which the pages put into plain words. A
 * release the Online Store's push lane is in the way of waits in the queue for the next
 * pass. The caller holds the shop's stored lease.
 */
export class OperationsJob {
  constructor(
    private readonly context: JobContext,
    private readonly reconcile: ReconcileJob,
  ) {}

  async hasQueued(shop: string): Promise<boolean> {
    const queued = await this.context.database.operation.findFirst({
      where: { shop, state: { in: ["queued", "running"] }, kind: { not: "rehearsal" } },
      select: { id: true },
    });
    return queued !== null;
  }

  async run(shop: string): Promise<void> {
    const { database } = this.context;
    const queued = await database.operation.findMany({
      where: { shop, state: { in: ["queued", "running"] }, kind: { not: "rehearsal" } },
      orderBy: { createdAt: "asc" },
    });
    for (const operation of queued) await this.runOne(shop, operation);
  }

  private async runOne(shop: string, operation: Operation): Promise<void> {
    const { database, clock } = this.context;
    await database.operation.update({ where: { id: operation.id }, data: { state: "running", startedAt: clock() } });
    try {
      if ((await this.perform(shop, operation)) === "requeued") return;
      await database.operation.update({
        where: { id: operation.id },
        data: { state: "succeeded", finishedAt: clock() },
      });
    } catch (error) {
      const failure = operationFailureOf(error);
      logger.warn(
        { shop, operation: operation.kind, failure: failure.code, err: failure.technical },
        "operation failed",
      );
      await database.operation.update({
        where: { id: operation.id },
        data: { state: "failed", finishedAt: clock(), error: operationFailureRecord(failure) },
      });
    }
  }

  private async perform(shop: string, operation: Operation): Promise<Outcome> {
    if (operation.kind === "resync" || operation.kind === "full_read") {
      // Without access to the store (no session, or refused for good) there is nothing to read.
      if (!(await adminClientFor(this.context.connectors, shop)))
        throw new OperationFailed("shopify_disconnected", "Shopify cannot be reached for this shop: no access");
      await this.reconcile.run(shop, "full", operation.id);
      await this.context.database.shop.update({
        where: { shop },
        data: { recomputeRequestedAt: this.context.clock() },
      });
    } else if (operation.kind === "release_holds") {
      return this.releaseHolds(shop, operation);
    }
    return "done";
  }

  /** Exactly Ballast's own units go back to available, never the merchant's safety stock. */
  private async releaseHolds(shop: string, operation: Operation): Promise<Outcome> {
    const { database } = this.context;
    const released = await this.releaseOwnHoldsNow(shop);
    if (released === null) {
      // The Online Store's push lane holds the shop: the next pass runs it.
      await database.operation.update({ where: { id: operation.id }, data: { state: "queued" } });
      return "requeued";
    }
    if (released.remaining > 0) {
      throw new OperationFailed(
        "holds_remaining",
        `${released.remaining} held units could not be released yet (Shopify unreachable or the levels kept changing)`,
        released.remaining,
      );
    }
    // Activated: the Online Store shows every unit until holds are resumed. Observed (a
    // reinstall's stranded holds): nothing is held anyway.
    const onlineStore = await database.channelConnection.findUnique({
      where: { shop_channel: { shop, channel: "online_store" } },
      select: { activatedAt: true },
    });
    if (channelModeOf(onlineStore) !== "observing") await setHoldsReleased(database, shop, true);
    await noteHoldsReleased(this.context, shop, released);
    return "done";
  }

  /**
   * Ballast's own units back to available (app/sync/release-holds.server.ts), under the
   * Online Store's lease so no push plans a move meanwhile; null when a push holds it.
   */
  private releaseOwnHoldsNow(shop: string): Promise<ReleaseSummary | null> {
    return this.context.withLease(shop, "online_store", "release_holds", async (signal) => {
      const connector = await connectorFor(this.context.connectors, shop, "online_store");
      if (!isConnector(connector))
        throw new OperationFailed("shopify_disconnected", `the Online Store cannot be reached: ${connector.detail}`);
      return releaseOwnHolds(this.context.database, shop, connector, this.context.clock(), {
        provider: this.context.provider,
        signal,
      });
    });
  }
}

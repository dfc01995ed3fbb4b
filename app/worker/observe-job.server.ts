import { connectorFor, isConnector } from "~/channels/factory.server";
import type { ChannelId } from "~/domain";
import { logger } from "~/logger.server";
import { forgetPushed } from "~/sync/observe.server";
import { releaseOwnHolds, type ReleaseSummary } from "~/sync/release-holds.server";
import { noteHoldsReleased } from "./holds-released.server";
import { messageOf, type ConnectionRow, type JobContext } from "./job-context.server";
import type { ReadBackJob } from "./read-back-job.server";

/**
 * Observe mode (app/sync/observe.server.ts): the recompute still decides and explains every
 * item; nothing is pushed or read back. On entering it the sync rows forget what was pushed
 * (a later activation pushes everything afresh), and on the Online Store Ballast's own
 * holds are released (only the units it moved itself, never the merchant's safety stock).
 * An uninstalled shop's (disconnected) holds wait for the merchant: offered on reinstall.
 * The caller holds the (shop, channel) lease.
 */
export class ObserveJob {
  /** `${shop}|${channel}` seen in observe mode since it was last active. */
  private readonly observed = new Set<string>();
  /** Per shop, when an observed Online Store's release that left units held may be tried again. */
  private readonly releaseRetryAt = new Map<string, number>();

  constructor(
    private readonly context: JobContext,
    private readonly readBack: ReadBackJob,
  ) {}

  async run(shop: string, channel: ChannelId, connection: ConnectionRow | null, signal: AbortSignal): Promise<void> {
    await this.enter(shop, channel);
    if (channel !== "online_store" || connection?.state === "disconnected") return;
    if (this.context.clock().getTime() < (this.releaseRetryAt.get(shop) ?? 0)) return;
    await this.releaseHolds(shop, connection, signal);
  }

  /** The channel is active again: entering observe mode later forgets what was pushed again. */
  leave(shop: string, channel: ChannelId): void {
    this.observed.delete(`${shop}|${channel}`);
  }

  private async enter(shop: string, channel: ChannelId): Promise<void> {
    const key = `${shop}|${channel}`;
    if (this.observed.has(key)) return;
    const forgotten = await forgetPushed(this.context.database, shop, channel);
    if (forgotten > 0) logger.info({ shop, channel, rows: forgotten }, "channel observed: pushed state forgotten");
    this.observed.add(key);
    this.readBack.forget(shop, channel);
  }

  private async releaseHolds(shop: string, connection: ConnectionRow | null, signal: AbortSignal): Promise<void> {
    const held = await this.context.database.heldStock.findFirst({
      where: { shop, units: { gt: 0 } },
      select: { units: true },
    });
    if (!held || signal.aborted) return;
    const connector = await connectorFor(this.context.connectors, shop, "online_store", connection);
    if (!isConnector(connector)) return;
    // Inside the push lane: the (shop, online_store) lease releaseOwnHolds needs is held. What
    // could not be released (Shopify unreachable, a level that kept changing) is tried next pass.
    const { database, provider, clock } = this.context;
    const released: ReleaseSummary | null = await this.context
      .timed("release:online_store", () => releaseOwnHolds(database, shop, connector, clock(), { provider, signal }))
      .catch((error: unknown) => {
        logger.warn({ shop, err: messageOf(error) }, "releasing holds of an observed Online Store failed; retrying");
        return null;
      });
    // Units left held (Shopify unreachable, levels that kept changing): not every pass.
    if (!released || released.remaining > 0)
      this.releaseRetryAt.set(shop, clock().getTime() + this.context.schedule.observedReleaseRetryMs);
    else this.releaseRetryAt.delete(shop);
    if (released && released.released > 0) await noteHoldsReleased(this.context, shop, released, "observe_mode");
  }
}

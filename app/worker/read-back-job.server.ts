import type { ChannelConnector } from "~/channels/types";
import type { ChannelId } from "~/domain";
import { logger } from "~/logger.server";
import { confirmPushed } from "~/sync/read-back.server";
import { messageOf, type JobContext } from "./job-context.server";

/**
 * What the channel shows now, for rows pushed and not yet confirmed (app/sync/read-back.server.ts):
 * the channel's measured lag. At most every `readBackEveryMs` per (shop, channel); a failure
 * is logged and waits for the next time it is due. The caller holds the (shop, channel) lease.
 */
export class ReadBackJob {
  /** `${shop}|${channel}` → when it was last read back. */
  private readonly lastReadBack = new Map<string, number>();

  constructor(private readonly context: JobContext) {}

  async runIfDue(shop: string, channel: ChannelId, connector: ChannelConnector): Promise<void> {
    const { database, provider, schedule, clock } = this.context;
    const key = `${shop}|${channel}`;
    const lastReadBack = this.lastReadBack.get(key);
    if (lastReadBack !== undefined && clock().getTime() - lastReadBack < schedule.readBackEveryMs(channel)) return;
    this.lastReadBack.set(key, clock().getTime());
    try {
      await this.context.timed(`readback:${channel}`, () =>
        confirmPushed(database, shop, channel, connector, clock(), {
          maxItems: schedule.readBackSample(channel),
          provider,
        }),
      );
    } catch (error) {
      logger.warn({ shop, channel, err: messageOf(error) }, "read-back failed");
    }
  }

  /** The next read-back of this channel runs as soon as it is pushed again. */
  forget(shop: string, channel: ChannelId): void {
    this.lastReadBack.delete(`${shop}|${channel}`);
  }
}

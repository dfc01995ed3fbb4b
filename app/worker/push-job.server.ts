import type { ChannelCapabilities, ChannelConnector } from "~/channels/types";
import type { ChannelId } from "~/domain";
import { pushChannel, type PushPolicy, type PushSummary } from "~/sync/push.server";
import type { ConnectionRow, JobContext } from "./job-context.server";

/** Most batch calls one pass makes on a channel without an hourly write budget. */
const MAX_CALLS_PER_PASS = 20;
/** On a channel with an hourly write budget (Meta): a few, so one pass never spends the hour. */
const MAX_CALLS_PER_PASS_WITHIN_HOURLY_BUDGET = 4;
/** Base delay for a retryable failure that came without its own. */
const RETRY_BASE_MS = 5_000;

/**
 * One channel's differences out (app/sync/push.server.ts), within the budget its connector
 * declares. The caller holds the (shop, channel) lease and has checked the channel is
 * activated and not paused.
 */
export class PushJob {
  constructor(private readonly context: JobContext) {}

  /**
   * Due once the channel's push interval has passed since its last push, or sooner (but
   * not within the urgent gap) for a sell-out the channel still shows: the interval is
   * part of every buffer, but a buffer cannot cover a sell-out that arrives faster than
   * expected.
   */
  async due(shop: string, channel: ChannelId, connection: ConnectionRow | null, now: Date): Promise<boolean> {
    const { schedule } = this.context;
    const sinceLastPush = connection?.lastPushAt ? now.getTime() - connection.lastPushAt.getTime() : Infinity;
    if (sinceLastPush >= schedule.pushIntervalMs(channel)) return true;
    return sinceLastPush >= schedule.urgentPushGapMs && (await this.hasSellOut(shop, channel));
  }

  run(
    shop: string,
    channel: ChannelId,
    connector: ChannelConnector,
    connection: ConnectionRow | null,
    now: Date,
    signal: AbortSignal,
  ): Promise<PushSummary> {
    const { database, provider, random } = this.context;
    const policy: PushPolicy = {
      ...passBudgetOf(connector.capabilities),
      retryBaseMs: RETRY_BASE_MS,
      random,
      provider,
      signal,
    };
    return this.context.timed(`push:${channel}`, () =>
      pushChannel(database, shop, channel, connector, now, policy, connection),
    );
  }

  /** A channel still showing stock for an item that sold out. */
  private async hasSellOut(shop: string, channel: ChannelId): Promise<boolean> {
    const row = await this.context.database.channelItemState.findFirst({
      where: { shop, channel, desired: 0, pushed: { gt: 0 }, parkedAt: null },
      select: { itemKey: true },
    });
    return row !== null;
  }
}

/** The calls one pass may make, from the budget the connector declares (Meta: ~100 batch calls an hour). */
export function passBudgetOf(capabilities: ChannelCapabilities): Pick<PushPolicy, "maxCalls" | "writeCallsPerHour"> {
  const { writeCallsPerHour } = capabilities.budget;
  return {
    maxCalls: writeCallsPerHour === undefined ? MAX_CALLS_PER_PASS : MAX_CALLS_PER_PASS_WITHIN_HOURLY_BUDGET,
    writeCallsPerHour,
  };
}

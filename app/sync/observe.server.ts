import type { Database } from "~/db.server";
import { channelModeOf, type ChannelId, type ChannelMode } from "~/domain";

/**
 * Observe mode (app/domain channels.ts, ChannelMode): a channel whose connection row is
 * missing or has no activatedAt is observed. The recompute runs for it as for an active
 * channel (desired quantities and explanations in ChannelItemState: the previews and "why
 * N?" are the engine's own numbers), and the worker writes nothing to it: no push, no
 * read-back, no lag or drift alert, no auto-protect. The Online Store holds nothing; the
 * units Ballast held there before are released.
 */
export async function channelModeFor(database: Database, shop: string, channel: ChannelId): Promise<ChannelMode> {
  const row = await database.channelConnection.findUnique({
    where: { shop_channel: { shop, channel } },
    select: { activatedAt: true },
  });
  return channelModeOf(row);
}

/**
 * What a channel was pushed no longer says what it shows once Ballast stops writing to it
 * (the channel's own sync takes over; the Online Store's holds are released): the sync rows
 * forget it, so activating the channel again pushes every item afresh (a row never pushed is
 * always worth a call) and the monitor has nothing to wait for meanwhile. Decisions
 * (desired, explanation, damping) are kept. Returns the rows changed.
 */
export async function forgetPushed(database: Database, shop: string, channel: ChannelId): Promise<number> {
  const { count } = await database.channelItemState.updateMany({
    where: {
      shop,
      channel,
      OR: [{ pushed: { not: null } }, { parkedAt: { not: null } }, { lastError: { not: null } }],
    },
    data: {
      pushed: null,
      pushedAt: null,
      confirmed: null,
      confirmedAt: null,
      pendingSince: null,
      attempts: 0,
      lastError: null,
      nextAttemptAt: null,
      parkedAt: null,
    },
  });
  return count;
}

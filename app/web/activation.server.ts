import type { Database } from "~/db.server";
import { CHANNELS, channelModeOf, DEFAULT_THIN_STOCK_UNITS, type ChannelId, type ChannelMode } from "~/domain";
import { loadChannelSettings } from "~/channels/connection-store.server";
import { recordActivity } from "~/records/activity.server";
import { requestRecompute } from "~/records/requests.server";

/**
 * Observe first, activate by choice. A channel whose ChannelConnection.activatedAt is null
 * is in observe mode: Ballast reads, computes and explains what it would show, and writes
 * nothing to it. Activating is the merchant's explicit choice, per channel; going back to
 * observe is always possible (on the Online Store the worker then releases the units
 * Ballast holds in safety stock).
 */
export interface ModeChange {
  shop: string;
  channel: ChannelId;
  source: "admin" | "api";
  nowMs: number;
}

export type ModeChangeResult =
  | { ok: true; mode: ChannelMode; changed: boolean; activatedAt: string | null }
  | { ok: false; error: { code: "channel_not_connected"; message: string } };

const connectedRow = (channel: ChannelId, row: { state: string; encryptedCredentials: string | null } | null) =>
  channel === "online_store" || (row !== null && row.encryptedCredentials !== null && row.state !== "disconnected");

async function setMode(database: Database, input: ModeChange, mode: ChannelMode): Promise<ModeChangeResult> {
  const { shop, channel } = input;
  const row = await database.channelConnection.findUnique({
    where: { shop_channel: { shop, channel } },
    select: { state: true, encryptedCredentials: true, activatedAt: true },
  });
  if (mode === "active" && !connectedRow(channel, row)) {
    return {
      ok: false,
      error: {
        code: "channel_not_connected",
        message: `${channel} is not connected; connect it on the Channels page first`,
      },
    };
  }
  const current = row?.activatedAt ?? null;
  if ((mode === "active") === (current !== null)) {
    return { ok: true, mode, changed: false, activatedAt: current?.toISOString() ?? null };
  }
  const now = new Date(input.nowMs);
  const activatedAt = mode === "active" ? now : null;
  // The Online Store needs no connection: "disconnected" there only marks an uninstall (app/records/shop-lifecycle.server.ts),
  // and activating it after a reinstall makes it sell again.
  const reconnect =
    mode === "active" && channel === "online_store" && row?.state === "disconnected"
      ? { state: "active", pausedBy: null }
      : {};
  await database.channelConnection.upsert({
    where: { shop_channel: { shop, channel } },
    create: { shop, channel, activatedAt },
    update: { activatedAt, ...reconnect },
  });
  await requestRecompute(database, shop, now);
  await recordActivity(database, {
    shop,
    kind: mode === "active" ? "channel_activated" : "channel_observed",
    channel,
    at: now,
    details: { source: input.source, ...(mode === "active" ? {} : { activeSince: current?.toISOString() ?? null }) },
  });
  return { ok: true, mode, changed: true, activatedAt: activatedAt?.toISOString() ?? null };
}

/** The merchant's explicit go: Ballast starts writing to the channel (a Meta or Google channel must be connected). */
export function activateChannel(database: Database, input: ModeChange): Promise<ModeChangeResult> {
  return setMode(database, input, "active");
}

/** Back to observe mode: Ballast keeps computing and explaining, and stops writing to the channel. */
export function observeChannel(database: Database, input: ModeChange): Promise<ModeChangeResult> {
  return setMode(database, input, "observing");
}

/** Each channel's mode; a channel without a row is observing. */
export async function channelModes(
  database: Database,
  shop: string,
): Promise<Record<ChannelId, { mode: ChannelMode; activatedAt: string | null }>> {
  const rows = await database.channelConnection.findMany({
    where: { shop },
    select: { channel: true, activatedAt: true },
  });
  return Object.fromEntries(
    CHANNELS.map((channel) => {
      const activatedAt = rows.find((row) => row.channel === channel)?.activatedAt ?? null;
      return [channel, { mode: channelModeOf({ activatedAt }), activatedAt: activatedAt?.toISOString() ?? null }];
    }),
  ) as Record<ChannelId, { mode: ChannelMode; activatedAt: string | null }>;
}

/** The thin-stock default shown before the Online Store is activated: its last units of an item with this many or fewer are never held back (0: off). */
export async function onlineStoreThinStockUnits(database: Database, shop: string): Promise<number> {
  const settings = await loadChannelSettings(database, shop);
  return settings.online_store.thinStock?.keepSellingAtOrBelow ?? DEFAULT_THIN_STOCK_UNITS;
}

import type { Database } from "~/db.server";
import {
  CHANNELS,
  channelSettingsSchema,
  googleChannelSettingsSchema,
  onlineStoreChannelSettingsSchema,
  type ChannelId,
  type ChannelState,
  type ShopChannelSettings,
} from "~/domain";

/**
 * Channel connections as stored: `state` in its own column (the worker filters on it),
 * allocation settings in `settings` (JSON), connector configuration in `config` (JSON),
 * credentials encrypted in `encryptedCredentials`. A channel without a row is active with
 * default settings (the Online Store needs no connection).
 */
export type ConnectionState = ChannelState | "error" | "disconnected";

type ConnectionRow = { state: string; settings: unknown } | undefined;

/** An unusable connection (error, disconnected) sells nothing new: it stops selling. */
function allocationState(row: ConnectionRow): ChannelState {
  if (row === undefined || row.state === "active") return "active";
  return row.state === "paused_freeze" ? "paused_freeze" : "paused_stop_selling";
}

function settingsOf<T>(
  row: ConnectionRow,
  schema: { parse(value: unknown): T; safeParse(value: unknown): { success: boolean; data?: T } },
): T {
  const state = allocationState(row);
  const stored = typeof row?.settings === "object" && row.settings !== null ? row.settings : {};
  const parsed = schema.safeParse({ ...stored, state });
  // Settings are validated on write; unreadable ones fall back to defaults, keeping the state.
  return parsed.success && parsed.data !== undefined ? parsed.data : schema.parse({ state });
}

export async function loadChannelSettings(database: Database, shop: string): Promise<ShopChannelSettings> {
  const rows = await database.channelConnection.findMany({
    where: { shop },
    select: { channel: true, state: true, settings: true },
  });
  const row = (channel: ChannelId): ConnectionRow => rows.find((candidate) => candidate.channel === channel);
  return {
    online_store: settingsOf(row("online_store"), onlineStoreChannelSettingsSchema),
    meta: settingsOf(row("meta"), channelSettingsSchema),
    google: settingsOf(row("google"), googleChannelSettingsSchema),
  };
}

/** Pause (stop selling or freeze) or resume a channel. */
export async function setChannelState(
  database: Database,
  input: { shop: string; channel: ChannelId; state: ChannelState; by: "merchant" | "auto_protect" },
): Promise<void> {
  const pausedBy = input.state === "active" ? null : input.by;
  await database.channelConnection.upsert({
    where: { shop_channel: { shop: input.shop, channel: input.channel } },
    create: { shop: input.shop, channel: input.channel, state: input.state, pausedBy },
    update: { state: input.state, pausedBy },
  });
}

export function isChannelId(value: string): value is ChannelId {
  return (CHANNELS as readonly string[]).includes(value);
}

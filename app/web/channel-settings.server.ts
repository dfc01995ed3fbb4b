import type { Database } from "~/db.server";
import { thinStockSchema, type ChannelId } from "~/domain";
import { loadChannelSettings } from "~/channels/connection-store.server";
import { recordActivity } from "~/records/activity.server";
import { requestRecompute } from "~/records/requests.server";
import {
  draftFromStored,
  parseSettingsDraft,
  type SettingsDraft,
  type SettingsFieldError,
} from "./channel-settings-form";

/**
 * The per-channel settings page (/app/channels/:channel): what the sync worker reads from
 * the connection row's `settings` and `config`. Saved only when the whole form parses with
 * the same schemas the worker uses; a save requests a recompute and is written to Activity
 * with the values before and after.
 */
export interface ChannelSettingsData {
  channel: ChannelId;
  connected: boolean;
  draft: SettingsDraft;
  /** The shop's locations as last read from Shopify (inactive ones can still hold stock). */
  locations: { gid: string; name: string; active: boolean }[];
  /** Non-secret connector config as stored (catalog, account, data source ids…). */
  config: Record<string, unknown> | null;
}

async function connection(database: Database, shop: string, channel: ChannelId) {
  const row = await database.channelConnection.findUnique({ where: { shop_channel: { shop, channel } } });
  const connected = channel === "online_store" || (row?.encryptedCredentials != null && row.state !== "disconnected");
  return { row, connected, config: (row?.config as Record<string, unknown> | null) ?? null };
}

export async function loadChannelSettingsPage(
  database: Database,
  shop: string,
  channel: ChannelId,
): Promise<ChannelSettingsData> {
  const [settings, stored, locations] = await Promise.all([
    loadChannelSettings(database, shop),
    connection(database, shop, channel),
    database.location.findMany({
      where: { shop },
      orderBy: { name: "asc" },
      select: { gid: true, name: true, active: true },
    }),
  ]);
  return {
    channel,
    connected: stored.connected,
    draft: draftFromStored(channel, settings[channel], stored.config, stored.connected),
    locations,
    config: stored.config,
  };
}

export type SaveSettingsResult = { ok: true; changed: boolean } | { ok: false; errors: SettingsFieldError[] };

/** Validates the whole form and saves it, or saves nothing. */
export async function saveChannelSettings(
  database: Database,
  input: { shop: string; channel: ChannelId; draft: SettingsDraft; nowMs: number; source: "admin" | "api" },
): Promise<SaveSettingsResult> {
  const { shop, channel } = input;
  const [current, stored, locations] = await Promise.all([
    loadChannelSettings(database, shop),
    connection(database, shop, channel),
    database.location.findMany({ where: { shop }, select: { gid: true } }),
  ]);
  // A connector form for a channel that is not connected (stale page) is ignored, not stored.
  const draft = stored.connected ? input.draft : { ...input.draft, connector: null };
  const parsed = parseSettingsDraft(
    channel,
    draft,
    stored.config,
    locations.map((location) => location.gid),
  );
  if (!parsed.ok) return parsed;
  const { state: _state, ...before } = current[channel];
  // The Online Store's thin stock, when the form sent none (see setThinStock), is kept.
  const settings =
    channel === "online_store" && !("thinStock" in parsed.settings)
      ? { ...parsed.settings, thinStock: current.online_store.thinStock }
      : parsed.settings;
  const configChanged = parsed.config !== null && JSON.stringify(parsed.config) !== JSON.stringify(stored.config);
  const settingsChanged = JSON.stringify(settings) !== JSON.stringify(before);
  if (!configChanged && !settingsChanged) return { ok: true, changed: false };
  const now = new Date(input.nowMs);
  const config = configChanged && parsed.config ? { config: parsed.config as object } : {};
  await database.channelConnection.upsert({
    where: { shop_channel: { shop, channel } },
    create: { shop, channel, state: "active", settings, ...config },
    update: { settings, ...config },
  });
  await requestRecompute(database, shop, now);
  await recordActivity(database, {
    shop,
    kind: "channel_settings_changed",
    channel,
    at: now,
    details: {
      source: input.source,
      before: { ...before, ...(configChanged ? { config: stored.config } : {}) },
      after: { ...settings, ...(configChanged ? { config: parsed.config } : {}) },
    },
  });
  return { ok: true, changed: true };
}

export type SetThinStockResult =
  | { ok: true; changed: boolean; keepSellingAtOrBelow: number }
  | { ok: false; error: { code: "invalid"; message: string } };

/**
 * Thin stock (a shop-wide Online Store setting, app/domain channels.ts): items with this many
 * sellable units or fewer are never held back on the Online Store; 0 turns it off. Stored in
 * the Online Store connection's settings beside the rest; creating that row activates nothing.
 */
export async function setThinStock(
  database: Database,
  input: { shop: string; keepSellingAtOrBelow: unknown; nowMs: number; source: "admin" | "api" | "onboarding" },
): Promise<SetThinStockResult> {
  const parsed = thinStockSchema.safeParse({ keepSellingAtOrBelow: input.keepSellingAtOrBelow });
  if (!parsed.success)
    return {
      ok: false,
      error: { code: "invalid", message: parsed.error.issues.map((issue) => issue.message).join("; ") },
    };
  const { shop } = input;
  const current = (await loadChannelSettings(database, shop)).online_store;
  const value = parsed.data.keepSellingAtOrBelow;
  if (current.thinStock.keepSellingAtOrBelow === value)
    return { ok: true, changed: false, keepSellingAtOrBelow: value };
  const { state: _state, ...before } = current;
  const settings = { ...before, thinStock: parsed.data };
  const now = new Date(input.nowMs);
  await database.channelConnection.upsert({
    where: { shop_channel: { shop, channel: "online_store" } },
    create: { shop, channel: "online_store", state: "active", settings },
    update: { settings },
  });
  await requestRecompute(database, shop, now);
  await recordActivity(database, {
    shop,
    kind: "channel_settings_changed",
    channel: "online_store",
    at: now,
    details: { source: input.source, before: { thinStock: current.thinStock }, after: { thinStock: parsed.data } },
  });
  return { ok: true, changed: true, keepSellingAtOrBelow: value };
}

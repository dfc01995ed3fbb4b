import { decodeMasterRecord } from "~/records/master-records.server";
import type { Database } from "~/db.server";
import { CHANNELS, channelModeOf, sellableUnits, type ChannelId, type ChannelMode, type ChannelState } from "~/domain";
import { loadChannelSettings, setChannelState } from "~/channels/connection-store.server";
import { recordActivity } from "~/records/activity.server";
import { requestRecompute } from "~/records/requests.server";
import { holdsReleasedIn, readShopSettings, setHoldsReleased } from "~/records/shop-settings.server";
import { isConnected } from "./channel-connections.server";

/**
 * The channels as the pages and /api/v1 show them, and the merchant's changes of their state:
 * pause (stop selling or freeze) with the risk of a freeze, resume, and the end of "release
 * all holds". Connecting: channel-connections.server.ts; long operations:
 * channel-operations.server.ts; the item-id preview: template-preview.server.ts.
 */

export interface ChannelView {
  channel: ChannelId;
  /** active | paused_stop_selling | paused_freeze | error | disconnected | not_connected */
  state: string;
  pausedBy: string | null;
  connected: boolean;
  /** Non-secret configuration only. */
  config: Record<string, unknown> | null;
  lastHealthAt: string | null;
  lastHealthError: string | null;
  lastPushAt: string | null;
  checkoutOn: "channel" | "store";
  /** observing (not activated: Ballast computes and pushes nothing) or active (since `activatedAt`, ISO); orthogonal to `state`. */
  mode: ChannelMode;
  activatedAt: string | null;
}

export async function loadChannelViews(database: Database, shop: string): Promise<ChannelView[]> {
  const [rows, settings, lastPushes] = await Promise.all([
    database.channelConnection.findMany({ where: { shop } }),
    loadChannelSettings(database, shop),
    database.channelItemState.groupBy({ by: ["channel"], where: { shop }, _max: { pushedAt: true } }),
  ]);
  return CHANNELS.map((channel) => {
    const row = rows.find((candidate) => candidate.channel === channel);
    const connected = isConnected(channel, row);
    const lastItemPush = lastPushes.find((entry) => entry.channel === channel)?._max.pushedAt ?? null;
    const lastPush = [row?.lastPushAt ?? null, lastItemPush]
      .filter((date): date is Date => date !== null)
      .sort((a, b) => b.getTime() - a.getTime())[0];
    return {
      channel,
      state: connected ? (row?.state ?? "active") : row?.state === "disconnected" ? "disconnected" : "not_connected",
      pausedBy: row?.pausedBy ?? null,
      connected,
      config: (row?.config as Record<string, unknown> | null) ?? null,
      lastHealthAt: row?.lastHealthAt?.toISOString() ?? null,
      lastHealthError: row?.lastHealthError ?? null,
      lastPushAt: lastPush?.toISOString() ?? null,
      checkoutOn: settings[channel].checkoutOn,
      mode: channelModeOf(row),
      activatedAt: row?.activatedAt?.toISOString() ?? null,
    };
  });
}

export type ChannelActionError = { code: "channel_not_connected"; message: string };

/** Pause (stop selling or freeze) or resume; refused for a channel that is not connected. */
export async function changeChannelState(
  database: Database,
  input: {
    shop: string;
    channel: ChannelId;
    state: ChannelState;
    nowMs: number;
    source: "admin" | "api";
    reason?: string | null;
  },
): Promise<{ ok: true; previous: string } | { ok: false; error: ChannelActionError }> {
  const row = await database.channelConnection.findUnique({
    where: { shop_channel: { shop: input.shop, channel: input.channel } },
  });
  if (!isConnected(input.channel, row))
    return {
      ok: false,
      error: { code: "channel_not_connected", message: `${input.channel} is not connected; connect it first` },
    };
  const previous = row?.state ?? "active";
  await setChannelState(database, { shop: input.shop, channel: input.channel, state: input.state, by: "merchant" });
  await requestRecompute(database, input.shop, new Date(input.nowMs));
  await recordActivity(database, {
    shop: input.shop,
    kind: input.state === "active" ? "channel_resumed" : "channel_paused",
    channel: input.channel,
    at: new Date(input.nowMs),
    details: { from: previous, to: input.state, source: input.source, reason: input.reason ?? null },
  });
  return { ok: true, previous };
}

/** Whether "release all holds" is in force (the Online Store shows every unit). */
export async function holdsAreReleased(database: Database, shop: string): Promise<boolean> {
  return holdsReleasedIn(await readShopSettings(database, shop));
}

/** Ends "release all holds": the Online Store buffer applies again. */
export async function resumeHolds(database: Database, shop: string, nowMs: number): Promise<void> {
  await setHoldsReleased(database, shop, false);
  await requestRecompute(database, shop, new Date(nowMs));
  await recordActivity(database, {
    shop,
    kind: "channel_resumed",
    channel: "online_store",
    at: new Date(nowMs),
    details: { holds: "resumed", source: "admin" },
  });
}

export interface FreezeRisk {
  /** Items whose last pushed quantity is above what the rules give now. */
  aboveTarget: number;
  /** Items whose last pushed quantity is above what can be sold: a freeze would let them oversell. */
  aboveSellable: number;
}

/** What freezing `channel` now would risk: the channel keeps its last pushed values. */
export async function freezeRisk(database: Database, shop: string, channel: ChannelId): Promise<FreezeRisk> {
  const rows = await database.channelItemState.findMany({
    where: { shop, channel, pushed: { not: null } },
    select: { variantGid: true, desired: true, pushed: true },
  });
  const byVariant = new Map<string, { desired: number; pushed: number }>();
  for (const row of rows) {
    const entry = byVariant.get(row.variantGid) ?? { desired: 0, pushed: 0 };
    entry.desired += row.desired;
    entry.pushed += row.pushed ?? 0;
    byVariant.set(row.variantGid, entry);
  }
  const above = [...byVariant.entries()].filter(([, entry]) => entry.pushed > entry.desired);
  if (above.length === 0) return { aboveTarget: 0, aboveSellable: 0 };
  const [storedRecords, settings] = await Promise.all([
    database.masterRecord.findMany({ where: { shop, variantGid: { in: above.map(([variantGid]) => variantGid) } } }),
    loadChannelSettings(database, shop),
  ]);
  let aboveSellable = 0;
  for (const [variantGid, entry] of above) {
    const stored = storedRecords.find((candidate) => candidate.variantGid === variantGid);
    const sellable = stored ? sellableUnits(decodeMasterRecord(stored), settings[channel].locations) : 0;
    if (entry.pushed > sellable) aboveSellable += 1;
  }
  return { aboveTarget: above.length, aboveSellable };
}

/** What pausing, disconnecting or observing a channel would touch, for its confirmation. */
export interface ChannelImpact {
  /** Items Ballast keeps a quantity for on the channel: what it stops updating when disconnected or observing. */
  items: number;
  /** Of them, the items shown in stock now, and their units: what "stop selling" takes off sale. */
  itemsOnSale: number;
  unitsOnSale: number;
}

/** Every channel's impact in one statement (an item counts once, whatever its number of locations). */
export async function channelImpacts(database: Database, shop: string): Promise<Record<ChannelId, ChannelImpact>> {
  const rows = await database.$queryRaw<
    { channel: string; items: number | bigint; itemsOnSale: number | bigint; unitsOnSale: number | bigint | null }[]
  >`
    SELECT "channel",
      COUNT(DISTINCT "variantGid") AS "items",
      COUNT(DISTINCT CASE WHEN "desired" > 0 THEN "variantGid" END) AS "itemsOnSale",
      SUM(CASE WHEN "desired" > 0 THEN "desired" ELSE 0 END) AS "unitsOnSale"
    FROM "ChannelItemState"
    WHERE "shop" = ${shop}
    GROUP BY "channel"`;
  return Object.fromEntries(
    CHANNELS.map((channel) => {
      const row = rows.find((candidate) => candidate.channel === channel);
      return [
        channel,
        {
          items: Number(row?.items ?? 0),
          itemsOnSale: Number(row?.itemsOnSale ?? 0),
          unitsOnSale: Number(row?.unitsOnSale ?? 0),
        },
      ];
    }),
  ) as Record<ChannelId, ChannelImpact>;
}

/** Units Ballast holds in safety stock now, and of how many items: what a release gives back. */
export async function heldByBallast(database: Database, shop: string): Promise<{ units: number; items: number }> {
  const [row] = await database.$queryRaw<{ units: number | bigint | null; items: number | bigint }[]>`
    SELECT SUM("units") AS "units", COUNT(DISTINCT "variantGid") AS "items"
    FROM "HeldStock"
    WHERE "shop" = ${shop} AND "units" > 0`;
  return { units: Number(row?.units ?? 0), items: Number(row?.items ?? 0) };
}

import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Database } from "~/db.server";
import { channelModeOf } from "~/domain";
import { decodeItemValue } from "~/channels/item-value";

/**
 * Fallback feeds: per-channel files built from the same desired values the pushes use,
 * for merchants to register as a scheduled backup source (Meta supplementary feed,
 * Google supplemental data source). Served at /feeds/{token}/{format}; the token is 32
 * random bytes, only its SHA-256 is stored, and the comparison is constant-time.
 * Setup: docs/fallback-feeds.md.
 */
export type FeedChannel = "meta" | "google";
export type FeedFormat = "csv" | "xml" | "tsv";

export const FEED_FORMATS: Record<FeedChannel, readonly FeedFormat[]> = {
  meta: ["csv", "xml"],
  google: ["tsv", "xml"],
};

const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest();
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Creates a feed URL token for a channel, revoking the previous one. Returned once. */
export async function rotateFeedToken(
  database: Database,
  shop: string,
  channel: FeedChannel,
  now: Date,
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await database.$transaction([
    database.feedToken.updateMany({ where: { shop, channel, revokedAt: null }, data: { revokedAt: now } }),
    database.feedToken.create({ data: { tokenHash: hashToken(token).toString("hex"), shop, channel, createdAt: now } }),
  ]);
  return token;
}

export async function revokeFeedTokens(
  database: Database,
  shop: string,
  channel: FeedChannel,
  now: Date,
): Promise<void> {
  await database.feedToken.updateMany({ where: { shop, channel, revokedAt: null }, data: { revokedAt: now } });
}

/** The shop and channel a token opens, or null. */
export async function resolveFeedToken(
  database: Database,
  token: string,
): Promise<{ shop: string; channel: FeedChannel } | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const digest = hashToken(token);
  const row = await database.feedToken.findUnique({ where: { tokenHash: digest.toString("hex") } });
  if (!row || row.revokedAt) return null;
  // The lookup is by hash; compare the stored hash in constant time all the same.
  const stored = Buffer.from(row.tokenHash, "hex");
  if (stored.length !== digest.length || !timingSafeEqual(stored, digest)) return null;
  return row.channel === "meta" || row.channel === "google" ? { shop: row.shop, channel: row.channel } : null;
}

const xmlEscape = (value: string) =>
  value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
const csvCell = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const tsvCell = (value: string) => value.replace(/[\t\r\n]/g, " ");

export interface FeedRow {
  id: string;
  quantity: number;
  availability: "in stock" | "out of stock";
  /** Google: pause ads instead of a false "out of stock". */
  pauseAds: boolean;
}

export async function feedRows(database: Database, shop: string, channel: FeedChannel): Promise<FeedRow[]> {
  const rows = await database.channelItemState.findMany({
    where: { shop, channel },
    select: { itemKey: true, desired: true },
  });
  // Byte order, the same on SQLite and PostgreSQL whatever the collation.
  rows.sort((a, b) => (a.itemKey < b.itemKey ? -1 : a.itemKey > b.itemKey ? 1 : 0));
  return rows.map((row) => {
    const { availability, pauseAds } = decodeItemValue(channel, row.desired);
    const quantity = channel === "google" ? 0 : Math.max(0, row.desired);
    return {
      id: row.itemKey,
      quantity,
      availability: availability === "in_stock" ? "in stock" : "out of stock",
      pauseAds,
    };
  });
}

export function renderFeed(
  channel: FeedChannel,
  format: FeedFormat,
  rows: readonly FeedRow[],
  generatedAt: Date,
): { body: string; contentType: string } {
  if (channel === "meta" && format === "csv") {
    const lines = [
      "id,quantity_to_sell_on_facebook,availability",
      ...rows.map((row) => [row.id, String(row.quantity), row.availability].map(csvCell).join(",")),
    ];
    return { body: `${lines.join("\n")}\n`, contentType: "text/csv; charset=utf-8" };
  }
  if (channel === "google" && format === "tsv") {
    // Google supplemental feed: id + the attributes it overrides (underscored values).
    const lines = [
      "id\tavailability\tpause",
      ...rows.map((row) =>
        [row.id, row.availability.replaceAll(" ", "_"), row.pauseAds ? "ads" : ""].map(tsvCell).join("\t"),
      ),
    ];
    return { body: `${lines.join("\n")}\n`, contentType: "text/tab-separated-values; charset=utf-8" };
  }
  if (format === "xml") {
    const items = rows.map((row) =>
      channel === "meta"
        ? `<item><g:id>${xmlEscape(row.id)}</g:id><g:availability>${row.availability}</g:availability><g:quantity_to_sell_on_facebook>${row.quantity}</g:quantity_to_sell_on_facebook></item>`
        : `<item><g:id>${xmlEscape(row.id)}</g:id><g:availability>${row.availability.replaceAll(" ", "_")}</g:availability>${row.pauseAds ? "<g:pause>ads</g:pause>" : ""}</item>`,
    );
    const body = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">',
      `<channel><title>Ballast ${channel} fallback feed</title><description>Generated ${generatedAt.toISOString()}</description>`,
      ...items,
      "</channel></rss>",
      "",
    ].join("\n");
    return { body, contentType: "application/xml; charset=utf-8" };
  }
  throw new RangeError(`no ${format} feed for ${channel}`);
}

/**
 * What the route serves: null (→ 404) for an unknown token or a format the channel has no feed
 * in. A channel in observe mode gets the header alone: a supplemental feed overrides only the
 * items it lists, so Ballast changes nothing there until the merchant activates the channel.
 */
export async function serveFeed(
  database: Database,
  token: string,
  format: string,
  now: Date,
): Promise<{ body: string; contentType: string } | null> {
  const owner = await resolveFeedToken(database, token);
  if (!owner || !(FEED_FORMATS[owner.channel] as readonly string[]).includes(format)) return null;
  const connection = await database.channelConnection.findUnique({
    where: { shop_channel: { shop: owner.shop, channel: owner.channel } },
    select: { activatedAt: true },
  });
  const rows = channelModeOf(connection) === "observing" ? [] : await feedRows(database, owner.shop, owner.channel);
  await database.feedToken.update({
    where: { tokenHash: hashToken(token).toString("hex") },
    data: { lastFetchedAt: now },
  });
  return renderFeed(owner.channel, format as FeedFormat, rows, now);
}

export interface OpenFeedToken {
  channel: FeedChannel;
  createdAt: Date;
  lastFetchedAt: Date | null;
}

/** Each channel's open feed URL: when it was issued and last fetched (the token itself is not kept). */
export async function openFeedTokens(database: Database, shop: string): Promise<OpenFeedToken[]> {
  const rows = await database.feedToken.findMany({
    where: { shop, revokedAt: null },
    orderBy: { createdAt: "desc" },
    select: { channel: true, createdAt: true, lastFetchedAt: true },
  });
  const open = new Map<FeedChannel, OpenFeedToken>();
  for (const row of rows) {
    if ((row.channel === "meta" || row.channel === "google") && !open.has(row.channel))
      open.set(row.channel, { channel: row.channel, createdAt: row.createdAt, lastFetchedAt: row.lastFetchedAt });
  }
  return [...open.values()];
}

import type { Database } from "~/db.server";
import { logger } from "~/logger.server";
import type { BallastShopProfileQuery } from "~/shopify/generated/admin-types";
import { pageAdminClient } from "./page-admin.server";

/**
 * What the pages need to speak the shop's language about money and time: its currency and
 * its time zone, asked of Shopify with the page's own token and kept in memory for an hour
 * (a failed answer for five minutes, so a slow Shopify is not asked on every page). The zone
 * is also kept on the Shop row, for the worker's alert emails: written when Shopify's answer
 * differs from it, so at most one conditional update per shop an hour, and a write only on a change.
 */
export interface ShopProfile {
  /** ISO 4217 code, e.g. "EUR"; null when Shopify did not answer. */
  currency: string | null;
  /** IANA zone, e.g. "Europe/Paris"; null: times are shown in UTC, said so. */
  timeZone: string | null;
}

const KEEP_MS = 60 * 60_000;
const KEEP_FAILED_MS = 5 * 60_000;
const cache = new Map<string, { profile: ShopProfile; untilMs: number }>();
const asking = new Map<string, Promise<ShopProfile>>();

const SHOP_PROFILE_QUERY = `#graphql
  query BallastShopProfile { shop { currencyCode ianaTimezone } }`;

/** Keeps the shop's zone on its row; true when it changed (one statement, matching no row when unchanged). */
export async function recordShopTimeZone(database: Database, shop: string, timeZone: string): Promise<boolean> {
  const { count } = await database.shop.updateMany({
    where: { shop, OR: [{ timeZone: null }, { timeZone: { not: timeZone } }] },
    data: { timeZone },
  });
  return count > 0;
}

/** Asks Shopify (null fields when it cannot say) and keeps the answer, and the zone on the Shop row. */
async function askShopify(database: Database, shop: string, accessToken: string, nowMs: number) {
  const client = pageAdminClient(shop, accessToken);
  let profile: ShopProfile = { currency: null, timeZone: null };
  let keepMs = KEEP_FAILED_MS;
  if (client) {
    try {
      const { data } = await client.request<BallastShopProfileQuery>(SHOP_PROFILE_QUERY);
      profile = { currency: data.shop?.currencyCode ?? null, timeZone: data.shop?.ianaTimezone ?? null };
      keepMs = KEEP_MS;
    } catch (error) {
      logger.info(
        { shop, err: error instanceof Error ? error.message : String(error) },
        "shop currency and time zone not available; pages show plain amounts and UTC",
      );
    }
  }
  if (profile.timeZone) {
    try {
      await recordShopTimeZone(database, shop, profile.timeZone);
    } catch (error) {
      // The page does not need the stored copy: the next answer from Shopify tries again.
      keepMs = KEEP_FAILED_MS;
      logger.warn({ shop, err: error instanceof Error ? error.message : String(error) }, "shop time zone not stored");
    }
  }
  cache.set(shop, { profile, untilMs: nowMs + keepMs });
  return profile;
}

export async function shopProfile(
  database: Database,
  shop: string,
  accessToken: string,
  nowMs = Date.now(),
): Promise<ShopProfile> {
  const cached = cache.get(shop);
  if (cached && cached.untilMs > nowMs) return cached.profile;
  // The layout and the page ask at once on a page's first view: one question to Shopify for both.
  const pending = asking.get(shop);
  if (pending) return pending;
  const answer = askShopify(database, shop, accessToken, nowMs).finally(() => asking.delete(shop));
  asking.set(shop, answer);
  return answer;
}

import { logger } from "~/logger.server";
import { pageAdminClient } from "./page-admin.server";

/**
 * What the pages need to speak the shop's language about money and time: its currency and
 * its time zone, asked of Shopify with the page's own token and kept in memory for an hour
 * (a failed answer for five minutes, so a slow Shopify is not asked on every page).
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

const SHOP_PROFILE_QUERY = `#graphql
  query BallastShopProfile { shop { currencyCode ianaTimezone } }`;

export async function shopProfile(shop: string, accessToken: string, nowMs = Date.now()): Promise<ShopProfile> {
  const cached = cache.get(shop);
  if (cached && cached.untilMs > nowMs) return cached.profile;
  const client = pageAdminClient(shop, accessToken);
  let profile: ShopProfile = { currency: null, timeZone: null };
  let ok = false;
  if (client) {
    try {
      const { data } = await client.request<{
        shop: { currencyCode: string | null; ianaTimezone: string | null } | null;
      }>(SHOP_PROFILE_QUERY);
      profile = { currency: data.shop?.currencyCode ?? null, timeZone: data.shop?.ianaTimezone ?? null };
      ok = true;
    } catch (error) {
      logger.info(
        { shop, err: error instanceof Error ? error.message : String(error) },
        "shop currency and time zone not available; pages show plain amounts and UTC",
      );
    }
  }
  cache.set(shop, { profile, untilMs: nowMs + (ok ? KEEP_MS : KEEP_FAILED_MS) });
  return profile;
}

import { env } from "~/env.server";
import { AdminClient } from "~/shopify/admin-client.server";

/**
 * An Admin API client for a page's own reads (the shop's currency, the stranded-holds
 * check), with the token the page's authentication just gave: quick and without retries,
 * so a slow Shopify delays the page by seconds at most and the page falls back.
 */
export function pageAdminClient(shop: string, accessToken: string): AdminClient | null {
  if (!accessToken) return null;
  return new AdminClient({
    shop,
    accessToken,
    baseUrl: env().SHOPIFY_ADMIN_API_BASE_URL,
    retries: 0,
    requestTimeoutMs: 3_000,
  });
}

import type { Database } from "~/db.server";
import type { Locale } from "~/i18n";
import { authenticate, database } from "~/shopify.server";
import { localeForRequest } from "~/shops/locale.server";

/**
 * What every embedded page needs: the authenticated shop (from the session token, never
 * from the URL), its locale and the database. Every service below takes `shop` and scopes
 * each query by it.
 */
export interface PageContext {
  shop: string;
  locale: Locale;
  database: Database;
  accessToken: string;
}

/**
 * The document's CSP frame-ancestors names the URL's `shop` (Shopify's library reads it
 * there): a page of the session's shop asked with another `shop` would be framable by
 * that shop's admin, so it is refused. Every loader checks it: Remix runs them in parallel.
 */
export function refuseForeignShopParameter(request: Request, sessionShop: string): void {
  const urlShop = new URL(request.url).searchParams.get("shop");
  if (urlShop && urlShop !== sessionShop) throw new Response("The shop in the URL is not the session token's shop", { status: 400 });
}

export async function pageContext(request: Request): Promise<PageContext> {
  const { session } = await authenticate.admin(request);
  refuseForeignShopParameter(request, session.shop);
  const locale = await localeForRequest(database, session.shop, request);
  return { shop: session.shop, locale, database, accessToken: session.accessToken ?? "" };
}

export { database };

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

export async function pageContext(request: Request): Promise<PageContext> {
  const { session } = await authenticate.admin(request);
  const locale = await localeForRequest(database, session.shop, request);
  return { shop: session.shop, locale, database, accessToken: session.accessToken ?? "" };
}

export { database };

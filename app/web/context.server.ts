import type { Database } from "~/db.server";
import type { Locale } from "~/i18n";
import { authenticate, database } from "~/shopify.server";
import { localeForRequest } from "~/records/shop-locale.server";

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
  /** The staff member behind the request: the session token's `sub` (their Shopify user id), when it has one. */
  actor: string | null;
}

/**
 * The document's CSP frame-ancestors names the URL's `shop` (Shopify's library reads it
 * there): a page of the session's shop asked with another `shop` would be framable by
 * that shop's admin, so it is refused. Every loader checks it: Remix runs them in parallel.
 */
export function refuseForeignShopParameter(request: Request, sessionShop: string): void {
  const urlShop = new URL(request.url).searchParams.get("shop");
  if (urlShop && urlShop !== sessionShop)
    throw new Response("The shop in the URL is not the session token's shop", { status: 400 });
}

/** Page form posts are a few fields (a service-account key at most); larger bodies are refused before they are parsed. */
export const MAX_PAGE_FORM_BYTES = 256 * 1024;

export async function pageContext(request: Request): Promise<PageContext> {
  const { session, sessionToken } = await authenticate.admin(request);
  refuseForeignShopParameter(request, session.shop);
  if (Number(request.headers.get("content-length") ?? "0") > MAX_PAGE_FORM_BYTES) {
    // Drain (discarding) before answering: answering a sender still blocked on its upload, or cutting it off, left it
    // hanging or reset. Past a hard cap the connection is cut all the same.
    const reader = request.body?.getReader();
    for (let read = 0; reader && read <= 32 * MAX_PAGE_FORM_BYTES;) {
      const { done, value } = await reader.read();
      if (done) break;
      read += value.byteLength;
    }
    await reader?.cancel();
    throw new Response("Request body too large", { status: 413, headers: { Connection: "close" } });
  }
  const locale = await localeForRequest(database, session.shop, request);
  return {
    shop: session.shop,
    locale,
    database,
    accessToken: session.accessToken ?? "",
    actor: sessionToken?.sub ? String(sessionToken.sub) : null,
  };
}

export { database };

import type { Database } from "~/db.server";
import { resolveLocale, type Locale } from "~/i18n";

/**
 * Shopify admin passes its locale to the embedded app on the first load only; in-app
 * navigations do not carry it. Remember it per shop so every page keeps the language.
 */
export async function localeForRequest(database: Database, shop: string, request: Request): Promise<Locale> {
  const requested = new URL(request.url).searchParams.get("locale");
  if (requested) {
    const locale = resolveLocale(requested);
    await database.shop.upsert({ where: { shop }, create: { shop, locale }, update: { locale, uninstalledAt: null } });
    return locale;
  }
  const stored = await database.shop.findUnique({ where: { shop }, select: { locale: true } });
  return resolveLocale(stored?.locale);
}

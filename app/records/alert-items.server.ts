import type { Database } from "~/db.server";
import { resolveLocale, type Locale } from "~/i18n";
import { ALERT_VARIANT_LIMIT } from "./alert-kinds";
import { splitVariantTitle, type AlertItem } from "./alert-text";

/**
 * The items alerts concern, named from the Variant table: the variant ids the monitor
 * records in `details.variants` (bounded), and for refused buffer settings the variants of
 * the products and variants listed in `details.owners`. One query for any number of alerts.
 */

export interface AlertItems {
  items: AlertItem[];
  /** Items the alert counts beyond those named (its `details.items` minus the named ones). */
  more: number;
}

const detailsOf = (details: unknown): Record<string, unknown> =>
  typeof details === "object" && details !== null ? (details as Record<string, unknown>) : {};

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];

/** The GIDs an alert points at: variants, and (refused settings) products and variants. */
function pointersOf(details: unknown): { variants: string[]; products: string[] } {
  const values = detailsOf(details);
  const owners = strings(values.owners);
  return {
    variants: [
      ...strings(values.variants),
      ...owners.filter((gid) => gid.startsWith("gid://shopify/ProductVariant/")),
    ].slice(0, ALERT_VARIANT_LIMIT),
    products: owners.filter((gid) => gid.startsWith("gid://shopify/Product/")).slice(0, ALERT_VARIANT_LIMIT),
  };
}

/** For each alert (by position), the items it names and how many more it counts. */
export async function alertItemsOf(
  database: Database,
  shop: string,
  alerts: readonly { details: unknown }[],
): Promise<AlertItems[]> {
  const pointers = alerts.map((alert) => pointersOf(alert.details));
  const variantGids = [...new Set(pointers.flatMap((pointer) => pointer.variants))];
  const productGids = [...new Set(pointers.flatMap((pointer) => pointer.products))];
  if (variantGids.length === 0 && productGids.length === 0) return alerts.map(() => ({ items: [], more: 0 }));
  const rows = await database.variant.findMany({
    where: {
      shop,
      OR: [
        ...(variantGids.length > 0 ? [{ gid: { in: variantGids } }] : []),
        ...(productGids.length > 0 ? [{ productGid: { in: productGids }, deletedAt: null }] : []),
      ],
    },
    select: { gid: true, productGid: true, title: true, sku: true },
    orderBy: { gid: "asc" },
  });
  const itemOf = (row: (typeof rows)[number]): AlertItem => ({
    variantId: row.gid,
    ...splitVariantTitle(row.title),
    sku: row.sku,
  });
  return alerts.map((alert, index) => {
    const { variants, products } = pointers[index]!;
    const named = [
      ...variants.flatMap((gid) => rows.filter((row) => row.gid === gid)),
      ...rows.filter((row) => products.includes(row.productGid) && !variants.includes(row.gid)),
    ].slice(0, ALERT_VARIANT_LIMIT);
    const counted = detailsOf(alert.details).items;
    const total = typeof counted === "number" && Number.isFinite(counted) ? counted : named.length;
    return { items: named.map(itemOf), more: Math.max(0, total - named.length) };
  });
}

/**
 * The language and time zone the shop's notices are written in: its stored locale, and its
 * IANA zone where one is stored on the Shop row (null: UTC, and notices say so).
 */
export async function shopLanguage(
  database: Database,
  shop: string,
): Promise<{ locale: Locale; timeZone: string | null }> {
  const row = await database.shop.findUnique({ where: { shop }, select: { locale: true, timeZone: true } });
  return { locale: resolveLocale(row?.locale), timeZone: row?.timeZone || null };
}

/**
 * Channel item ids (Meta retailer ids, Google offer ids) rendered from templates, and
 * matched against the ids a catalog already holds.
 *
 * Shopify ids exceed 2^53, so every id here is a string of digits and never passes
 * through a JS number (JSON.parse or Number() would silently round it).
 */

export type ItemIdPlaceholder = "variantId" | "productId" | "countryCode" | "sku";

export interface ItemIdParts {
  /** Digits, or a `gid://shopify/ProductVariant/<digits>` id. */
  variantId: string;
  /** Digits, or a `gid://shopify/Product/<digits>` id. */
  productId: string;
  /** ISO 3166-1 alpha-2 market of the catalog, e.g. "US". */
  countryCode?: string;
  sku?: string | null;
}

/** Shopify's Facebook & Instagram channel: bare variant ids now, the prefixed form in older catalogs. */
export const META_DEFAULT_TEMPLATES = ["{variantId}", "shopify_{countryCode}_{productId}_{variantId}"] as const;
/** Shopify's Google & YouTube channel. */
export const GOOGLE_DEFAULT_TEMPLATES = ["shopify_{countryCode}_{productId}_{variantId}"] as const;

const PLACEHOLDERS: readonly ItemIdPlaceholder[] = ["variantId", "productId", "countryCode", "sku"];
const TOKEN = /\{([^{}]*)\}/g;

export class ItemIdTemplateError extends Error {
  override name = "ItemIdTemplateError";
}

/** The digits of a numeric Shopify id given as digits or as a GID; never converted to a number. */
export function numericShopifyId(value: string): string {
  const match = /^(?:gid:\/\/shopify\/[A-Za-z]+\/)?([0-9]+)$/.exec(value.trim());
  if (!match?.[1]) throw new ItemIdTemplateError(`"${value}" is not a numeric Shopify id or GID`);
  return match[1];
}

/** Throws on an unknown placeholder or unbalanced braces, so a bad template fails when saved. */
export function validateTemplate(template: string): ItemIdPlaceholder[] {
  if (template.trim() === "") throw new ItemIdTemplateError("template is empty");
  const used: ItemIdPlaceholder[] = [];
  for (const match of template.matchAll(TOKEN)) {
    const name = match[1] as ItemIdPlaceholder;
    if (!PLACEHOLDERS.includes(name)) {
      throw new ItemIdTemplateError(
        `unknown placeholder {${match[1]}}; use ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
      );
    }
    used.push(name);
  }
  if (/[{}]/.test(template.replace(TOKEN, ""))) throw new ItemIdTemplateError(`unbalanced braces in "${template}"`);
  if (used.length === 0)
    throw new ItemIdTemplateError("template names no id placeholder, so every item would share one id");
  return used;
}

export function renderItemId(template: string, parts: ItemIdParts): string {
  validateTemplate(template);
  return template.replace(TOKEN, (_whole, name: ItemIdPlaceholder) => {
    switch (name) {
      case "variantId":
        return numericShopifyId(parts.variantId);
      case "productId":
        return numericShopifyId(parts.productId);
      case "countryCode":
        if (!parts.countryCode || !/^[A-Za-z]{2}$/.test(parts.countryCode)) {
          throw new ItemIdTemplateError("template needs {countryCode} but no two-letter country code was given");
        }
        return parts.countryCode.toUpperCase();
      case "sku":
        if (!parts.sku) throw new ItemIdTemplateError(`variant ${parts.variantId} has no SKU for {sku}`);
        return parts.sku;
    }
  });
}

/** Reads `shopify_<CC>_<productId>_<variantId>` in any letter case; null for other ids. */
export function parseShopifyChannelItemId(
  itemId: string,
): { countryCode: string; productId: string; variantId: string } | null {
  const match = /^shopify_([a-z]{2})_([0-9]+)_([0-9]+)$/i.exec(itemId);
  if (!match) return null;
  return { countryCode: match[1]!.toUpperCase(), productId: match[2]!, variantId: match[3]! };
}

export interface CatalogMatch<Key extends string> {
  variantKey: Key;
  /** The catalog's own spelling of each id that stands for this variant (old and new conventions may coexist). */
  itemIds: string[];
  template: string;
}

export interface CatalogMatchReport<Key extends string> {
  matched: CatalogMatch<Key>[];
  /** Variants with no catalog item under any template: Ballast cannot show them on this channel. */
  unmatched: Key[];
  /** Catalog items no variant claimed (deleted variants, another store's items, a different template). */
  unclaimedItemIds: string[];
}

/**
 * Matches variants to the ids a catalog already holds, case-insensitively (Shopify's
 * channels have used both `shopify_US_…` and `shopify_us_…`). Every template is tried;
 * all matching catalog ids are kept so duplicates left by an older integration are
 * updated too, and the first matching template is reported.
 */
export function matchCatalogItems<Key extends string>(
  variants: ReadonlyArray<{ key: Key; parts: ItemIdParts }>,
  catalogItemIds: Iterable<string>,
  templates: readonly string[],
): CatalogMatchReport<Key> {
  templates.forEach(validateTemplate);
  const byLowerCase = new Map<string, string[]>();
  for (const itemId of catalogItemIds) {
    const lower = itemId.toLowerCase();
    const spellings = byLowerCase.get(lower);
    if (spellings) spellings.push(itemId);
    else byLowerCase.set(lower, [itemId]);
  }

  const claimed = new Set<string>();
  const matched: CatalogMatch<Key>[] = [];
  const unmatched: Key[] = [];
  for (const { key, parts } of variants) {
    const itemIds: string[] = [];
    let firstTemplate: string | undefined;
    for (const template of templates) {
      let rendered: string;
      try {
        rendered = renderItemId(template, parts);
      } catch (error) {
        if (error instanceof ItemIdTemplateError) continue; // e.g. {sku} on a variant without one
        throw error;
      }
      for (const itemId of byLowerCase.get(rendered.toLowerCase()) ?? []) {
        if (itemIds.includes(itemId)) continue;
        itemIds.push(itemId);
        claimed.add(itemId);
        firstTemplate ??= template;
      }
    }
    if (firstTemplate) matched.push({ variantKey: key, itemIds, template: firstTemplate });
    else unmatched.push(key);
  }

  const unclaimedItemIds = [...byLowerCase.values()].flat().filter((itemId) => !claimed.has(itemId));
  return { matched, unmatched, unclaimedItemIds };
}

/**
 * Catalog items as Shopify's Facebook & Instagram channel names them: bare variant ids
 * in current catalogs, `shopify_<CC>_<productId>_<variantId>` in older ones.
 */
import type { SeedItem } from "./catalog-state";

export interface SeedVariant {
  productId: string;
  variantId: string;
  quantity: number;
}

export function shopifyCatalogItems(
  variants: readonly SeedVariant[],
  convention: { kind: "bare" } | { kind: "prefixed"; countryCode: string; lowerCase?: boolean },
): SeedItem[] {
  return variants.map(({ productId, variantId, quantity }) => {
    if (convention.kind === "bare") return { retailerId: variantId, quantity };
    const country = convention.lowerCase ? convention.countryCode.toLowerCase() : convention.countryCode.toUpperCase();
    return { retailerId: `shopify_${country}_${productId}_${variantId}`, quantity };
  });
}

/** `count` variants with ids above 2^53, as real Shopify ids are; digits built as strings. */
export function bigIdVariants(count: number, options: { quantity?: number; startAt?: bigint } = {}): SeedVariant[] {
  const start = options.startAt ?? 44_000_000_000_000_000n;
  return Array.from({ length: count }, (_, index) => ({
    productId: (start / 10n + BigInt(Math.floor(index / 3))).toString(),
    variantId: (start + BigInt(index)).toString(),
    quantity: options.quantity ?? 10,
  }));
}

/**
 * Shopify ids are 64-bit integers; several (inventory items in particular) are above
 * 2^53 and do not survive `JSON.parse` as numbers. The fake holds them as bigint and
 * speaks GIDs (strings) on the GraphQL side.
 */
export type GidType =
  | "Shop"
  | "Product"
  | "ProductVariant"
  | "Collection"
  | "InventoryItem"
  | "InventoryLevel"
  | "Location"
  | "Metafield"
  | "BulkOperation"
  | "InventoryAdjustmentGroup"
  | "InventoryQuantity"
  | "Order"
  | "LineItem";

export function gid(type: GidType, id: bigint | string, query?: Record<string, string>): string {
  const base = `gid://shopify/${type}/${id.toString()}`;
  if (!query) return base;
  return `${base}?${new URLSearchParams(query).toString()}`;
}

export interface ParsedGid {
  type: string;
  id: bigint;
  params: URLSearchParams;
}

export function parseGid(value: string): ParsedGid | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?(.*))?$/.exec(value);
  if (!match) return null;
  return { type: match[1]!, id: BigInt(match[2]!), params: new URLSearchParams(match[3] ?? "") };
}

export function parseGidOf(type: GidType, value: string): bigint | null {
  const parsed = parseGid(value);
  return parsed && parsed.type === type ? parsed.id : null;
}

/** Id sequences that start where real stores are: products and variants below 2^53, inventory items above. */
export const ID_STARTS: Record<"product" | "variant" | "inventoryItem" | "location" | "other", bigint> = {
  product: 8_012_345_678_000n,
  variant: 44_012_345_678_000n,
  inventoryItem: 271_878_346_596_884_015n,
  location: 24_826_418n,
  other: 9_007_199_254_740_993n,
};

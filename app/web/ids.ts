import { variantGidSchema, type VariantGid } from "~/domain";

/**
 * Variant ids as they arrive in URLs and forms: digits ("44960469696645") or a GID
 * ("gid://shopify/ProductVariant/44960469696645"). They stay strings: Shopify ids exceed
 * 2^53, so Number() would round them. Returns null for anything else.
 */
export function parseVariantId(value: string | null | undefined): VariantGid | null {
  if (typeof value !== "string") return null;
  const text = value.trim();
  const gid = /^[0-9]{1,30}$/.test(text) ? `gid://shopify/ProductVariant/${text}` : text;
  const parsed = variantGidSchema.safeParse(gid);
  return parsed.success ? parsed.data : null;
}

/** The digits of any Shopify GID, for URLs (`/app/items/44960469696645`). */
export function numericId(gid: string): string {
  return /([0-9]+)$/.exec(gid)?.[1] ?? gid;
}

/** Product and collection GIDs chosen in the resource picker. */
export function parseResourceGid(value: unknown, type: "Product" | "Collection"): string | null {
  if (typeof value !== "string") return null;
  return new RegExp(`^gid://shopify/${type}/[0-9]{1,30}$`).test(value) ? value : null;
}

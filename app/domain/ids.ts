import { z } from "zod";

/**
 * Opaque ids. Shopify ids exceed 2^53, so they travel as GID strings, never as JS
 * numbers; the brand stops a product id being passed where a variant id is expected.
 */
declare const brand: unique symbol;
export type Brand<T, Name extends string> = T & { readonly [brand]: Name };

export type ShopDomain = Brand<string, "ShopDomain">;
export type VariantGid = Brand<string, "VariantGid">;
export type ProductGid = Brand<string, "ProductGid">;
export type CollectionGid = Brand<string, "CollectionGid">;
export type LocationGid = Brand<string, "LocationGid">;
export type OrderGid = Brand<string, "OrderGid">;

function gidSchema<Id extends string>(resource: string) {
  const pattern = new RegExp(`^gid://shopify/${resource}/[0-9]+$`);
  return z
    .string()
    .regex(pattern, `expected a gid://shopify/${resource}/<digits> id`)
    .transform((value) => value as Id);
}

export const shopDomainSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "expected <name>.myshopify.com")
  .transform((value) => value as ShopDomain);
export const variantGidSchema = gidSchema<VariantGid>("ProductVariant");
export const productGidSchema = gidSchema<ProductGid>("Product");
export const collectionGidSchema = gidSchema<CollectionGid>("Collection");
export const locationGidSchema = gidSchema<LocationGid>("Location");
export const orderGidSchema = gidSchema<OrderGid>("Order");

/** Parses a trusted literal (tests, seeds); throws on a malformed id. */
export const variantGid = (value: string): VariantGid => variantGidSchema.parse(value);
export const productGid = (value: string): ProductGid => productGidSchema.parse(value);
export const collectionGid = (value: string): CollectionGid => collectionGidSchema.parse(value);
export const locationGid = (value: string): LocationGid => locationGidSchema.parse(value);
export const orderGid = (value: string): OrderGid => orderGidSchema.parse(value);
export const shopDomain = (value: string): ShopDomain => shopDomainSchema.parse(value);

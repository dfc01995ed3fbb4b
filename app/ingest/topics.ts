/**
 * Shopify webhook payloads (REST shape, API 2026-10) → what the master record needs.
 * Pure: parsing only, with ids kept as strings (payloads are parsed losslessly, so ids
 * beyond 2^53 arrive as decimal strings). Only ids, quantities, sources and times are
 * kept: no customer personal data.
 */
import { z } from "zod";

const shopifyId = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
const nullableId = shopifyId
  .nullable()
  .optional()
  .transform((value) => value ?? null);
const timestamp = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), "expected an ISO 8601 time")
  .transform((value) => Date.parse(value));
const quantity = z.number().int().min(0).max(1_000_000);
const signedQuantity = z.number().int().min(-1_000_000).max(1_000_000);

export const gid = {
  variant: (id: string) => `gid://shopify/ProductVariant/${id}`,
  product: (id: string) => `gid://shopify/Product/${id}`,
  order: (id: string) => `gid://shopify/Order/${id}`,
  location: (id: string) => `gid://shopify/Location/${id}`,
  inventoryItem: (id: string) => `gid://shopify/InventoryItem/${id}`,
};

const orderPayload = z.object({
  id: shopifyId,
  created_at: timestamp,
  updated_at: timestamp.optional(),
  cancelled_at: timestamp.nullable().optional(),
  source_name: z.string().max(200).nullable().optional(),
  location_id: nullableId,
  line_items: z
    .array(
      z.object({
        variant_id: nullableId,
        quantity,
        /** After edits and removals; absent on older payloads. */
        current_quantity: quantity.optional(),
      }),
    )
    .max(5_000),
});

export interface ParsedOrder {
  orderGid: string;
  placedAtMs: number;
  updatedAtMs: number;
  cancelledAtMs: number | null;
  sourceName: string | null;
  locationGid: string | null;
  /** Units per variant, summed over lines; lines without a variant (custom items) are skipped. */
  units: Map<string, number>;
}

export function parseOrder(payload: unknown): ParsedOrder {
  const order = orderPayload.parse(payload);
  const units = new Map<string, number>();
  for (const line of order.line_items) {
    if (line.variant_id === null) continue;
    const variant = gid.variant(line.variant_id);
    units.set(variant, (units.get(variant) ?? 0) + (line.current_quantity ?? line.quantity));
  }
  return {
    orderGid: gid.order(order.id),
    placedAtMs: order.created_at,
    updatedAtMs: order.updated_at ?? order.created_at,
    cancelledAtMs: order.cancelled_at ?? null,
    sourceName: order.source_name ?? null,
    locationGid: order.location_id === null ? null : gid.location(order.location_id),
    units,
  };
}

const inventoryLevelPayload = z.object({
  inventory_item_id: shopifyId,
  location_id: shopifyId,
  // null when the item stopped being stocked at the location.
  available: signedQuantity.nullable(),
  updated_at: timestamp,
});

export interface ParsedLevel {
  inventoryItemGid: string;
  locationGid: string;
  available: number;
  updatedAtMs: number;
}

export function parseInventoryLevel(payload: unknown): ParsedLevel {
  const level = inventoryLevelPayload.parse(payload);
  return {
    inventoryItemGid: gid.inventoryItem(level.inventory_item_id),
    locationGid: gid.location(level.location_id),
    available: level.available ?? 0,
    updatedAtMs: level.updated_at,
  };
}

const variantGid = z
  .string()
  .regex(/^gid:\/\/shopify\/ProductVariant\/\d+$/)
  .max(100);

const productPayload = z.object({
  id: shopifyId,
  title: z.string().max(1_000).optional().default(""),
  /** The first 100 variants in full. */
  variants: z
    .array(
      z.object({
        id: shopifyId,
        title: z.string().max(1_000).optional().default(""),
        sku: z.string().max(1_000).nullable().optional(),
        barcode: z.string().max(1_000).nullable().optional(),
        price: z.union([z.string(), z.number()]).optional(),
        /** null in Shopify's own example payload: that variant is skipped, not its product. */
        inventory_item_id: nullableId,
      }),
    )
    .max(2_048)
    .default([]),
  /** Every variant, the 101st and later included (those are left out of `variants`). */
  variant_gids: z
    .array(z.object({ admin_graphql_api_id: variantGid }))
    .max(2_048)
    .optional(),
});

export interface ParsedVariant {
  gid: string;
  productGid: string;
  inventoryItemGid: string;
  title: string;
  sku: string | null;
  barcode: string | null;
  price: string;
}

export interface ParsedProduct {
  productGid: string;
  /** The variants to write: those the payload lists in full, with an inventory item. */
  variants: ParsedVariant[];
  /**
   * Every variant the product still has: those written, those skipped (no inventory item),
   * and those past the first 100 that the payload names only in `variant_gids`. A variant
   * of the product missing from this list was removed.
   */
  keptVariantGids: string[];
}

/**
 * Since API 2024-07 the payload no longer says whether Shopify tracks a variant's stock
 * (`inventory_management` was removed): that comes from inventory_items/update and the
 * catalog reads, so a product update leaves it as it is.
 */
export function parseProduct(payload: unknown): ParsedProduct {
  const product = productPayload.parse(payload);
  const productGid = gid.product(product.id);
  const variants: ParsedVariant[] = [];
  for (const variant of product.variants) {
    if (variant.inventory_item_id === null) continue;
    variants.push({
      gid: gid.variant(variant.id),
      productGid,
      inventoryItemGid: gid.inventoryItem(variant.inventory_item_id),
      title: variant.title ? `${product.title} — ${variant.title}` : product.title,
      sku: variant.sku ?? null,
      barcode: variant.barcode || null,
      price: variant.price === undefined ? "0" : String(variant.price),
    });
  }
  const kept = new Set([
    ...product.variants.map((variant) => gid.variant(variant.id)),
    ...(product.variant_gids ?? []).map((listed) => listed.admin_graphql_api_id),
  ]);
  return { productGid, variants, keptVariantGids: [...kept] };
}

const productDeletedPayload = z.object({ id: shopifyId });

export function parseProductDeleted(payload: unknown): { productGid: string } {
  return { productGid: gid.product(productDeletedPayload.parse(payload).id) };
}

const inventoryItemPayload = z.object({ id: shopifyId, tracked: z.boolean() });

export function parseInventoryItem(payload: unknown): { inventoryItemGid: string; tracked: boolean } {
  const item = inventoryItemPayload.parse(payload);
  return { inventoryItemGid: gid.inventoryItem(item.id), tracked: item.tracked };
}

export const STOCK_TOPICS = [
  "ORDERS_CREATE",
  "ORDERS_UPDATED",
  "ORDERS_EDITED",
  "ORDERS_CANCELLED",
  "REFUNDS_CREATE",
  "INVENTORY_LEVELS_UPDATE",
  "INVENTORY_ITEMS_UPDATE",
  "PRODUCTS_UPDATE",
  "PRODUCTS_DELETE",
] as const;
export type StockTopic = (typeof STOCK_TOPICS)[number];

/**
 * What Ballast reads of each stock topic's payload (null: nothing, the topic is ignored on
 * purpose; app/ingest/apply-event.server.ts says why). Tests hold every field read here
 * against Shopify's JSON schema and example payload of the topic
 * (app/ingest/shopify-payload-schemas.test.ts), so a new field read is checked as it is added.
 */
export const STOCK_PAYLOADS: Record<StockTopic, z.ZodTypeAny | null> = {
  ORDERS_CREATE: orderPayload,
  ORDERS_UPDATED: orderPayload,
  ORDERS_EDITED: null,
  ORDERS_CANCELLED: orderPayload,
  REFUNDS_CREATE: null,
  INVENTORY_LEVELS_UPDATE: inventoryLevelPayload,
  INVENTORY_ITEMS_UPDATE: inventoryItemPayload,
  PRODUCTS_UPDATE: productPayload,
  PRODUCTS_DELETE: productDeletedPayload,
};

/** "orders/create", "ORDERS_CREATE" → "ORDERS_CREATE"; unknown → null. */
export function stockTopic(topic: string): StockTopic | null {
  const normalised = topic.toUpperCase().replace(/\//g, "_");
  return (STOCK_TOPICS as readonly string[]).includes(normalised) ? (normalised as StockTopic) : null;
}

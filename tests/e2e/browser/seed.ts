/**
 * Shop data for the admin tests, written the way ingest writes it: a Variant row and a
 * master record built with the domain engine (Shopify ids above 2^53, as strings).
 */
import { applyLevelUpdate, createMasterRecord, locationGid, shopDomain, variantGid } from "~/domain";
import type { Database } from "~/db.server";

export const BIG_VARIANT_ID = "44960469696645123"; // > 2^53: must never pass through a JS number
export const LOCATION = "gid://shopify/Location/76543210987";

export async function seedItem(
  database: Database,
  shop: string,
  options: { variantId?: string; productId?: string; title?: string; sku?: string; available?: number } = {},
): Promise<string> {
  const variantId = options.variantId ?? BIG_VARIANT_ID;
  const gid = variantGid(`gid://shopify/ProductVariant/${variantId}`);
  const record = applyLevelUpdate(createMasterRecord(shopDomain(shop), gid), {
    locationId: locationGid(LOCATION),
    available: options.available ?? 10,
    onHand: options.available ?? 10,
    committed: 0,
    updatedAtMs: Date.now() - 60_000,
  });
  await database.variant.create({
    data: {
      shop,
      gid,
      productGid: `gid://shopify/Product/${options.productId ?? "8234567890123"}`,
      inventoryItemGid: `gid://shopify/InventoryItem/${variantId}`,
      title: options.title ?? "Wool scarf — Red",
      sku: options.sku ?? "SCARF-RED",
    },
  });
  await database.masterRecord.create({
    data: { shop, variantGid: gid, record: record as unknown as object, dirty: false },
  });
  return gid;
}

import type { Database, DatabaseProvider } from "~/db.server";
import { applyLevelUpdate, applyOwnSafetyStockMove, locationGid } from "~/domain";
import type { AdminClient } from "~/shopify/admin-client.server";
import { readCatalogueBulk } from "~/shopify/bulk.server";
import { collect, readCatalogue, readInventoryLevels, readLocations, type CatalogueVariant, type LevelSnapshot } from "~/shopify/catalogue.server";
import { logger } from "~/logger.server";
import { pickUpBufferMetafields, type PickupResult } from "~/rules/metafield-pickup.server";
import { upsertRows } from "~/db/bulk-update.server";
import { levelKeyOf, loadOwnHolds } from "./holds.server";
import { decodeMasterRecord, emptyMasterRecord, saveMasterRecords } from "~/records/master-records.server";

/**
 * Reads Shopify and folds what it says into the master record, healing whatever
 * webhooks missed. Incremental (changed since the last read) by default; `full` reads
 * the whole catalogue through a bulk operation. Levels carry Shopify's own times, so a
 * read never overwrites a newer webhook; levels without a time (bulk exports) are
 * stamped with the moment the read began, the oldest time they can describe.
 */
export interface ReconcileProgress {
  (done: number, total: number | null): Promise<void>;
}

export interface ReconcileResult {
  variants: number;
  levels: number;
  /** Levels whose available differed from the master record before the read (missed webhooks). */
  differences: number;
  /** Buffer settings edited in Shopify admin (app/rules/metafield-pickup.server.ts); null when they could not be read. */
  metafields: PickupResult | null;
  /** Levels where someone took units out of safety_stock in Shopify admin, below what Ballast held: its own count lowered to match. */
  ownHoldsLowered: number;
}

export async function reconcileShop(
  database: Database,
  shop: string,
  client: AdminClient,
  options: { now: Date; mode: "incremental" | "full"; provider: DatabaseProvider; onProgress?: ReconcileProgress },
): Promise<ReconcileResult> {
  const { provider } = options;
  const startedAt = options.now;
  const shopRow = await database.shop.findUnique({ where: { shop } });
  const since = options.mode === "incremental" ? (shopRow?.lastReconciledAt ?? undefined) : undefined;

  const locations = await readLocations(client);
  for (const location of locations) {
    await database.location.upsert({
      where: { shop_gid: { shop, gid: location.id } },
      create: { shop, gid: location.id, name: location.name, active: location.isActive },
      update: { name: location.name, active: location.isActive },
    });
  }

  let variants: CatalogueVariant[];
  let levels: LevelSnapshot[];
  let bufferOwners: string[] = [];
  if (options.mode === "full") {
    const snapshot = await readCatalogueBulk(client);
    variants = snapshot.variants;
    levels = snapshot.levels;
    bufferOwners = snapshot.bufferOwners;
  } else {
    variants = await collect(readCatalogue(client, { updatedSince: since }));
    levels = [];
    for (const location of locations.filter((candidate) => candidate.isActive)) {
      levels.push(...(await collect(readInventoryLevels(client, location.id, { updatedSince: since }))));
    }
  }
  const total = variants.length + levels.length;
  await options.onProgress?.(0, total);

  await upsertRows(database, provider, {
    table: "Variant",
    shop,
    keys: { gid: "text" },
    set: { productGid: "text", inventoryItemGid: "text", title: "text", sku: "text", tracked: "boolean", deletedAt: "timestamp", updatedAt: "timestamp" },
    rows: variants.map((variant) => ({
      gid: variant.variantId,
      productGid: variant.productId,
      inventoryItemGid: variant.inventoryItemId,
      title: variant.productTitle === variant.title || variant.title === "Default Title" ? variant.productTitle : `${variant.productTitle} — ${variant.title}`,
      sku: variant.sku,
      tracked: variant.tracked,
      deletedAt: null,
      updatedAt: new Date(),
    })),
  });
  await options.onProgress?.(variants.length, total);

  const variantsOfItem = new Map<string, string[]>();
  const itemGids = [...new Set(levels.map((level) => level.inventoryItemId))];
  for (let start = 0; start < itemGids.length; start += 500) {
    const rows = await database.variant.findMany({
      where: { shop, inventoryItemGid: { in: itemGids.slice(start, start + 500) }, tracked: true, deletedAt: null },
      select: { gid: true, inventoryItemGid: true },
    });
    for (const row of rows) variantsOfItem.set(row.inventoryItemGid, [...(variantsOfItem.get(row.inventoryItemGid) ?? []), row.gid]);
  }

  // Levels a journalled move not yet recorded touches: their own count is settled by the
  // journal (app/sync/holds.server.ts), not lowered here.
  const unsettled = new Set<string>();
  for (const row of await database.holdMove.findMany({ where: { shop }, select: { move: true } })) {
    for (const effect of (row.move as { effects?: { itemKey: string }[] } | null)?.effects ?? []) unsettled.add(effect.itemKey);
  }

  let differences = 0;
  let ownHoldsLowered = 0;
  let done = variants.length;
  for (let start = 0; start < levels.length; start += 200) {
    const chunk = levels.slice(start, start + 200);
    const gids = [...new Set(chunk.flatMap((level) => variantsOfItem.get(level.inventoryItemId) ?? []))];
    const storedRecords = new Map(
      (await database.masterRecord.findMany({ where: { shop, variantGid: { in: gids } } })).map((row) => [row.variantGid, decodeMasterRecord(row)]),
    );
    // Ballast's own units in safety_stock come from its own record, never from Shopify's
    // whole safety_stock: the rest is the merchant's. Units taken out of safety_stock in
    // Shopify admin (a level newer than Ballast's record, below it) lower Ballast's count;
    // a rise is the merchant's own.
    const own = await loadOwnHolds(database, shop, chunk.map((level) => levelKeyOf({ inventoryItemGid: level.inventoryItemId, locationGid: level.locationId })));
    for (const level of chunk) {
      const key = levelKeyOf({ inventoryItemGid: level.inventoryItemId, locationGid: level.locationId });
      const hold = own.get(key);
      const updatedAtMs = level.updatedAt ? Date.parse(level.updatedAt) : startedAt.getTime();
      if (!hold || unsettled.has(key) || level.safetyStock >= hold.units || updatedAtMs <= hold.updatedAt.getTime()) continue;
      const units = Math.max(0, level.safetyStock);
      // Only if no move changed the record since it was read (the push lane runs beside this).
      const lowered = await database.heldStock.updateMany({
        where: { shop, inventoryItemGid: level.inventoryItemId, locationGid: level.locationId, units: hold.units, updatedAt: hold.updatedAt },
        data: { units, updatedAt: new Date(Math.max(updatedAtMs, hold.updatedAt.getTime() + 1)) },
      });
      if (lowered.count > 0) {
        ownHoldsLowered += 1;
        own.set(key, { ...hold, units });
      }
    }
    for (const level of chunk) {
      for (const gid of variantsOfItem.get(level.inventoryItemId) ?? []) {
        const before = storedRecords.get(gid) ?? emptyMasterRecord(shop, gid);
        const updatedAtMs = level.updatedAt ? Date.parse(level.updatedAt) : startedAt.getTime();
        const locationId = locationGid(level.locationId);
        const known = before.locations.find((location) => location.locationId === locationId);
        if (known?.available && known.available.value !== level.available && known.available.updatedAtMs < updatedAtMs) differences += 1;
        let after = applyLevelUpdate(before, {
          locationId,
          updatedAtMs,
          available: level.available,
          onHand: level.onHand,
          committed: level.committed,
        });
        // Ballast's own share of safety_stock only (HeldStock): the merchant's is neither sellable nor releasable.
        const ownUnits = Math.min(own.get(levelKeyOf({ inventoryItemGid: level.inventoryItemId, locationGid: level.locationId }))?.units ?? 0, Math.max(0, level.safetyStock));
        after = applyOwnSafetyStockMove(after, { locationId, updatedAtMs, available: level.available, ballastSafetyStock: ownUnits });
        storedRecords.set(gid, after);
      }
    }
    await saveMasterRecords(database, [...storedRecords.values()], provider);
    done += chunk.length;
    await options.onProgress?.(done, total);
  }

  await database.shop.upsert({
    where: { shop },
    create: { shop, lastReconciledAt: startedAt, ...(options.mode === "full" ? { lastFullReadAt: startedAt } : {}) },
    update: { lastReconciledAt: startedAt, ...(options.mode === "full" ? { lastFullReadAt: startedAt } : {}) },
  });

  // Buffer settings edited in Shopify admin. The full read also finds products and variants
  // that Ballast has no rule for; the incremental one reads the shop and the rule targets.
  // Stock is reconciled either way: a failure here is logged and retried next time.
  let metafields: PickupResult | null = null;
  try {
    metafields = await pickUpBufferMetafields(database, shop, client, { now: startedAt, discovered: bufferOwners });
  } catch (error) {
    logger.warn({ shop, err: error instanceof Error ? error.message : String(error) }, "buffer metafields not read; next reconciliation retries");
  }
  return { variants: variants.length, levels: levels.length, differences, metafields, ownHoldsLowered };
}

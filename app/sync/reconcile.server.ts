import type { Database, DatabaseProvider } from "~/db.server";
import { applyLevelUpdate, applyOwnSafetyStockMove, locationGid, variantSearchText, type MasterRecord } from "~/domain";
import type { AdminClient } from "~/shopify/admin-client.server";
import { readCatalogBulk } from "~/shopify/bulk.server";
import {
  collect,
  readCatalog,
  readInventoryLevels,
  readLocations,
  type CatalogVariant,
  type LevelSnapshot,
} from "~/shopify/catalog.server";
import { logger } from "~/logger.server";
import type { LocationNode } from "~/shopify/operations/locations";
import { pickUpBufferMetafields, type PickupResult } from "~/rules/metafield-pickup.server";
import { upsertRows } from "~/db/bulk-update.server";
import { levelKeyOf, loadOwnHolds, type OwnHold } from "./holds.server";
import { decodeMasterRecord, emptyMasterRecord, saveMasterRecords } from "~/records/master-records.server";
import { ALERT_VARIANT_LIMIT } from "~/records/alert-kinds";

/**
 * Reads Shopify and folds what it says into the master record, healing whatever
 * webhooks missed. Incremental (changed since the last read) by default; `full` reads
 * the whole catalog through a bulk operation. Levels carry Shopify's own times, so a
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
  /** A few of the variants those levels stock (at most ALERT_VARIANT_LIMIT), for the alert to name. */
  differentVariants: string[];
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
  const startedAt = options.now;
  const shopRow = await database.shop.findUnique({ where: { shop } });
  const since = options.mode === "incremental" ? (shopRow?.lastReconciledAt ?? undefined) : undefined;

  const locations = await readLocations(client);
  await saveLocations(database, shop, locations);
  const { variants, levels, bufferOwners } = await readStock(client, options.mode, since, locations);
  const total = variants.length + levels.length;
  await options.onProgress?.(0, total);

  await saveVariants(database, shop, options.provider, variants);
  await options.onProgress?.(variants.length, total);

  const folded = await foldLevels(database, shop, levels, {
    startedAtMs: startedAt.getTime(),
    provider: options.provider,
    done: variants.length,
    total,
    onProgress: options.onProgress,
  });

  await database.shop.upsert({
    where: { shop },
    create: { shop, lastReconciledAt: startedAt, ...(options.mode === "full" ? { lastFullReadAt: startedAt } : {}) },
    update: { lastReconciledAt: startedAt, ...(options.mode === "full" ? { lastFullReadAt: startedAt } : {}) },
  });

  const metafields = await pickUpMetafields(database, shop, client, startedAt, bufferOwners);
  return {
    variants: variants.length,
    levels: levels.length,
    differences: folded.differences,
    differentVariants: folded.differentVariants,
    metafields,
    ownHoldsLowered: folded.ownHoldsLowered,
  };
}

async function saveLocations(database: Database, shop: string, locations: readonly LocationNode[]): Promise<void> {
  for (const location of locations) {
    await database.location.upsert({
      where: { shop_gid: { shop, gid: location.id } },
      create: { shop, gid: location.id, name: location.name, active: location.isActive },
      update: { name: location.name, active: location.isActive },
    });
  }
  // Shopify lists active locations only (BallastLocations): one stored as active and no
  // longer listed was deactivated (or deleted), and the settings pages say so.
  if (locations.length > 0) {
    await database.location.updateMany({
      where: { shop, active: true, gid: { notIn: locations.map((location) => location.id) } },
      data: { active: false },
    });
  }
}

/** Full: the whole catalog in one bulk operation (which also names the buffer metafields' owners). Incremental: what changed since the last read. */
async function readStock(
  client: AdminClient,
  mode: "incremental" | "full",
  since: Date | undefined,
  locations: readonly LocationNode[],
): Promise<{ variants: CatalogVariant[]; levels: LevelSnapshot[]; bufferOwners: string[] }> {
  if (mode === "full") return readCatalogBulk(client);
  const variants = await collect(readCatalog(client, { updatedSince: since }));
  const levels: LevelSnapshot[] = [];
  for (const location of locations.filter((candidate) => candidate.isActive)) {
    levels.push(...(await collect(readInventoryLevels(client, location.id, { updatedSince: since }))));
  }
  return { variants, levels, bufferOwners: [] };
}

async function saveVariants(
  database: Database,
  shop: string,
  provider: DatabaseProvider,
  variants: readonly CatalogVariant[],
): Promise<void> {
  await upsertRows(database, provider, {
    table: "Variant",
    shop,
    keys: { gid: "text" },
    set: {
      productGid: "text",
      inventoryItemGid: "text",
      title: "text",
      sku: "text",
      barcode: "text",
      searchText: "text",
      tracked: "boolean",
      deletedAt: "timestamp",
      updatedAt: "timestamp",
    },
    rows: variants
      .map((variant) => ({
        gid: variant.variantId,
        productGid: variant.productId,
        inventoryItemGid: variant.inventoryItemId,
        title:
          variant.productTitle === variant.title || variant.title === "Default Title"
            ? variant.productTitle
            : `${variant.productTitle} — ${variant.title}`,
        sku: variant.sku,
        barcode: variant.barcode,
        tracked: variant.tracked,
        deletedAt: null,
        updatedAt: new Date(),
      }))
      .map((row) => ({ ...row, searchText: variantSearchText(row) })),
  });
}

interface FoldRun {
  /** When the read began: the time of a level that carries none (bulk exports). */
  startedAtMs: number;
  provider: DatabaseProvider;
  /** Progress already reported (the variants), out of `total`. */
  done: number;
  total: number;
  onProgress: ReconcileProgress | undefined;
}

/** The levels read, folded into the master records of the tracked variants they stock, 200 at a time. */
async function foldLevels(
  database: Database,
  shop: string,
  levels: readonly LevelSnapshot[],
  run: FoldRun,
): Promise<{ differences: number; differentVariants: string[]; ownHoldsLowered: number }> {
  const variantsOfItem = await trackedVariantsOfItems(database, shop, levels);
  const unsettled = await unsettledLevelKeys(database, shop);
  let differences = 0;
  const differentVariants = new Set<string>();
  let ownHoldsLowered = 0;
  let done = run.done;
  for (let start = 0; start < levels.length; start += 200) {
    const chunk = levels.slice(start, start + 200);
    const gids = [...new Set(chunk.flatMap((level) => variantsOfItem.get(level.inventoryItemId) ?? []))];
    const storedRecords = new Map(
      (await database.masterRecord.findMany({ where: { shop, variantGid: { in: gids } } })).map((row) => [
        row.variantGid,
        decodeMasterRecord(row),
      ]),
    );
    const own = await loadOwnHolds(
      database,
      shop,
      chunk.map((level) => levelKeyOf({ inventoryItemGid: level.inventoryItemId, locationGid: level.locationId })),
    );
    ownHoldsLowered += await lowerOwnHolds(database, shop, chunk, own, unsettled, run.startedAtMs);
    for (const level of chunk) {
      // Ballast's own share of safety_stock only (HeldStock): the merchant's is neither sellable nor releasable.
      const ownUnits = Math.min(
        own.get(levelKeyOf({ inventoryItemGid: level.inventoryItemId, locationGid: level.locationId }))?.units ?? 0,
        Math.max(0, level.safetyStock),
      );
      for (const gid of variantsOfItem.get(level.inventoryItemId) ?? []) {
        const before = storedRecords.get(gid) ?? emptyMasterRecord(shop, gid);
        const folded = foldLevel(before, level, ownUnits, levelStampMs(level, run.startedAtMs));
        if (folded.missed) {
          differences += 1;
          if (differentVariants.size < ALERT_VARIANT_LIMIT) differentVariants.add(gid);
        }
        storedRecords.set(gid, folded.record);
      }
    }
    await saveMasterRecords(database, [...storedRecords.values()], run.provider);
    done += chunk.length;
    await run.onProgress?.(done, run.total);
  }
  return { differences, differentVariants: [...differentVariants], ownHoldsLowered };
}

/** Shopify's time for a level, or the moment the read began for a level without one (the oldest it can describe). */
const levelStampMs = (level: LevelSnapshot, startedAtMs: number): number =>
  level.updatedAt ? Date.parse(level.updatedAt) : startedAtMs;

/** The tracked variants of each inventory item the levels name (a bundle's item may stock several). */
async function trackedVariantsOfItems(
  database: Database,
  shop: string,
  levels: readonly LevelSnapshot[],
): Promise<Map<string, string[]>> {
  const variantsOfItem = new Map<string, string[]>();
  const itemGids = [...new Set(levels.map((level) => level.inventoryItemId))];
  for (let start = 0; start < itemGids.length; start += 500) {
    const rows = await database.variant.findMany({
      where: { shop, inventoryItemGid: { in: itemGids.slice(start, start + 500) }, tracked: true, deletedAt: null },
      select: { gid: true, inventoryItemGid: true },
    });
    for (const row of rows)
      variantsOfItem.set(row.inventoryItemGid, [...(variantsOfItem.get(row.inventoryItemGid) ?? []), row.gid]);
  }
  return variantsOfItem;
}

/**
 * Levels a journalled move not yet recorded touches: their own count is settled by the
 * journal (app/sync/holds.server.ts), not lowered here.
 */
async function unsettledLevelKeys(database: Database, shop: string): Promise<Set<string>> {
  const unsettled = new Set<string>();
  for (const row of await database.holdMove.findMany({ where: { shop }, select: { move: true } })) {
    for (const effect of (row.move as { effects?: { itemKey: string }[] } | null)?.effects ?? [])
      unsettled.add(effect.itemKey);
  }
  return unsettled;
}

/**
 * Ballast's own units in safety_stock come from its own record, never from Shopify's
 * whole safety_stock: the rest is the merchant's. Units taken out of safety_stock in
 * Shopify admin (a level newer than Ballast's record, below it) lower Ballast's count
 * (in the database and in `own`); a rise is the merchant's own. Returns how many were lowered.
 */
async function lowerOwnHolds(
  database: Database,
  shop: string,
  chunk: readonly LevelSnapshot[],
  own: Map<string, OwnHold>,
  unsettled: ReadonlySet<string>,
  startedAtMs: number,
): Promise<number> {
  let lowered = 0;
  for (const level of chunk) {
    const key = levelKeyOf({ inventoryItemGid: level.inventoryItemId, locationGid: level.locationId });
    const hold = own.get(key);
    const updatedAtMs = levelStampMs(level, startedAtMs);
    if (!hold || unsettled.has(key) || level.safetyStock >= hold.units || updatedAtMs <= hold.updatedAt.getTime())
      continue;
    const units = Math.max(0, level.safetyStock);
    // Only if no move changed the record since it was read (the push lane runs beside this).
    const result = await database.heldStock.updateMany({
      where: {
        shop,
        inventoryItemGid: level.inventoryItemId,
        locationGid: level.locationId,
        units: hold.units,
        updatedAt: hold.updatedAt,
      },
      data: { units, updatedAt: new Date(Math.max(updatedAtMs, hold.updatedAt.getTime() + 1)) },
    });
    if (result.count > 0) {
      lowered += 1;
      own.set(key, { ...hold, units });
    }
  }
  return lowered;
}

/**
 * One level read into a variant's master record: Shopify's levels (newer wins), then
 * Ballast's own safety stock there. `missed` when the record held an older, different
 * available: a webhook it never got.
 */
function foldLevel(
  before: MasterRecord,
  level: LevelSnapshot,
  ownUnits: number,
  updatedAtMs: number,
): { record: MasterRecord; missed: boolean } {
  const locationId = locationGid(level.locationId);
  const known = before.locations.find((location) => location.locationId === locationId);
  const missed =
    known?.available != null && known.available.value !== level.available && known.available.updatedAtMs < updatedAtMs;
  const updated = applyLevelUpdate(before, {
    locationId,
    updatedAtMs,
    available: level.available,
    onHand: level.onHand,
    committed: level.committed,
  });
  return {
    record: applyOwnSafetyStockMove(updated, {
      locationId,
      updatedAtMs,
      available: level.available,
      ballastSafetyStock: ownUnits,
    }),
    missed,
  };
}

/**
 * Buffer settings edited in Shopify admin. The full read also finds products and variants
 * that Ballast has no rule for; the incremental one reads the shop and the rule targets.
 * Stock is reconciled either way: a failure here is logged and retried next time.
 */
async function pickUpMetafields(
  database: Database,
  shop: string,
  client: AdminClient,
  now: Date,
  discovered: string[],
): Promise<PickupResult | null> {
  try {
    return await pickUpBufferMetafields(database, shop, client, { now, discovered });
  } catch (error) {
    logger.warn(
      { shop, err: error instanceof Error ? error.message : String(error) },
      "buffer metafields not read; next reconciliation retries",
    );
    return null;
  }
}

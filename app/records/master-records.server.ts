import type { DatabaseProvider, Queryable } from "~/db.server";
import { upsertRows } from "~/db/bulk-update.server";
import { createMasterRecord, masterRecordSchema, shopDomain, variantGid, type MasterRecord } from "~/domain";
import { logger } from "~/logger.server";

/**
 * Master records as stored: one MasterRecord row per variant holding the domain's
 * MasterRecord as JSON. Only the domain's functions change a record; this module only
 * loads and saves them.
 */
export async function loadMasterRecords(
  database: Queryable,
  shop: string,
  variantGids: readonly string[],
  options: { lockFor?: DatabaseProvider } = {},
): Promise<Map<string, MasterRecord>> {
  if (variantGids.length === 0) return new Map();
  // Read-modify-write inside a transaction: on PostgreSQL lock the rows first, so an
  // ingest and a push that both change one record cannot lose each other's change.
  // (SQLite runs one write transaction at a time.)
  if (options.lockFor === "postgresql" && variantGids.length > 0) {
    await database.$queryRaw`SELECT 1 FROM "MasterRecord" WHERE "shop" = ${shop} AND "variantGid" = ANY(${[...variantGids]}) FOR UPDATE`;
  }
  const rows = await database.masterRecord.findMany({
    where: { shop, variantGid: { in: [...variantGids] } },
    select: { variantGid: true, record: true },
  });
  return new Map(rows.map((row) => [row.variantGid, decodeMasterRecord({ shop, ...row })]));
}

/**
 * The one way a stored MasterRecord row becomes a MasterRecord. A row that does not hold one
 * (only a bug could write it) is logged and read as a fresh record: the levels come back
 * at the next read of Shopify, and one bad row does not stop the shop's sync.
 */
export function decodeMasterRecord(row: { shop: string; variantGid: string; record: unknown }): MasterRecord {
  const parsed = masterRecordSchema.safeParse(row.record);
  if (parsed.success) return parsed.data;
  logger.error(
    { shop: row.shop, variantGid: row.variantGid, issues: parsed.error.issues.slice(0, 3) },
    "stored master record unreadable: read as empty",
  );
  return emptyMasterRecord(row.shop, row.variantGid);
}

export function emptyMasterRecord(shop: string, gid: string): MasterRecord {
  return createMasterRecord(shopDomain(shop), variantGid(gid));
}

/**
 * Saves changed records and marks them for recompute, in one statement (an upsert of
 * every row): a busy ingest batch or a catalog read changes hundreds of records.
 */
export async function saveMasterRecords(
  database: Queryable,
  records: readonly MasterRecord[],
  provider: DatabaseProvider,
): Promise<void> {
  const byShop = new Map<string, MasterRecord[]>();
  for (const record of records) byShop.set(record.shop, [...(byShop.get(record.shop) ?? []), record]);
  const updatedAt = new Date();
  for (const [shop, ofShop] of byShop) {
    await upsertRows(database, provider, {
      table: "MasterRecord",
      shop,
      keys: { variantGid: "text" },
      set: { record: "json", dirty: "boolean", updatedAt: "timestamp" },
      rows: ofShop.map((record) => ({ variantGid: record.variantId, record, dirty: true, updatedAt })),
    });
  }
}

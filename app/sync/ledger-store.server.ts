import type { DatabaseProvider, Queryable } from "~/db.server";
import { createMasterRecord, shopDomain, variantGid, type MasterRecord } from "~/domain";

/**
 * Master records as stored: one Ledger row per variant holding the domain's
 * MasterRecord as JSON. Only the domain's functions change a record; this module only
 * loads and saves them.
 */
export async function loadLedgers(
  database: Queryable,
  shop: string,
  variantGids: readonly string[],
  options: { lockFor?: DatabaseProvider } = {},
): Promise<Map<string, MasterRecord>> {
  // Read-modify-write inside a transaction: on PostgreSQL lock the rows first, so an
  // ingest and a push that both change one record cannot lose each other's change.
  // (SQLite runs one write transaction at a time.)
  if (options.lockFor === "postgresql" && variantGids.length > 0) {
    await database.$queryRaw`SELECT 1 FROM "Ledger" WHERE "shop" = ${shop} AND "variantGid" = ANY(${[...variantGids]}) FOR UPDATE`;
  }
  const rows = await database.ledger.findMany({
    where: { shop, variantGid: { in: [...variantGids] } },
    select: { variantGid: true, record: true },
  });
  return new Map(rows.map((row) => [row.variantGid, row.record as unknown as MasterRecord]));
}

export function emptyLedger(shop: string, gid: string): MasterRecord {
  return createMasterRecord(shopDomain(shop), variantGid(gid));
}

/** Saves a changed record and marks it for recompute, in the caller's transaction. */
export async function saveLedger(database: Queryable, record: MasterRecord): Promise<void> {
  const json = record as unknown as object;
  await database.ledger.upsert({
    where: { shop_variantGid: { shop: record.shop, variantGid: record.variantId } },
    create: { shop: record.shop, variantGid: record.variantId, record: json, dirty: true },
    update: { record: json, dirty: true },
  });
}

import type { DatabaseProvider, Queryable } from "~/db.server";
import { Prisma } from "~/generated/sqlite/client";
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

/**
 * Saves changed records and marks them for recompute, in one statement (an upsert of
 * every row): a busy ingest batch changes hundreds of records, and one ORM upsert each
 * cost a read and a write per row.
 */
export async function saveLedgers(database: Queryable, records: readonly MasterRecord[], provider: DatabaseProvider): Promise<void> {
  if (records.length === 0) return;
  const now = new Date();
  const json = (record: MasterRecord) => {
    const text = JSON.stringify(record);
    // PostgreSQL stores it as jsonb; SQLite keeps the text, as Prisma does.
    return provider === "postgresql" ? Prisma.sql`CAST(${text} AS jsonb)` : Prisma.sql`${text}`;
  };
  const rows = records.map((record) => Prisma.sql`(${record.shop}, ${record.variantId}, ${json(record)}, TRUE, ${now})`);
  await database.$executeRaw`
    INSERT INTO "Ledger" ("shop", "variantGid", "record", "dirty", "updatedAt")
    VALUES ${Prisma.join(rows)}
    ON CONFLICT ("shop", "variantGid") DO UPDATE SET "record" = excluded."record", "dirty" = TRUE, "updatedAt" = excluded."updatedAt"`;
}

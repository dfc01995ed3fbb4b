/**
 * What the database holds, table by table: row count and a hash of every row's content.
 * Two snapshots are equal only if no row was added, removed or changed, so a test can
 * assert that a refused request wrote nothing anywhere (not just in the table it targets).
 */
import BetterSqlite3 from "better-sqlite3";
import { createHash } from "node:crypto";
import { databaseUrl, databaseProvider, type Database } from "~/db.server";
import { Prisma } from "~/generated/sqlite/client";

export type TableSnapshot = Record<string, { rows: number; hash: string }>;

/** Every model of the schema: every one of them is scoped by a `shop` column. */
export const MODELS = Object.values(Prisma.ModelName);

type Delegate = { findMany(args?: { where?: { shop: string } }): Promise<Record<string, unknown>[]> };

function delegate(database: Database, model: string): Delegate {
  const key = model.charAt(0).toLowerCase() + model.slice(1);
  return (database as unknown as Record<string, Delegate>)[key]!;
}

const stable = (row: Record<string, unknown>) =>
  JSON.stringify(row, (_key, value: unknown) =>
    typeof value === "bigint"
      ? value.toString()
      : value instanceof Uint8Array
        ? Buffer.from(value).toString("hex")
        : value,
  );

/**
 * Every row of each model, read in one go: SQLite straight from the file (a read-only
 * connection, as the rows are stored), PostgreSQL in one query (each table as JSON). A
 * Prisma call per table cost more than the requests under test (bad-input.test.ts takes
 * two snapshots for each of its 148 cases). The rows' form differs from Prisma's, so a
 * snapshot is only ever compared with another one taken here.
 */
async function readTables(
  database: Database,
  models: readonly string[],
  shop: string | undefined,
): Promise<Record<string, Record<string, unknown>[]>> {
  const url = databaseUrl(database);
  const tables: Record<string, Record<string, unknown>[]> = {};
  if (databaseProvider(url) === "sqlite") {
    const file = new BetterSqlite3(url.replace(/^file:/, "").replace(/\?.*$/, ""), {
      readonly: true,
      fileMustExist: true,
    });
    try {
      for (const model of models) {
        const statement = file.prepare(`SELECT * FROM "${model}"${shop === undefined ? "" : " WHERE shop = ?"}`);
        // 64-bit integers as BigInt, exactly (types/better-sqlite3.d.ts leaves this method out).
        (statement as unknown as { safeIntegers(on: boolean): void }).safeIntegers(true);
        tables[model] = (shop === undefined ? statement.all() : statement.all(shop)) as Record<string, unknown>[];
      }
    } finally {
      file.close();
    }
    return tables;
  }
  const where = shop === undefined ? "" : " WHERE t.shop = $1";
  const columns = models.map((model) => `'${model}', (SELECT coalesce(json_agg(t), '[]') FROM "${model}" t${where})`);
  const sql = `SELECT json_build_object(${columns.join(", ")})::text AS tables`;
  const [row] = await (shop === undefined
    ? database.$queryRawUnsafe<{ tables: string }[]>(sql)
    : database.$queryRawUnsafe<{ tables: string }[]>(sql, shop));
  return JSON.parse(row!.tables) as Record<string, Record<string, unknown>[]>;
}

/** Every table (or only `models`), or only the rows of one shop. */
export async function snapshotDatabase(
  database: Database,
  options: { shop?: string; models?: readonly string[] } = {},
): Promise<TableSnapshot> {
  const snapshot: TableSnapshot = {};
  const models = options.models ?? MODELS;
  const tables = await readTables(database, models, options.shop);
  for (const model of models) {
    const rows = tables[model]!;
    const lines = rows.map(stable).sort();
    snapshot[model] = {
      rows: rows.length,
      hash: createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 16),
    };
  }
  return snapshot;
}

/** Row counts per table for one shop (zero everywhere after shop/redact). */
export async function shopRowCounts(database: Database, shop: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const model of MODELS) counts[model] = (await delegate(database, model).findMany({ where: { shop } })).length;
  return counts;
}

/** Every row of one shop in every table, as text: for scanning what is stored at rest. */
export async function dumpShopRows(database: Database, shop: string): Promise<string> {
  const lines: string[] = [];
  for (const model of MODELS)
    for (const row of await delegate(database, model).findMany({ where: { shop } }))
      lines.push(`${model} ${stable(row)}`);
  return lines.join("\n");
}

import type { DatabaseProvider, Queryable } from "~/db.server";
import { Prisma } from "~/generated/sqlite/client";

/**
 * Many rows of one shop, each with its own values, written in one statement:
 *   updateRows: WITH "v"(key…, value…) AS (VALUES (…), (…)) UPDATE "Table" SET … FROM "v" WHERE …
 *   upsertRows: INSERT INTO "Table" (…) VALUES (…), (…) ON CONFLICT (keys) DO UPDATE SET …
 * (SQLite ≥ 3.33 and PostgreSQL both run them.) A sync pass changes hundreds of rows
 * with different values; one ORM statement each cost far more than the database's own
 * work. Identifiers come from this file's callers, never from input.
 */
export type ColumnType = "text" | "integer" | "json" | "timestamp" | "boolean";

export interface BulkUpdate {
  table: "ChannelItemState" | "MasterRecord" | "Variant" | "DriftEpisode" | "HeldStock";
  shop: string;
  /** Columns that, with the shop, identify a row. */
  keys: Record<string, ColumnType>;
  /** Columns written, with their values per row. */
  set: Record<string, ColumnType>;
  rows: readonly Record<string, unknown>[];
}

const PG_TYPES: Record<ColumnType, string> = {
  text: "text",
  integer: "integer",
  json: "jsonb",
  timestamp: "timestamp(3)",
  boolean: "boolean",
};

/** At most this many rows per statement (SQLite allows 32,766 parameters). */
const ROWS_PER_STATEMENT = 500;

function value(provider: DatabaseProvider, type: ColumnType, raw: unknown): Prisma.Sql {
  let bound = raw ?? null;
  if (type === "json" && bound !== null) bound = JSON.stringify(bound);
  if (type === "boolean" && bound !== null && provider === "sqlite") bound = bound ? 1 : 0;
  // PostgreSQL types a VALUES list from its values alone: say what each column is.
  return provider === "postgresql" ? Prisma.sql`CAST(${bound} AS ${Prisma.raw(PG_TYPES[type])})` : Prisma.sql`${bound}`;
}

const quoted = (name: string) => Prisma.raw(`"${name}"`);

export async function updateRows(database: Queryable, provider: DatabaseProvider, update: BulkUpdate): Promise<void> {
  const keyColumns = Object.entries(update.keys);
  const setColumns = Object.entries(update.set);
  const columns = [...keyColumns, ...setColumns];
  const table = quoted(update.table);
  const assignments = Prisma.join(
    setColumns.map(([name]) => Prisma.sql`${quoted(name)} = "v".${quoted(name)}`),
    ", ",
  );
  const matches = keyColumns.map(([name]) => Prisma.sql`${table}.${quoted(name)} = "v".${quoted(name)}`);
  for (let start = 0; start < update.rows.length; start += ROWS_PER_STATEMENT) {
    const tuples = update.rows
      .slice(start, start + ROWS_PER_STATEMENT)
      .map((row) => Prisma.sql`(${Prisma.join(columns.map(([name, type]) => value(provider, type, row[name])))})`);
    await database.$executeRaw`
      WITH "v"(${Prisma.join(columns.map(([name]) => quoted(name)))}) AS (VALUES ${Prisma.join(tuples)})
      UPDATE ${table} SET ${assignments}
      FROM "v"
      WHERE ${table}."shop" = ${update.shop} AND ${Prisma.join(matches, " AND ")}`;
  }
}

/** Inserts rows, or updates the `set` columns of those that exist (keys: shop + `keys`). */
export async function upsertRows(database: Queryable, provider: DatabaseProvider, upsert: BulkUpdate): Promise<void> {
  const columns: [string, ColumnType][] = [
    ["shop", "text"],
    ...Object.entries(upsert.keys),
    ...Object.entries(upsert.set),
  ];
  const conflict = Prisma.join(["shop", ...Object.keys(upsert.keys)].map(quoted));
  const assignments = Prisma.join(
    Object.keys(upsert.set).map((name) => Prisma.sql`${quoted(name)} = excluded.${quoted(name)}`),
    ", ",
  );
  for (let start = 0; start < upsert.rows.length; start += ROWS_PER_STATEMENT) {
    const tuples = upsert.rows
      .slice(start, start + ROWS_PER_STATEMENT)
      .map(
        (row) =>
          Prisma.sql`(${Prisma.join(columns.map(([name, type]) => value(provider, type, name === "shop" ? upsert.shop : row[name])))})`,
      );
    await database.$executeRaw`
      INSERT INTO ${quoted(upsert.table)} (${Prisma.join(columns.map(([name]) => quoted(name)))})
      VALUES ${Prisma.join(tuples)}
      ON CONFLICT (${conflict}) DO UPDATE SET ${assignments}`;
  }
}

/**
 * What the database holds, table by table: row count and a hash of every row's content.
 * Two snapshots are equal only if no row was added, removed or changed, so a test can
 * assert that a refused request wrote nothing anywhere (not just in the table it targets).
 */
import { createHash } from "node:crypto";
import type { Database } from "~/db.server";
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

/** Every table (or only `models`), or only the rows of one shop. */
export async function snapshotDatabase(
  database: Database,
  options: { shop?: string; models?: readonly string[] } = {},
): Promise<TableSnapshot> {
  const snapshot: TableSnapshot = {};
  for (const model of options.models ?? MODELS) {
    const rows = await delegate(database, model).findMany(options.shop ? { where: { shop: options.shop } } : undefined);
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

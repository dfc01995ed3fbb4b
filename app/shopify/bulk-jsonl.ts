/**
 * Bulk operation results are JSONL: one object per line; a nested connection's nodes
 * come on their own lines with `__parentId` naming their parent's id
 * (shopify.dev/docs/api/usage/bulk-operations/queries#the-jsonl-data-format).
 * Lines are parsed as text: ids stay strings and no number above 2^53 is rounded,
 * because Shopify writes every id as a GID string in these files.
 */
export interface BulkRow {
  id?: string;
  __parentId?: string;
  [field: string]: unknown;
}

export function parseBulkJsonl(text: string): { rows: BulkRow[]; malformedLines: number } {
  const rows: BulkRow[] = [];
  let malformedLines = 0;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (value && typeof value === "object" && !Array.isArray(value)) rows.push(value as BulkRow);
      else malformedLines += 1;
    } catch {
      // A partial file can end in a cut line.
      malformedLines += 1;
    }
  }
  return { rows, malformedLines };
}

/** Root rows with their children attached by `__parentId` (children may follow in any order). */
export function groupByParent(rows: readonly BulkRow[]): { parent: BulkRow; children: BulkRow[] }[] {
  const roots: { parent: BulkRow; children: BulkRow[] }[] = [];
  const byId = new Map<string, { parent: BulkRow; children: BulkRow[] }>();
  const orphans: BulkRow[] = [];
  for (const row of rows) {
    if (row.__parentId === undefined) {
      const entry = { parent: row, children: [] as BulkRow[] };
      roots.push(entry);
      if (typeof row.id === "string") byId.set(row.id, entry);
      // A child may name a nested object of its parent (e.g. the variant's inventory item).
      for (const value of Object.values(row)) {
        const nestedId = value && typeof value === "object" ? (value as { id?: unknown }).id : undefined;
        if (typeof nestedId === "string" && !byId.has(nestedId)) byId.set(nestedId, entry);
      }
    } else {
      orphans.push(row);
    }
  }
  for (const child of orphans) byId.get(child.__parentId!)?.children.push(child);
  return roots;
}

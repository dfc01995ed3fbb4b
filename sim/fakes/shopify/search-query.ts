/**
 * Shopify's search syntax, reduced to what Ballast sends: `updated_at:>'2026-11-27T10:00:00Z'`,
 * `id:>123`, `sku:ABC`, joined by spaces or AND. Unknown fields are ignored, as Shopify
 * ignores (and warns about) search terms it does not understand.
 * Source: shopify.dev/docs/api/usage/search-syntax
 */

export interface SearchTerm {
  field: string;
  op: ">" | ">=" | "<" | "<=" | "=";
  value: string;
}

export function parseSearchQuery(query: string | null | undefined): SearchTerm[] {
  if (!query) return [];
  const tokens = query.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  const terms: SearchTerm[] = [];
  for (const token of tokens) {
    if (/^(AND|OR)$/i.test(token)) continue;
    const match = /^([a-z_]+):(>=|<=|>|<)?(.+)$/i.exec(token);
    if (!match) continue;
    const [, field, op, raw] = match;
    terms.push({
      field: field!.toLowerCase(),
      op: (op as SearchTerm["op"] | undefined) ?? "=",
      value: raw!.replace(/^["']|["']$/g, ""),
    });
  }
  return terms;
}

export interface Searchable {
  id: bigint;
  updatedAt: string;
  sku?: string | null;
}

function compare(a: number | bigint, b: number | bigint, op: SearchTerm["op"]): boolean {
  switch (op) {
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case "=":
      return a === b;
  }
}

export function matchesSearch(terms: readonly SearchTerm[], record: Searchable): boolean {
  return terms.every((term) => {
    switch (term.field) {
      case "updated_at": {
        const wanted = Date.parse(term.value);
        if (Number.isNaN(wanted)) return true;
        return compare(Date.parse(record.updatedAt), wanted, term.op);
      }
      case "id": {
        if (!/^\d+$/.test(term.value)) return true;
        return compare(record.id, BigInt(term.value), term.op);
      }
      case "sku":
        return record.sku === term.value;
      default:
        return true;
    }
  });
}

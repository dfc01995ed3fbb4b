/**
 * Text folded for search, the same on SQLite and PostgreSQL because the app folds it, not
 * the database: lower case, accents and other combining marks removed ("Crème" → "creme"),
 * compatibility forms flattened (ligature "ﬁ" → "fi", full-width "Ａ" → "a"), the letters
 * NFKD keeps whole spelt as merchants type them ("œ" → "oe", "ß" → "ss"), whitespace runs
 * made one space, trimmed. Both the stored text (Variant.searchText) and the typed query go
 * through it, so a search is a plain substring match of one in the other.
 */

/** Letters that carry no combining mark to remove, spelt out in plain Latin letters. */
const SPELT_OUT: Readonly<Record<string, string>> = {
  œ: "oe",
  æ: "ae",
  ß: "ss",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
  // Greek lowercases Σ by context (final ς): searching "σ" must find "…ς".
  ς: "σ",
};
const SPELT_OUT_PATTERN = new RegExp(`[${Object.keys(SPELT_OUT).join("")}]`, "gu");

function foldOnce(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{Mn}/gu, "")
    .replace(SPELT_OUT_PATTERN, (letter) => SPELT_OUT[letter]!)
    .replace(/\s+/gu, " ")
    .trim();
}

/** `text` folded for search; folding a folded text changes nothing. */
export function foldForSearch(text: string): string {
  // One pass settles nearly everything; a few characters only settle on the next (a
  // compatibility form whose flat form lowercases again, such as "ℌ" → "H" → "h").
  let folded = foldOnce(text);
  for (let pass = 0; pass < 3; pass++) {
    const again = foldOnce(folded);
    if (again === folded) return folded;
    folded = again;
  }
  return folded;
}

/**
 * Separates the fields in Variant.searchText. Folding turns every line break of a field or a
 * query into a space, so a folded query never spans two fields.
 */
export const SEARCH_FIELD_SEPARATOR = "\n";

/** Variant.searchText: the variant's title, SKU and barcode, each folded for search. */
export function variantSearchText(variant: { title: string; sku: string | null; barcode: string | null }): string {
  return [variant.title, variant.sku ?? "", variant.barcode ?? ""].map(foldForSearch).join(SEARCH_FIELD_SEPARATOR);
}

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { foldForSearch, SEARCH_FIELD_SEPARATOR, variantSearchText } from "./search-text";

/** Any Unicode text, letters from every script with their marks, cut where a reader would. */
const text = () => fc.string({ unit: "grapheme", maxLength: 10 });

describe("foldForSearch", () => {
  it("ignores case and accents", () => {
    expect(foldForSearch("Crème brûlée")).toBe("creme brulee");
    expect(foldForSearch("CRÈME")).toBe("creme");
    expect(foldForSearch("Écharpe à pois — Ça")).toBe("echarpe a pois — ca");
    expect(foldForSearch("É")).toBe(foldForSearch("e"));
    expect(foldForSearch("ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ")).toBe("aaaceeeeiioouuuy");
  });

  it("spells out the letters that carry no accent to remove, and flattens compatibility forms", () => {
    expect(foldForSearch("Bœuf Cœur ŒIL")).toBe("boeuf coeur oeil");
    expect(foldForSearch("Straße")).toBe("strasse");
    expect(foldForSearch("ΟΔΟΣ")).toBe(foldForSearch("οδοσ"));
    expect(foldForSearch("ﬁlet ＡＢＣ")).toBe("filet abc");
  });

  it("makes whitespace runs one space and trims", () => {
    expect(foldForSearch("  Wool\tscarf \n\u00a0Red ")).toBe("wool scarf red");
  });

  it("keeps % and _ and other punctuation as they are", () => {
    expect(foldForSearch("Mug 100%_cotton")).toBe("mug 100%_cotton");
  });

  it("is idempotent, whatever the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (text) => {
        const folded = foldForSearch(text);
        expect(foldForSearch(folded)).toBe(folded);
      }),
      { numRuns: 1_000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
        const folded = foldForSearch(text);
        expect(foldForSearch(folded)).toBe(folded);
      }),
      { numRuns: 1_000 },
    );
  });

  it("folds an accented or capital letter like its plain lower-case letter", () => {
    const pairs: [string, string][] = [..."aàáâãäåAÀÁÂÃÄÅ"].map((letter) => [letter, "a"]);
    pairs.push(...[..."eèéêëEÈÉÊË"].map((letter): [string, string] => [letter, "e"]));
    pairs.push(...[..."cçCÇ"].map((letter): [string, string] => [letter, "c"]));
    fc.assert(
      fc.property(fc.constantFrom(...pairs), fc.string({ maxLength: 10 }), ([letter, plain], rest) => {
        expect(foldForSearch(letter + rest)).toBe(foldForSearch(plain + rest));
      }),
    );
  });

  it("finds the folded query in the folded text whenever the text contains the query", () => {
    fc.assert(
      fc.property(text(), text(), text(), (a, b, c) => {
        fc.pre(/\S/.test(b) && !/^\s|\s$/.test(b));
        expect(foldForSearch(a + b + c)).toContain(foldForSearch(b));
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("variantSearchText", () => {
  it("holds the folded title, SKU and barcode, one field a line, so no folded query spans two", () => {
    expect(variantSearchText({ title: "Crème  brûlée", sku: "CB-1", barcode: null })).toBe("creme brulee\ncb-1\n");
    expect(foldForSearch(`brulee${SEARCH_FIELD_SEPARATOR}cb`)).toBe("brulee cb");
  });
});

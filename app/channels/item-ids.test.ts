import { describe, expect, it } from "vitest";
import {
  GOOGLE_DEFAULT_TEMPLATES,
  META_DEFAULT_TEMPLATES,
  ItemIdTemplateError,
  matchCatalogItems,
  numericShopifyId,
  parseShopifyChannelItemId,
  renderItemId,
  validateTemplate,
} from "./item-ids";

// Above 2^53: Number("271878346596884015") === 271878346596884000.
const bigVariant = "271878346596884015";
const bigProduct = "9007199254740993";

describe("renderItemId", () => {
  it("keeps ids above 2^53 exact", () => {
    expect(renderItemId("{variantId}", { variantId: bigVariant, productId: bigProduct })).toBe(bigVariant);
    expect(
      renderItemId("shopify_{countryCode}_{productId}_{variantId}", {
        variantId: `gid://shopify/ProductVariant/${bigVariant}`,
        productId: `gid://shopify/Product/${bigProduct}`,
        countryCode: "us",
      }),
    ).toBe(`shopify_US_${bigProduct}_${bigVariant}`);
  });

  it("renders the default templates of both channels", () => {
    const parts = { variantId: "42", productId: "7", countryCode: "FR" };
    expect(META_DEFAULT_TEMPLATES.map((t) => renderItemId(t, parts))).toEqual(["42", "shopify_FR_7_42"]);
    expect(GOOGLE_DEFAULT_TEMPLATES.map((t) => renderItemId(t, parts))).toEqual(["shopify_FR_7_42"]);
  });

  it("rejects unknown placeholders, unbalanced braces, missing values and non-numeric ids", () => {
    expect(() => validateTemplate("{variant_id}")).toThrow(ItemIdTemplateError);
    expect(() => validateTemplate("shopify_{variantId")).toThrow(ItemIdTemplateError);
    expect(() => validateTemplate("constant")).toThrow(ItemIdTemplateError);
    expect(() => renderItemId("{countryCode}_{variantId}", { variantId: "1", productId: "2" })).toThrow(/country/);
    expect(() => renderItemId("{sku}", { variantId: "1", productId: "2", sku: null })).toThrow(/SKU/);
    expect(() => numericShopifyId("12.5")).toThrow(ItemIdTemplateError);
    expect(() => numericShopifyId("1e21")).toThrow(ItemIdTemplateError);
  });
});

describe("parseShopifyChannelItemId", () => {
  it("reads either letter case and keeps the digits as strings", () => {
    expect(parseShopifyChannelItemId(`shopify_us_${bigProduct}_${bigVariant}`)).toEqual({
      countryCode: "US",
      productId: bigProduct,
      variantId: bigVariant,
    });
    expect(parseShopifyChannelItemId(bigVariant)).toBeNull();
  });
});

describe("matchCatalogItems", () => {
  const variants = [
    { key: "a", parts: { variantId: bigVariant, productId: bigProduct, countryCode: "US" } },
    { key: "b", parts: { variantId: "222", productId: "20", countryCode: "US" } },
    { key: "c", parts: { variantId: "333", productId: "30", countryCode: "US" } },
  ] as const;

  it("matches both conventions case-insensitively, keeps the catalog's spelling and lists the rest", () => {
    const catalog = [`SHOPIFY_us_${bigProduct}_${bigVariant}`, "222", "999"];
    const report = matchCatalogItems(variants, catalog, META_DEFAULT_TEMPLATES);
    expect(report.matched).toEqual([
      { variantKey: "a", itemIds: [`SHOPIFY_us_${bigProduct}_${bigVariant}`], template: META_DEFAULT_TEMPLATES[1] },
      { variantKey: "b", itemIds: ["222"], template: "{variantId}" },
    ]);
    expect(report.unmatched).toEqual(["c"]);
    expect(report.unclaimedItemIds).toEqual(["999"]);
  });

  it("keeps every catalog item that stands for one variant, so duplicates are updated too", () => {
    const report = matchCatalogItems(variants.slice(1, 2), ["222", "shopify_US_20_222"], META_DEFAULT_TEMPLATES);
    expect(report.matched[0]?.itemIds).toEqual(["222", "shopify_US_20_222"]);
  });

  it("skips a template a variant cannot fill instead of failing the whole match", () => {
    const report = matchCatalogItems(variants.slice(1, 2), ["222"], ["{sku}", "{variantId}"]);
    expect(report.matched[0]?.template).toBe("{variantId}");
  });
});

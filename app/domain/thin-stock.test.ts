import { describe, expect, it } from "vitest";
import { allocateItem, type AllocationItem } from "./allocate";
import { DEFAULT_CHANNEL_SETTINGS, shopChannelSettingsSchema } from "./channels";
import { renderExplanation } from "./explain";
import type { LocationGid, ShopDomain, VariantGid } from "./ids";
import { applyLevelUpdate, createMasterRecord, type MasterRecord } from "./master-record";
import { EXAMPLE_CONTEXT, EXAMPLE_ITEM, EXAMPLE_NOW_MS } from "./default-rules";

/** Thin stock: the Online Store never holds back the last units of an item that has only a few. */
const VARIANT = "gid://shopify/ProductVariant/44960469696645" as VariantGid;
const WAREHOUSE = "gid://shopify/Location/76543210987" as LocationGid;

function recordWith(available: number): MasterRecord {
  return applyLevelUpdate(createMasterRecord("thin.myshopify.com" as ShopDomain, VARIANT), {
    locationId: WAREHOUSE,
    available,
    updatedAtMs: EXAMPLE_NOW_MS - 60_000,
  });
}
const item = (available: number, memory?: AllocationItem["memory"]): AllocationItem => ({
  ...EXAMPLE_ITEM,
  record: recordWith(available),
  memory,
});
const settings = (keepSellingAtOrBelow: number, onlineStore: Record<string, unknown> = {}) =>
  shopChannelSettingsSchema.parse({ online_store: { ...onlineStore, thinStock: { keepSellingAtOrBelow } } });
/** The seed rules: Online Store holds 2, Meta 25%, Google shows none at 3 or fewer. */
const decide = (
  available: number,
  keepSellingAtOrBelow = 3,
  memory?: AllocationItem["memory"],
  onlineStore?: Record<string, unknown>,
) =>
  allocateItem(
    item(available, memory),
    { ...EXAMPLE_CONTEXT, settings: settings(keepSellingAtOrBelow, onlineStore) },
    { explain: true },
  ).decisions;

describe("thin stock (Online Store)", () => {
  it("defaults to 3 and can be turned off with 0", () => {
    expect(DEFAULT_CHANNEL_SETTINGS.online_store.thinStock.keepSellingAtOrBelow).toBe(3);
    expect(decide(2, 0).online_store.quantity).toBe(0);
    expect(decide(3, 0).online_store.quantity).toBe(1);
  });

  it("shows every unit at or below the threshold, never less than the threshold above it, and leaves larger stock to the rules", () => {
    const shown = (available: number) => decide(available).online_store.quantity;
    expect([0, 1, 2, 3, 4, 5, 6, 10].map(shown)).toEqual([0, 1, 2, 3, 3, 3, 4, 8]);
    // The seed example keeps its numbers: 10 sellable → 8, 7, 6.
    const seed = decide(10);
    expect([seed.online_store.quantity, seed.meta.quantity, seed.google.quantity]).toEqual([8, 7, 6]);
  });

  it("leaves Meta and Google alone", () => {
    for (const available of [1, 2, 3, 4]) {
      const on = decide(available, 3);
      const off = decide(available, 0);
      expect(on.meta).toEqual(off.meta);
      expect(on.google).toEqual(off.google);
    }
  });

  it("gives way to a pause and to a manual override", () => {
    expect(decide(2, 3, undefined, { state: "paused_stop_selling" }).online_store.quantity).toBe(0);
    const override = {
      channel: "online_store" as const,
      variantId: VARIANT,
      quantity: 1,
      expiresAtMs: EXAMPLE_NOW_MS + 60_000,
    };
    expect(decide(3, 3, { online_store: { override } }).online_store.quantity).toBe(1);
  });

  it("says so in the explanation, in English and French", () => {
    const two = decide(2).online_store;
    expect(two.explanation!.steps.find((step) => step.kind === "thin_stock")).toMatchObject({
      units: 2,
      params: { keepSellingAtOrBelow: 3, ruleShows: 0 },
    });
    expect(renderExplanation(two.explanation!, "en")).toBe(
      "Online Store 2 = 2 sellable, keeps selling the last 2 units: items with 3 or fewer are never held back on the Online Store — change this in Settings",
    );
    expect(renderExplanation(two.explanation!, "fr")).toBe(
      "Boutique en ligne 2 = 2 vendables, les 2 dernières unités restent en vente\u00a0: un article à 3 unités ou moins n’est jamais retenu sur la Boutique en ligne — modifiable dans les Réglages",
    );
    expect(renderExplanation(decide(1).online_store.explanation!, "en")).toMatch(
      /^Online Store 1 = 1 sellable, keeps selling the last unit: /,
    );
    expect(renderExplanation(decide(4).online_store.explanation!, "en")).toBe(
      "Online Store 3 = 4 sellable − 1 (fixed: 2 units, limited: the last 3 are never held back on the Online Store — change this in Settings)",
    );
    // Not binding: no step, the usual explanation.
    const ten = decide(10).online_store.explanation!;
    expect(ten.steps.some((step) => step.kind === "thin_stock")).toBe(false);
    expect(renderExplanation(ten, "en")).toBe("Online Store 8 = 10 sellable − 2 (fixed: 2 units)");
  });
});

import { describe, expect, it } from "vitest";
import { allocateItem } from "./allocate";
import { CHANNELS } from "./channels";
import { renderExplanation } from "./explain";
import { sellableUnits } from "./master-record";
import { EXAMPLE_CONTEXT, EXAMPLE_ITEM, DEFAULT_RULES } from "./default-rules";

describe("the seed example", () => {
  const allocation = allocateItem(EXAMPLE_ITEM, EXAMPLE_CONTEXT, { explain: true });

  it("starts from 10 sellable", () => {
    expect(sellableUnits(EXAMPLE_ITEM.record)).toBe(10);
  });

  it("shows Online Store 8, Meta 7, Google 6", () => {
    expect(CHANNELS.map((channel) => allocation.decisions[channel].quantity)).toEqual([8, 7, 6]);
    expect(allocation.decisions.google.availability).toBe("in_stock");
  });

  it("explains each number in English and French", () => {
    const text = (locale: "en" | "fr") =>
      CHANNELS.map((channel) => renderExplanation(allocation.decisions[channel].explanation!, locale));
    expect(text("en")).toEqual([
      "Online Store 8 = 10 sellable − 2 (fixed: 2 units)",
      "Meta 7 = 10 sellable − 3 (25% of 10, rounded up)",
      "Google 6 = 10 sellable − 4 (tier ≤ 20: hold 4) → in stock",
    ]);
    expect(text("fr")).toEqual([
      "Boutique en ligne 8 = 10 vendables − 2 (fixe\u00a0: 2 unités)",
      "Meta 7 = 10 vendables − 3 (25\u00a0% de 10, arrondi au supérieur)",
      "Google 6 = 10 vendables − 4 (palier ≤ 20\u00a0: retenir 4) → en stock",
    ]);
  });

  it("records every rule part it weighed, lag-aware included", () => {
    const kinds = allocation.decisions.meta.explanation!.steps.map((step) => step.kind);
    expect(kinds).toEqual(["sellable", "percent", "lag_aware", "availability"]);
  });

  it("is shop defaults only, so the UI preview can show it as is", () => {
    expect(DEFAULT_RULES.collections).toEqual({});
    expect(DEFAULT_RULES.products).toEqual({});
    expect(DEFAULT_RULES.variants).toEqual({});
  });
});

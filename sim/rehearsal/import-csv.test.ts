import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCsv, scenarioFromCsv } from "./import-csv";

const here = path.dirname(new URL(import.meta.url).pathname);
const read = (name: string) => readFileSync(path.join(here, "testdata", name), "utf8");

describe("parseCsv", () => {
  it("reads quoted fields with commas, doubled quotes and CRLF", () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n')).toEqual([{ a: "x, y", b: 'say "hi"' }]);
  });
  it("skips blank lines and tolerates a byte-order mark", () => {
    expect(parseCsv("\uFEFFa\n\n1\n")).toEqual([{ a: "1" }]);
  });
});

describe("scenarioFromCsv (Shopify orders + products exports)", () => {
  const scenario = scenarioFromCsv(read("orders.csv"), read("products.csv"), "last-year");

  it("builds the catalogue from the products export, stock from Variant Inventory Qty, popularity from units ordered", () => {
    expect("variants" in scenario.catalogue && scenario.catalogue.variants).toEqual([
      { sku: "TEE-S", title: "Tee / S", price: 20, stock: 10, weight: 3 },
      { sku: "TEE-M", title: "Tee / M", price: 20, stock: 4, weight: 0 },
      { sku: "MUG", title: "Mug", price: 12, stock: 7, weight: 1 },
      { sku: "HOOD", title: 'Hoodie, "Limited"', price: 55, stock: 3, weight: 3 },
    ]);
  });

  it("takes the hourly curve, units per line and channel mix from the orders (unknown SKUs ignored)", () => {
    expect(scenario.start).toBe("2025-11-28T14:00:00.000Z");
    expect(scenario.durationHours).toBe(2);
    expect(scenario.demand).toEqual({
      orders: 4,
      hourly: [2, 2],
      unitsPerOrder: [
        [1, 2],
        [2, 1],
        [3, 1],
      ],
      channels: { online_store: 2, meta: 1, google: 1 },
    });
    expect(scenario.channels.meta.checkout).toBe("channel");
  });

  it("refuses exports without usable rows", () => {
    expect(() => scenarioFromCsv("Name,Created at\n", read("products.csv"))).toThrow(/no line items/);
    expect(() => scenarioFromCsv(read("orders.csv"), "Handle,Title\nx,y\n")).toThrow(/Variant SKU/);
  });
});

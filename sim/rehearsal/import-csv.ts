/**
 * Builds a rehearsal scenario from a merchant's own exports: Shopify admin → Orders →
 * Export (CSV, one row per line item) and Products → Export (CSV, one row per variant).
 * Catalogue: SKU, title, price and stock from the products export (stock from "Variant
 * Inventory Qty" when present, else the units ordered in the orders export); popularity
 * from units ordered; the hourly curve, units per line and channel mix from the orders.
 * Channel lags and webhook behaviour are the built-in Black Friday ones (edit the file).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { builtInScenario } from "~/rehearsal/families";
import { parseScenario, type Scenario } from "~/rehearsal/scenario";

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF, a header row. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let field = "";
  let row: string[] = [];
  let quoted = false;
  const source = text.replace(/^\uFEFF/, "");
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index]!;
    if (quoted) {
      if (char === '"' && source[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && source[index + 1] === "\n") index += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += char;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows.filter((cells) => cells.some((cell) => cell.trim() !== ""));
  if (!header) return [];
  const names = header.map((name) => name.trim());
  return body.map((cells) => Object.fromEntries(names.map((name, column) => [name, (cells[column] ?? "").trim()])));
}

const column = (row: Record<string, string>, ...names: string[]) => {
  for (const name of names) if (row[name] !== undefined && row[name] !== "") return row[name]!;
  return "";
};

function channelOf(source: string): "online_store" | "meta" | "google" {
  const value = source.toLowerCase();
  if (/facebook|instagram|meta/.test(value)) return "meta";
  if (/google|youtube/.test(value)) return "google";
  return "online_store";
}

interface ImportedVariant {
  sku: string;
  title: string;
  price: number;
  /** Null when the export has no inventory column: the units ordered stand in. */
  stock: number | null;
  units: number;
}

/** The products export: one variant per SKU (the product's title carries down to its later variant rows). */
function readVariants(products: Record<string, string>[]): Map<string, ImportedVariant> {
  const variants = new Map<string, ImportedVariant>();
  let lastTitle = "";
  for (const row of products) {
    const title = column(row, "Title") || lastTitle;
    lastTitle = title;
    const sku = column(row, "Variant SKU", "SKU");
    if (!sku || variants.has(sku)) continue;
    const option = column(row, "Option1 Value");
    const quantity = column(row, "Variant Inventory Qty", "Inventory quantity", "On hand");
    variants.set(sku, {
      sku,
      title: option && option !== "Default Title" ? `${title} / ${option}` : title,
      price: Number.parseFloat(column(row, "Variant Price", "Price")) || 0,
      stock: quantity === "" ? null : Math.max(0, Math.round(Number(quantity) || 0)),
      units: 0,
    });
  }
  if (variants.size === 0) throw new Error("the products CSV has no rows with a Variant SKU");
  return variants;
}

/** The orders export: each order's time and source, and its line items of known SKUs (order-level columns may be blank after the first line). */
function readOrderLines(orders: Record<string, string>[], variants: Map<string, ImportedVariant>) {
  const byOrder = new Map<string, { createdAt: number; source: string }>();
  const lines: { order: string; sku: string; units: number }[] = [];
  for (const row of orders) {
    const order = column(row, "Name", "Id");
    if (!order) continue;
    const createdAt = Date.parse(
      column(row, "Created at", "Paid at")
        .replace(/ ([+-]\d{2})(\d{2})$/, "$1:$2")
        .replace(" ", "T"),
    );
    const known = byOrder.get(order);
    if (!known && Number.isFinite(createdAt)) byOrder.set(order, { createdAt, source: column(row, "Source") });
    const sku = column(row, "Lineitem sku");
    const units = Number.parseInt(column(row, "Lineitem quantity"), 10);
    if (sku && variants.has(sku) && units > 0) lines.push({ order, sku, units });
  }
  const dated = lines.filter((line) => byOrder.has(line.order));
  if (dated.length === 0)
    throw new Error(
      "the orders CSV has no line items (Lineitem sku, Lineitem quantity, Created at) matching the products",
    );
  return { byOrder, dated };
}

/** The demand the orders show: line items per hour from the first order's hour (at most a week), units per line, channel mix; units ordered per variant. */
function demandFrom(orders: ReturnType<typeof readOrderLines>, variants: Map<string, ImportedVariant>) {
  const { byOrder, dated } = orders;
  const times = dated.map((line) => byOrder.get(line.order)!.createdAt);
  const first = Math.min(...times);
  const hourStart = first - (first % 3_600_000);
  const durationHours = Math.min(168, Math.max(1, Math.ceil((Math.max(...times) + 1 - hourStart) / 3_600_000)));
  const hourly = new Array<number>(durationHours).fill(0);
  const unitsHistogram = new Map<number, number>();
  const mix = { online_store: 0, meta: 0, google: 0 };
  for (const line of dated) {
    const { createdAt, source } = byOrder.get(line.order)!;
    hourly[Math.min(durationHours - 1, Math.floor((createdAt - hourStart) / 3_600_000))]! += 1;
    unitsHistogram.set(line.units, (unitsHistogram.get(line.units) ?? 0) + 1);
    mix[channelOf(source)] += 1;
    variants.get(line.sku)!.units += line.units;
  }
  return { hourStart, durationHours, hourly, unitsHistogram, mix, mixKnown: mix.meta + mix.google > 0 };
}

export function scenarioFromCsv(ordersText: string, productsText: string, name = "imported"): Scenario {
  const builtIn = builtInScenario("black-friday");
  const variants = readVariants(parseCsv(productsText));
  const orders = readOrderLines(parseCsv(ordersText), variants);
  const { hourStart, durationHours, hourly, unitsHistogram, mix, mixKnown } = demandFrom(orders, variants);
  const catalogue = [...variants.values()].map((variant) => ({
    sku: variant.sku,
    title: variant.title,
    price: variant.price,
    stock: variant.stock ?? variant.units,
    weight: variant.units,
  }));

  return parseScenario(
    {
      name,
      description:
        `Imported from a Shopify orders export (${orders.dated.length} line items, ${orders.byOrder.size} orders) and products export (${catalogue.length} variants), ` +
        `starting ${new Date(hourStart).toISOString()}. ` +
        (mixKnown
          ? "Channel mix from the orders' Source column. "
          : "The orders carry no Meta or Google source: the built-in 50/30/20 channel mix is used. ") +
        ([...variants.values()].some((variant) => variant.stock === null)
          ? "Stock without an inventory column = units ordered. "
          : "") +
        "Channel lags and webhook behaviour are the built-in Black Friday ones.",
      start: new Date(hourStart).toISOString(),
      durationHours,
      stepSeconds: builtIn.stepSeconds,
      catalogue: { variants: catalogue },
      demand: {
        orders: orders.dated.length,
        hourly,
        unitsPerOrder: [...unitsHistogram.entries()].sort((a, b) => a[0] - b[0]),
        channels: mixKnown ? mix : builtIn.demand.channels,
      },
      channels: builtIn.channels,
      webhooks: builtIn.webhooks,
    },
    "imported scenario",
  );
}

export function importShopifyCsv(files: { ordersCsv: string; productsCsv: string }): Scenario {
  return scenarioFromCsv(
    readFileSync(files.ordersCsv, "utf8"),
    readFileSync(files.productsCsv, "utf8"),
    path.basename(files.ordersCsv, path.extname(files.ordersCsv)),
  );
}

// @database
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyLevelUpdate, createMasterRecord, locationGid, shopDomain, variantGid } from "~/domain";
import { databaseProvider, databaseUrl } from "~/db.server";
import { applyEvents } from "~/ingest/apply-event.server";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { parseItemListQuery, type ItemListQuery } from "./item-list";
import { fillSearchText, listItems } from "./item-list.server";

const SHOP = "item-list.myshopify.com";
const OTHER_SHOP = "someone-else.myshopify.com";
const NOW = Date.UTC(2026, 11, 7, 12);
const MINUTE = 60_000;
const LOCATION = "gid://shopify/Location/1";
let testDatabase: TestDatabase;
const db = () => testDatabase.database;
const gid = (id: number) => `gid://shopify/ProductVariant/${id}`;

async function seedVariant(
  shop: string,
  id: number,
  fields: {
    title: string;
    sku?: string;
    barcode?: string;
    searchText?: string;
    available?: number;
    deleted?: boolean;
  },
) {
  await db().variant.create({
    data: {
      shop,
      gid: gid(id),
      productGid: `gid://shopify/Product/${id}`,
      inventoryItemGid: `gid://shopify/InventoryItem/${id}`,
      title: fields.title,
      sku: fields.sku ?? null,
      barcode: fields.barcode ?? null,
      // Left out, as the rows stored before the column existed: the list folds them itself.
      searchText: fields.searchText ?? null,
      deletedAt: fields.deleted ? new Date(NOW - MINUTE) : null,
    },
  });
  if (fields.available === undefined) return;
  const record = applyLevelUpdate(createMasterRecord(shopDomain(shop), variantGid(gid(id))), {
    locationId: locationGid(LOCATION),
    available: fields.available,
    onHand: fields.available,
    committed: 0,
    updatedAtMs: NOW - 10 * MINUTE,
  });
  await db().masterRecord.create({
    data: { shop, variantGid: gid(id), record: record as unknown as object, dirty: false },
  });
}

const stateRow = (id: number, channel: string, values: Record<string, unknown>) => ({
  shop: SHOP,
  channel,
  itemKey: channel === "online_store" ? `gid://shopify/InventoryItem/${id}|${LOCATION}` : `item-${id}`,
  variantGid: gid(id),
  desiredAvailability: "in_stock",
  explanation: {},
  computedAt: new Date(NOW - 5 * MINUTE),
  desired: 0,
  ...values,
});

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await seedVariant(SHOP, 1, { title: "Wool scarf — Red", sku: "SCARF-RED", barcode: "0123456789012", available: 10 });
  await seedVariant(SHOP, 2, { title: "Wool Scarf — Blue", sku: "SCARF-BLUE", available: 3 });
  await seedVariant(SHOP, 3, { title: "Écharpe en laine — Rouge", sku: "ECH-R", available: 4 });
  await seedVariant(SHOP, 4, { title: "Mug 100%_cotton sleeve", sku: "MUG_1", available: 1 });
  await seedVariant(SHOP, 5, { title: "Wool scarf — Green (deleted)", sku: "SCARF-GREEN", deleted: true });
  await seedVariant(SHOP, 7, { title: "Crème brûlée", sku: "CB-01" });
  await seedVariant(SHOP, 8, { title: "Bœuf bourguignon", sku: "BOEUF_9" });
  // Folded by its writer: the list keeps that text.
  await seedVariant(SHOP, 9, { title: "Tarte Tatin", sku: "TT-1", searchText: "tarte tatin\ntt-1\nfolded-by-writer" });
  await seedVariant(OTHER_SHOP, 6, { title: "Wool scarf — Other shop", sku: "SCARF-RED" });
  // Enough items for three pages of 50 when nothing narrows the list.
  for (let index = 0; index < 110; index++) {
    await seedVariant(SHOP, 1000 + index, { title: `Bulk item ${String(index).padStart(3, "0")}` });
  }
  await db().channelConnection.createMany({
    data: [
      { shop: SHOP, channel: "online_store", activatedAt: new Date(NOW - 60 * MINUTE) },
      { shop: SHOP, channel: "meta", activatedAt: new Date(NOW - 60 * MINUTE), encryptedCredentials: "k1:secret" },
    ],
  });
  await db().channelItemState.createMany({
    data: [
      // Red: Meta drifted up (sent 7, shows 9); the Online Store holds 2 of 10.
      stateRow(1, "meta", {
        desired: 7,
        pushed: 7,
        pushedAt: new Date(NOW - 9 * MINUTE),
        confirmed: 9,
        confirmedAt: new Date(NOW - 8 * MINUTE),
      }),
      stateRow(1, "online_store", { desired: 8, pushed: 8, confirmed: 8, confirmedAt: new Date(NOW - 9 * MINUTE) }),
      // Blue: near a sell-out on Meta (3 sellable, shown none), in sync.
      stateRow(2, "meta", {
        desired: 0,
        desiredAvailability: "out_of_stock",
        pushed: 0,
        confirmed: 0,
        confirmedAt: new Date(NOW - 2 * MINUTE),
        explanation: {
          channel: "meta",
          quantity: 0,
          sellable: 3,
          steps: [
            {
              kind: "availability",
              units: 0,
              params: { availability: "out_of_stock", nearSellout: true, lowStockMode: null },
            },
          ],
        },
      }),
      // Écharpe: on Meta, in sync, not near a sell-out.
      stateRow(3, "meta", {
        desired: 3,
        pushed: 3,
        confirmed: 3,
        confirmedAt: new Date(NOW - 2 * MINUTE),
        explanation: {
          channel: "meta",
          quantity: 3,
          sellable: 4,
          steps: [
            {
              kind: "availability",
              units: 3,
              params: { availability: "in_stock", nearSellout: false, lowStockMode: null },
            },
          ],
        },
      }),
    ],
  });
  await db().driftEpisode.create({
    data: {
      shop: SHOP,
      channel: "meta",
      itemKey: "item-1",
      variantGid: gid(1),
      expected: 7,
      observed: 9,
      startedAt: new Date(NOW - 8 * MINUTE),
    },
  });
  // Another shop's open drift on the same variant id never shows here.
  await db().driftEpisode.create({
    data: {
      shop: OTHER_SHOP,
      channel: "meta",
      itemKey: "item-6",
      variantGid: gid(3),
      expected: 1,
      observed: 2,
      startedAt: new Date(NOW),
    },
  });
  await db().heldStock.create({
    data: {
      shop: SHOP,
      inventoryItemGid: "gid://shopify/InventoryItem/1",
      locationGid: LOCATION,
      variantGid: gid(1),
      units: 2,
    },
  });
  await db().override.createMany({
    data: [
      { shop: SHOP, channel: "meta", variantGid: gid(3), quantity: 1, expiresAt: new Date(NOW + 60 * MINUTE) },
      // Expired: not "overridden" any more.
      { shop: SHOP, channel: "meta", variantGid: gid(4), quantity: 1, expiresAt: new Date(NOW - MINUTE) },
    ],
  });
});

afterAll(async () => {
  await testDatabase?.drop();
});

const query = (values: Partial<ItemListQuery> = {}): ItemListQuery => ({ query: "", page: 1, ...values });
const titles = async (values: Partial<ItemListQuery>) =>
  (await listItems(db(), SHOP, query(values), NOW)).items.map((item) => item.title);

describe("listItems: search", () => {
  it("finds by part of the title, whatever its case", async () => {
    expect(await titles({ query: "scarf" })).toEqual(["Wool Scarf — Blue", "Wool scarf — Red"]);
    expect(await titles({ query: "WOOL SCARF — r" })).toEqual(["Wool scarf — Red"]);
  });

  it("finds by SKU and by part of the barcode, never another shop's item nor a deleted one", async () => {
    expect(await titles({ query: "scarf-red" })).toEqual(["Wool scarf — Red"]);
    expect(await titles({ query: "456789" })).toEqual(["Wool scarf — Red"]);
    expect(await titles({ query: "SCARF-GREEN" })).toEqual([]);
  });

  it("ignores case and accents, in the query and in the item", async () => {
    expect(await titles({ query: "écharpe" })).toEqual(["Écharpe en laine — Rouge"]);
    expect(await titles({ query: "ÉCHARPE EN" })).toEqual(["Écharpe en laine — Rouge"]);
    expect(await titles({ query: "echarpe" })).toEqual(["Écharpe en laine — Rouge"]);
    expect(await titles({ query: "creme" })).toEqual(["Crème brûlée"]);
    expect(await titles({ query: "CRÈME" })).toEqual(["Crème brûlée"]);
    expect(await titles({ query: "Creme   Brulee" })).toEqual(["Crème brûlée"]);
    expect(await titles({ query: "crême brulée" })).toEqual(["Crème brûlée"]);
    expect(await titles({ query: "boeuf" })).toEqual(["Bœuf bourguignon"]);
  });

  it("finds by SKU whatever its case, and never across two fields", async () => {
    expect(await titles({ query: "cb-01" })).toEqual(["Crème brûlée"]);
    expect(await titles({ query: "boeuf_9" })).toEqual(["Bœuf bourguignon"]);
    expect(await titles({ query: "brulee cb" })).toEqual([]);
  });

  it("finds an item as a products webhook wrote it, accents and all", async () => {
    const provider = databaseProvider(databaseUrl(db()));
    const body = {
      id: 77,
      title: "Pâte à crêpes",
      variants: [{ id: 77, title: "Sans gluten", sku: "PÂTE-SG", inventory_item_id: 77 }],
    };
    await db().$transaction((tx) =>
      applyEvents(
        tx,
        SHOP,
        [{ eventId: "p77", shop: SHOP, topic: "products/update", payload: JSON.stringify(body) }],
        provider,
      ),
    );
    const written = await db().variant.findUnique({ where: { shop_gid: { shop: SHOP, gid: gid(77) } } });
    expect(written?.searchText).toBe("pate a crepes — sans gluten\npate-sg\n");
    expect(await titles({ query: "pate a crepes" })).toEqual(["Pâte à crêpes — Sans gluten"]);
  });

  it("folds the items stored without a search text once, and keeps the text a writer folded", async () => {
    const provider = databaseProvider(databaseUrl(db()));
    await titles({ query: "anything" });
    await seedVariant(SHOP, 10, { title: "Galette des Rois" });
    expect(await fillSearchText(db(), provider, SHOP)).toBe(1);
    expect(await fillSearchText(db(), provider, SHOP)).toBe(0);
    const stored = await db().variant.findMany({
      where: { shop: SHOP, gid: { in: [gid(10), gid(7), gid(9)] } },
      select: { searchText: true },
      orderBy: { gid: "asc" },
    });
    expect(stored.map((row) => row.searchText)).toEqual([
      "galette des rois\n\n",
      "creme brulee\ncb-01\n",
      "tarte tatin\ntt-1\nfolded-by-writer",
    ]);
    expect(await titles({ query: "folded-by-writer" })).toEqual(["Tarte Tatin"]);
    // Another shop's items wait for that shop's own search.
    const other = await db().variant.findFirst({ where: { shop: OTHER_SHOP }, select: { searchText: true } });
    expect(other?.searchText).toBeNull();
  });

  it("takes % and _ literally", async () => {
    expect(await titles({ query: "100%_" })).toEqual(["Mug 100%_cotton sleeve"]);
    expect(await titles({ query: "%" })).toEqual(["Mug 100%_cotton sleeve"]);
    expect(await titles({ query: "_1" })).toEqual(["Mug 100%_cotton sleeve"]);
  });
});

describe("listItems: filters", () => {
  it("narrows to items in drift, held on the Online Store, overridden now, or near a sell-out", async () => {
    expect(await titles({ filter: "drift" })).toEqual(["Wool scarf — Red"]);
    expect(await titles({ filter: "held" })).toEqual(["Wool scarf — Red"]);
    expect(await titles({ filter: "overridden" })).toEqual(["Écharpe en laine — Rouge"]);
    expect(await titles({ filter: "near_sellout" })).toEqual(["Wool Scarf — Blue"]);
  });

  it("narrows to a channel, alone or with a filter, and combines with the search", async () => {
    // Accented titles sort by each database's collation: compare the set.
    expect((await titles({ channel: "meta" })).sort()).toEqual(
      ["Écharpe en laine — Rouge", "Wool Scarf — Blue", "Wool scarf — Red"].sort(),
    );
    expect(await titles({ channel: "online_store" })).toEqual(["Wool scarf — Red"]);
    expect(await titles({ filter: "drift", channel: "google" })).toEqual([]);
    expect(await titles({ filter: "held", channel: "meta" })).toEqual([]);
    expect(await titles({ filter: "near_sellout", channel: "meta", query: "blue" })).toEqual(["Wool Scarf — Blue"]);
  });
});

describe("listItems: pages and rows", () => {
  it("pages 50 at a time in title order, with the total", async () => {
    const first = await listItems(db(), SHOP, query({ query: "bulk" }), NOW);
    expect(first).toMatchObject({ page: 1, pageSize: 50, total: 110, hasNext: true });
    expect(first.items).toHaveLength(50);
    expect(first.items[0]!.title).toBe("Bulk item 000");
    const last = await listItems(db(), SHOP, query({ query: "bulk", page: 3 }), NOW);
    expect(last).toMatchObject({ page: 3, total: 110, hasNext: false });
    expect(last.items.map((item) => item.title)).toEqual(
      Array.from({ length: 10 }, (_, index) => `Bulk item ${100 + index}`),
    );
  });

  it("gives each row its sellable stock, holds, overrides and what each channel shows, drift flagged", async () => {
    const [red] = (await listItems(db(), SHOP, query({ query: "SCARF-RED" }), NOW)).items;
    expect(red).toMatchObject({
      variantId: gid(1),
      sku: "SCARF-RED",
      barcode: "0123456789012",
      sellable: 10,
      held: 2,
      overridden: [],
    });
    expect(red!.channels.map((entry) => [entry.channel, entry.shows.value, entry.wants, entry.status])).toEqual([
      // The Online Store sells Shopify's available (10) where Ballast wants 8.
      ["online_store", 10, 8, "differs"],
      ["meta", 9, 7, "drift"],
      ["google", null, null, "not_connected"],
    ]);
    expect(red!.channels[1]!.since).toBe(new Date(NOW - 8 * MINUTE).toISOString());
    const [echarpe] = (await listItems(db(), SHOP, query({ query: "ECH-R" }), NOW)).items;
    expect(echarpe!.overridden).toEqual(["meta"]);
    expect(echarpe!.channels[1]).toMatchObject({ status: "in_sync", wants: 3 });
  });
});

describe("parseItemListQuery", () => {
  it("reads the URL: empty means any, unknown filters and channels are refused", () => {
    expect(parseItemListQuery(new URLSearchParams("query=%20scarf%20&filter=&channel=&page=2"))).toMatchObject({
      success: true,
      data: { query: "scarf", page: 2 },
    });
    expect(parseItemListQuery(new URLSearchParams("filter=sold")).success).toBe(false);
    expect(parseItemListQuery(new URLSearchParams("channel=tiktok")).success).toBe(false);
    expect(parseItemListQuery(new URLSearchParams("page=0")).success).toBe(false);
  });
});

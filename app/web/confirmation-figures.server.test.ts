// @database
/**
 * The numbers the confirmations state before a destructive or store-wide action: items and
 * units a channel would stop selling or stop updating, the units Ballast holds (released by
 * "release all holds" and by observing the Online Store), the items whose buffer goes back to
 * the shop defaults when a product's or collection's rules are removed. And the shop's time
 * zone, kept on its row for the worker's emails, written only when it changes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { loadBuffers } from "./buffers.server";
import { channelImpacts, heldByBallast } from "./channels.server";
import { recordShopTimeZone } from "./shop-profile.server";

const SHOP = "figures-shop.myshopify.com";
const EMPTY = "figures-empty.myshopify.com";
const LOCATIONS = ["gid://shopify/Location/1", "gid://shopify/Location/2"];
const COLLECTION = "gid://shopify/Collection/77";
let testDatabase: TestDatabase;
const db = () => testDatabase.database;

const variant = (id: number) => `gid://shopify/ProductVariant/${id}`;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  // Product 10 has variants 1 and 2 (2 in collection 77), product 20 has variant 3 (in 77), variant 4 is deleted.
  const variants = [
    { id: 1, product: 10, collections: [] as string[] },
    { id: 2, product: 10, collections: [COLLECTION] },
    { id: 3, product: 20, collections: [COLLECTION, "gid://shopify/Collection/78"] },
    { id: 4, product: 20, collections: [COLLECTION], deleted: true },
  ];
  for (const entry of variants) {
    await db().variant.create({
      data: {
        shop: SHOP,
        gid: variant(entry.id),
        productGid: `gid://shopify/Product/${entry.product}`,
        inventoryItemGid: `gid://shopify/InventoryItem/${entry.id}`,
        title: `Item ${entry.id}`,
        collectionGids: entry.collections,
        deletedAt: entry.deleted ? new Date() : null,
      },
    });
  }
  const state = (channel: string, itemKey: string, id: number, desired: number) => ({
    shop: SHOP,
    channel,
    itemKey,
    variantGid: variant(id),
    desired,
    desiredAvailability: desired > 0 ? "in_stock" : "out_of_stock",
    explanation: {},
    computedAt: new Date(),
  });
  await db().channelItemState.createMany({
    data: [
      // The Online Store: one row per item and location; item 1 sells at both locations.
      state("online_store", `1|${LOCATIONS[0]}`, 1, 4),
      state("online_store", `1|${LOCATIONS[1]}`, 1, 3),
      state("online_store", `2|${LOCATIONS[0]}`, 2, 0),
      state("online_store", `3|${LOCATIONS[0]}`, 3, 5),
      state("meta", "1", 1, 6),
      state("meta", "2", 2, 0),
    ],
  });
  await db().heldStock.createMany({
    data: [
      { shop: SHOP, inventoryItemGid: "i1", locationGid: LOCATIONS[0]!, variantGid: variant(1), units: 2 },
      { shop: SHOP, inventoryItemGid: "i1", locationGid: LOCATIONS[1]!, variantGid: variant(1), units: 1 },
      { shop: SHOP, inventoryItemGid: "i3", locationGid: LOCATIONS[0]!, variantGid: variant(3), units: 4 },
      // Released already: not counted.
      { shop: SHOP, inventoryItemGid: "i2", locationGid: LOCATIONS[0]!, variantGid: variant(2), units: 0 },
    ],
  });
  const rule = (scope: string, scopeGid: string) => ({
    shop: SHOP,
    channel: "meta",
    scope,
    scopeGid,
    rule: { fixedUnits: 2 },
  });
  await db().bufferRule.createMany({
    data: [rule("product", "gid://shopify/Product/10"), rule("collection", COLLECTION)],
  });
  await db().shop.create({ data: { shop: SHOP } });
});
afterAll(async () => {
  await testDatabase?.drop();
});

describe("what a channel's confirmation counts", () => {
  it("counts items once across locations, and the units each channel offers now", async () => {
    const impacts = await channelImpacts(db(), SHOP);
    expect(impacts.online_store).toEqual({ items: 3, itemsOnSale: 2, unitsOnSale: 12 });
    expect(impacts.meta).toEqual({ items: 2, itemsOnSale: 1, unitsOnSale: 6 });
    expect(impacts.google).toEqual({ items: 0, itemsOnSale: 0, unitsOnSale: 0 });
  });

  it("counts the units Ballast holds, and of how many items", async () => {
    expect(await heldByBallast(db(), SHOP)).toEqual({ units: 7, items: 2 });
    expect(await heldByBallast(db(), EMPTY)).toEqual({ units: 0, items: 0 });
  });
});

describe("what removing a rule changes", () => {
  it("counts the items of a product and of a collection Ballast knows (deleted ones left out)", async () => {
    const { targets } = await loadBuffers(db(), SHOP, Date.now());
    expect(targets.map(({ scope, gid, items }) => ({ scope, gid, items }))).toEqual([
      { scope: "product", gid: "gid://shopify/Product/10", items: 2 },
      { scope: "collection", gid: COLLECTION, items: 2 },
    ]);
  });
});

describe("the shop's time zone on its row", () => {
  it("is written when it differs from the stored one, and only then", async () => {
    expect(await recordShopTimeZone(db(), SHOP, "Europe/Paris")).toBe(true);
    expect(await recordShopTimeZone(db(), SHOP, "Europe/Paris")).toBe(false);
    expect((await db().shop.findUnique({ where: { shop: SHOP } }))?.timeZone).toBe("Europe/Paris");
    expect(await recordShopTimeZone(db(), SHOP, "America/New_York")).toBe(true);
    expect((await db().shop.findUnique({ where: { shop: SHOP } }))?.timeZone).toBe("America/New_York");
    // A shop without a row yet (the install writes it): nothing to update.
    expect(await recordShopTimeZone(db(), EMPTY, "Europe/Paris")).toBe(false);
  });
});

// @database
/**
 * The reinstall offer: units Ballast left held are found from its own record while the Online
 * Store observes (a reinstall starts there), and releasing them is the tracked release_holds
 * operation (releaseOwnHolds, compare-and-swap). The check against Shopify itself runs in
 * tests/e2e/browser/onboarding.test.ts against the fake Shopify.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { releaseStrandedHolds, strandedHolds } from "./stranded.server";

const SHOP = "stranded.myshopify.com";
let testDatabase: TestDatabase;
const db = () => testDatabase.database;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

const held = (item: string, location: string, variant: string, units: number) => ({
  shop: SHOP,
  inventoryItemGid: `gid://shopify/InventoryItem/${item}`,
  locationGid: `gid://shopify/Location/${location}`,
  variantGid: `gid://shopify/ProductVariant/${variant}`,
  units,
});

describe("stranded holds", { shuffle: false }, () => {
  it("GIVEN nothing held THEN nothing is offered", async () => {
    expect(await strandedHolds(db(), SHOP, "")).toBeNull();
  });

  it("GIVEN Ballast's record holds units while the Online Store observes THEN they are offered (the record's figures when Shopify cannot be asked)", async () => {
    await db().heldStock.createMany({
      data: [
        held("1", "10", "100", 3),
        held("1", "11", "100", 2),
        held("2", "10", "200", 1),
        held("3", "10", "300", 0),
      ],
    });
    expect(await strandedHolds(db(), SHOP, "")).toEqual({ units: 6, items: 2, locations: 2, checked: false });
  });

  it("GIVEN the Online Store active THEN held units are its working buffer, not stranded", async () => {
    await db().channelConnection.create({ data: { shop: SHOP, channel: "online_store", activatedAt: new Date() } });
    expect(await strandedHolds(db(), SHOP, "")).toBeNull();
    await db().channelConnection.update({
      where: { shop_channel: { shop: SHOP, channel: "online_store" } },
      data: { activatedAt: null },
    });
  });

  it("WHEN the merchant releases them THEN one release_holds operation is queued and logged", async () => {
    await releaseStrandedHolds(db(), SHOP, Date.now());
    await releaseStrandedHolds(db(), SHOP, Date.now());
    expect(await db().operation.findMany({ where: { shop: SHOP }, select: { kind: true, state: true } })).toEqual([
      { kind: "release_holds", state: "queued" },
    ]);
    expect(
      (await db().activity.findMany({ where: { shop: SHOP } })).map((entry) => [entry.kind, entry.channel]),
    ).toContainEqual(["holds_released", "online_store"]);
    // Nothing is released by asking: the worker's operation moves the units.
    expect((await db().heldStock.aggregate({ where: { shop: SHOP }, _sum: { units: true } }))._sum.units).toBe(6);
  });
});

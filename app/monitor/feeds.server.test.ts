// @database
/**
 * Fallback feeds from the desired values: tokens, formats, revocation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { revokeFeedTokens, rotateFeedToken, serveFeed } from "./feeds.server";

const SHOP = "feeds-test.myshopify.com";
const NOW = new Date(Date.UTC(2026, 10, 27, 12));
let testDatabase: TestDatabase;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  const base = { shop: SHOP, desiredAvailability: "", explanation: {}, computedAt: NOW };
  await testDatabase.database.channelItemState.createMany({
    data: [
      { ...base, channel: "meta", itemKey: "1001", variantGid: "gid://shopify/ProductVariant/1001", desired: 7 },
      { ...base, channel: "meta", itemKey: "1002", variantGid: "gid://shopify/ProductVariant/1002", desired: 0 },
      {
        ...base,
        channel: "google",
        itemKey: "shopify_US_1_1001",
        variantGid: "gid://shopify/ProductVariant/1001",
        desired: 1,
      },
      {
        ...base,
        channel: "google",
        itemKey: "shopify_US_1_1002",
        variantGid: "gid://shopify/ProductVariant/1002",
        desired: 0,
      },
      {
        ...base,
        channel: "google",
        itemKey: "shopify_US_1_<&>",
        variantGid: "gid://shopify/ProductVariant/1003",
        desired: 2,
      },
    ],
  });
  // Both channels activated: a feed of a channel in observe mode lists nothing (last test).
  await testDatabase.database.channelConnection.createMany({
    data: [
      { shop: SHOP, channel: "meta", activatedAt: NOW },
      { shop: SHOP, channel: "google", activatedAt: NOW },
    ],
  });
});
afterAll(async () => {
  await testDatabase?.drop();
});

describe("fallback feeds", { shuffle: false }, () => {
  it("serves Meta CSV and XML from desired values; unknown tokens and formats are 404 (null)", async () => {
    const token = await rotateFeedToken(testDatabase.database, SHOP, "meta", NOW);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const csv = await serveFeed(testDatabase.database, token, "csv", NOW);
    expect(csv?.body).toBe("id,quantity_to_sell_on_facebook,availability\n1001,7,in stock\n1002,0,out of stock\n");
    const xml = await serveFeed(testDatabase.database, token, "xml", NOW);
    expect(xml?.body).toContain(
      "<item><g:id>1001</g:id><g:availability>in stock</g:availability><g:quantity_to_sell_on_facebook>7</g:quantity_to_sell_on_facebook></item>",
    );
    expect(await serveFeed(testDatabase.database, token, "tsv", NOW)).toBeNull();
    // Another last character (one in 64 tokens already ends in "A": replacing it with "A" was no change).
    expect(
      await serveFeed(testDatabase.database, `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`, "csv", NOW),
    ).toBeNull();
    expect(await serveFeed(testDatabase.database, "short", "csv", NOW)).toBeNull();
    const row = await testDatabase.database.feedToken.findFirst({
      where: { shop: SHOP, channel: "meta", revokedAt: null },
    });
    expect(row?.tokenHash).not.toContain(token);
    expect(row?.lastFetchedAt).toEqual(NOW);
  });

  it("serves the Google supplemental feed (availability, pause=ads) with XML escaping", async () => {
    const token = await rotateFeedToken(testDatabase.database, SHOP, "google", NOW);
    const tsv = await serveFeed(testDatabase.database, token, "tsv", NOW);
    expect(tsv?.body.split("\n")).toEqual([
      "id\tavailability\tpause",
      "shopify_US_1_1001\tin_stock\t",
      "shopify_US_1_1002\tout_of_stock\t",
      "shopify_US_1_<&>\tin_stock\tads",
      "",
    ]);
    const xml = await serveFeed(testDatabase.database, token, "xml", NOW);
    expect(xml?.body).toContain(
      "<g:id>shopify_US_1_&lt;&amp;&gt;</g:id><g:availability>in_stock</g:availability><g:pause>ads</g:pause>",
    );
    expect(xml?.contentType).toMatch(/xml/);
  });

  it("rotating or revoking a token closes the old URL", async () => {
    const first = await rotateFeedToken(testDatabase.database, SHOP, "meta", NOW);
    const second = await rotateFeedToken(testDatabase.database, SHOP, "meta", NOW);
    expect(await serveFeed(testDatabase.database, first, "csv", NOW)).toBeNull();
    expect(await serveFeed(testDatabase.database, second, "csv", NOW)).not.toBeNull();
    await revokeFeedTokens(testDatabase.database, SHOP, "meta", NOW);
    expect(await serveFeed(testDatabase.database, second, "csv", NOW)).toBeNull();
  });

  it("a channel in observe mode is served the header alone: Ballast overrides nothing there", async () => {
    const token = await rotateFeedToken(testDatabase.database, SHOP, "google", NOW);
    await testDatabase.database.channelConnection.update({
      where: { shop_channel: { shop: SHOP, channel: "google" } },
      data: { activatedAt: null },
    });
    expect((await serveFeed(testDatabase.database, token, "tsv", NOW))?.body).toBe("id\tavailability\tpause\n");
    expect((await serveFeed(testDatabase.database, token, "xml", NOW))?.body).not.toContain("<item>");
    await testDatabase.database.channelConnection.update({
      where: { shop_channel: { shop: SHOP, channel: "google" } },
      data: { activatedAt: NOW },
    });
    expect((await serveFeed(testDatabase.database, token, "tsv", NOW))?.body).toContain("shopify_US_1_1001\tin_stock");
  });
});

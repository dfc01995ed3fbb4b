// @database
/**
 * The Channels page's services against the fake Meta and Google: connect (validated, checked
 * with the channel, only then stored sealed), test, disconnect, the item-id template preview
 * (matched / unmatched), and the long operations (resync, release holds) with their Activity.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorld, type World } from "../../sim/world";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { testServerEnv } from "../../tests/support/shopify";
import { connectChannel, disconnectChannel, testChannel } from "./channel-connections.server";
import { recentOperations, startOperation, trackFirstFullRead } from "./channel-operations.server";
import { previewTemplates } from "./template-preview.server";

let world: World;
let testDatabase: TestDatabase;
const db = () => testDatabase.database;

beforeAll(async () => {
  world = await startWorld({ variants: 3, stockPerVariant: () => 5 });
  // The connectors read base URLs from the environment, as in production: point them at the fakes.
  const { NODE_ENV: _production, LOG_LEVEL: _debug, ...settings } = testServerEnv(world.env);
  Object.assign(process.env, settings);
  testDatabase = await createTestDatabase();
  for (const [index, variant] of world.variants.entries()) {
    await db().variant.create({
      data: {
        shop: world.shop,
        gid: variant.variantGid,
        productGid: variant.productGid,
        inventoryItemGid: variant.inventoryItemGid,
        title: `Product ${index + 1}`,
        sku: variant.sku,
      },
    });
  }
  // A variant the catalogs do not have: always unmatched.
  await db().variant.create({
    data: {
      shop: world.shop,
      gid: "gid://shopify/ProductVariant/99999999999999999",
      productGid: "gid://shopify/Product/1",
      inventoryItemGid: "gid://shopify/InventoryItem/1",
      title: "Not in any catalog",
      sku: null,
    },
  });
});
afterAll(async () => {
  await testDatabase?.drop();
  await world?.close();
});

const row = (channel: string) =>
  db().channelConnection.findUnique({ where: { shop_channel: { shop: world.shop, channel } } });
const kinds = async () =>
  (await db().activity.findMany({ where: { shop: world.shop }, orderBy: { at: "asc" } })).map(
    (entry) => `${entry.kind}:${entry.channel ?? ""}`,
  );

describe("channels", { shuffle: false }, () => {
  it("GIVEN invalid fields WHEN connecting Meta THEN each field is named and nothing is stored", async () => {
    const result = await connectChannel(
      db(),
      world.shop,
      {
        channel: "meta",
        config: { catalogId: "abc", itemIdTemplate: "{nope}" },
        credentials: { accessToken: "short" },
      },
      Date.now(),
    );
    expect(result).toMatchObject({ ok: false, code: "invalid" });
    expect(Object.keys((result as { fields: Record<string, string> }).fields).sort()).toEqual([
      "config.catalogId",
      "config.itemIdTemplate",
      "credentials.accessToken",
    ]);
    expect(await row("meta")).toBeNull();
  });

  it("GIVEN a token Meta refuses WHEN connecting THEN the channel's diagnosis is returned and nothing is stored", async () => {
    const result = await connectChannel(
      db(),
      world.shop,
      {
        channel: "meta",
        config: { catalogId: world.catalogId },
        credentials: { accessToken: "EAAB-not-a-token-meta-knows-0000000000" },
      },
      Date.now(),
    );
    expect(result).toMatchObject({ ok: false, code: "health_failed" });
    expect(await row("meta")).toBeNull();
  });

  it("GIVEN working credentials WHEN connecting Meta and Google THEN they are stored sealed, tested, and logged", async () => {
    expect(
      await connectChannel(
        db(),
        world.shop,
        {
          channel: "meta",
          config: { catalogId: world.catalogId },
          credentials: { accessToken: world.metaAccessToken },
        },
        Date.now(),
      ),
    ).toMatchObject({ ok: true });
    expect(
      await connectChannel(
        db(),
        world.shop,
        {
          channel: "google",
          config: { accountId: world.google_.accountId, dataSourceId: world.google_.dataSourceId },
          credentials: { kind: "refresh_token", ...world.google_.refreshToken },
        },
        Date.now(),
      ),
    ).toMatchObject({ ok: true });
    const meta = await row("meta");
    expect(meta).toMatchObject({
      state: "active",
      config: { catalogId: world.catalogId, itemIdTemplate: "{variantId}" },
    });
    expect(meta!.encryptedCredentials).not.toContain(world.metaAccessToken);
    expect(await testChannel(db(), world.shop, "meta", Date.now())).toMatchObject({ ok: true });
    expect(await testChannel(db(), world.shop, "google", Date.now())).toMatchObject({ ok: true });
    expect(await kinds()).toEqual(["channel_connected:meta", "channel_connected:google"]);
  });

  it("GIVEN connected catalogs WHEN previewing item-id templates THEN the catalog's items are matched and the others listed as unmatched", async () => {
    const meta = await previewTemplates(db(), world.shop, "meta", { template: "{variantId}", countryCode: "US" });
    expect(meta.method).toBe("catalog");
    expect(meta.matched.map((entry) => entry.itemId).sort()).toEqual(
      world.variants.map((variant) => variant.metaRetailerId).sort(),
    );
    expect(meta.unmatched.map((entry) => entry.title)).toEqual(["Not in any catalog"]);

    const google = await previewTemplates(db(), world.shop, "google", { template: "", countryCode: "US" });
    expect(google.method).toBe("read_back");
    expect(google.matched.map((entry) => entry.itemId).sort()).toEqual(
      world.variants.map((variant) => variant.googleOfferId).sort(),
    );
    expect(google.unmatched.map((entry) => entry.title)).toEqual(["Not in any catalog"]);

    // A wrong template matches nothing, and says so rather than guessing.
    const wrong = await previewTemplates(db(), world.shop, "meta", {
      template: "shopify_{countryCode}_{productId}_{variantId}",
      countryCode: "US",
    });
    expect(wrong.matched).toEqual([]);
    expect(wrong.unmatched).toHaveLength(4);
  });

  it("GIVEN Meta is connected WHEN disconnected THEN the credentials are deleted and the test reports nothing to test", async () => {
    expect(await disconnectChannel(db(), world.shop, "meta", Date.now())).toBe(true);
    expect(await row("meta")).toMatchObject({ state: "disconnected", encryptedCredentials: null });
    expect(await testChannel(db(), world.shop, "meta", Date.now())).toBeNull();
    expect(await disconnectChannel(db(), world.shop, "meta", Date.now())).toBe(false);
    expect((await kinds()).at(-1)).toBe("channel_disconnected:meta");
  });

  it("WHEN resync and release holds are asked THEN each is queued as an operation the pages show with progress, and logged", async () => {
    await startOperation(db(), { shop: world.shop, kind: "resync", nowMs: Date.now(), source: "admin" });
    await startOperation(db(), { shop: world.shop, kind: "release_holds", nowMs: Date.now(), source: "admin" });
    const operations = await recentOperations(db(), world.shop);
    expect(operations.map((operation) => [operation.kind, operation.state]).sort()).toEqual([
      ["release_holds", "queued"],
      ["resync", "queued"],
    ]);
    expect((await kinds()).slice(-2)).toEqual(["resync_requested:", "holds_released:online_store"]);
  });

  it("GIVEN a shop never read in full WHEN pages open THEN one first-read operation is tracked; once read, none", async () => {
    await trackFirstFullRead(db(), world.shop);
    await trackFirstFullRead(db(), world.shop);
    expect(await db().operation.count({ where: { shop: world.shop, kind: "full_read" } })).toBe(1);
    // Even after it failed: the failure stays visible, the merchant retries with "Resync now".
    await db().operation.updateMany({ where: { shop: world.shop, kind: "full_read" }, data: { state: "failed" } });
    await trackFirstFullRead(db(), world.shop);
    expect(await db().operation.count({ where: { shop: world.shop, kind: "full_read" } })).toBe(1);

    const other = "read-already.myshopify.com";
    await db().shop.create({ data: { shop: other, lastFullReadAt: new Date() } });
    await trackFirstFullRead(db(), other);
    expect(await db().operation.count({ where: { shop: other } })).toBe(0);
  });
});

// @database
/**
 * Several locations, end to end: a shop with a Warehouse and a Shop front holding different
 * stock, each channel selling from the locations the merchant chose on its settings page
 * (Online Store: all; Meta: the Warehouse; Google: the Shop front), against a real database,
 * the HTTP fakes and the sync worker. Each channel's figure in the fakes is checked against
 * the default rules worked by hand; a stock change at one location, delivered as Shopify's
 * signed inventory_levels/update, moves only the channels that sell from there; closing the
 * Shop front (its stock moved to the Warehouse, the location deactivated) is followed through.
 *
 * The default rules (app/domain/default-rules.ts), with no sales yet (no lag-aware hold):
 * - Online Store: hold 2, held in safety_stock where stock is deepest; never hides the last 3.
 * - Meta: hold ceil(25%).
 * - Google: hold everything at 3 or fewer, 4 up to 20, nothing above. Here in "out of stock"
 *   low-stock mode, so nothing shown means out of stock (not "in stock, ads paused").
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GOOGLE_CODE } from "~/channels/item-value";
import { stockWebhookListener } from "~/ingest/stock-webhook-listener.server";
import { closeWebhookRecorder } from "~/ingest/webhook-group-commit.server";
import { activateChannel } from "~/web/activation.server";
import { loadChannelSettingsPage, saveChannelSettings } from "~/web/channel-settings.server";
import type { SettingsDraft } from "~/web/channel-settings-form";
import { SyncWorker } from "~/worker/worker.server";
import { VirtualClock } from "../../sim/fakes/meta/clock";
import { DEFAULT_FAKE_APP } from "../../sim/fakes/shopify";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { startWorld, type World } from "../../sim/world";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { finishBulkAtOnce } from "../../tests/support/instant-waits";

const KEY = Buffer.alloc(32, 11);
const MINUTE = 60_000;
// Available units per variant at each location.
const WAREHOUSE = [10, 2];
const SHOP_FRONT = [6, 30];

let testDatabase: TestDatabase;
let webhookServer: Server;
let world: World;
let worker: SyncWorker;
// One clock for the fakes, the connectors and the worker: Shopify's level times and Ballast's
// own stamps are then read on the same time line, and waits take no real time.
const clock = new VirtualClock(Date.now());

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  // Shopify's webhooks reach the app's own listener, signed with the app secret.
  webhookServer = createServer(
    stockWebhookListener({ database: () => testDatabase.database, secret: () => DEFAULT_FAKE_APP.clientSecret }),
  );
  await new Promise<void>((resolve) => webhookServer.listen(0, "127.0.0.1", resolve));
  const { port } = webhookServer.address() as AddressInfo;
  world = await startWorld({
    variants: WAREHOUSE.length,
    stockPerVariant: (index) => WAREHOUSE[index]!,
    extraLocations: [{ name: "Shop front", stockPerVariant: (index) => SHOP_FRONT[index]! }],
    webhooks: { url: `http://127.0.0.1:${port}/webhooks/stock`, secret: DEFAULT_FAKE_APP.clientSecret },
    clock,
  });
  finishBulkAtOnce(world);
  // A fresh install: every channel observed until the merchant has chosen its locations.
  await installShop(testDatabase.database, world, KEY, { activate: false });
  worker = new SyncWorker({
    database: testDatabase.database,
    provider: testDatabase.provider,
    connectors: worldConnectors(world, testDatabase.database, KEY, { clock }),
    clock: () => new Date(clock.now()),
    pushIntervalMs: { online_store: 0, meta: 0, google: 0 },
    random: () => 0.5,
  });
});

afterAll(async () => {
  await world?.close();
  await new Promise((resolve) => webhookServer?.close(resolve));
  if (testDatabase) await closeWebhookRecorder(testDatabase.database);
  await testDatabase?.drop();
});

const pass = async () => {
  clock.advance(MINUTE);
  return worker.runOnce();
};
const warehouse = () => world.locations[0]!.gid;
const shopFront = () => world.locations[1]!.gid;
const shopify = (index: number, location: string) =>
  world.shopify.quantities(world.shop, world.variants[index]!.inventoryItemGid, location)!;
const meta = (index: number) => world.meta.control.trueItem(world.catalogId, world.variants[index]!.metaRetailerId)!;
const google = (index: number) => world.google.control.trueProduct(world.variants[index]!.googleOfferId)!;
const rowOf = (channel: string, itemKey: string) =>
  testDatabase.database.channelItemState.findUniqueOrThrow({
    where: { shop_channel_itemKey: { shop: world.shop, channel, itemKey } },
  });
const googleRow = (index: number) => rowOf("google", world.variants[index]!.googleOfferId);

/** The merchant picks the channel's locations on its settings page, the rest of the form as loaded. */
async function chooseLocations(
  channel: "online_store" | "meta" | "google",
  locations: "all" | string[],
  extra: Partial<SettingsDraft> = {},
) {
  const page = await loadChannelSettingsPage(testDatabase.database, world.shop, channel);
  const draft: SettingsDraft = {
    ...page.draft,
    locationsMode: locations === "all" ? "all" : "selected",
    locations: locations === "all" ? [] : locations,
    ...extra,
  };
  return saveChannelSettings(testDatabase.database, {
    shop: world.shop,
    channel,
    draft,
    nowMs: clock.now(),
    source: "admin",
  });
}

/** Shopify's inventory_levels/update for one level, after the merchant changed it in admin, through the app's listener. */
async function merchantSets(index: number, location: string, available: number) {
  const item = world.variants[index]!.inventoryItemGid;
  world.shopify.setQuantities(world.shop, item, location, { available });
  const [delivery] = await world.shopify.sendWebhook(
    world.shop,
    "inventory_levels/update",
    world.shopify.inventoryLevelUpdatePayload(world.shop, item, location),
  );
  expect(delivery).toMatchObject({ status: 200 });
}

describe("several locations, each channel selling from its own", { shuffle: false }, () => {
  it("GIVEN two stocked locations WHEN Ballast has read the shop THEN the settings page offers both, by name", async () => {
    await pass();
    await pass();
    const page = await loadChannelSettingsPage(testDatabase.database, world.shop, "meta");
    expect(page.locations).toEqual([
      { gid: shopFront(), name: "Shop front", active: true },
      { gid: warehouse(), name: "Warehouse", active: true },
    ]);
    expect(page.draft.locationsMode).toBe("all");
  });

  it("GIVEN Online Store: all, Meta: Warehouse, Google: Shop front WHEN activated THEN each channel shows what the rules make of its own locations' stock", async () => {
    // "All locations" is the default: saving it changes nothing.
    expect(await chooseLocations("online_store", "all")).toEqual({ ok: true, changed: false });
    expect(await chooseLocations("meta", [warehouse()])).toEqual({ ok: true, changed: true });
    expect(await chooseLocations("google", [shopFront()], { lowStock: "out_of_stock" })).toEqual({
      ok: true,
      changed: true,
    });
    for (const channel of ["online_store", "meta", "google"] as const) {
      expect(
        await activateChannel(testDatabase.database, {
          shop: world.shop,
          channel,
          source: "admin",
          nowMs: clock.now(),
        }),
      ).toMatchObject({ ok: true, mode: "active" });
    }
    await pass();
    await pass();

    // Online Store, every location. Variant 0: 10 + 6 = 16 sellable, shows 14; the 2 held sit in
    // the deeper Warehouse (10 → 8 available + 2 safety stock), the Shop front keeps its 6.
    expect(shopify(0, warehouse())).toMatchObject({ available: 8, safety_stock: 2, on_hand: 10 });
    expect(shopify(0, shopFront())).toMatchObject({ available: 6, safety_stock: 0, on_hand: 6 });
    // Variant 1: 2 + 30 = 32, shows 30; the hold is taken from the Shop front's 30, the Warehouse keeps its 2.
    expect(shopify(1, warehouse())).toMatchObject({ available: 2, safety_stock: 0 });
    expect(shopify(1, shopFront())).toMatchObject({ available: 28, safety_stock: 2 });
    // Holds per location, as Ballast recorded them.
    const holds = await testDatabase.database.heldStock.findMany({ where: { shop: world.shop, units: { gt: 0 } } });
    expect(holds.map((hold) => [hold.inventoryItemGid, hold.locationGid, hold.units]).sort()).toEqual(
      [
        [world.variants[0]!.inventoryItemGid, warehouse(), 2],
        [world.variants[1]!.inventoryItemGid, shopFront(), 2],
      ].sort(),
    );

    // Meta, the Warehouse only: 10 − ceil(2.5) = 7; 2 − ceil(0.5) = 1. The Shop front's 6 and 30 do not count.
    expect(meta(0)).toMatchObject({ quantity: 7, availability: "in stock" });
    expect(meta(1)).toMatchObject({ quantity: 1, availability: "in stock" });

    // Google, the Shop front only: 6 − 4 = 2 (in stock); 30, above every tier, all shown (in stock).
    expect(google(0)).toMatchObject({ availability: "IN_STOCK" });
    expect(google(1)).toMatchObject({ availability: "IN_STOCK" });
    expect(await googleRow(0)).toMatchObject({ desired: GOOGLE_CODE.in_stock, pushed: GOOGLE_CODE.in_stock });
  });

  it("GIVEN the merchant lowers the Shop front's stock WHEN Shopify's signed webhook arrives THEN the Online Store and Google move, Meta (Warehouse only) is not written", async () => {
    const metaCalls = world.meta.control.counters.itemsBatchCalls;
    const metaRow = await rowOf("meta", world.variants[0]!.metaRetailerId);

    await merchantSets(0, shopFront(), 3);
    await pass();
    await pass();

    // Online Store: 10 + 3 = 13, shows 11; the Warehouse still holds the 2, the Shop front shows its 3.
    expect(shopify(0, warehouse())).toMatchObject({ available: 8, safety_stock: 2 });
    expect(shopify(0, shopFront())).toMatchObject({ available: 3, safety_stock: 0 });
    // Google: 3 at the Shop front, all held: out of stock.
    expect(google(0)).toMatchObject({ availability: "OUT_OF_STOCK" });
    expect(await googleRow(0)).toMatchObject({ desired: GOOGLE_CODE.out_of_stock, pushed: GOOGLE_CODE.out_of_stock });
    // Meta sells from the Warehouse, which did not change: same figure, no write at all.
    expect(meta(0)).toMatchObject({ quantity: 7, availability: "in stock" });
    expect(world.meta.control.counters.itemsBatchCalls).toBe(metaCalls);
    expect(await rowOf("meta", world.variants[0]!.metaRetailerId)).toMatchObject({
      desired: 7,
      pushed: 7,
      pushedAt: metaRow.pushedAt,
    });
    // The other variant is untouched everywhere.
    expect(shopify(1, shopFront())).toMatchObject({ available: 28, safety_stock: 2 });
    expect(google(1)).toMatchObject({ availability: "IN_STOCK" });
  });

  it("GIVEN the merchant lowers the Warehouse's stock WHEN the webhook arrives THEN Meta and the Online Store move, Google (Shop front only) is not written", async () => {
    const googleInserts = world.google.control.counters.inserts;

    await merchantSets(0, warehouse(), 6);
    await pass();
    await pass();

    // The Warehouse now has 6 available plus the 2 Ballast holds there for the Online Store
    // (Ballast's own hold is not a sale: still sellable elsewhere), so 8 sellable for Meta: 8 − 2 = 6.
    expect(meta(0)).toMatchObject({ quantity: 6, availability: "in stock" });
    // Online Store: 8 + 3 = 11, shows 9; the 2 held stay in the Warehouse.
    expect(shopify(0, warehouse())).toMatchObject({ available: 6, safety_stock: 2 });
    expect(shopify(0, shopFront())).toMatchObject({ available: 3, safety_stock: 0 });
    expect(world.google.control.counters.inserts).toBe(googleInserts);
    expect(google(0)).toMatchObject({ availability: "OUT_OF_STOCK" });
  });

  it("GIVEN the merchant closes the Shop front (stock moved to the Warehouse, location deactivated) WHEN Ballast has read Shopify THEN Meta shows the Warehouse's new stock, Google (Shop front only) is out of stock, and the settings page marks the Shop front inactive", async () => {
    // Shopify's locationDeactivate moves the location's inventory to a destination; the fake has
    // no such mutation, so the same outcome is set level by level, each with its webhook.
    for (let index = 0; index < world.variants.length; index += 1) {
      const item = world.variants[index]!.inventoryItemGid;
      const front = shopify(index, shopFront());
      const back = shopify(index, warehouse());
      world.shopify.setQuantities(world.shop, item, warehouse(), {
        available: back.available + front.available + front.safety_stock,
      });
      world.shopify.setQuantities(world.shop, item, shopFront(), { available: 0, safety_stock: 0 });
      for (const location of [warehouse(), shopFront()]) {
        const [delivery] = await world.shopify.sendWebhook(
          world.shop,
          "inventory_levels/update",
          world.shopify.inventoryLevelUpdatePayload(world.shop, item, location),
        );
        expect(delivery).toMatchObject({ status: 200 });
      }
    }
    world.shopify
      .shop(world.shop)
      .locations.get(BigInt(shopFront().slice(shopFront().lastIndexOf("/") + 1)))!.isActive = false;
    await pass();
    await pass();
    // Google sells from the Shop front only, which holds nothing now: out of stock, at once.
    expect(google(0)).toMatchObject({ availability: "OUT_OF_STOCK" });
    expect(google(1)).toMatchObject({ availability: "OUT_OF_STOCK" });

    // The next read of Shopify (every 10 minutes) lists the active locations only.
    clock.advance(10 * MINUTE);
    for (let index = 0; index < 3; index += 1) await pass();

    const page = await loadChannelSettingsPage(testDatabase.database, world.shop, "google");
    expect(page.locations).toEqual([
      { gid: shopFront(), name: "Shop front", active: false },
      { gid: warehouse(), name: "Warehouse", active: true },
    ]);
    // The merchant's choice is kept as saved (the page shows the location as inactive).
    expect(page.draft).toMatchObject({ locationsMode: "selected", locations: [shopFront()] });

    // Variant 0: Warehouse 6 + 3 moved = 9 available, Ballast's 2 still held there: 11 sellable.
    // Online Store 9 shown; Meta 11 − ceil(2.75) = 8 (an increase, shown once confirmed).
    expect(shopify(0, warehouse())).toMatchObject({ available: 9, safety_stock: 2 });
    expect(meta(0)).toMatchObject({ quantity: 8, availability: "in stock" });
    // Variant 1: Warehouse 2 + 28 + the 2 Ballast held at the Shop front = 32 sellable.
    // Online Store 30 (the 2 now held in the Warehouse); Meta 32 − 8 = 24.
    expect(shopify(1, warehouse())).toMatchObject({ available: 30, safety_stock: 2 });
    expect(meta(1)).toMatchObject({ quantity: 24, availability: "in stock" });
    // Nothing is left at, or held at, the closed Shop front.
    expect(shopify(1, shopFront())).toMatchObject({ available: 0, safety_stock: 0 });
    const held = await testDatabase.database.heldStock.findMany({ where: { shop: world.shop, units: { gt: 0 } } });
    expect(held.every((hold) => hold.locationGid === warehouse())).toBe(true);
    expect(google(0)).toMatchObject({ availability: "OUT_OF_STOCK" });
    expect(google(1)).toMatchObject({ availability: "OUT_OF_STOCK" });
  });
});

// @database
/**
 * Changing a catalog's item-id template (channel settings) retires the sync rows kept
 * under the old ids: they are no longer pushed, read back or counted by the monitor, and
 * their quantities no longer count as what the item was last shown.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadChannelSettingsPage, saveChannelSettings } from "~/web/channel-settings.server";
import { loadOverview } from "~/web/overview.server";
import { startWorld, type World } from "../../sim/world";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { finishBulkAtOnce, skippingClock } from "../../tests/support/instant-waits";
import { SyncWorker } from "~/worker/worker.server";

const KEY = Buffer.alloc(32, 5);
const WRONG = "shopify_{countryCode}_{productId}_{variantId}";
let world: World;
let testDatabase: TestDatabase;
let worker: SyncWorker;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ variants: 3, stockPerVariant: () => 10 });
  finishBulkAtOnce(world);
  await installShop(testDatabase.database, world, KEY);
  // Connected with a template that names no item of this catalog (its ids are bare variant ids).
  await testDatabase.database.channelConnection.update({
    where: { shop_channel: { shop: world.shop, channel: "meta" } },
    data: { config: { catalogId: world.catalogId, itemIdTemplate: WRONG, countryCode: "US" } },
  });
  worker = new SyncWorker({
    database: testDatabase.database,
    provider: testDatabase.provider,
    // Meta's batch polling takes no real time (its fake finishes batches at once).
    connectors: worldConnectors(world, testDatabase.database, KEY, { clock: skippingClock() }),
    pushIntervalMs: { online_store: 0, meta: 0, google: 0 },
    random: () => 0.5,
  });
});

afterAll(async () => {
  await world?.close();
  await testDatabase?.drop();
});

const metaRows = () =>
  testDatabase.database.channelItemState.findMany({
    where: { shop: world.shop, channel: "meta" },
    orderBy: { itemKey: "asc" },
  });
const metaHealth = async () =>
  (await loadOverview(testDatabase.database, world.shop, Date.now())).channels.find(
    (channel) => channel.channel === "meta",
  )!;

describe("item-id template change", { shuffle: false }, () => {
  it("GIVEN a template that matches no catalog item WHEN the worker pushes THEN Meta refuses them and they are parked", async () => {
    await worker.runOnce();
    await worker.runOnce();
    const rows = await metaRows();
    expect(rows.map((row) => row.itemKey)).toEqual(
      world.variants
        .map((variant) => `shopify_US_${variant.productGid.split("/").pop()}_${variant.metaRetailerId}`)
        .sort(),
    );
    expect(rows.every((row) => row.parkedAt !== null)).toBe(true);
    expect(await metaHealth()).toMatchObject({ parked: 3 });
  });

  it("WHEN the merchant saves the right template THEN the old rows are gone and the new items are pushed and confirmed", async () => {
    const page = await loadChannelSettingsPage(testDatabase.database, world.shop, "meta");
    const saved = await saveChannelSettings(testDatabase.database, {
      shop: world.shop,
      channel: "meta",
      draft: { ...page.draft, connector: { ...page.draft.connector!, itemIdTemplate: "{variantId}" } },
      nowMs: Date.now(),
      source: "admin",
    });
    expect(saved).toEqual({ ok: true, changed: true });
    await worker.runOnce();
    await worker.runOnce();

    const rows = await metaRows();
    expect(rows.map((row) => row.itemKey)).toEqual(world.variants.map((variant) => variant.metaRetailerId).sort());
    for (const row of rows) {
      expect(row).toMatchObject({ parkedAt: null, pushed: row.desired, confirmed: row.desired });
      expect(world.meta.control.trueItem(world.catalogId, row.itemKey)?.quantity).toBe(row.desired);
    }
    expect(await metaHealth()).toMatchObject({ parked: 0, errors: 0, awaitingConfirmation: 0 });
  });
});

// @database
/**
 * Per-channel settings: saved only when the whole form parses with the worker's own
 * schemas, recorded in Activity with before/after, and read back by the sync's loader.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { loadChannelSettings } from "~/channels/connection-store.server";
import { activityText } from "~/components/activity-text";
import { loadChannelSettingsPage, saveChannelSettings, setThinStock } from "./channel-settings.server";
import type { SettingsDraft } from "./channel-settings-form";

const SHOP = "settings-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";
const WAREHOUSE = "gid://shopify/Location/76543210987";
const STORE = "gid://shopify/Location/76543210988";
let testDatabase: TestDatabase;
const db = () => testDatabase.database;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await db().location.createMany({
    data: [
      { shop: SHOP, gid: WAREHOUSE, name: "Warehouse" },
      { shop: SHOP, gid: STORE, name: "Shop floor" },
      { shop: OTHER, gid: "gid://shopify/Location/1", name: "Elsewhere" },
    ],
  });
  // A connected Meta: the settings page never opens the credentials, any sealed text will do.
  await db().channelConnection.create({
    data: {
      shop: SHOP,
      channel: "meta",
      state: "active",
      config: { catalogId: "123456", itemIdTemplate: "{variantId}" },
      encryptedCredentials: "k1:sealed",
    },
  });
});
afterAll(async () => {
  await testDatabase?.drop();
});

const activities = (channel: string) =>
  db().activity.findMany({ where: { shop: SHOP, kind: "channel_settings_changed", channel }, orderBy: { at: "asc" } });

describe("channel settings", { shuffle: false }, () => {
  it("GIVEN no stored settings WHEN the Google page loads THEN it shows the defaults: every location, checkout on the store, pause ads", async () => {
    const page = await loadChannelSettingsPage(db(), SHOP, "google");
    expect(page.connected).toBe(false);
    expect(page.draft).toMatchObject({
      locationsMode: "all",
      checkoutOn: "store",
      lowStock: "pause_ads",
      dampingConfirmations: "2",
      dampingMinHoldSeconds: "30",
      connector: null,
    });
    expect(page.locations.map((location) => location.name)).toEqual(["Shop floor", "Warehouse"]);
  });

  it("GIVEN a valid Google form WHEN saved THEN the worker's loader reads it, the state is untouched, and Activity says what changed", async () => {
    const page = await loadChannelSettingsPage(db(), SHOP, "google");
    const draft: SettingsDraft = {
      ...page.draft,
      lowStock: "out_of_stock",
      locationsMode: "selected",
      locations: [WAREHOUSE],
      dampingConfirmations: "3",
    };
    expect(
      await saveChannelSettings(db(), { shop: SHOP, channel: "google", draft, nowMs: Date.now(), source: "admin" }),
    ).toEqual({ ok: true, changed: true });
    const settings = await loadChannelSettings(db(), SHOP);
    expect(settings.google).toMatchObject({
      state: "active",
      lowStock: "out_of_stock",
      locations: [WAREHOUSE],
      damping: { confirmations: 3, minHoldMs: 30_000 },
    });
    const [entry] = await activities("google");
    expect(
      activityText(
        { kind: entry!.kind, channel: entry!.channel, details: entry!.details as Record<string, unknown> },
        "en",
      ),
    ).toBe(
      "Google settings changed: stock counted: every location → 1 location(s); near a sell-out: pause ads → out of stock; damping: 2× and 30 s → 3× and 30 s (in Ballast)",
    );
    // Saving the same values again changes nothing and logs nothing.
    expect(
      await saveChannelSettings(db(), { shop: SHOP, channel: "google", draft, nowMs: Date.now(), source: "admin" }),
    ).toEqual({ ok: true, changed: false });
    expect(await activities("google")).toHaveLength(1);
  });

  it("GIVEN invalid input WHEN saved THEN nothing is stored and each field has its error", async () => {
    const before = await db().channelConnection.findUnique({
      where: { shop_channel: { shop: SHOP, channel: "online_store" } },
    });
    const page = await loadChannelSettingsPage(db(), SHOP, "online_store");
    const result = await saveChannelSettings(db(), {
      shop: SHOP,
      channel: "online_store",
      draft: {
        ...page.draft,
        dampingConfirmations: "abc",
        dampingMinHoldSeconds: "100000",
        locationsMode: "selected",
        locations: [],
      },
      nowMs: Date.now(),
      source: "admin",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => [error.field, error.key])).toEqual(
      expect.arrayContaining([
        ["dampingConfirmations", "settings.error.wholeNumber"],
        ["dampingMinHoldSeconds", "settings.error.max"],
        ["locations", "settings.error.locations"],
      ]),
    );
    expect(
      await db().channelConnection.findUnique({ where: { shop_channel: { shop: SHOP, channel: "online_store" } } }),
    ).toEqual(before);
    expect(await activities("online_store")).toHaveLength(0);
  });

  it("GIVEN another shop's location WHEN chosen THEN it is refused: a shop only counts its own locations", async () => {
    const page = await loadChannelSettingsPage(db(), SHOP, "online_store");
    const result = await saveChannelSettings(db(), {
      shop: SHOP,
      channel: "online_store",
      draft: { ...page.draft, locationsMode: "selected", locations: ["gid://shopify/Location/1"] },
      nowMs: Date.now(),
      source: "admin",
    });
    expect(result).toMatchObject({
      ok: false,
      errors: [{ field: "locations", key: "settings.error.unknownLocation" }],
    });
  });

  it("GIVEN a connected Meta WHEN the template is invalid THEN nothing is saved; WHEN valid THEN the config keeps its catalog id", async () => {
    const page = await loadChannelSettingsPage(db(), SHOP, "meta");
    expect(page.draft.connector).toMatchObject({ itemIdTemplate: "{variantId}", countryCode: "" });
    const bad = await saveChannelSettings(db(), {
      shop: SHOP,
      channel: "meta",
      draft: { ...page.draft, connector: { ...page.draft.connector!, itemIdTemplate: "{nope}" } },
      nowMs: Date.now(),
      source: "admin",
    });
    expect(bad).toMatchObject({ ok: false, errors: [{ field: "itemIdTemplate", key: "settings.error.template" }] });
    expect(
      (await db().channelConnection.findUnique({ where: { shop_channel: { shop: SHOP, channel: "meta" } } }))?.config,
    ).toEqual({ catalogId: "123456", itemIdTemplate: "{variantId}" });

    const good = await saveChannelSettings(db(), {
      shop: SHOP,
      channel: "meta",
      draft: {
        ...page.draft,
        checkoutOn: "channel",
        connector: {
          ...page.draft.connector!,
          itemIdTemplate: "shopify_{countryCode}_{productId}_{variantId}",
          countryCode: "fr",
        },
      },
      nowMs: Date.now(),
      source: "admin",
    });
    expect(good).toEqual({ ok: true, changed: true });
    const row = await db().channelConnection.findUnique({ where: { shop_channel: { shop: SHOP, channel: "meta" } } });
    expect(row?.config).toEqual({
      catalogId: "123456",
      itemIdTemplate: "shopify_{countryCode}_{productId}_{variantId}",
      countryCode: "FR",
    });
    expect(row?.encryptedCredentials).toBe("k1:sealed");
    expect((await loadChannelSettings(db(), SHOP)).meta.checkoutOn).toBe("channel");
    const [entry] = await activities("meta");
    expect(
      activityText(
        { kind: entry!.kind, channel: entry!.channel, details: entry!.details as Record<string, unknown> },
        "fr",
      ),
    ).toBe(
      "Réglages Meta modifiés : paiement : sur la boutique → sur le canal; itemIdTemplate : {variantId} → shopify_{countryCode}_{productId}_{variantId}; countryCode : — → FR (dans Ballast)",
    );
  });

  it("GIVEN a channel that is not connected WHEN a connector form is posted THEN it is ignored, never stored", async () => {
    const page = await loadChannelSettingsPage(db(), SHOP, "google");
    const result = await saveChannelSettings(db(), {
      shop: SHOP,
      channel: "google",
      draft: {
        ...page.draft,
        connector: { itemIdTemplate: "{sku}", countryCode: "US", contentLanguage: "en", feedLabel: "US" },
      },
      nowMs: Date.now(),
      source: "admin",
    });
    expect(result).toEqual({ ok: true, changed: false });
    expect(
      (await db().channelConnection.findUnique({ where: { shop_channel: { shop: SHOP, channel: "google" } } }))
        ?.config ?? null,
    ).toBeNull();
  });
});

describe("thin stock (Online Store)", { shuffle: false }, () => {
  const THIN = "thin-settings.myshopify.com";
  const onlineStore = () =>
    db().channelConnection.findUnique({ where: { shop_channel: { shop: THIN, channel: "online_store" } } });

  it("GIVEN nothing stored THEN the default is 3; WHEN set to 0 THEN the worker's loader reads it, the channel stays in observe mode, and Activity says so", async () => {
    expect((await loadChannelSettings(db(), THIN)).online_store.thinStock).toEqual({ keepSellingAtOrBelow: 3 });
    expect((await loadChannelSettingsPage(db(), THIN, "online_store")).draft.thinStockAtOrBelow).toBe("3");
    expect(
      await setThinStock(db(), { shop: THIN, keepSellingAtOrBelow: 0, nowMs: Date.now(), source: "admin" }),
    ).toEqual({ ok: true, changed: true, keepSellingAtOrBelow: 0 });
    expect((await loadChannelSettings(db(), THIN)).online_store.thinStock).toEqual({ keepSellingAtOrBelow: 0 });
    expect(await onlineStore()).toMatchObject({ activatedAt: null, state: "active" });
    expect(
      await setThinStock(db(), { shop: THIN, keepSellingAtOrBelow: 0, nowMs: Date.now(), source: "admin" }),
    ).toMatchObject({ ok: true, changed: false });
    expect(
      await setThinStock(db(), { shop: THIN, keepSellingAtOrBelow: -1, nowMs: Date.now(), source: "admin" }),
    ).toMatchObject({ ok: false });
    const entries = await db().activity.findMany({ where: { shop: THIN, kind: "channel_settings_changed" } });
    expect(entries).toHaveLength(1);
    expect(
      activityText(
        {
          kind: entries[0]!.kind,
          channel: entries[0]!.channel,
          details: entries[0]!.details as Record<string, unknown>,
        },
        "en",
      ),
    ).toContain("thin stock on the Online Store: never hold back the last 3 → off");
  });

  it("WHEN the settings form is saved without the field THEN the stored value is kept; WITH it THEN it is validated and saved", async () => {
    const page = await loadChannelSettingsPage(db(), THIN, "online_store");
    const { thinStockAtOrBelow: _omitted, ...withoutThinStock } = page.draft;
    expect(
      await saveChannelSettings(db(), {
        shop: THIN,
        channel: "online_store",
        draft: { ...withoutThinStock, checkoutOn: "channel" },
        nowMs: Date.now(),
        source: "admin",
      }),
    ).toEqual({ ok: true, changed: true });
    expect((await loadChannelSettings(db(), THIN)).online_store).toMatchObject({
      checkoutOn: "channel",
      thinStock: { keepSellingAtOrBelow: 0 },
    });
    const bad = await saveChannelSettings(db(), {
      shop: THIN,
      channel: "online_store",
      draft: { ...page.draft, thinStockAtOrBelow: "two" },
      nowMs: Date.now(),
      source: "admin",
    });
    expect(bad).toMatchObject({
      ok: false,
      errors: [{ field: "thinStockAtOrBelow", key: "settings.error.wholeNumber" }],
    });
    expect(
      await saveChannelSettings(db(), {
        shop: THIN,
        channel: "online_store",
        draft: { ...page.draft, thinStockAtOrBelow: "5" },
        nowMs: Date.now(),
        source: "admin",
      }),
    ).toEqual({ ok: true, changed: true });
    expect((await loadChannelSettings(db(), THIN)).online_store.thinStock).toEqual({ keepSellingAtOrBelow: 5 });
  });
});

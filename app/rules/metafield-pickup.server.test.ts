// @database
/**
 * Buffer settings edited in Shopify admin (the app-owned `$app` `buffer` metafields) are
 * picked up by the worker's reconciliation: over real HTTP against the fake Shopify (the
 * merchant's edit is its `editMetafieldInAdmin`), with a real database, through the
 * worker's own passes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveTargetRules } from "~/web/buffers.server";
import { draftFromRule } from "~/web/buffer-form";
import { CHANNELS, type BufferRule } from "~/domain";
import { requestOperation } from "~/records/requests.server";
import { SyncWorker } from "~/worker/worker.server";
import { bufferMarker } from "~/shopify/metafields.server";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { startWorld, type World } from "../../sim/world";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { finishBulkAtOnce, skippingClock } from "../../tests/support/instant-waits";
import { TEST_API_KEY, TEST_API_SECRET, TEST_ENCRYPTION_KEY } from "../../tests/support/shopify";
import { activityText } from "~/components/activity-text";
import { describeAlert } from "~/records/alert-text";
import { saveRule } from "./rule-store.server";
import { validateBufferValue } from "./metafield-pickup.server";

const KEY = Buffer.alloc(32, 5);
/** A second shop on the same fake Shopify, whose first product has the same id as this shop's. */
const OTHER = "other-shop.myshopify.com";
const OTHER_TOKEN = "shpat_other_shop_token";
let world: World;
let testDatabase: TestDatabase;
let worker: SyncWorker;
let shopGid: string;
let otherProduct: string;

const db = () => testDatabase.database;
const product = (index: number) => world.variants[index]!.productGid;
const variant = (index: number) => world.variants[index]!.variantGid;
const metafieldOf = (domain: string, ownerGid: string, key = "buffer") =>
  world.shopify.shop(domain).metafield(ownerGid, "$app", key);
const rulesOf = async (shop: string, scopeGid: string) =>
  Object.fromEntries(
    (await db().bufferRule.findMany({ where: { shop, scopeGid } })).map((row) => [row.channel, row.rule]),
  );
const adminActivity = (shop = world.shop) =>
  db()
    .activity.findMany({ where: { shop, kind: "rule_changed" }, orderBy: { at: "asc" } })
    .then((rows) => rows.filter((row) => (row.details as { source?: string }).source === "shopify_admin"));
const openAlert = () =>
  db().alert.findFirst({ where: { shop: world.shop, kind: "invalid_metafield", resolvedAt: null } });
const metaDesired = async (index: number) =>
  (
    await db().channelItemState.findFirst({
      where: { shop: world.shop, channel: "meta", itemKey: world.variants[index]!.metaRetailerId },
    })
  )?.desired;
const metaRule = async (index: number) =>
  (
    (
      await db().channelItemState.findFirst({
        where: { shop: world.shop, channel: "meta", itemKey: world.variants[index]!.metaRetailerId },
      })
    )?.explanation as { rule?: unknown } | undefined
  )?.rule;
const metafieldWrites = (from: number, shop = world.shop) =>
  world.shopify.requests
    .slice(from)
    .filter((entry) => entry.shop === shop && entry.operationName === "BallastMetafieldsSet");

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ variants: 4, stockPerVariant: () => 10 });
  finishBulkAtOnce(world);
  // The Buffers page mirrors through app/env.server.ts (read once, on first use).
  Object.assign(process.env, {
    SHOPIFY_API_KEY: TEST_API_KEY,
    SHOPIFY_API_SECRET: TEST_API_SECRET,
    SHOPIFY_APP_URL: "http://127.0.0.1",
    BALLAST_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    SHOPIFY_ADMIN_API_BASE_URL: world.shopify.url,
  });
  await installShop(db(), world, KEY);
  shopGid = `gid://shopify/Shop/${world.shopify.shop(world.shop).shopId}`;

  world.shopify.addShop({ domain: OTHER, accessToken: OTHER_TOKEN, restoreRate: 1_000 });
  const location = world.shopify.addLocation(OTHER, { name: "Other warehouse" });
  otherProduct = world.shopify.addProduct(OTHER, {
    title: "Other's product",
    variants: [{ sku: "OTHER-1", stock: { [location]: { available: 5 } } }],
  }).productId;
  await db().session.create({
    data: {
      id: `offline_${OTHER}`,
      shop: OTHER,
      state: "",
      isOnline: false,
      scope: "read_products,write_products",
      accessToken: OTHER_TOKEN,
    },
  });
  await db().shop.create({ data: { shop: OTHER } });

  worker = new SyncWorker({
    database: db(),
    provider: testDatabase.provider,
    // Meta's batch polling takes no real time (its fake finishes batches at once).
    connectors: worldConnectors(world, db(), KEY, { clock: skippingClock() }),
    pushIntervalMs: { online_store: 0, meta: 0, google: 0 },
    // Every pass reconciles (incremental after the first, full, read).
    reconcileEveryMs: 0,
    random: () => 0.5,
  });
});

afterAll(async () => {
  await world?.close();
  await testDatabase?.drop();
});

describe("buffer settings edited in Shopify admin", { shuffle: false }, () => {
  it("GIVEN rules saved on the Buffers page WHEN reconciliation reads them back THEN Ballast's own write is not an edit", async () => {
    const drafts = Object.fromEntries(CHANNELS.map((channel) => [channel, draftFromRule({})])) as Parameters<
      typeof saveTargetRules
    >[2]["drafts"];
    drafts.meta = draftFromRule({ fixedUnits: 2 });
    const saved = await saveTargetRules(
      db(),
      { shop: world.shop, accessToken: world.accessToken },
      { scope: "product", gid: product(0), drafts, enabled: ["meta"] },
      Date.now(),
    );
    expect(saved).toMatchObject({ ok: true, mirror: { ok: true } });
    // Mirrored with its marker, in one atomic call.
    expect(JSON.parse(metafieldOf(world.shop, product(0))!.value)).toEqual({ meta: { fixedUnits: 2 } });
    expect(metafieldOf(world.shop, product(0), "buffer_synced")!.value).toBe(bufferMarker({ meta: { fixedUnits: 2 } }));

    const before = world.shopify.requests.length;
    await worker.runOnce();
    await worker.runOnce();
    expect(await adminActivity()).toEqual([]);
    expect(await rulesOf(world.shop, product(0))).toEqual({ meta: { fixedUnits: 2 } });
    // Read (the shop's defaults and the product with a rule), nothing written back.
    expect(metafieldWrites(before)).toEqual([]);
    expect(
      world.shopify.requests
        .slice(before)
        .some((entry) => entry.shop === world.shop && entry.operationName === "BallastBufferMetafields"),
    ).toBe(true);
    expect(await metaDesired(0)).toBe(8);
  });

  it("WHEN the merchant edits the product's setting in Shopify admin THEN the rule changes, the activity says so and Meta is shown the new quantity", async () => {
    world.shopify.editMetafieldInAdmin(world.shop, product(0), "buffer", JSON.stringify({ meta: { fixedUnits: 4 } }));
    await worker.runOnce();
    await worker.runOnce();
    expect(await rulesOf(world.shop, product(0))).toEqual({ meta: { fixedUnits: 4 } });
    const activity = await adminActivity();
    expect(activity).toHaveLength(1);
    expect(activity[0]).toMatchObject({
      channel: "meta",
      details: { scope: "product", target: product(0), before: { fixedUnits: 2 }, after: { fixedUnits: 4 } },
    });
    expect(await metaDesired(0)).toBe(6);
    expect(await metaRule(0)).toEqual({ level: "product", id: product(0) });
    expect(world.meta.control.trueItem(world.catalogId, world.variants[0]!.metaRetailerId)?.quantity).toBe(6);
    // Accepted: the marker now names the merchant's value, and later passes change nothing.
    expect(metafieldOf(world.shop, product(0), "buffer_synced")!.value).toBe(bufferMarker({ meta: { fixedUnits: 4 } }));
    await worker.runOnce();
    expect(await adminActivity()).toHaveLength(1);
  });

  it("WHEN the value is not JSON THEN the rule stays, one warning alert names the product, and the worker keeps running", async () => {
    const reconciledBefore = (await db().shop.findUniqueOrThrow({ where: { shop: world.shop } })).lastReconciledAt!;
    world.shopify.editMetafieldInAdmin(world.shop, product(0), "buffer", '{"meta": {"fixedUnits": 4', {
      unchecked: true,
    });
    await worker.runOnce();
    await worker.runOnce();
    expect(await rulesOf(world.shop, product(0))).toEqual({ meta: { fixedUnits: 4 } });
    const alert = await openAlert();
    expect(alert).toMatchObject({ severity: "warning", channel: null });
    const details = alert!.details as { settings: unknown[]; owners: string[] };
    expect(details.owners).toEqual([product(0)]);
    // Stored as data (whose setting, what is wrong), put into words in the reader's language.
    expect(details.settings).toEqual([
      { owner: product(0), ownerType: "product", title: "Product 1", problems: [{ code: "invalid_json" }] },
    ]);
    expect(describeAlert(alert!, { locale: "fr", timeZone: null }).facts[0]).toBe(
      "Valeur ignorée pour le produit « Product 1 » : la valeur n'est pas du JSON valide, Ballast ne peut donc pas la lire.",
    );
    // Logged once, not on every pass.
    const rejected = await db().activity.findMany({ where: { shop: world.shop, kind: "metafield_rejected" } });
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.details).toEqual(details.settings[0]);
    expect(activityText({ ...rejected[0]!, details: rejected[0]!.details as Record<string, unknown> }, "en")).toBe(
      "Buffer setting edited in Shopify admin ignored for the product “Product 1”: the value is not valid JSON, so Ballast cannot read it",
    );
    // Stock was reconciled in the same passes.
    expect(
      (await db().shop.findUniqueOrThrow({ where: { shop: world.shop } })).lastReconciledAt!.getTime(),
    ).toBeGreaterThan(reconciledBefore.getTime());
    expect(await metaDesired(0)).toBe(6);
  });

  it("WHEN the value holds impossible settings THEN each problem is named in words and nothing is applied", async () => {
    world.shopify.editMetafieldInAdmin(
      world.shop,
      product(0),
      "buffer",
      JSON.stringify({
        meta: { fixedUnits: -3, floor: 5, cap: 2, percent: 12.345 },
        tiktok: { fixedUnits: 1 },
        google: { tiers: [{ atOrBelow: 5, hold: 1.5 }] },
      }),
    );
    await worker.runOnce();
    const alert = (await openAlert())!;
    const settings = (alert.details as { settings: { owner: string; problems: unknown[] }[] }).settings;
    expect(settings).toHaveLength(1);
    expect(settings[0]!.owner).toBe(product(0));
    expect(settings[0]!.problems).toEqual(
      expect.arrayContaining([
        { code: "unknown_channel", keys: ["tiktok"] },
        { code: "too_small", channel: "meta", field: "fixedUnits", bound: 0, inclusive: true },
        { code: "cap_not_above_floor", channel: "meta", field: "cap" },
        { code: "too_many_decimals", channel: "meta", field: "percent" },
        { code: "not_whole_number", channel: "google", field: "hold", tier: 1 },
      ]),
    );
    const [french] = describeAlert(alert, { locale: "fr", timeZone: null }).facts;
    expect(french).toContain("canal inconnu « tiktok »");
    expect(french).toContain("Meta, unités fixes retenues : doit être au moins 0");
    expect(french).toContain("Meta, plafond affiché : doit être au-dessus du seuil de rupture");
    expect(french).toContain("Meta, pourcentage retenu : deux décimales au plus");
    expect(french).toContain("Google, palier 1, unités retenues : doit être un nombre entier");
    expect(await rulesOf(world.shop, product(0))).toEqual({ meta: { fixedUnits: 4 } });
    expect(await db().activity.count({ where: { shop: world.shop, kind: "metafield_rejected" } })).toBe(2);
    expect(await db().alert.count({ where: { shop: world.shop, kind: "invalid_metafield" } })).toBe(1);
  });

  it("WHEN the merchant puts back Ballast's value THEN the alert resolves and no rule change is recorded", async () => {
    world.shopify.editMetafieldInAdmin(world.shop, product(0), "buffer", JSON.stringify({ meta: { fixedUnits: 4 } }));
    await worker.runOnce();
    expect(await openAlert()).toBeNull();
    expect(await db().alert.findFirst({ where: { shop: world.shop, kind: "invalid_metafield" } })).toMatchObject({
      resolvedAt: expect.any(Date),
    });
    expect(await adminActivity()).toHaveLength(1);
  });

  it("WHEN the merchant clears the field in Shopify admin THEN the product's rule is removed and the shop default applies again", async () => {
    world.shopify.editMetafieldInAdmin(world.shop, product(0), "buffer", "");
    await worker.runOnce();
    await worker.runOnce();
    expect(await rulesOf(world.shop, product(0))).toEqual({});
    expect((await adminActivity()).at(-1)).toMatchObject({
      channel: "meta",
      details: { before: { fixedUnits: 4 }, after: null, deleted: true },
    });
    // The shop default rules the item again (showing 7 once the increase has been confirmed: app/domain/damping.ts).
    expect(await metaRule(0)).toEqual({ level: "shop", id: null });
    // Not written back: the deletion was the merchant's.
    expect(metafieldOf(world.shop, product(0))).toBeUndefined();
  });

  it("WHEN the shop's defaults are edited in admin THEN only the channel named changes; channels left out keep the built-in default", async () => {
    world.shopify.editMetafieldInAdmin(world.shop, shopGid, "buffer", JSON.stringify({ google: { fixedUnits: 5 } }));
    await worker.runOnce();
    expect(
      await db().bufferRule.findMany({
        where: { shop: world.shop, scope: "shop" },
        select: { channel: true, rule: true },
      }),
    ).toEqual([{ channel: "google", rule: { fixedUnits: 5 } }]);
    expect((await adminActivity()).at(-1)).toMatchObject({
      channel: "google",
      details: { scope: "shop", target: null },
    });
  });

  it("GIVEN a rule Ballast saved but never mirrored WHEN reconciliation runs THEN the metafield is written from Ballast's rule, not taken for an edit", async () => {
    const rule: BufferRule = { fixedUnits: 3 };
    await saveRule(db(), { shop: world.shop, channel: "google", scope: "variant", scopeGid: variant(1), rule });
    const activityBefore = (await adminActivity()).length;
    await worker.runOnce();
    expect(JSON.parse(metafieldOf(world.shop, variant(1))!.value)).toEqual({ google: rule });
    expect(metafieldOf(world.shop, variant(1), "buffer_synced")!.value).toBe(bufferMarker({ google: rule }));
    expect(await adminActivity()).toHaveLength(activityBefore);
    expect(await rulesOf(world.shop, variant(1))).toEqual({ google: rule });
  });

  it("GIVEN a setting added in admin to a product without any rule THEN the incremental read does not see it, and Resync now (a full read) applies it", async () => {
    world.shopify.editMetafieldInAdmin(
      world.shop,
      product(2),
      "buffer",
      JSON.stringify({ online_store: { fixedUnits: 1 } }),
    );
    await worker.runOnce();
    expect(await rulesOf(world.shop, product(2))).toEqual({});
    await requestOperation(db(), world.shop, "resync");
    await worker.runOnce();
    expect(await rulesOf(world.shop, product(2))).toEqual({ online_store: { fixedUnits: 1 } });
  });

  it("another shop's metafields, even on an owner with the same id, never touch this shop, and its edits apply to it alone", async () => {
    expect(otherProduct).toBe(product(0));
    world.shopify.editMetafieldInAdmin(OTHER, otherProduct, "buffer", JSON.stringify({ meta: { fixedUnits: 9 } }));
    await requestOperation(db(), world.shop, "resync");
    await requestOperation(db(), OTHER, "resync");
    await worker.runOnce();
    expect(await rulesOf(world.shop, product(0))).toEqual({});
    expect(metafieldOf(world.shop, product(0))).toBeUndefined();
    expect(await rulesOf(OTHER, otherProduct)).toEqual({ meta: { fixedUnits: 9 } });
    expect((await adminActivity(OTHER)).map((row) => row.channel)).toEqual(["meta"]);
    expect((await adminActivity()).filter((row) => JSON.stringify(row.details).includes('"fixedUnits":9'))).toEqual([]);
  });
});

describe("a refused value's problems, as codes", () => {
  const problems = (value: unknown) => {
    const result = validateBufferValue({ value: value as never, raw: JSON.stringify(value) });
    return result.ok ? [] : result.problems;
  };

  it("records each of the domain's checks with the channel, the tier and the bound", () => {
    expect(validateBufferValue({ value: null, raw: "{" })).toEqual({ ok: false, problems: [{ code: "invalid_json" }] });
    expect(problems([1])).toEqual([{ code: "not_object" }]);
    expect(
      problems({
        meta: {
          tiers: [
            { atOrBelow: 5, hold: 1 },
            { atOrBelow: 3, hold: 1 },
          ],
        },
      }),
    ).toEqual([{ code: "tiers_not_increasing", channel: "meta", field: "atOrBelow", tier: 2 }]);
    expect(
      problems({
        meta: {
          tiers: [
            { atOrBelow: 5, hold: 1 },
            { atOrBelow: 8, hold: "all" },
          ],
        },
      }),
    ).toEqual([{ code: "all_only_lowest_tier", channel: "meta", field: "hold", tier: 2 }]);
    expect(
      problems({
        online_store: {
          tiers: [
            { atOrBelow: 5, hold: 0 },
            { atOrBelow: 10, hold: 9 },
          ],
        },
      }),
    ).toEqual([{ code: "tiers_show_less", channel: "online_store", field: "hold", tier: 2 }]);
    expect(
      problems({
        google: { tiers: [{ atOrBelow: 5 }, { atOrBelow: 6, hold: "some", extra: 1 }], lagAware: { confidence: 2 } },
      }),
    ).toEqual([
      { code: "missing", channel: "google", field: "hold", tier: 1 },
      { code: "wrong_type", channel: "google", field: "hold", tier: 2, expected: "number_or_all" },
      { code: "unknown_setting", channel: "google", field: "tiers", tier: 2, keys: ["extra"] },
      { code: "too_big", channel: "google", field: "confidence", bound: 0.9999, inclusive: true },
    ]);
    expect(
      problems({ meta: { tiers: Array.from({ length: 21 }, (_, index) => ({ atOrBelow: index, hold: 0 })) } }),
    ).toEqual([{ code: "too_many_tiers", channel: "meta", field: "tiers", bound: 20 }]);
    expect(problems({ meta: "x", google: { percent: "5" } })).toEqual([
      { code: "wrong_type", channel: "meta", expected: "object" },
      { code: "wrong_type", channel: "google", field: "percent", expected: "number" },
    ]);
  });
});

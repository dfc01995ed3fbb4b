// @database
/**
 * Observe first, activate by choice: activating and putting back into observe mode, per
 * channel, on a real database (ChannelConnection.activatedAt, the Activity entry and the
 * recompute request), and the onboarding page's services (first screen, preview from the
 * engine's own numbers).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allocateItem, productGid, sellableUnits, variantGid, type MasterRecord } from "~/domain";
import { activityText } from "~/components/activity-text";
import { loadRecomputeContext, recomputeShop } from "~/sync/recompute.server";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { seedItem } from "../../tests/e2e/browser/seed";
import { activateChannel, channelModes, observeChannel } from "./activation.server";
import { finishOnboarding, needsOnboarding, previewChannels } from "./onboarding.server";

const SHOP = "observe-first.myshopify.com";
let testDatabase: TestDatabase;
const db = () => testDatabase.database;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

const connection = (channel: string) =>
  db().channelConnection.findUnique({ where: { shop_channel: { shop: SHOP, channel } } });
const activities = async () =>
  (await db().activity.findMany({ where: { shop: SHOP }, orderBy: { at: "asc" } })).map((entry) => ({
    ...entry,
    details: entry.details as Record<string, unknown>,
  }));

describe("activation", { shuffle: false }, () => {
  it("GIVEN a fresh install WHEN nothing is done THEN every channel observes", async () => {
    expect(await channelModes(db(), SHOP)).toEqual({
      online_store: { mode: "observing", activatedAt: null },
      meta: { mode: "observing", activatedAt: null },
      google: { mode: "observing", activatedAt: null },
    });
  });

  it("GIVEN the Online Store observing WHEN the merchant activates it THEN activatedAt is set, a recompute is requested and Activity says so in English and French", async () => {
    const nowMs = Date.parse("2026-12-07T12:00:00Z");
    const result = await activateChannel(db(), { shop: SHOP, channel: "online_store", source: "admin", nowMs });
    expect(result).toEqual({ ok: true, mode: "active", changed: true, activatedAt: "2026-12-07T12:00:00.000Z" });
    expect((await connection("online_store"))?.activatedAt?.toISOString()).toBe("2026-12-07T12:00:00.000Z");
    expect((await db().shop.findUnique({ where: { shop: SHOP } }))?.recomputeRequestedAt?.toISOString()).toBe(
      "2026-12-07T12:00:00.000Z",
    );
    const [entry] = await activities();
    expect(entry).toMatchObject({ kind: "channel_activated", channel: "online_store", details: { source: "admin" } });
    expect(activityText(entry!, "en")).toBe(
      "Online Store holds activated: Ballast now holds units back in safety stock (in Ballast)",
    );
    expect(activityText(entry!, "fr")).toBe(
      "Réserves de la boutique en ligne activées : Ballast met désormais des unités de côté en stock de sécurité (dans Ballast)",
    );
  });

  it("GIVEN an active channel WHEN activated again THEN nothing changes and nothing is logged twice", async () => {
    const result = await activateChannel(db(), {
      shop: SHOP,
      channel: "online_store",
      source: "api",
      nowMs: Date.parse("2026-12-07T12:05:00Z"),
    });
    expect(result).toEqual({ ok: true, mode: "active", changed: false, activatedAt: "2026-12-07T12:00:00.000Z" });
    expect(await activities()).toHaveLength(1);
  });

  it("GIVEN Meta not connected WHEN activating it THEN a clear error and nothing is written", async () => {
    const result = await activateChannel(db(), { shop: SHOP, channel: "meta", source: "admin", nowMs: Date.now() });
    expect(result).toMatchObject({ ok: false, error: { code: "channel_not_connected" } });
    expect(result.ok ? "" : result.error.message).toContain("connect it on the Channels page first");
    expect(await connection("meta")).toBeNull();
    await db().channelConnection.create({ data: { shop: SHOP, channel: "google", state: "disconnected" } });
    expect(
      await activateChannel(db(), { shop: SHOP, channel: "google", source: "api", nowMs: Date.now() }),
    ).toMatchObject({ ok: false, error: { code: "channel_not_connected" } });
    expect((await connection("google"))?.activatedAt).toBeNull();
    expect(await activities()).toHaveLength(1);
  });

  it("GIVEN Meta connected WHEN activated through the API and put back into observe mode THEN both are recorded with their source", async () => {
    await db().channelConnection.create({
      data: { shop: SHOP, channel: "meta", state: "active", encryptedCredentials: "sealed" },
    });
    const activated = await activateChannel(db(), {
      shop: SHOP,
      channel: "meta",
      source: "api",
      nowMs: Date.parse("2026-12-07T12:10:00Z"),
    });
    expect(activated).toMatchObject({ ok: true, mode: "active", changed: true });
    const observed = await observeChannel(db(), {
      shop: SHOP,
      channel: "meta",
      source: "admin",
      nowMs: Date.parse("2026-12-07T12:20:00Z"),
    });
    expect(observed).toEqual({ ok: true, mode: "observing", changed: true, activatedAt: null });
    expect((await connection("meta"))?.activatedAt).toBeNull();
    const entries = (await activities()).slice(1);
    expect(entries.map((entry) => [entry.kind, entry.channel, (entry.details as { source: string }).source])).toEqual([
      ["channel_activated", "meta", "api"],
      ["channel_observed", "meta", "admin"],
    ]);
    expect(activityText(entries[0]!, "en")).toBe("Meta activated: Ballast now sets what it shows (through the API)");
    expect(activityText(entries[1]!, "fr")).toBe(
      "Meta repassé en observation : Ballast ne change plus ce qu'il affiche (dans Ballast)",
    );
  });

  it("GIVEN the Online Store active WHEN put back into observe mode THEN activatedAt is cleared and Activity says Ballast releases its holds", async () => {
    const result = await observeChannel(db(), {
      shop: SHOP,
      channel: "online_store",
      source: "admin",
      nowMs: Date.parse("2026-12-07T13:00:00Z"),
    });
    expect(result).toMatchObject({ ok: true, mode: "observing", changed: true });
    expect((await connection("online_store"))?.activatedAt).toBeNull();
    expect((await db().shop.findUnique({ where: { shop: SHOP } }))?.recomputeRequestedAt?.toISOString()).toBe(
      "2026-12-07T13:00:00.000Z",
    );
    const last = (await activities()).at(-1)!;
    expect(last).toMatchObject({
      kind: "channel_observed",
      channel: "online_store",
      details: { source: "admin", activeSince: "2026-12-07T12:00:00.000Z" },
    });
    expect(activityText(last, "en")).toBe(
      "Online Store back to observe mode: Ballast releases the units it holds (in Ballast)",
    );
    // Observing an observing channel changes nothing.
    expect(
      await observeChannel(db(), { shop: SHOP, channel: "online_store", source: "api", nowMs: Date.now() }),
    ).toMatchObject({ ok: true, changed: false });
  });
});

describe("activation after a reinstall", () => {
  it("GIVEN an uninstall left the Online Store disconnected WHEN the merchant activates it again THEN it sells again (state active)", async () => {
    const shop = "reinstalled.myshopify.com";
    await db().channelConnection.create({
      data: { shop, channel: "online_store", state: "disconnected", activatedAt: null },
    });
    expect(
      await activateChannel(db(), { shop, channel: "online_store", source: "admin", nowMs: Date.now() }),
    ).toMatchObject({ ok: true, changed: true });
    expect(
      await db().channelConnection.findUnique({ where: { shop_channel: { shop, channel: "online_store" } } }),
    ).toMatchObject({ state: "active", pausedBy: null });
  });
});

describe("onboarding", { shuffle: false }, () => {
  const PREVIEW_SHOP = "preview-shop.myshopify.com";

  it("GIVEN a fresh install THEN onboarding is the first screen until the merchant finishes it", async () => {
    expect(await needsOnboarding(db(), PREVIEW_SHOP)).toBe(true);
    await db().shop.create({ data: { shop: PREVIEW_SHOP, locale: "fr" } });
    expect(await needsOnboarding(db(), PREVIEW_SHOP)).toBe(true);
    await finishOnboarding(db(), PREVIEW_SHOP, Date.parse("2026-12-07T12:30:00Z"));
    expect(await needsOnboarding(db(), PREVIEW_SHOP)).toBe(false);
    expect((await db().shop.findUnique({ where: { shop: PREVIEW_SHOP } }))?.locale).toBe("fr");
  });

  it("GIVEN items in stock THEN the preview per channel is the engine's own figures, before and after the worker computed them", async () => {
    const items = [
      { variantId: "71000000000000001", title: "Wool scarf — Red", available: 10, price: "25.00" },
      { variantId: "71000000000000002", title: "Wool scarf — Blue", available: 2, price: "30.00" },
      { variantId: "71000000000000003", title: "Wool hat", available: 1, price: "12.50" },
      { variantId: "71000000000000004", title: "Sold out", available: 0, price: "9.00" },
    ];
    for (const item of items) {
      const gid = await seedItem(db(), PREVIEW_SHOP, {
        variantId: item.variantId,
        title: item.title,
        available: item.available,
      });
      await db().variant.update({ where: { shop_gid: { shop: PREVIEW_SHOP, gid } }, data: { price: item.price } });
    }
    const nowMs = Date.now();
    const before = await previewChannels(db(), PREVIEW_SHOP, nowMs);

    // The expected figures, straight from the engine.
    const context = await loadRecomputeContext(db(), PREVIEW_SHOP, new Date(nowMs));
    const storedRecords = await db().masterRecord.findMany({ where: { shop: PREVIEW_SHOP } });
    const variants = await db().variant.findMany({ where: { shop: PREVIEW_SHOP } });
    for (const channel of ["online_store", "meta"] as const) {
      let withheld = 0;
      let value = 0;
      let zero = 0;
      for (const variant of variants) {
        const record = storedRecords.find((stored) => stored.variantGid === variant.gid)!
          .record as unknown as MasterRecord;
        const sellable = sellableUnits(record, "all");
        if (sellable === 0) continue;
        const decision = allocateItem(
          { variantId: variantGid(variant.gid), productId: productGid(variant.productGid), collectionIds: [], record },
          { ...context.allocation, nowMs },
        ).decisions[channel];
        withheld += sellable - decision.quantity;
        value += (sellable - decision.quantity) * Number(variant.price);
        if (decision.quantity === 0) zero += 1;
      }
      const preview = before.find((entry) => entry.channel === channel)!;
      expect(preview).toMatchObject({
        source: "engine",
        items: 3,
        sellableUnits: 13,
        withheldUnits: withheld,
        zeroItems: zero,
      });
      expect(preview.withheldValue).toBeCloseTo(value, 2);
    }
    // Default buffers hold units back, and the thin-stock default keeps the 1- and 2-unit items whole on the Online Store.
    const onlineStore = before.find((entry) => entry.channel === "online_store")!;
    expect(onlineStore.withheldUnits).toBeGreaterThan(0);
    expect(onlineStore.zeroItems).toBe(0);
    const meta = before.find((entry) => entry.channel === "meta")!;
    expect(meta.zeroExamples.map((example) => example.title)).toEqual(
      expect.arrayContaining(meta.zeroItems > 0 ? ["Wool hat"] : []),
    );

    // The worker computes the Online Store in observe mode too: the preview then reads its rows, with the same figures.
    await recomputeShop(db(), PREVIEW_SHOP, { now: new Date(nowMs), scope: "all", provider: testDatabase.provider });
    const after = await previewChannels(db(), PREVIEW_SHOP, nowMs);
    const storeAfter = after.find((entry) => entry.channel === "online_store")!;
    expect(storeAfter.source).toBe("rows");
    expect({ ...storeAfter, source: "engine" }).toEqual(onlineStore);
  });
});

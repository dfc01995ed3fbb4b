// @database
/**
 * Drift against the fakes: Shopify's own Facebook channel (the Meta fake's competing
 * writer) puts its figure back minutes after each of Ballast's pushes. The monitor sees
 * the drift by sampled read-back, repairs it, counts minutes spent wrong, recognises the
 * pattern as a competing writer and says what to do; the alert resolves once it stops.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelHealth, lagAndDriftSeries } from "./health.server";
import { openAlert, startMonitorWorld, type MonitorWorld } from "../../tests/support/monitor-world";

const MINUTE = 60_000;
let mw: MonitorWorld;

beforeAll(async () => {
  mw = await startMonitorWorld();
  await mw.pass();
  await mw.pass(MINUTE);
});
afterAll(async () => {
  await mw?.close();
});

const db = () => mw.testDatabase.database;

describe("drift and the competing writer", { shuffle: false }, () => {
  it("GIVEN items in sync WHEN nobody else writes THEN read-back checks find no drift", async () => {
    await mw.pass(10 * MINUTE);
    const health = await channelHealth(db(), mw.world.shop, mw.now());
    expect(health.meta.driftItems).toBe(0);
    expect(health.meta.audit.itemsInSync).toBe(3);
    expect(health.meta.audit.checkedInWindow).toBe(3);
    expect(await db().driftEpisode.count()).toBe(0);
  });

  it("GIVEN a native channel that rewrites 10 five minutes after each push WHEN the monitor reads back THEN it opens a drift episode and pushes the desired value again", async () => {
    const [first] = mw.world.variants;
    mw.world.meta.control.setCompetingWriter({
      afterMs: 5 * MINUTE,
      quantityFor: (retailerId) => (retailerId === first!.metaRetailerId ? 10 : undefined),
    });
    // The writer reacts to Ballast's next push: make one by selling a unit.
    await mw.sell(0, 1);
    await mw.pass(MINUTE);
    await mw.pass(6 * MINUTE);
    const episodes = await db().driftEpisode.findMany({ where: { channel: "meta", itemKey: first!.metaRetailerId } });
    expect(episodes.length).toBeGreaterThanOrEqual(1);
    expect(episodes[0]).toMatchObject({ observed: 10 });
    expect(episodes[0]!.observed).toBeGreaterThan(episodes[0]!.expected);
    // Repaired at the next pass: Meta shows Ballast's figure again.
    await mw.pass(MINUTE);
    const row = await db().channelItemState.findUnique({
      where: { shop_channel_itemKey: { shop: mw.world.shop, channel: "meta", itemKey: first!.metaRetailerId } },
    });
    expect(mw.world.meta.control.trueItem(mw.world.catalogId, first!.metaRetailerId)?.quantity).toBe(row!.desired);
  });

  it("WHEN the drift comes back after every push THEN a competing_writer alert opens with guidance to turn off the native channel's inventory sync", async () => {
    await mw.passUntil(async () => (await openAlert(db(), mw.world.shop, "meta", "competing_writer")) !== null, {
      stepMs: 3 * MINUTE,
      maxPasses: 20,
    });
    const alert = await openAlert(db(), mw.world.shop, "meta", "competing_writer");
    expect(alert).toMatchObject({ severity: "critical" });
    expect(alert!.details).toMatchObject({
      items: 1,
      guidance: "disable_native_channel_inventory_sync",
      examples: [mw.world.variants[0]!.metaRetailerId],
    });
    expect((alert!.details as { episodes: number }).episodes).toBeGreaterThanOrEqual(3);
    // Only one alert, however many episodes.
    expect(await db().alert.count({ where: { kind: "competing_writer" } })).toBe(1);
    const health = await channelHealth(db(), mw.world.shop, mw.now());
    expect(health.meta.driftMinutes).toBeGreaterThan(0);
    const series = await lagAndDriftSeries(db(), mw.world.shop, mw.now(), { hours: 2, bucketMinutes: 15 });
    expect(series.meta.reduce((sum, point) => sum + point.driftMinutes, 0)).toBeGreaterThan(0);
    expect(series.meta.some((point) => point.lagSamples > 0)).toBe(true);
  });

  it("GIVEN the merchant turned the native sync off WHEN the lookback passes without new drift THEN the alert resolves", async () => {
    mw.world.meta.control.setCompetingWriter(null);
    await mw.passUntil(async () => (await openAlert(db(), mw.world.shop, "meta", "competing_writer")) === null, {
      stepMs: 30 * MINUTE,
      maxPasses: 16,
    });
    const health = await channelHealth(db(), mw.world.shop, mw.now());
    expect(health.meta.driftItems).toBe(0);
    expect(await db().driftEpisode.count({ where: { endedAt: null } })).toBe(0);
  });
});

// @database
/**
 * Measured lag against the Meta fake driven into a propagation delay: the lag alert opens,
 * auto-protect widens the buffers by default (the lag-aware term counts the push in
 * flight), pauses the channel only when lag goes far beyond what buffers cover (or at the
 * threshold in the pause mode), and undoes it once the channel is fast again. A merchant's
 * own pause is never undone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setChannelState } from "~/channels/connection-store.server";
import { DEFAULT_CHANNEL_TIMING, effectiveDelayMs } from "~/domain";
import { saveRule } from "~/rules/rule-store.server";
import { loadChannelTiming } from "~/sync/timing.server";
import { channelHealth } from "./health.server";
import { openAlert, startMonitorWorld, type MonitorWorld } from "../../tests/support/monitor-world";

const MINUTE = 60_000;
let mw: MonitorWorld;

beforeAll(async () => {
  mw = await startMonitorWorld();
});
afterAll(async () => {
  await mw?.close();
});

const db = () => mw.testDatabase.database;
const metaState = () =>
  db().channelConnection.findUnique({ where: { shop_channel: { shop: mw.world.shop, channel: "meta" } } });

// Each test runs dozens of worker passes against the fakes: minutes on a loaded 2-core machine.
describe("lag and auto-protect", { shuffle: false, timeout: 120_000 }, () => {
  it("GIVEN a healthy Meta WHEN pushes land at once THEN lag is measured near zero and no alert is open", async () => {
    await mw.pass();
    await mw.pass(MINUTE);
    const health = await channelHealth(db(), mw.world.shop, mw.now());
    expect(health.meta.lag.samples).toBeGreaterThanOrEqual(3);
    // The connector waits a beat for the batch to finish (on the virtual clock): near zero.
    expect(health.meta.lag.p95).toBeLessThanOrEqual(5_000);
    expect(health.meta.state).toBe("active");
    expect(await openAlert(db(), mw.world.shop, "meta", "lag_high")).toBeNull();
  });

  it("GIVEN the default settings and Meta delays every write by 45 minutes WHEN a sale changes what Meta should show THEN lag_high opens and auto-protect widens the buffers, Meta keeps selling", async () => {
    mw.world.meta.control.setPropagationDelay(45 * MINUTE);
    // A fixed buffer on this item: its Meta quantity must not move with the growing delay
    // or the decaying sales rate, since each new value restarts the unshown push's clock
    // (lag is measured from the last push; a "first unshown push" time would fix that).
    await saveRule(db(), {
      shop: mw.world.shop,
      channel: "meta",
      scope: "variant",
      scopeGid: mw.world.variants[0]!.variantGid,
      rule: { fixedUnits: 1 },
    });
    await mw.sell(0, 3);
    const passes = await mw.passUntil(async () => (await openAlert(db(), mw.world.shop, "meta", "lag_high")) !== null, {
      stepMs: 5 * MINUTE,
      maxPasses: 12,
    });
    // Crossed by the oldest push Meta has not shown yet (each new push restarts that clock),
    // before any slow sample arrives; never before the 30-minute threshold.
    expect(passes * 5).toBeGreaterThan(30);
    expect(passes * 5).toBeLessThanOrEqual(60);
    expect(await metaState()).toMatchObject({ state: "active", pausedBy: null });
    const activity = await db().activity.findFirst({
      where: { shop: mw.world.shop, channel: "meta", kind: "auto_protect" },
      orderBy: { at: "desc" },
    });
    expect(activity?.details).toMatchObject({
      action: "widening",
      reason: "lag_above_threshold",
      mode: "widen_buffers",
      thresholdMs: 30 * MINUTE,
      pauseThresholdMs: 120 * MINUTE,
    });
  });

  it("WHEN buffers are recomputed THEN Meta's timing counts the push still in flight, not only the samples measured so far", async () => {
    const timing = await loadChannelTiming(db(), mw.world.shop, mw.now());
    // Too few slow samples yet: the measured figure is still the cold-start default.
    expect(timing.meta.measuredLagMs).toBeLessThanOrEqual(DEFAULT_CHANNEL_TIMING.meta.measuredLagMs);
    expect(timing.meta.inFlightLagMs).toBeGreaterThan(30 * MINUTE);
    expect(effectiveDelayMs(timing.meta)).toBeGreaterThan(30 * MINUTE);
  });

  it("GIVEN lag keeps growing past what buffers can cover (2 h) THEN auto-protect pauses Meta (stop selling), logged", async () => {
    mw.world.meta.control.setPropagationDelay(180 * MINUTE);
    await mw.sell(0, 1);
    await mw.passUntil(async () => (await metaState())?.state === "paused_stop_selling", {
      stepMs: 10 * MINUTE,
      maxPasses: 20,
    });
    expect(await metaState()).toMatchObject({ state: "paused_stop_selling", pausedBy: "auto_protect" });
    const activity = await db().activity.findFirst({
      where: { shop: mw.world.shop, channel: "meta", kind: "auto_protect" },
      orderBy: { at: "desc" },
    });
    expect(activity?.details).toMatchObject({ action: "paused", reason: "lag_beyond_buffers", mode: "widen_buffers" });
    expect((activity?.details as { lagMs: number }).lagMs).toBeGreaterThan(120 * MINUTE);
    // The fast channels keep selling.
    const health = await channelHealth(db(), mw.world.shop, mw.now());
    expect(health.online_store.state).toBe("active");
    expect(health.google.state).toBe("active");
  });

  it("WHEN the pause is recomputed THEN Meta is asked to show 0 for every item", async () => {
    await mw.pass(MINUTE);
    const rows = await db().channelItemState.findMany({ where: { shop: mw.world.shop, channel: "meta" } });
    expect(rows.every((row) => row.desired === 0 && row.pushed === 0)).toBe(true);
  });

  it("GIVEN Meta is fast again WHEN the slow samples leave the window THEN Meta resumes, the alert resolves, and both are logged", async () => {
    mw.world.meta.control.setPropagationDelay(0);
    await mw.passUntil(async () => (await metaState())?.state === "active", { stepMs: 10 * MINUTE, maxPasses: 40 });
    expect(await metaState()).toMatchObject({ state: "active", pausedBy: null });
    expect(await openAlert(db(), mw.world.shop, "meta", "lag_high")).toBeNull();
    const resolved = await db().alert.findFirst({ where: { shop: mw.world.shop, channel: "meta", kind: "lag_high" } });
    expect(resolved?.resolvedAt).not.toBeNull();
    const actions = (
      await db().activity.findMany({
        where: { shop: mw.world.shop, channel: "meta", kind: "auto_protect" },
        orderBy: { at: "asc" },
      })
    ).map((entry) => (entry.details as { action: string }).action);
    // Widening first (it may end and start again while the 45-minute pushes land), then the pause and its undo.
    expect(actions[0]).toBe("widening");
    expect(actions.slice(-2)).toEqual(["paused", "resumed"]);
    expect(actions.filter((action) => action === "paused")).toHaveLength(1);
  });

  it("GIVEN the merchant paused Meta by hand WHEN lag crosses the threshold and recovers THEN auto-protect never resumes it", async () => {
    await setChannelState(db(), { shop: mw.world.shop, channel: "meta", state: "paused_stop_selling", by: "merchant" });
    mw.world.meta.control.setPropagationDelay(45 * MINUTE);
    await mw.sell(1, 2);
    await mw.passUntil(async () => (await openAlert(db(), mw.world.shop, "meta", "lag_high")) !== null, {
      stepMs: 5 * MINUTE,
      maxPasses: 12,
    });
    const widening = await db().activity.findFirst({
      where: { shop: mw.world.shop, channel: "meta", kind: "auto_protect" },
      orderBy: { at: "desc" },
    });
    expect(widening?.details).toMatchObject({
      action: "widening",
      reason: "lag_above_threshold_channel_already_paused",
    });
    mw.world.meta.control.setPropagationDelay(0);
    await mw.passUntil(async () => (await openAlert(db(), mw.world.shop, "meta", "lag_high")) === null, {
      stepMs: 10 * MINUTE,
      maxPasses: 30,
    });
    await mw.pass(MINUTE);
    expect(await metaState()).toMatchObject({ state: "paused_stop_selling", pausedBy: "merchant" });
  });

  it("GIVEN a merchant who chose the pause mode WHEN lag crosses 30 minutes THEN auto-protect pauses Meta at once", async () => {
    await setChannelState(db(), { shop: mw.world.shop, channel: "meta", state: "active", by: "merchant" });
    const shopRow = await db().shop.findUnique({ where: { shop: mw.world.shop }, select: { settings: true } });
    const settings = (shopRow?.settings ?? {}) as Record<string, unknown>;
    await db().shop.update({
      where: { shop: mw.world.shop },
      data: { settings: { ...settings, alerts: { channels: { meta: { autoProtectMode: "pause_stop_selling" } } } } },
    });
    await mw.pass(MINUTE);
    mw.world.meta.control.setPropagationDelay(45 * MINUTE);
    await mw.sell(2, 2);
    const passes = await mw.passUntil(async () => (await metaState())?.state === "paused_stop_selling", {
      stepMs: 5 * MINUTE,
      maxPasses: 12,
    });
    expect(passes * 5).toBeGreaterThan(30);
    expect(passes * 5).toBeLessThanOrEqual(60);
    const activity = await db().activity.findFirst({
      where: { shop: mw.world.shop, channel: "meta", kind: "auto_protect" },
      orderBy: { at: "desc" },
    });
    expect(activity?.details).toMatchObject({
      action: "paused",
      reason: "lag_above_threshold",
      mode: "pause_stop_selling",
      thresholdMs: 30 * MINUTE,
    });
  });
});

// @database
/**
 * Failure modes against the fakes: Meta throttling Ballast, Shopify refusing a revoked
 * token (then restored), and a shop that stops receiving webhooks. Each opens the right
 * alert and resolves it once healthy.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelHealth } from "./health.server";
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

describe("failures", { shuffle: false }, () => {
  it("GIVEN Meta answers rate-limit errors WHEN a push is due THEN a throttled alert opens, and resolves once the push goes through", async () => {
    mw.world.meta.control.failNext("action_rate_limit", { count: 3, endpoint: "items_batch" });
    await mw.sell(2, 2);
    await mw.pass(MINUTE);
    const health = await channelHealth(db(), mw.world.shop, mw.now());
    expect(health.meta.throttled).toBeGreaterThan(0);
    expect(await openAlert(db(), mw.world.shop, "meta", "throttled")).toMatchObject({
      severity: "warning",
      details: expect.objectContaining({ guidance: "wait_for_budget" }),
    });
    await mw.passUntil(async () => (await openAlert(db(), mw.world.shop, "meta", "throttled")) === null, {
      stepMs: 5 * MINUTE,
      maxPasses: 24,
    });
    const row = await db().channelItemState.findUnique({
      where: {
        shop_channel_itemKey: { shop: mw.world.shop, channel: "meta", itemKey: mw.world.variants[2]!.metaRetailerId },
      },
    });
    expect(row!.pushed).toBe(row!.desired);
  });

  it("GIVEN Shopify refuses the revoked token WHEN the Online Store push fails THEN credentials_revoked opens; WHEN access is restored THEN items are released and it resolves", async () => {
    mw.world.shopify.revokeToken(mw.world.shop);
    await mw.sell(1, 2);
    await mw.passUntil(
      async () => (await openAlert(db(), mw.world.shop, "online_store", "credentials_revoked")) !== null,
      { stepMs: MINUTE, maxPasses: 5 },
    );
    expect((await channelHealth(db(), mw.world.shop, mw.now())).online_store.credentialFailures).toBeGreaterThan(0);
    // Still refused: the probe keeps the alert open.
    await mw.pass(6 * MINUTE);
    expect(await openAlert(db(), mw.world.shop, "online_store", "credentials_revoked")).not.toBeNull();

    mw.world.shopify.restoreToken(mw.world.shop);
    await mw.passUntil(
      async () => (await openAlert(db(), mw.world.shop, "online_store", "credentials_revoked")) === null,
      { stepMs: 6 * MINUTE, maxPasses: 5 },
    );
    await mw.pass(MINUTE);
    const health = await channelHealth(db(), mw.world.shop, mw.now());
    expect(health.online_store).toMatchObject({ parked: 0, credentialFailures: 0 });
    // Released by the health probe (activity credentials_restored) or re-pushed by a new desired value.
    expect(
      await db().activity.count({ where: { kind: "credentials_restored", channel: "online_store" } }),
    ).toBeLessThanOrEqual(1);
    expect(await openAlert(db(), mw.world.shop, "online_store", "push_parked")).toBeNull();
  });

  it("GIVEN a shop that receives webhooks all day WHEN none arrive for an hour THEN webhook_gap opens; WHEN one arrives THEN it resolves", async () => {
    const start = mw.now().getTime() - 20 * 3_600_000;
    await db().webhookEvent.createMany({
      data: Array.from({ length: 40 }, (_, index) => ({
        eventId: `gap-${index}`,
        shop: mw.world.shop,
        topic: "inventory_levels/update",
        webhookId: `gap-w-${index}`,
        apiVersion: "2026-10",
        payload: "{}",
        receivedAt: new Date(start + index * 30 * MINUTE),
        processedAt: new Date(start + index * 30 * MINUTE),
      })),
    });
    // The last one came 30 minutes ago: not a gap yet. Other webhook rows are the test's own orders.
    await db().webhookEvent.updateMany({
      where: { shop: mw.world.shop, eventId: { startsWith: "order-event" } },
      data: { receivedAt: new Date(start) },
    });
    await mw.pass(MINUTE);
    expect(await openAlert(db(), mw.world.shop, null, "webhook_gap")).toBeNull();
    await mw.pass(45 * MINUTE);
    expect(await openAlert(db(), mw.world.shop, null, "webhook_gap")).toMatchObject({
      details: expect.objectContaining({ guidance: "check_webhook_subscriptions" }),
    });
    await mw.sell(0, 1);
    // Recorded with the wall clock; the test runs on the virtual one.
    await db().webhookEvent.updateMany({
      where: { shop: mw.world.shop, processedAt: null },
      data: { receivedAt: mw.now() },
    });
    await mw.pass(MINUTE);
    expect(await openAlert(db(), mw.world.shop, null, "webhook_gap")).toBeNull();
  });
});

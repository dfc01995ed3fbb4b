// @database
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { channelHealth } from "./health.server";

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

const NOW = new Date(Date.UTC(2026, 10, 27, 12));
const MINUTE = 60_000;
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * MINUTE);
let shopSeq = 0;

type Row = {
  itemKey: string;
  desired: number;
  pushed?: number | null;
  pushedAt?: Date | null;
  confirmed?: number | null;
  confirmedAt?: Date | null;
  checkedAt?: Date | null;
  attempts?: number;
  nextAttemptAt?: Date | null;
  lastError?: string | null;
  parkedAt?: Date | null;
};

async function seed(shop: string, channel: string, rows: Row[]) {
  await testDatabase.database.channelItemState.createMany({
    data: rows.map((row) => ({
      shop,
      channel,
      variantGid: `gid://shopify/ProductVariant/${row.itemKey}`,
      desiredAvailability: "in_stock",
      explanation: {},
      computedAt: NOW,
      ...row,
    })),
  });
}

describe("channelHealth: sync-state figures", () => {
  it("counts pending, in-sync, audited, failing, throttled and parked items per channel, and the oldest unconfirmed push of the day", async () => {
    const shop = `health-${++shopSeq}.myshopify.com`;
    await seed(shop, "meta", [
      // In sync (so is 7 below), checked 10 min ago (inside the 60-min window) and 3 h ago (outside).
      {
        itemKey: "1",
        desired: 5,
        pushed: 5,
        pushedAt: ago(300),
        confirmed: 5,
        confirmedAt: ago(290),
        checkedAt: ago(10),
      },
      {
        itemKey: "2",
        desired: 5,
        pushed: 5,
        pushedAt: ago(300),
        confirmed: 5,
        confirmedAt: ago(290),
        checkedAt: ago(180),
      },
      // Pending: never pushed, and pushed a different figure.
      { itemKey: "3", desired: 4 },
      { itemKey: "4", desired: 2, pushed: 3, pushedAt: ago(30), confirmed: 3, confirmedAt: ago(20) },
      // Unconfirmed pushes: 40 min old (shown the old figure), 25 h old (drift, not lag), confirmed before the push.
      { itemKey: "5", desired: 6, pushed: 6, pushedAt: ago(40), confirmed: 7, confirmedAt: ago(35) },
      { itemKey: "6", desired: 6, pushed: 6, pushedAt: ago(25 * 60) },
      {
        itemKey: "7",
        desired: 1,
        pushed: 1,
        pushedAt: ago(15),
        confirmed: 1,
        confirmedAt: ago(50),
        checkedAt: ago(50),
      },
      // Failing: 3 attempts with an error; throttled: waiting after a rate limit; 2 attempts is not yet failing.
      {
        itemKey: "8",
        desired: 9,
        pushed: 8,
        pushedAt: ago(100),
        confirmed: 8,
        confirmedAt: ago(90),
        attempts: 3,
        lastError: "timeout",
        nextAttemptAt: ago(1),
      },
      {
        itemKey: "9",
        desired: 9,
        pushed: 8,
        pushedAt: ago(100),
        confirmed: 8,
        confirmedAt: ago(90),
        attempts: 1,
        lastError: "rate_limited: slow down",
        nextAttemptAt: ago(-5),
      },
      {
        itemKey: "10",
        desired: 9,
        pushed: 8,
        pushedAt: ago(100),
        confirmed: 8,
        confirmedAt: ago(90),
        attempts: 2,
        lastError: "timeout",
      },
      // Parked: one for refused credentials. Not pending, not unconfirmed.
      {
        itemKey: "11",
        desired: 3,
        pushed: 1,
        pushedAt: ago(5),
        parkedAt: ago(4),
        lastError: "credentials_revoked: token refused",
      },
      { itemKey: "12", desired: 3, pushed: 1, pushedAt: ago(5), parkedAt: ago(4), lastError: "INVALID: bad id" },
    ]);
    // Another channel and another shop never count here.
    await seed(shop, "google", [
      { itemKey: "1", desired: 1, pushed: 1, pushedAt: ago(5), confirmed: 1, confirmedAt: ago(4), checkedAt: ago(4) },
    ]);
    await seed(`other-${shop}`, "meta", [
      { itemKey: "1", desired: 1, pushed: 0, pushedAt: ago(500), parkedAt: ago(1), lastError: "credentials_revoked" },
    ]);

    const health = await channelHealth(testDatabase.database, shop, NOW, { windowMinutes: 60 });
    expect(health.meta).toMatchObject({
      pending: 5, // 3, 4, 8, 9, 10
      errors: 1,
      throttled: 1,
      parked: 2,
      credentialFailures: 1,
      audit: { itemsInSync: 3, checkedInWindow: 2, oldestCheckAt: ago(180).toISOString() },
      oldestUnconfirmedMs: 40 * MINUTE,
    });
    expect(health.google).toMatchObject({
      pending: 0,
      parked: 0,
      audit: { itemsInSync: 1, checkedInWindow: 1 },
      oldestUnconfirmedMs: null,
    });
    expect(health.online_store).toMatchObject({
      pending: 0,
      audit: { itemsInSync: 0, checkedInWindow: 0, oldestCheckAt: null },
      oldestUnconfirmedMs: null,
    });
  });

  it("reports the audit's oldest check as never while an item in sync has not been checked", async () => {
    const shop = `health-${++shopSeq}.myshopify.com`;
    await seed(shop, "meta", [
      {
        itemKey: "1",
        desired: 5,
        pushed: 5,
        pushedAt: ago(30),
        confirmed: 5,
        confirmedAt: ago(20),
        checkedAt: ago(10),
      },
      { itemKey: "2", desired: 5, pushed: 5, pushedAt: ago(30), confirmed: 5, confirmedAt: ago(20) },
    ]);
    const health = await channelHealth(testDatabase.database, shop, NOW, { windowMinutes: 60 });
    expect(health.meta.audit).toEqual({ itemsInSync: 2, checkedInWindow: 1, oldestCheckAt: null });
  });
});

describe("channelHealth: observe mode", () => {
  it("says per channel whether it is observed (no row, or not activated) or active, with when it was activated", async () => {
    const shop = `health-${++shopSeq}.myshopify.com`;
    const activatedAt = ago(60);
    await testDatabase.database.channelConnection.createMany({
      data: [
        { shop, channel: "meta", activatedAt },
        { shop, channel: "google", state: "paused_stop_selling" },
      ],
    });
    const health = await channelHealth(testDatabase.database, shop, NOW);
    expect(health.online_store).toMatchObject({ mode: "observing", activatedAt: null, state: "active" });
    expect(health.meta).toMatchObject({ mode: "active", activatedAt: activatedAt.toISOString() });
    expect(health.google).toMatchObject({ mode: "observing", activatedAt: null, state: "paused_stop_selling" });
  });
});

describe("channelHealth: connection, lag and drift figures", () => {
  it("reads the connection, takes the worse of p95 and the oldest unconfirmed push, sums drift inside the window, and counts Meta's spent budget as throttling", async () => {
    const shop = `health-${++shopSeq}.myshopify.com`;
    const db = testDatabase.database;
    const recent = (count: number) => Array.from({ length: count }, () => ago(30).getTime());
    await db.channelConnection.createMany({
      data: [
        {
          shop,
          channel: "meta",
          activatedAt: ago(600),
          state: "paused_stop_selling",
          pausedBy: "auto_protect",
          lastPushAt: ago(3),
          // 100 calls this hour (the older ones and the odd entry do not count): the budget is spent.
          recentWriteCalls: [...recent(100), ago(90).getTime(), ago(61).getTime(), "x"],
        },
        // Only Meta has an hourly batch budget.
        { shop, channel: "google", activatedAt: ago(600), recentWriteCalls: recent(150) },
      ],
    });
    await seed(shop, "meta", [
      { itemKey: "1", desired: 2, nextAttemptAt: ago(-5), lastError: "rate_limited", attempts: 1 },
      { itemKey: "2", desired: 2 },
      { itemKey: "3", desired: 2 },
      // Pushed 20 min ago and not seen since: worse than any lag sample.
      { itemKey: "4", desired: 5, pushed: 5, pushedAt: ago(20) },
    ]);
    await seed(shop, "google", [
      { itemKey: "1", desired: 2 },
      { itemKey: "2", desired: 2 },
    ]);
    const sample = (channel: string, minutesAgo: number, lagMinutes: number) => ({
      shop,
      channel,
      pushedAt: ago(minutesAgo + lagMinutes),
      observedAt: ago(minutesAgo),
      lagMs: lagMinutes * MINUTE,
    });
    await db.lagSample.createMany({
      data: [
        sample("meta", 5, 1),
        sample("meta", 10, 3),
        sample("meta", 15, 2),
        sample("meta", 90, 100), // outside the 60-min window
        sample("google", 5, 7),
      ],
    });
    const episode = (itemKey: string, start: number, end: number | null, owner = shop) => ({
      shop: owner,
      channel: "meta",
      itemKey,
      variantGid: `gid://shopify/ProductVariant/${itemKey}`,
      expected: 3,
      observed: 5,
      startedAt: ago(start),
      endedAt: end === null ? null : ago(end),
    });
    await db.driftEpisode.createMany({
      data: [
        episode("1", 90, null), // open: 60 min in the window, 90 min long
        episode("2", 45, 30), // closed: 15 min
        episode("3", 12.5, null), // open: 12.5 min
        episode("4", 120, 70), // closed before the window
        episode("5", 30, null, `other-${shop}`),
      ],
    });

    const health = await channelHealth(db, shop, NOW, { windowMinutes: 60 });
    expect(health.meta).toMatchObject({
      mode: "active",
      activatedAt: ago(600).toISOString(),
      state: "paused_stop_selling",
      pausedBy: "auto_protect",
      lastPushAt: ago(3).toISOString(),
      lag: { p50: 2 * MINUTE, p95: 3 * MINUTE, max: 3 * MINUTE, samples: 3, windowMinutes: 60 },
      oldestUnconfirmedMs: 20 * MINUTE,
      effectiveLagMs: 20 * MINUTE,
      driftItems: 2,
      driftMinutes: 87.5,
      longestDriftMinutes: 90,
      pending: 3,
      throttled: 3, // 1 waiting after a rate limit, raised to every pending item by the spent budget
      errors: 0,
    });
    expect(health.google).toMatchObject({
      lag: { p50: 7 * MINUTE, p95: 7 * MINUTE, max: 7 * MINUTE, samples: 1, windowMinutes: 60 },
      oldestUnconfirmedMs: null,
      effectiveLagMs: 7 * MINUTE,
      pending: 2,
      throttled: 0,
      driftItems: 0,
      driftMinutes: 0,
      longestDriftMinutes: 0,
    });
    expect(health.online_store).toMatchObject({
      mode: "observing",
      state: "active",
      pausedBy: null,
      lastPushAt: null,
      lag: { p50: null, p95: null, max: null, samples: 0, windowMinutes: 60 },
      effectiveLagMs: null,
    });
  });
});

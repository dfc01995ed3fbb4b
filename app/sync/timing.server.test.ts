// @database
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelLagMs, DEFAULT_CHANNEL_TIMING, effectiveDelayMs, metaBudgetWaitMs } from "~/domain";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { nearestRank } from "~/domain/percentile";
import { loadChannelTiming, refreshChannelTiming, syncQueues } from "./timing.server";

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

const NOW = new Date(Date.UTC(2026, 10, 27, 12));
const MINUTE = 60_000;
let shopSeq = 0;

async function seedSamples(shop: string, channel: string, samples: { lagMs: number; minutesAgo: number }[]) {
  await testDatabase.database.lagSample.createMany({
    data: samples.map(({ lagMs, minutesAgo }) => {
      const observedAt = new Date(NOW.getTime() - minutesAgo * MINUTE);
      return { shop, channel, lagMs, observedAt, pushedAt: new Date(observedAt.getTime() - lagMs) };
    }),
  });
}

describe("loadChannelTiming: measured lag p95", () => {
  it("takes the last 20 minutes when they have enough samples, else the day's latest pushes, else the default; another shop's samples never count", async () => {
    const shop = `timing-${++shopSeq}.myshopify.com`;
    // Meta: 100 samples in the last 20 minutes (1..100 s) and slow ones yesterday morning.
    await seedSamples(
      shop,
      "meta",
      Array.from({ length: 100 }, (_, index) => ({ lagMs: (index + 1) * 1_000, minutesAgo: index % 20 })),
    );
    await seedSamples(shop, "meta", [{ lagMs: 900_000, minutesAgo: 600 }]);
    // Online Store: only 2 recent samples, but 10 over the day.
    await seedSamples(shop, "online_store", [
      { lagMs: 4_000, minutesAgo: 10 },
      { lagMs: 6_000, minutesAgo: 20 },
      ...Array.from({ length: 8 }, (_, index) => ({ lagMs: (index + 1) * 10_000, minutesAgo: 120 + index })),
    ]);
    // Google: samples older than a day, and a future one: neither counts.
    await seedSamples(shop, "google", [
      ...Array.from({ length: 10 }, () => ({ lagMs: 7_200_000, minutesAgo: 25 * 60 })),
      { lagMs: 1, minutesAgo: -5 },
    ]);
    await seedSamples(
      `other-${shop}`,
      "meta",
      Array.from({ length: 50 }, () => ({ lagMs: 3_600_000, minutesAgo: 5 })),
    );

    const timing = await loadChannelTiming(testDatabase.database, shop, NOW);
    expect(timing.meta.measuredLagMs).toBe(95_000);
    expect(timing.online_store.measuredLagMs).toBe(
      nearestRank([4_000, 6_000, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000, 80_000], 0.95),
    );
    expect(timing.google.measuredLagMs).toBe(DEFAULT_CHANNEL_TIMING.google.measuredLagMs);
    // What an increase must survive on a channel with its own checkout (the engine decides
    // which by the channel's checkout place): the longest lag of the day.
    expect(timing.meta.increaseLagMs).toBe(900_000);
    expect(timing.online_store.increaseLagMs).toBe(80_000);
    expect(timing.google.increaseLagMs).toBeUndefined();
  });

  it("after a spike, a channel pushed rarely is measured by its latest pushes, not by the spike's pushes landing last", async () => {
    const shop = `timing-${++shopSeq}.myshopify.com`;
    const samples = (count: number, lagMs: number, observedMinutesAgo: number) =>
      Array.from({ length: count }, (_, index) => ({ lagMs, minutesAgo: observedMinutesAgo - index }));
    // Ten pushes sent after the spike landed in 3 minutes (seen 45 to 36 minutes ago); five
    // sent during it landed 30 minutes late, seen later (25 to 21 minutes ago). Nothing since.
    await seedSamples(shop, "meta", [...samples(10, 3 * MINUTE, 45), ...samples(5, 30 * MINUTE, 25)]);
    const timing = await loadChannelTiming(testDatabase.database, shop, NOW);
    expect(timing.meta.measuredLagMs).toBe(3 * MINUTE);
  });

  it("equals the nearest-rank p95 of the window for any set of samples", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3_600_000 }), { minLength: 5, maxLength: 60 }),
        async (lags) => {
          const shop = `timing-${++shopSeq}.myshopify.com`;
          await seedSamples(
            shop,
            "meta",
            lags.map((lagMs, index) => ({ lagMs, minutesAgo: index % 20 })),
          );
          const timing = await loadChannelTiming(testDatabase.database, shop, NOW);
          expect(timing.meta.measuredLagMs).toBe(
            nearestRank(
              [...lags].sort((a, b) => a - b),
              0.95,
            ),
          );
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe("loadChannelTiming: pushes in flight and the queue", () => {
  it("ages the oldest push a channel has not shown (never read, or still showing more), and counts what waits for a push", async () => {
    const shop = `timing-${++shopSeq}.myshopify.com`;
    const ago = (minutes: number) => new Date(NOW.getTime() - minutes * MINUTE);
    const row = (
      itemKey: string,
      fields: {
        desired: number;
        pushed?: number | null;
        pushedAt?: Date | null;
        confirmed?: number | null;
        confirmedAt?: Date | null;
        parkedAt?: Date | null;
      },
    ) => ({
      shop,
      channel: "meta",
      itemKey,
      variantGid: `gid://shopify/ProductVariant/${itemKey.length}`,
      desiredAvailability: "in_stock",
      explanation: {},
      computedAt: ago(60),
      pushed: null,
      pushedAt: null,
      confirmed: null,
      confirmedAt: null,
      parkedAt: null,
      ...fields,
    });
    await testDatabase.database.channelItemState.createMany({
      data: [
        row("showing-more", { desired: 10, pushed: 10, pushedAt: ago(7), confirmed: 12, confirmedAt: ago(1) }),
        row("never-read", { desired: 4, pushed: 4, pushedAt: ago(3) }),
        // An increase not read since it was pushed: in flight too.
        row("raised-unread", { desired: 9, pushed: 9, pushedAt: ago(6), confirmed: 4, confirmedAt: ago(12) }),
        // Read since the push, showing less: Meta's own checkout, or landed and sold since.
        row("raised-read", { desired: 9, pushed: 9, pushedAt: ago(8), confirmed: 4, confirmedAt: ago(2) }),
        // Showing less than pushed: Meta's own checkout sold units, not lag.
        row("showing-less", { desired: 5, pushed: 5, pushedAt: ago(20), confirmed: 3, confirmedAt: ago(10) }),
        row("shown", { desired: 6, pushed: 6, pushedAt: ago(30), confirmed: 6, confirmedAt: ago(25) }),
        // Parked rows and pushes older than a day are not lag.
        row("parked", { desired: 1, pushed: 2, pushedAt: ago(40), parkedAt: ago(39) }),
        row("lost", { desired: 8, pushed: 8, pushedAt: ago(26 * 60) }),
        // Waiting for a push: never pushed, or desired moved since.
        row("new", { desired: 3 }),
        row("moved", { desired: 2, pushed: 9, pushedAt: ago(5), confirmed: 9, confirmedAt: ago(4) }),
      ],
    });
    const timing = await loadChannelTiming(testDatabase.database, shop, NOW);
    expect(timing.meta.inFlightLagMs).toBe(7 * MINUTE);
    expect(timing.online_store.inFlightLagMs).toBe(0);
    expect(timing.google.inFlightLagMs).toBeUndefined();
    expect(timing.meta.budgetWaitMs).toBe(metaBudgetWaitMs({ pendingItems: 2 }));
    // A push in flight for 7 minutes: a lag seen today, which an increase must survive.
    expect(timing.meta.increaseLagMs).toBe(7 * MINUTE);
    const queues = await syncQueues(testDatabase.database, shop, new Date(NOW.getTime() - 86_400_000), NOW);
    expect(queues.get("meta")).toEqual({ oldestInFlight: ago(7), queued: 2 });
  });

  it("brings a timing loaded earlier up to date: a push left unconfirmed raises the lag as it ages, and says what the figures in flight were sized for", async () => {
    const shop = `timing-${++shopSeq}.myshopify.com`;
    // Before the push, Meta landed pushes in 8 minutes.
    await seedSamples(
      shop,
      "meta",
      Array.from({ length: 10 }, (_, index) => ({ lagMs: 8 * MINUTE, minutesAgo: 30 + index })),
    );
    const loaded = await loadChannelTiming(testDatabase.database, shop, new Date(NOW.getTime() - 25 * MINUTE));
    expect(loaded.meta.inFlightLagMs).toBe(0);
    await testDatabase.database.channelItemState.create({
      data: {
        shop,
        channel: "meta",
        itemKey: "rushed",
        variantGid: "gid://shopify/ProductVariant/1",
        desired: 0,
        desiredAvailability: "out_of_stock",
        explanation: {},
        computedAt: new Date(NOW.getTime() - 25 * MINUTE),
        pushed: 0,
        pushedAt: new Date(NOW.getTime() - 25 * MINUTE),
        confirmed: 6,
        confirmedAt: new Date(NOW.getTime() - 26 * MINUTE),
      },
    });
    const later = await refreshChannelTiming(testDatabase.database, shop, NOW, loaded);
    expect(later.meta.measuredLagMs).toBe(loaded.meta.measuredLagMs);
    expect(later.meta.inFlightLagMs).toBe(25 * MINUTE);
    expect(later.meta.increaseLagMs).toBe(25 * MINUTE);
    expect(later.meta.sizedForLagMs).toBe(8 * MINUTE);
    // 25 minutes against 8 measured: the lag counted as 25 + (25 − 8 − 2) = 40 minutes.
    expect(channelLagMs(later.meta)).toBe(40 * MINUTE);
    expect(effectiveDelayMs(later.meta)).toBeGreaterThan(effectiveDelayMs(loaded.meta));
  });
});

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CHANNEL_TIMING } from "~/domain";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { loadChannelTiming, percentile } from "./timing.server";

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
  it("takes the last hour when it has enough samples, else the day, else the default; another shop's samples never count", async () => {
    const shop = `timing-${++shopSeq}.myshopify.com`;
    // Meta: 100 samples in the last hour (1..100 s) and slow ones yesterday morning.
    await seedSamples(shop, "meta", Array.from({ length: 100 }, (_, index) => ({ lagMs: (index + 1) * 1_000, minutesAgo: index % 50 })));
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
    await seedSamples(`other-${shop}`, "meta", Array.from({ length: 50 }, () => ({ lagMs: 3_600_000, minutesAgo: 5 })));

    const timing = await loadChannelTiming(testDatabase.database, shop, NOW);
    expect(timing.meta.measuredLagMs).toBe(95_000);
    expect(timing.online_store.measuredLagMs).toBe(percentile([4_000, 6_000, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000, 80_000], 0.95));
    expect(timing.google.measuredLagMs).toBe(DEFAULT_CHANNEL_TIMING.google.measuredLagMs);
  });

  it("equals the nearest-rank p95 of the window for any set of samples", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 3_600_000 }), { minLength: 5, maxLength: 60 }), async (lags) => {
        const shop = `timing-${++shopSeq}.myshopify.com`;
        await seedSamples(shop, "meta", lags.map((lagMs, index) => ({ lagMs, minutesAgo: index % 59 })));
        const timing = await loadChannelTiming(testDatabase.database, shop, NOW);
        expect(timing.meta.measuredLagMs).toBe(percentile([...lags].sort((a, b) => a - b), 0.95));
      }),
      { numRuns: 25 },
    );
  });
});

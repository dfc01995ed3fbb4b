// @database
/**
 * The Overview's drift figures: the table's "items in drift" and the chart's drift line
 * count the same drift episodes, so the chart's last point equals the table.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { loadOverview } from "./overview.server";

const SHOP = "overview-shop.myshopify.com";
const HOUR = 3_600_000;
// A fixed clock, 20 minutes past an hour: the current (partial) hour is the last bucket.
const NOW = Date.UTC(2026, 10, 27, 12, 20);
let testDatabase: TestDatabase;
const db = () => testDatabase.database;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  const episode = (itemKey: string, startMs: number, endMs: number | null, shop = SHOP) => ({
    shop,
    channel: "meta",
    itemKey,
    variantGid: `gid://shopify/ProductVariant/${itemKey}`,
    expected: 3,
    observed: 5,
    sincePushMs: 60_000,
    startedAt: new Date(startMs),
    endedAt: endMs === null ? null : new Date(endMs),
  });
  await db().driftEpisode.createMany({
    data: [
      episode("1", NOW - 5 * HOUR, NOW - 2 * HOUR), // ended: counted at 08:00, 09:00, 10:00
      episode("2", NOW - 90 * 60_000, null), // open since 10:50
      episode("3", NOW - 10 * 60_000, null), // open since 12:10
      episode("4", NOW - 30 * 60_000, null, "elsewhere.myshopify.com"), // another shop's: never counted
    ],
  });
  await db().channelItemState.create({
    data: {
      shop: SHOP,
      channel: "meta",
      itemKey: "2",
      variantGid: "gid://shopify/ProductVariant/2",
      desired: 3,
      desiredAvailability: "in_stock",
      explanation: {},
      computedAt: new Date(NOW),
      pushed: 3,
      confirmed: 5,
      confirmedAt: new Date(NOW),
    },
  });
  await db().lagSample.create({
    data: {
      shop: SHOP,
      channel: "meta",
      pushedAt: new Date(NOW - 3 * HOUR - 60_000),
      observedAt: new Date(NOW - 3 * HOUR),
      lagMs: 60_000,
    },
  });
});
afterAll(async () => {
  await testDatabase?.drop();
});

describe("overview drift", () => {
  it("GIVEN drift episodes WHEN the Overview loads THEN the table counts the open ones and the chart's hours count those open at each hour's end", async () => {
    const overview = await loadOverview(db(), SHOP, NOW);
    const meta = overview.channels.find((channel) => channel.channel === "meta")!;
    expect(meta.drift).toBe(2);
    const series = overview.series.meta;
    expect(series).toHaveLength(24);
    expect(series.at(-1)).toMatchObject({ at: "2026-11-27T12:00:00.000Z", driftItems: 2 });
    expect(series.at(-2)).toMatchObject({ at: "2026-11-27T11:00:00.000Z", driftItems: 1 }); // episode 2 open at 12:00
    expect(series.filter((point) => point.driftItems > 0).map((point) => point.at.slice(11, 16))).toEqual([
      "07:00",
      "08:00",
      "09:00",
      "10:00",
      "11:00",
      "12:00",
    ]);
    // 07:00–08:00 ends at 08:00, while episode 1 (07:20–10:20) was open.
    expect(series.find((point) => point.at.startsWith("2026-11-27T07"))?.driftItems).toBe(1);
    expect(series.find((point) => point.at.startsWith("2026-11-27T09"))).toMatchObject({
      lagSamples: 1,
      lagP95Ms: 60_000,
    });
    expect(overview.channels.find((channel) => channel.channel === "online_store")?.drift).toBe(0);
  });
});

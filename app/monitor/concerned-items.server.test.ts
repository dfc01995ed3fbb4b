// @database
/**
 * The items behind a channel's counts, as the alerts record them: each row counted the way
 * channelHealth counts it (parked for credentials or not, throttled, failing), drifting
 * items oldest first, overwritten items by their channel key; at most ten each, other
 * channels and shops left out, and nothing read for a healthy channel.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { channelHealth } from "./health.server";
import { concernedItems } from "./concerned-items.server";

const SHOP = "concerned-items.myshopify.com";
const OTHER = "concerned-other.myshopify.com";
const NOW = new Date(Date.UTC(2026, 10, 27, 12));
const MINUTE = 60_000;
const gid = (id: number) => `gid://shopify/ProductVariant/${id}`;
let testDatabase: TestDatabase;
const db = () => testDatabase.database;

const row = (variant: number, values: Record<string, unknown> = {}, shop = SHOP, channel = "meta") => ({
  shop,
  channel,
  itemKey: String(variant),
  variantGid: gid(variant),
  desired: 3,
  desiredAvailability: "in_stock",
  explanation: {},
  computedAt: NOW,
  pushed: 3,
  ...values,
});

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  const later = new Date(NOW.getTime() + 5 * MINUTE);
  await db().channelItemState.createMany({
    data: [
      row(1, { parkedAt: NOW, lastError: "credentials_revoked: token expired" }),
      row(2, { parkedAt: NOW, lastError: "unmatched: not in catalog" }),
      row(3, { lastError: "rate_limited: slow down", nextAttemptAt: later, attempts: 1 }),
      row(4, { lastError: "invalid_request: bad field", attempts: 3 }),
      // A first failure is not yet "failing".
      row(5, { lastError: "timeout", attempts: 1 }),
      // Twelve failing items: ten are named.
      ...Array.from({ length: 12 }, (_, index) => row(100 + index, { lastError: "HTTP 500", attempts: 4 })),
      row(6),
      row(7, { lastError: "HTTP 500", attempts: 4 }, SHOP, "google"),
      row(8, { lastError: "HTTP 500", attempts: 4 }, OTHER),
    ],
  });
  await db().driftEpisode.createMany({
    data: [
      {
        shop: SHOP,
        channel: "meta",
        itemKey: "6",
        variantGid: gid(6),
        expected: 3,
        observed: 5,
        startedAt: new Date(NOW.getTime() - 10 * MINUTE),
      },
      {
        shop: SHOP,
        channel: "meta",
        itemKey: "2",
        variantGid: gid(2),
        expected: 3,
        observed: 4,
        startedAt: new Date(NOW.getTime() - 90 * MINUTE),
      },
      // Ended: no longer drifting.
      {
        shop: SHOP,
        channel: "meta",
        itemKey: "3",
        variantGid: gid(3),
        expected: 3,
        observed: 4,
        startedAt: new Date(NOW.getTime() - 200 * MINUTE),
        endedAt: new Date(NOW.getTime() - 100 * MINUTE),
      },
    ],
  });
});

afterAll(async () => {
  await testDatabase?.drop();
});

describe("concernedItems", () => {
  it("names the items behind each of the channel's counts, at most ten each", async () => {
    const health = (await channelHealth(db(), SHOP, NOW)).meta;
    expect(health).toMatchObject({ parked: 2, credentialFailures: 1, throttled: 1, errors: 13, driftItems: 2 });
    const items = await concernedItems(
      db(),
      SHOP,
      "meta",
      health,
      [{ itemKey: "6", episodes: 3, medianSincePushMs: MINUTE }],
      NOW,
    );
    expect(items.credentials).toEqual([gid(1)]);
    expect(items.parked).toEqual([gid(2)]);
    expect(items.throttled).toEqual([gid(3)]);
    expect(items.errors).toHaveLength(10);
    expect(items.errors).not.toContain(gid(5));
    expect(items.errors.every((variant) => ![gid(7), gid(8)].includes(variant))).toBe(true);
    expect(items.drift).toEqual([gid(2), gid(6)]);
    expect(items.competing).toEqual([gid(6)]);
  });

  it("reads nothing for a channel with nothing to name", async () => {
    const health = (await channelHealth(db(), SHOP, NOW)).online_store;
    expect(await concernedItems(db(), SHOP, "online_store", health, null, NOW)).toEqual({
      drift: [],
      errors: [],
      throttled: [],
      parked: [],
      credentials: [],
      competing: [],
    });
  });
});

// @database
/**
 * The Alerts page (filter, acknowledge) and the Activity page (newest first, paginated,
 * filtered by item and by channel), each scoped to the shop.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { variantGid } from "~/domain";
import { ACTIVITY_PAGE_SIZE, listActivity } from "./activity.server";
import { acknowledgeAlert, alertFilterSchema, listAlerts } from "./alerts.server";

const SHOP = "lists-shop.myshopify.com";
const OTHER = "lists-other.myshopify.com";
const RED = variantGid("gid://shopify/ProductVariant/44960469696645123");
const BLUE = variantGid("gid://shopify/ProductVariant/44960469696700");
let testDatabase: TestDatabase;
const db = () => testDatabase.database;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  const base = Date.UTC(2026, 10, 27, 8);
  // 30 entries for RED on Meta, 5 for BLUE on Google, 1 for another shop.
  await db().activity.createMany({
    data: [
      ...Array.from({ length: 30 }, (_, index) => ({
        shop: SHOP,
        kind: "quantity_pushed",
        channel: "meta",
        variantGid: RED,
        details: { to: index },
        at: new Date(base + index * 60_000),
      })),
      ...Array.from({ length: 5 }, (_, index) => ({
        shop: SHOP,
        kind: "quantity_pushed",
        channel: "google",
        variantGid: BLUE,
        details: { to: index },
        at: new Date(base + index * 60_000 + 30_000),
      })),
      { shop: OTHER, kind: "quantity_pushed", channel: "meta", variantGid: RED, details: {}, at: new Date(base) },
    ],
  });
  await db().alert.createMany({
    data: [
      {
        shop: SHOP,
        channel: "meta",
        kind: "lag_high",
        severity: "warning",
        dedupeKey: "meta:lag_high",
        openedAt: new Date(base),
      },
      {
        shop: SHOP,
        channel: "google",
        kind: "drift",
        severity: "critical",
        dedupeKey: "google:drift",
        openedAt: new Date(base + 1),
      },
      {
        shop: SHOP,
        channel: "meta",
        kind: "throttled",
        severity: "warning",
        dedupeKey: "meta:throttled",
        openedAt: new Date(base + 2),
        resolvedAt: new Date(base + 3),
      },
      {
        shop: OTHER,
        channel: "meta",
        kind: "lag_high",
        severity: "warning",
        dedupeKey: "meta:lag_high",
        openedAt: new Date(base),
      },
    ],
  });
});
afterAll(async () => {
  await testDatabase?.drop();
});

describe("activity", () => {
  it("pages newest first and filters by item and by channel, never showing another shop's entries", async () => {
    const first = await listActivity(db(), SHOP, { page: 1 });
    expect(first.entries).toHaveLength(ACTIVITY_PAGE_SIZE);
    expect(first.hasNext).toBe(true);
    expect(first.entries[0]!.details).toEqual({ to: 29 });
    const second = await listActivity(db(), SHOP, { page: 2 });
    expect(second.entries).toHaveLength(35 - ACTIVITY_PAGE_SIZE);
    expect(second.hasNext).toBe(false);
    expect(new Set([...first.entries, ...second.entries].map((entry) => entry.id)).size).toBe(35);

    const blue = await listActivity(db(), SHOP, { page: 1, variantGid: BLUE });
    expect(blue.entries.map((entry) => entry.variantGid)).toEqual(Array(5).fill(BLUE));
    const meta = await listActivity(db(), SHOP, { page: 1, channel: "meta", variantGid: RED });
    expect(meta.entries.every((entry) => entry.channel === "meta")).toBe(true);
    expect(meta.hasNext).toBe(true);
    expect((await listActivity(db(), OTHER, { page: 1 })).entries).toHaveLength(1);
  });
});

describe("alerts", () => {
  it("filters by status, severity and channel, and acknowledges only this shop's open alerts", async () => {
    const open = await listAlerts(db(), SHOP, alertFilterSchema.parse({}));
    expect(open.map((alert) => alert.kind)).toEqual(["drift", "lag_high"]);
    expect(
      (await listAlerts(db(), SHOP, alertFilterSchema.parse({ severity: "critical" }))).map((alert) => alert.kind),
    ).toEqual(["drift"]);
    expect(
      (await listAlerts(db(), SHOP, alertFilterSchema.parse({ status: "resolved", channel: "meta" }))).map(
        (alert) => alert.kind,
      ),
    ).toEqual(["throttled"]);

    const lag = open.find((alert) => alert.kind === "lag_high")!;
    const othersLag = await db().alert.findFirst({ where: { shop: OTHER } });
    expect(await acknowledgeAlert(db(), SHOP, othersLag!.id, Date.now())).toBe(false);
    expect(await acknowledgeAlert(db(), SHOP, lag.id, Date.now())).toBe(true);
    expect(await acknowledgeAlert(db(), SHOP, lag.id, Date.now())).toBe(false);
    expect((await listAlerts(db(), SHOP, alertFilterSchema.parse({}))).map((alert) => alert.kind)).toEqual(["drift"]);
    expect(
      (await listAlerts(db(), SHOP, alertFilterSchema.parse({ status: "acknowledged" }))).map((alert) => alert.kind),
    ).toEqual(["lag_high"]);
    expect((await db().alert.findFirst({ where: { shop: OTHER } }))?.acknowledgedAt).toBeNull();
  });
});

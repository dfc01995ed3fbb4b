// @database
/**
 * The Activity log as the page and its CSV export read it: search by part of an item's title
 * or SKU in any case (a join to Variant, on SQLite and PostgreSQL), days in the shop's time
 * zone, channel, pages, a streamed export that returns every entry once, and the staff
 * member who acted, recorded from the page's session token and named where Shopify said.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actingAs, recordActivity } from "~/records/activity.server";
import { activityCsv } from "~/components/activity/activity-csv";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import {
  ACTIVITY_PAGE_SIZE,
  activityQuery,
  exportActivity,
  listActivity,
  type ActivityFilter,
  type ActivityView,
} from "./activity.server";
import { channelsPageAction } from "./channels-page.server";

const SHOP = "activity-shop.myshopify.com";
const OTHER = "activity-other.myshopify.com";
// Tests that add entries do it in shops of their own: tests run in random order.
const PAGED = "activity-paged.myshopify.com";
const STAFFED = "activity-staffed.myshopify.com";
const PARIS = "Europe/Paris";
let testDatabase: TestDatabase;
const db = () => testDatabase.database;

const ITEMS = [
  { id: "1001", title: "Wool scarf — Red", sku: "SCARF-RED" },
  { id: "1002", title: "Écharpe en laine", sku: "ech-01" },
  { id: "1003", title: "100% cotton tee", sku: "TEE_1" },
  { id: "1004", title: "Cotton tote", sku: "TEEX1" },
];
const variant = (id: string) => `gid://shopify/ProductVariant/${id}`;

/** An override entry for an item at an instant. */
const override = (id: string, at: string, channel = "meta", shop = SHOP) =>
  recordActivity(db(), {
    shop,
    kind: "override_set",
    channel: channel as "meta",
    variantGid: variant(id),
    at: new Date(at),
    details: { quantity: 3, expiresAt: "2026-12-09T10:00:00.000Z", sellable: 10, source: "admin" },
  });

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  for (const shop of [SHOP, OTHER, PAGED, STAFFED]) {
    for (const item of ITEMS) {
      await db().variant.create({
        data: {
          shop,
          gid: variant(item.id),
          productGid: `gid://shopify/Product/${item.id}`,
          inventoryItemGid: `gid://shopify/InventoryItem/${item.id}`,
          title: item.title,
          sku: item.sku,
        },
      });
    }
  }
  // Around the shop's 7 December (Paris, UTC+1): the day runs from 6 Dec 23:00 to 7 Dec 23:00 UTC.
  await override("1001", "2026-12-06T22:30:00Z"); // 6 Dec, 23:30 in Paris
  await override("1002", "2026-12-06T23:30:00Z", "google"); // 7 Dec, 00:30
  await override("1003", "2026-12-07T12:00:00Z"); // 7 Dec, 13:00
  await override("1004", "2026-12-07T22:59:00Z"); // 7 Dec, 23:59
  await override("1001", "2026-12-07T23:01:00Z"); // 8 Dec, 00:01
  await recordActivity(db(), {
    shop: SHOP,
    kind: "resync_requested",
    at: new Date("2026-12-07T12:30:00Z"),
    details: {},
  });
  // The same item in another shop: never shown here.
  await override("1001", "2026-12-07T12:00:00Z", "meta", OTHER);
});
afterAll(async () => {
  await testDatabase?.drop();
});

const list = async (filter: ActivityFilter, page = 1) => (await listActivity(db(), SHOP, { ...filter, page })).entries;
const items = (entries: ActivityView[]) => entries.map((entry) => entry.item?.sku ?? entry.kind);

describe("searching the log by item", () => {
  it("finds an item by part of its title or SKU, in any case, newest first", async () => {
    expect(items(await list({ search: "scarf" }))).toEqual(["SCARF-RED", "SCARF-RED"]);
    expect(items(await list({ search: "WOOL SCARF" }))).toEqual(["SCARF-RED", "SCARF-RED"]);
    expect(items(await list({ search: "scarf-red" }))).toEqual(["SCARF-RED", "SCARF-RED"]);
    expect(items(await list({ search: "ECH-0" }))).toEqual(["ech-01"]);
    expect(items(await list({ search: "en laine" }))).toEqual(["ech-01"]);
    expect(items(await list({ search: "cotton" }))).toEqual(["TEEX1", "TEE_1"]);
    expect(await list({ search: "no such thing" })).toEqual([]);
  });

  it("takes % and _ as the characters they are, not as wildcards", async () => {
    expect(items(await list({ search: "100%" }))).toEqual(["TEE_1"]);
    expect(items(await list({ search: "%" }))).toEqual(["TEE_1"]);
    expect(items(await list({ search: "tee_" }))).toEqual(["TEE_1"]);
  });

  it("names each entry's item, and combines the search with the channel", async () => {
    const [latest] = await list({ search: "scarf" });
    expect(latest).toMatchObject({ item: { title: "Wool scarf — Red", sku: "SCARF-RED" }, channel: "meta" });
    expect(items(await list({ search: "e", channel: "google" }))).toEqual(["ech-01"]);
    const resync = (await list({})).find((entry) => entry.kind === "resync_requested");
    expect(resync?.item).toBeNull();
  });
});

describe("days in the shop's time zone", () => {
  const query = (values: Record<string, string>, zone: string | null = PARIS) =>
    activityQuery(new URLSearchParams(values), zone);

  it("keeps a day from the shop's midnight to the next", async () => {
    const { filter, invalid } = query({ from: "2026-12-07", to: "2026-12-07" });
    expect(filter.from?.toISOString()).toBe("2026-12-06T23:00:00.000Z");
    expect(filter.to?.toISOString()).toBe("2026-12-07T23:00:00.000Z");
    expect(invalid).toEqual({ item: false, from: false, to: false, range: false });
    expect(items(await list(filter))).toEqual(["TEEX1", "resync_requested", "TEE_1", "ech-01"]);
    // The same day in UTC is another set of entries.
    expect(items(await list(query({ from: "2026-12-07", to: "2026-12-07" }, null).filter))).toEqual([
      "SCARF-RED",
      "TEEX1",
      "resync_requested",
      "TEE_1",
    ]);
  });

  it("leaves either end open, and says which typed value means nothing", async () => {
    expect(items(await list(query({ from: "2026-12-08" }).filter))).toEqual(["SCARF-RED"]);
    expect(items(await list(query({ to: "2026-12-06" }).filter))).toEqual(["SCARF-RED"]);
    const wrong = query({ from: "2026-12-31", to: "2026-12-01", item: "a scarf", q: "  scarf " });
    expect(wrong.invalid).toEqual({ item: true, from: false, to: false, range: true });
    expect(wrong.filter).toMatchObject({ from: null, to: null, variantGid: null, search: "scarf" });
    expect(query({ from: "31/12/2026" }).invalid.from).toBe(true);
    expect(query({ item: "1001", channel: "meta", page: "2" })).toMatchObject({
      filter: { variantGid: variant("1001"), channel: "meta" },
      page: 2,
    });
  });
});

describe("pages and the export", () => {
  it("pages 25 at a time and streams every matching entry exactly once, even entries of the same instant", async () => {
    const at = "2026-11-01T10:00:00Z";
    for (let index = 0; index < ACTIVITY_PAGE_SIZE + 6; index++) await override("1004", at, "google", PAGED);
    await override("1004", "2026-11-02T10:00:00Z", "google", PAGED);
    const filter = { search: "tote" };
    const first = await listActivity(db(), PAGED, { ...filter, page: 1 });
    const second = await listActivity(db(), PAGED, { ...filter, page: 2 });
    expect(first.entries).toHaveLength(ACTIVITY_PAGE_SIZE);
    expect(first.entries[0]?.at).toBe("2026-11-02T10:00:00.000Z");
    expect(first.hasNext).toBe(true);
    expect(second.entries).toHaveLength(7);
    expect(second.hasNext).toBe(false);

    const exported: ActivityView[] = [];
    for await (const batch of exportActivity(db(), PAGED, filter, 4)) exported.push(...batch);
    expect(exported.map((entry) => entry.id)).toEqual([...first.entries, ...second.entries].map((entry) => entry.id));
  });

  it("exports the filtered log as French CSV with times in the shop's zone", async () => {
    const { filter } = activityQuery(new URLSearchParams({ q: "scarf" }), PARIS);
    const csv = await new Response(activityCsv(exportActivity(db(), SHOP, filter), "fr", PARIS)).text();
    expect(csv.split("\r\n")).toEqual([
      "Date et heure (Europe/Paris);Canal;Article;SKU;Ce qui s'est passé;Par;Type d'entrée",
      "2026-12-08 00:01:00;Meta;Wool scarf — Red;SCARF-RED;Forçage Meta réglé à 3 jusqu'au 9 déc. 2026, 11:00 UTC+1 (10 vendables) (dans Ballast);;override_set",
      expect.stringMatching(/^2026-12-06 23:30:00;Meta;Wool scarf — Red;SCARF-RED;/),
      "",
    ]);
  });
});

describe("who acted", () => {
  it("records the staff member a page acts for, and names them where an online session did", async () => {
    await db().session.create({
      data: {
        id: "online_42",
        shop: STAFFED,
        state: "",
        isOnline: true,
        accessToken: "shpua_test",
        userId: 42n,
        firstName: "Ada",
        lastName: "Lovelace",
      },
    });
    const form = new FormData();
    form.set("intent", "pause");
    form.set("channel", "online_store");
    form.set("mode", "stop_selling");
    const nowMs = Date.parse("2026-12-10T09:00:00Z");
    expect(await channelsPageAction(db(), STAFFED, form, nowMs, "42")).toMatchObject({ ok: true });
    await actingAs("7", () =>
      recordActivity(db(), { shop: STAFFED, kind: "resync_requested", at: new Date(nowMs + 1_000), details: {} }),
    );
    // Outside a page's request (the worker): nobody.
    await recordActivity(db(), { shop: STAFFED, kind: "resync_requested", at: new Date(nowMs + 2_000), details: {} });

    const { entries } = await listActivity(db(), STAFFED, { page: 1 });
    expect(entries).toHaveLength(3);
    const [worker, staff, paused] = entries;
    expect(worker?.actor).toBeNull();
    expect(staff?.actor).toEqual({ id: "7", name: null });
    expect(paused).toMatchObject({
      kind: "channel_paused",
      channel: "online_store",
      actor: { id: "42", name: "Ada Lovelace" },
    });
  });
});

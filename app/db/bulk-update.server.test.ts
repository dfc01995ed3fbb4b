// @database
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { updateRows, upsertRows } from "./bulk-update.server";

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

const row = (shop: string, itemKey: string) => ({
  shop,
  channel: "meta",
  itemKey,
  variantGid: `gid://shopify/ProductVariant/${itemKey}`,
  desired: 1,
  desiredAvailability: "in_stock",
  explanation: { why: "seed" },
  computedAt: new Date(Date.UTC(2026, 10, 27, 9)),
  attempts: 3,
  nextAttemptAt: new Date(Date.UTC(2026, 10, 27, 10)),
});

describe("updateRows (one statement, many rows with their own values)", () => {
  it("writes each row's own values, of every column type, and only in the given shop", async () => {
    const { database, provider } = testDatabase;
    await database.channelItemState.createMany({
      data: [
        row("a.myshopify.com", "1"),
        row("a.myshopify.com", "2"),
        row("a.myshopify.com", "3"),
        row("b.myshopify.com", "1"),
      ],
    });
    const at = new Date(Date.UTC(2026, 10, 27, 14, 30, 12, 345));
    await updateRows(database, provider, {
      table: "ChannelItemState",
      shop: "a.myshopify.com",
      keys: { channel: "text", itemKey: "text" },
      set: {
        desired: "integer",
        explanation: "json",
        dampingState: "json",
        computedAt: "timestamp",
        nextAttemptAt: "timestamp",
        lastError: "text",
      },
      rows: [
        {
          channel: "meta",
          itemKey: "1",
          desired: 7,
          explanation: { why: 'it\'s "quoted"', n: [1, 2] },
          dampingState: null,
          computedAt: at,
          nextAttemptAt: null,
          lastError: "x",
        },
        {
          channel: "meta",
          itemKey: "2",
          desired: 0,
          explanation: {},
          dampingState: { step: 2 },
          computedAt: at,
          nextAttemptAt: at,
          lastError: null,
        },
      ],
    });
    const rows = await database.channelItemState.findMany({
      where: { shop: { in: ["a.myshopify.com", "b.myshopify.com"] } },
      orderBy: [{ shop: "asc" }, { itemKey: "asc" }],
    });
    const view = rows.map(
      ({ shop, itemKey, desired, explanation, dampingState, computedAt, nextAttemptAt, lastError, attempts }) => ({
        shop,
        itemKey,
        desired,
        explanation,
        dampingState,
        computedAt: computedAt.toISOString(),
        nextAttemptAt: nextAttemptAt?.toISOString() ?? null,
        lastError,
        attempts,
      }),
    );
    const untouched = {
      desired: 1,
      explanation: { why: "seed" },
      dampingState: null,
      computedAt: "2026-11-27T09:00:00.000Z",
      nextAttemptAt: "2026-11-27T10:00:00.000Z",
      lastError: null,
      attempts: 3,
    };
    expect(view).toEqual([
      {
        shop: "a.myshopify.com",
        itemKey: "1",
        desired: 7,
        explanation: { why: 'it\'s "quoted"', n: [1, 2] },
        dampingState: null,
        computedAt: at.toISOString(),
        nextAttemptAt: null,
        lastError: "x",
        attempts: 3,
      },
      {
        shop: "a.myshopify.com",
        itemKey: "2",
        desired: 0,
        explanation: {},
        dampingState: { step: 2 },
        computedAt: at.toISOString(),
        nextAttemptAt: at.toISOString(),
        lastError: null,
        attempts: 3,
      },
      { shop: "a.myshopify.com", itemKey: "3", ...untouched },
      { shop: "b.myshopify.com", itemKey: "1", ...untouched },
    ]);
  });

  it("splits large updates into several statements and writes them all", async () => {
    const { database, provider } = testDatabase;
    const shop = "many.myshopify.com";
    await database.channelItemState.createMany({
      data: Array.from({ length: 1_234 }, (_, index) => row(shop, String(index))),
    });
    await updateRows(database, provider, {
      table: "ChannelItemState",
      shop,
      keys: { channel: "text", itemKey: "text" },
      set: { desired: "integer" },
      rows: Array.from({ length: 1_234 }, (_, index) => ({
        channel: "meta",
        itemKey: String(index),
        desired: index * 2,
      })),
    });
    const rows = await database.channelItemState.findMany({
      where: { shop },
      select: { itemKey: true, desired: true },
    });
    expect(rows).toHaveLength(1_234);
    expect(rows.every((entry) => entry.desired === Number(entry.itemKey) * 2)).toBe(true);
  });

  it("upserts: inserts new rows and updates only the given columns of existing ones", async () => {
    const { database, provider } = testDatabase;
    const shop = "upsert.myshopify.com";
    await database.variant.create({
      data: { shop, gid: "v1", productGid: "p1", inventoryItemGid: "i1", title: "old", price: "12.5", tracked: true },
    });
    const at = new Date(Date.UTC(2026, 10, 27, 15));
    await upsertRows(database, provider, {
      table: "Variant",
      shop,
      keys: { gid: "text" },
      set: {
        productGid: "text",
        inventoryItemGid: "text",
        title: "text",
        sku: "text",
        tracked: "boolean",
        deletedAt: "timestamp",
        updatedAt: "timestamp",
      },
      rows: [
        {
          gid: "v1",
          productGid: "p1",
          inventoryItemGid: "i1",
          title: "new",
          sku: null,
          tracked: false,
          deletedAt: null,
          updatedAt: at,
        },
        {
          gid: "v2",
          productGid: "p1",
          inventoryItemGid: "i2",
          title: "added",
          sku: "SKU-2",
          tracked: true,
          deletedAt: at,
          updatedAt: at,
        },
      ],
    });
    const rows = await database.variant.findMany({ where: { shop }, orderBy: { gid: "asc" } });
    expect(
      rows.map(({ gid, title, sku, tracked, deletedAt, price }) => ({
        gid,
        title,
        sku,
        tracked,
        deletedAt: deletedAt?.toISOString() ?? null,
        price: String(price),
      })),
    ).toEqual([
      // price is not among the columns written: it keeps its value (and a new row gets the default).
      { gid: "v1", title: "new", sku: null, tracked: false, deletedAt: null, price: "12.5" },
      { gid: "v2", title: "added", sku: "SKU-2", tracked: true, deletedAt: at.toISOString(), price: "0" },
    ]);
  });
});

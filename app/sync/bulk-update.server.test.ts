import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { updateRows } from "./bulk-update.server";

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
      data: [row("a.myshopify.com", "1"), row("a.myshopify.com", "2"), row("a.myshopify.com", "3"), row("b.myshopify.com", "1")],
    });
    const at = new Date(Date.UTC(2026, 10, 27, 14, 30, 12, 345));
    await updateRows(database, provider, {
      table: "ChannelItemState",
      shop: "a.myshopify.com",
      keys: { channel: "text", itemKey: "text" },
      set: { desired: "integer", explanation: "json", dampingState: "json", computedAt: "timestamp", nextAttemptAt: "timestamp", lastError: "text" },
      rows: [
        { channel: "meta", itemKey: "1", desired: 7, explanation: { why: "it's \"quoted\"", n: [1, 2] }, dampingState: null, computedAt: at, nextAttemptAt: null, lastError: "x" },
        { channel: "meta", itemKey: "2", desired: 0, explanation: {}, dampingState: { step: 2 }, computedAt: at, nextAttemptAt: at, lastError: null },
      ],
    });
    const rows = await database.channelItemState.findMany({ orderBy: [{ shop: "asc" }, { itemKey: "asc" }] });
    const view = rows.map(({ shop, itemKey, desired, explanation, dampingState, computedAt, nextAttemptAt, lastError, attempts }) => ({
      shop,
      itemKey,
      desired,
      explanation,
      dampingState,
      computedAt: computedAt.toISOString(),
      nextAttemptAt: nextAttemptAt?.toISOString() ?? null,
      lastError,
      attempts,
    }));
    const untouched = { desired: 1, explanation: { why: "seed" }, dampingState: null, computedAt: "2026-11-27T09:00:00.000Z", nextAttemptAt: "2026-11-27T10:00:00.000Z", lastError: null, attempts: 3 };
    expect(view).toEqual([
      { shop: "a.myshopify.com", itemKey: "1", desired: 7, explanation: { why: 'it\'s "quoted"', n: [1, 2] }, dampingState: null, computedAt: at.toISOString(), nextAttemptAt: null, lastError: "x", attempts: 3 },
      { shop: "a.myshopify.com", itemKey: "2", desired: 0, explanation: {}, dampingState: { step: 2 }, computedAt: at.toISOString(), nextAttemptAt: at.toISOString(), lastError: null, attempts: 3 },
      { shop: "a.myshopify.com", itemKey: "3", ...untouched },
      { shop: "b.myshopify.com", itemKey: "1", ...untouched },
    ]);
  });

  it("splits large updates into several statements and writes them all", async () => {
    const { database, provider } = testDatabase;
    const shop = "many.myshopify.com";
    await database.channelItemState.createMany({ data: Array.from({ length: 1_234 }, (_, index) => row(shop, String(index))) });
    await updateRows(database, provider, {
      table: "ChannelItemState",
      shop,
      keys: { channel: "text", itemKey: "text" },
      set: { desired: "integer" },
      rows: Array.from({ length: 1_234 }, (_, index) => ({ channel: "meta", itemKey: String(index), desired: index * 2 })),
    });
    const rows = await database.channelItemState.findMany({ where: { shop }, select: { itemKey: true, desired: true } });
    expect(rows).toHaveLength(1_234);
    expect(rows.every((entry) => entry.desired === Number(entry.itemKey) * 2)).toBe(true);
  });
});

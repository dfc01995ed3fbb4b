// @database
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { pruneExpired, RETENTION } from "./retention.server";

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

const NOW = new Date(Date.UTC(2026, 10, 27, 12));
const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe("retention", () => {
  it("deletes webhook events and order records past their retention, of this shop only", async () => {
    const { database } = testDatabase;
    const event = (shop: string, eventId: string, receivedAt: Date) => ({
      shop,
      eventId,
      topic: "orders/create",
      webhookId: eventId,
      apiVersion: "2026-10",
      payload: "{}",
      receivedAt,
    });
    const order = (shop: string, orderGid: string, placedAt: Date) => ({ shop, orderGid, lines: [], placedAt });
    for (const shop of ["a.myshopify.com", "b.myshopify.com"]) {
      await database.webhookEvent.createMany({
        data: [
          event(shop, "old", ago(RETENTION.webhookEventsMs + 1)),
          event(shop, "recent", ago(RETENTION.webhookEventsMs - 60_000)),
        ],
      });
      await database.orderRecord.createMany({
        data: [
          order(shop, "old", ago(RETENTION.orderRecordsMs + 1)),
          order(shop, "recent", ago(RETENTION.orderRecordsMs - 60_000)),
        ],
      });
    }
    expect(await pruneExpired(database, "a.myshopify.com", NOW)).toEqual({ webhookEvents: 1, orderRecords: 1 });
    expect(
      (await database.webhookEvent.findMany({ where: { shop: "a.myshopify.com" } })).map((row) => row.eventId),
    ).toEqual(["recent"]);
    expect(
      (await database.orderRecord.findMany({ where: { shop: "a.myshopify.com" } })).map((row) => row.orderGid),
    ).toEqual(["recent"]);
    expect(await database.webhookEvent.count({ where: { shop: "b.myshopify.com" } })).toBe(2);
    expect(await database.orderRecord.count({ where: { shop: "b.myshopify.com" } })).toBe(2);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { WebhookRecorder } from "./webhook-recorder.server";

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

const envelope = (shop: string, eventId: string) => ({
  shop,
  topic: "orders/create",
  webhookId: `delivery-${eventId}-${Math.random()}`,
  eventId,
  apiVersion: "2026-10",
  triggeredAt: null,
  rawBody: `{"id":"${eventId}"}`,
});

describe("WebhookRecorder (group commit)", () => {
  it("records many concurrent deliveries, each exactly once, and answers every caller", async () => {
    const recorder = new WebhookRecorder(testDatabase.database);
    const shop = "group-commit.myshopify.com";
    const outcomes = await Promise.all(Array.from({ length: 450 }, (_, index) => recorder.record(envelope(shop, `event-${index}`))));
    expect(outcomes.every((outcome) => outcome === "recorded")).toBe(true);
    expect(await testDatabase.database.webhookEvent.count({ where: { shop } })).toBe(450);
  });

  it("counts duplicates of one event as duplicates, inside one batch and across batches", async () => {
    const recorder = new WebhookRecorder(testDatabase.database);
    const shop = "group-duplicates.myshopify.com";
    const first = await Promise.all([recorder.record(envelope(shop, "same")), recorder.record(envelope(shop, "same")), recorder.record(envelope(shop, "other"))]);
    const later = await recorder.record(envelope(shop, "same"));
    expect(first.filter((outcome) => outcome === "recorded")).toHaveLength(2);
    expect(first.filter((outcome) => outcome === "duplicate")).toHaveLength(1);
    expect(later).toBe("duplicate");
    expect(await testDatabase.database.webhookEvent.count({ where: { shop } })).toBe(2);
  });

  it("keeps one shop's event id apart from another shop's", async () => {
    const recorder = new WebhookRecorder(testDatabase.database);
    const outcomes = await Promise.all([recorder.record(envelope("shop-a.myshopify.com", "e1")), recorder.record(envelope("shop-b.myshopify.com", "e1"))]);
    expect(outcomes).toEqual(["recorded", "recorded"]);
  });
});

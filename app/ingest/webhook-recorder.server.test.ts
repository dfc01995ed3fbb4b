// @database
import SqliteConnection from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareDatabase } from "~/db.server";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { recordWebhookEvent } from "./webhook-event.server";
import { openWebhookEventWriter, type WebhookEventWriter } from "./webhook-event-writer.server";
import { closeWebhookRecorder, webhookRecorder, WebhookRecorder } from "./webhook-group-commit.server";

let testDatabase: TestDatabase;
const writers: WebhookEventWriter[] = [];
beforeAll(async () => {
  testDatabase = await createTestDatabase();
  // As the app does at start (app/db.server.ts): write-ahead logging, so the ORM's reads in
  // these tests never hold a lock the recorder's own connection has to wait for.
  await prepareDatabase(testDatabase.database, testDatabase.provider);
});
afterAll(async () => {
  for (const writer of writers) await writer.close().catch(() => undefined);
  if (testDatabase) await closeWebhookRecorder(testDatabase.database);
  await testDatabase?.drop();
});

function writer(options: { lockWaitMs?: number } = {}): WebhookEventWriter {
  const opened = openWebhookEventWriter(testDatabase.url, options);
  writers.push(opened);
  return opened;
}

/** A writer that counts its writes: one per group commit. */
function countingWriter(inner: WebhookEventWriter): WebhookEventWriter & { writes: number } {
  const counting = {
    writes: 0,
    insertNew: (rows: Parameters<WebhookEventWriter["insertNew"]>[0], receivedAt: Date) => {
      counting.writes += 1;
      return inner.insertNew(rows, receivedAt);
    },
    close: () => inner.close(),
  };
  return counting;
}

const envelope = (shop: string, eventId: string) => ({
  shop,
  topic: "orders/create",
  webhookId: `delivery-${eventId}-${Math.random()}`,
  eventId,
  apiVersion: "2026-10",
  triggeredAt: null,
  rawBody: `{"id":"${eventId}"}`,
});

describe(`WebhookRecorder (group commit) on ${process.env.BALLAST_TEST_DB ?? "sqlite"}`, () => {
  it("records many concurrent deliveries, each exactly once, in one write per 200, and answers every caller", async () => {
    const counting = countingWriter(writer());
    const recorder = new WebhookRecorder(counting);
    const shop = "group-commit.myshopify.com";
    const outcomes = await Promise.all(
      Array.from({ length: 450 }, (_, index) => recorder.record(envelope(shop, `event-${index}`))),
    );
    expect(outcomes.every((outcome) => outcome === "recorded")).toBe(true);
    expect(await testDatabase.database.webhookEvent.count({ where: { shop } })).toBe(450);
    expect(counting.writes).toBe(3);
  });

  it("counts duplicates of one event as duplicates, inside one batch and across batches", async () => {
    const recorder = new WebhookRecorder(writer());
    const shop = "group-duplicates.myshopify.com";
    const first = await Promise.all([
      recorder.record(envelope(shop, "same")),
      recorder.record(envelope(shop, "same")),
      recorder.record(envelope(shop, "other")),
    ]);
    const later = await recorder.record(envelope(shop, "same"));
    expect(first.filter((outcome) => outcome === "recorded")).toHaveLength(2);
    expect(first.filter((outcome) => outcome === "duplicate")).toHaveLength(1);
    expect(later).toBe("duplicate");
    expect(await testDatabase.database.webhookEvent.count({ where: { shop } })).toBe(2);
  });

  it("changes nothing for a duplicate: the stored delivery keeps its own fields", async () => {
    const recorder = new WebhookRecorder(writer());
    const shop = "duplicate-unchanged.myshopify.com";
    const original = { ...envelope(shop, "kept"), rawBody: '{"version":1}' };
    expect(await recorder.record(original)).toBe("recorded");
    const stored = await testDatabase.database.webhookEvent.findUniqueOrThrow({
      where: { shop_eventId: { shop, eventId: "kept" } },
    });
    expect(
      await recorder.record({ ...envelope(shop, "kept"), topic: "orders/updated", rawBody: '{"version":2}' }),
    ).toBe("duplicate");
    expect(
      await testDatabase.database.webhookEvent.findUniqueOrThrow({
        where: { shop_eventId: { shop, eventId: "kept" } },
      }),
    ).toEqual(stored);
  });

  it("keeps one shop's event id apart from another shop's", async () => {
    const recorder = new WebhookRecorder(writer());
    const outcomes = await Promise.all([
      recorder.record(envelope("shop-a.myshopify.com", "e1")),
      recorder.record(envelope("shop-b.myshopify.com", "e1")),
    ]);
    expect(outcomes).toEqual(["recorded", "recorded"]);
  });

  it("records each event once when two processes' recorders race on the same deliveries", async () => {
    const one = new WebhookRecorder(writer());
    const other = new WebhookRecorder(writer());
    const shop = "two-processes.myshopify.com";
    const ids = Array.from({ length: 120 }, (_, index) => `race-${index}`);
    const outcomes = await Promise.all(
      ids.flatMap((id) => [one.record(envelope(shop, id)), other.record(envelope(shop, id))]),
    );
    expect(outcomes.filter((outcome) => outcome === "recorded")).toHaveLength(ids.length);
    expect(outcomes.filter((outcome) => outcome === "duplicate")).toHaveLength(ids.length);
    expect(await testDatabase.database.webhookEvent.count({ where: { shop } })).toBe(ids.length);
  });

  it("writes rows the ORM reads back as it writes them: fields, times, defaults, order by receipt", async () => {
    const shop = "same-format.myshopify.com";
    const { database } = testDatabase;
    const base = { ...envelope(shop, "x"), webhookId: "w", rawBody: '{"a":1}' };
    await recordWebhookEvent(database, { ...base, eventId: "1-orm" });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const before = new Date();
    const triggeredAt = new Date("2026-11-27T08:00:00.123Z");
    expect(await new WebhookRecorder(writer()).record({ ...base, eventId: "2-recorder", triggeredAt })).toBe(
      "recorded",
    );
    const after = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await recordWebhookEvent(database, { ...base, eventId: "3-orm" });

    const row = await database.webhookEvent.findUniqueOrThrow({
      where: { shop_eventId: { shop, eventId: "2-recorder" } },
    });
    expect(row).toMatchObject({
      topic: "orders/create",
      webhookId: "w",
      apiVersion: "2026-10",
      payload: '{"a":1}',
      processedAt: null,
      attempts: 0,
      lastError: null,
      triggeredAt,
    });
    expect(row.receivedAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(row.receivedAt.getTime()).toBeLessThanOrEqual(after.getTime());
    // Ordering and range filters compare the stored values: a different time format breaks them.
    const ordered = await database.webhookEvent.findMany({
      where: { shop },
      orderBy: { receivedAt: "asc" },
      select: { eventId: true },
    });
    expect(ordered.map((event) => event.eventId)).toEqual(["1-orm", "2-recorder", "3-orm"]);
    const inWindow = await database.webhookEvent.findMany({
      where: { shop, receivedAt: { gte: before, lte: after } },
      select: { eventId: true },
    });
    expect(inWindow.map((event) => event.eventId)).toEqual(["2-recorder"]);
  });

  it("rejects every waiter of a failed write, records nothing, and a retry is recorded", async () => {
    const broken = writer();
    await broken.close();
    const recorder = new WebhookRecorder(broken);
    const shop = "failed-write.myshopify.com";
    const results = await Promise.allSettled([
      recorder.record(envelope(shop, "f1")),
      recorder.record(envelope(shop, "f1")),
      recorder.record(envelope(shop, "f2")),
    ]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(await testDatabase.database.webhookEvent.count({ where: { shop } })).toBe(0);
    expect(await new WebhookRecorder(writer()).record(envelope(shop, "f1"))).toBe("recorded");
  });

  it("the process-wide recorder writes to the database the client was created for", async () => {
    const shop = "process-wide.myshopify.com";
    expect(await webhookRecorder(testDatabase.database).record(envelope(shop, "p1"))).toBe("recorded");
    expect(webhookRecorder(testDatabase.database)).toBe(webhookRecorder(testDatabase.database));
    expect(await testDatabase.database.webhookEvent.count({ where: { shop } })).toBe(1);
  });
});

describe.runIf(process.env.BALLAST_TEST_DB !== "postgresql")(
  "WebhookRecorder on SQLite, while another connection writes",
  () => {
    /** Another connection (the worker, another process) holding the write lock. */
    function holdWriteLock(): SqliteConnection.Database {
      const other = new SqliteConnection(testDatabase.url.replace(/^file:/, ""));
      other.exec("BEGIN IMMEDIATE");
      return other;
    }

    it("waits without blocking the event loop, then records once the lock is released", async () => {
      const other = holdWriteLock();
      // Released by a timer: if the writer waited inside SQLite, the event loop would be
      // blocked, this timer could not run, and the write would fail.
      setTimeout(() => other.exec("COMMIT").close(), 150);
      const recorder = new WebhookRecorder(writer({ lockWaitMs: 3_000 }));
      const shop = "waits-for-lock.myshopify.com";
      const outcomes = await Promise.all([
        recorder.record(envelope(shop, "l1")),
        recorder.record(envelope(shop, "l2")),
      ]);
      expect(outcomes).toEqual(["recorded", "recorded"]);
      expect(await testDatabase.database.webhookEvent.count({ where: { shop } })).toBe(2);
    });

    it("rejects every waiter when the lock is held longer than it may wait", async () => {
      const other = holdWriteLock();
      const recorder = new WebhookRecorder(writer({ lockWaitMs: 100 }));
      const shop = "lock-timeout.myshopify.com";
      const results = await Promise.allSettled([
        recorder.record(envelope(shop, "t1")),
        recorder.record(envelope(shop, "t2")),
      ]);
      other.exec("COMMIT").close();
      expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
      expect(await testDatabase.database.webhookEvent.count({ where: { shop } })).toBe(0);
    });
  },
);

describe.runIf(process.env.BALLAST_TEST_DB === "postgresql")(
  "WebhookRecorder on PostgreSQL, while another connection writes",
  () => {
    it("waits for a conflicting transaction and records once it ends", async () => {
      const other = new pg.Client({ connectionString: testDatabase.url });
      await other.connect();
      await other.query("BEGIN");
      await other.query(`LOCK TABLE "WebhookEvent" IN EXCLUSIVE MODE`);
      setTimeout(() => void other.query("COMMIT").then(() => other.end()), 150);
      const recorder = new WebhookRecorder(writer());
      const shop = "pg-waits.myshopify.com";
      const startedAt = Date.now();
      expect(await recorder.record(envelope(shop, "w1"))).toBe("recorded");
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(100);
      expect(await testDatabase.database.webhookEvent.count({ where: { shop } })).toBe(1);
    });
  },
);

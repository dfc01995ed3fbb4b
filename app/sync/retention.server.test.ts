// @database
/**
 * Retention: what grows with time (webhook events, order records, activity, lag samples,
 * ended drift episodes, resolved alerts and their deliveries) is deleted past its period,
 * shop by shop, in bounded batches through indexes; a year of a busy shop stays bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/db.server";
import { CHANNELS } from "~/domain";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { pruneExpired, retentionSegments, RETENTION, type PruneReport } from "./retention.server";

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

const DAY_MS = 86_400_000;
const MINUTE = 60_000;
const NOW = new Date(Date.UTC(2026, 10, 27, 12));
const ago = (ms: number, now = NOW) => new Date(now.getTime() - ms);

/** One row of each kind at `at` (alerts resolved, episodes ended at `at`), keyed by `key`. */
async function seedAt(database: Database, shop: string, key: string, at: Date): Promise<void> {
  await database.webhookEvent.create({
    data: {
      shop,
      eventId: key,
      topic: "orders/create",
      webhookId: key,
      apiVersion: "2026-10",
      payload: "{}",
      receivedAt: at,
      processedAt: at,
    },
  });
  await database.orderRecord.create({ data: { shop, orderGid: key, lines: [], placedAt: at } });
  await database.activity.create({
    data: { id: `${shop}-${key}`, shop, channel: "meta", kind: "quantity_pushed", details: {}, at },
  });
  await database.lagSample.create({
    data: { id: `${shop}-${key}`, shop, channel: "google", pushedAt: at, observedAt: at, lagMs: 1_000 },
  });
  await database.driftEpisode.create({
    data: {
      id: `${shop}-${key}`,
      shop,
      channel: "online_store",
      itemKey: key,
      variantGid: "gid://shopify/ProductVariant/1",
      expected: 1,
      observed: 2,
      startedAt: new Date(at.getTime() - MINUTE),
      endedAt: at,
    },
  });
  await database.alert.create({
    data: {
      id: `${shop}-${key}`,
      shop,
      kind: "lag_high",
      severity: "warning",
      dedupeKey: key,
      openedAt: new Date(at.getTime() - MINUTE),
      resolvedAt: at,
    },
  });
  await database.alertDelivery.create({
    data: { alertId: `${shop}-${key}`, shop, target: "email", event: "resolved", state: "sent" },
  });
}

/** What is left of one shop, by kind: the keys, sorted. */
async function keysOf(database: Database, shop: string) {
  const sorted = (keys: string[]) => keys.map((key) => key.replace(`${shop}-`, "")).sort();
  return {
    webhookEvents: sorted((await database.webhookEvent.findMany({ where: { shop } })).map((row) => row.eventId)),
    orderRecords: sorted((await database.orderRecord.findMany({ where: { shop } })).map((row) => row.orderGid)),
    activity: sorted((await database.activity.findMany({ where: { shop } })).map((row) => row.id)),
    lagSamples: sorted((await database.lagSample.findMany({ where: { shop } })).map((row) => row.id)),
    driftEpisodes: sorted((await database.driftEpisode.findMany({ where: { shop } })).map((row) => row.id)),
    alerts: sorted((await database.alert.findMany({ where: { shop } })).map((row) => row.id)),
    alertDeliveries: sorted((await database.alertDelivery.findMany({ where: { shop } })).map((row) => row.alertId)),
  };
}

/** A busy shop's day, scaled down: how many rows of each kind it writes. */
const PER_DAY = { webhookEvents: 24, orderRecords: 8, activity: 24, lagSamples: 12, driftEpisodes: 3, alerts: 1 };
/** The time of each row of a kind on a day: spread evenly, on whole minutes. */
const timesOf = (count: number, dayStart: number) =>
  Array.from({ length: count }, (_, index) => dayStart + index * (DAY_MS / count));

async function seedDay(database: Database, shop: string, day: number, dayStart: number): Promise<void> {
  const times = (kind: keyof typeof PER_DAY) => timesOf(PER_DAY[kind], dayStart);
  await database.webhookEvent.createMany({
    data: times("webhookEvents").map((at, index) => ({
      shop,
      eventId: `${day}-${index}`,
      topic: "inventory_levels/update",
      webhookId: `${day}-${index}`,
      apiVersion: "2026-10",
      payload: "{}",
      receivedAt: new Date(at),
      processedAt: new Date(at + 1_000),
    })),
  });
  await database.orderRecord.createMany({
    data: times("orderRecords").map((at, index) => ({
      shop,
      orderGid: `${day}-${index}`,
      lines: [],
      placedAt: new Date(at),
    })),
  });
  await database.activity.createMany({
    data: times("activity").map((at, index) => ({
      shop,
      channel: CHANNELS[index % CHANNELS.length],
      kind: "quantity_pushed",
      details: {},
      at: new Date(at),
    })),
  });
  await database.lagSample.createMany({
    data: times("lagSamples").map((at, index) => ({
      shop,
      channel: CHANNELS[index % CHANNELS.length]!,
      pushedAt: new Date(at - 60_000),
      observedAt: new Date(at),
      lagMs: 60_000,
    })),
  });
  await database.driftEpisode.createMany({
    data: times("driftEpisodes").map((at, index) => ({
      shop,
      channel: CHANNELS[index % CHANNELS.length]!,
      itemKey: `${day}-${index}`,
      variantGid: "gid://shopify/ProductVariant/1",
      expected: 3,
      observed: 5,
      startedAt: new Date(at),
      endedAt: new Date(at + 10 * MINUTE),
    })),
  });
  const alerts = times("alerts").map((at, index) => ({ id: `${shop}-${day}-${index}`, at }));
  await database.alert.createMany({
    data: alerts.map(({ id, at }) => ({
      id,
      shop,
      kind: "lag_high",
      severity: "warning",
      dedupeKey: id,
      openedAt: new Date(at),
      resolvedAt: new Date(at + 60 * MINUTE),
    })),
  });
  await database.alertDelivery.createMany({
    data: alerts.flatMap(({ id }) =>
      (["opened", "resolved"] as const).map((event) => ({ alertId: id, shop, target: "email", event, state: "sent" })),
    ),
  });
}

async function countsOf(database: Database, shop: string) {
  const where = { shop };
  const [webhookEvents, orderRecords, activity, lagSamples, driftEpisodes, alerts, alertDeliveries] = await Promise.all(
    [
      database.webhookEvent.count({ where }),
      database.orderRecord.count({ where }),
      database.activity.count({ where }),
      database.lagSample.count({ where }),
      database.driftEpisode.count({ where }),
      database.alert.count({ where }),
      database.alertDelivery.count({ where }),
    ],
  );
  return { webhookEvents, orderRecords, activity, lagSamples, driftEpisodes, alerts, alertDeliveries };
}

describe("retention", () => {
  it("deletes each kind of row past its period, keeps the rest and other shops' rows", async () => {
    const { database } = testDatabase;
    const [shop, other] = ["a.myshopify.com", "b.myshopify.com"];
    for (const owner of [shop, other]) {
      // Just past the shortest period (7 days), just inside it, and just past the longest (90 days).
      await seedAt(database, owner, "week-old", ago(7 * DAY_MS + 1));
      await seedAt(database, owner, "recent", ago(7 * DAY_MS - MINUTE));
      await seedAt(database, owner, "quarter-old", ago(90 * DAY_MS + 1));
      await seedAt(database, owner, "within-quarter", ago(90 * DAY_MS - MINUTE));
    }
    // Never pruned however old: an open alert, an open drift episode, the last auto-protect step.
    const old = ago(400 * DAY_MS);
    await database.alert.create({
      data: { id: "open", shop, kind: "lag_high", severity: "warning", dedupeKey: "open", openedAt: old },
    });
    await database.driftEpisode.create({
      data: {
        id: "open",
        shop,
        channel: "meta",
        itemKey: "x",
        variantGid: "gid://shopify/ProductVariant/1",
        expected: 1,
        observed: 0,
        startedAt: old,
      },
    });
    await database.activity.createMany({
      data: [
        { id: "auto-protect-before", shop, channel: "meta", kind: "auto_protect", details: {}, at: ago(DAY_MS, old) },
        { id: "auto-protect-last", shop, channel: "meta", kind: "auto_protect", details: {}, at: old },
      ],
    });

    const report = await pruneExpired(database, shop, NOW);

    expect(report).toEqual({
      webhookEvents: 3,
      orderRecords: 1,
      activity: 2,
      lagSamples: 3,
      driftEpisodes: 1,
      resolvedAlerts: 1,
      alertDeliveries: 1,
      more: false,
    } satisfies PruneReport);
    expect(await keysOf(database, shop)).toEqual({
      webhookEvents: ["recent"],
      orderRecords: ["recent", "week-old", "within-quarter"],
      activity: ["auto-protect-last", "recent", "week-old", "within-quarter"],
      lagSamples: ["recent"],
      driftEpisodes: ["open", "recent", "week-old", "within-quarter"],
      alerts: ["open", "recent", "week-old", "within-quarter"],
      alertDeliveries: ["recent", "week-old", "within-quarter"],
    });
    expect(Object.values(await keysOf(database, other)).map((keys) => keys.length)).toEqual([4, 4, 4, 4, 4, 4, 4]);
  });

  it(
    "keeps a year of a busy shop bounded: each table holds its period's rows and no more",
    { timeout: 240_000 },
    async () => {
      const { database } = testDatabase;
      const shop = "busy.myshopify.com";
      const bystander = "quiet.myshopify.com";
      await seedAt(database, bystander, "year-old", ago(365 * DAY_MS));
      const windowDays = {
        webhookEvents: RETENTION.webhookEventsMs / DAY_MS,
        orderRecords: RETENTION.orderRecordsMs / DAY_MS,
        activity: RETENTION.activityMs / DAY_MS,
        lagSamples: RETENTION.lagSamplesMs / DAY_MS,
        driftEpisodes: RETENTION.driftEpisodesMs / DAY_MS,
        alerts: RETENTION.resolvedAlertsMs / DAY_MS,
      };
      const start = NOW.getTime() - 365 * DAY_MS;
      const peak = { webhookEvents: 0, orderRecords: 0, activity: 0, lagSamples: 0, driftEpisodes: 0, alerts: 0 };
      let now = new Date(start);
      for (let day = 0; day < 365; day++) {
        const dayStart = start + day * DAY_MS;
        await seedDay(database, shop, day, dayStart);
        // Pruned once a day (the worker does it hourly), a few small batches at a time.
        now = new Date(dayStart + DAY_MS - 1);
        await pruneExpired(database, shop, now, { batchSize: 50, maxBatches: 4 });
        const counts = await countsOf(database, shop);
        for (const kind of Object.keys(peak) as (keyof typeof peak)[]) peak[kind] = Math.max(peak[kind], counts[kind]);
      }

      // Bounded: never more than the period's days (and the day being written) of rows.
      for (const kind of Object.keys(peak) as (keyof typeof peak)[])
        expect(peak[kind], kind).toBeLessThanOrEqual((windowDays[kind] + 1) * PER_DAY[kind]);
      // Exact at the end of the year: every row inside its period is kept, every older one is gone
      // (times of rows a kind is judged by: received, placed, at, observed, ended, resolved).
      const inside = (kind: keyof typeof PER_DAY, offsetMs: number) => {
        const cutoff = now.getTime() - windowDays[kind] * DAY_MS;
        let count = 0;
        for (let day = 0; day < 365; day++)
          count += timesOf(PER_DAY[kind], start + day * DAY_MS).filter((at) => at + offsetMs >= cutoff).length;
        return count;
      };
      const expected = {
        webhookEvents: inside("webhookEvents", 0),
        orderRecords: inside("orderRecords", 0),
        activity: inside("activity", 0),
        lagSamples: inside("lagSamples", 0),
        driftEpisodes: inside("driftEpisodes", 10 * MINUTE),
        alerts: inside("alerts", 60 * MINUTE),
        alertDeliveries: 2 * inside("alerts", 60 * MINUTE),
      };
      expect(await countsOf(database, shop)).toEqual(expected);
      expect(expected.activity).toBe(90 * PER_DAY.activity);
      // The other shop's year-old rows are untouched.
      expect(Object.values(await countsOf(database, bystander))).toEqual([1, 1, 1, 1, 1, 1, 1]);
    },
  );

  it("goes through a backlog in bounded batches, saying when rows are left", async () => {
    const { database } = testDatabase;
    const shop = "backlog.myshopify.com";
    await database.activity.createMany({
      data: Array.from({ length: 250 }, (_, index) => ({
        shop,
        kind: "quantity_pushed",
        details: {},
        at: ago(RETENTION.activityMs + (index + 1) * MINUTE),
      })),
    });
    const limits = { batchSize: 40, maxBatches: 3 };
    const runs: number[] = [];
    for (let more = true; more;) {
      const report = await pruneExpired(database, shop, NOW, limits);
      runs.push(report.activity);
      more = report.more;
    }
    // 120 per run at most; the run that finds fewer than a full batch says nothing is left.
    expect(runs).toEqual([120, 120, 10]);
    expect(await database.activity.count({ where: { shop } })).toBe(0);
  });

  it("reads the expired rows of every kind through an index, on this database", async () => {
    const { database, provider } = testDatabase;
    // A month of rows and fresh statistics: on empty tables a planner may pick any index.
    for (let day = 0; day < 30; day++) {
      await seedDay(database, "plan.myshopify.com", day, NOW.getTime() - (30 - day) * DAY_MS);
      await seedDay(database, "plan-neighbour.myshopify.com", day, NOW.getTime() - (30 - day) * DAY_MS);
    }
    await database.$executeRawUnsafe("ANALYZE");
    const plans: { table: string; column: string; plan: string }[] = [];
    for (const segment of retentionSegments("plan.myshopify.com", NOW, ["kept-id"])) {
      const query = segment.select(1_000);
      const plan =
        provider === "sqlite"
          ? (await database.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${query.sql}`, ...query.values))
              .map((row) => row.detail)
              .join("\n")
          : await database.$transaction(async (transaction) => {
              // Empty tables: without these, a scan then a sort is cheapest whatever the indexes.
              await transaction.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
              await transaction.$executeRawUnsafe("SET LOCAL enable_sort = off");
              const rows = await transaction.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
                `EXPLAIN ${query.text}`,
                ...query.values,
              );
              return rows.map((row) => row["QUERY PLAN"]).join("\n");
            });
      plans.push({ table: segment.table, column: segment.rangeColumn, plan });
    }
    expect(plans).toHaveLength(2 + 1 + 1 + CHANNELS.length * 2 + 1);
    // The index bounds the cutoff's column: the rows read are the expired ones, not all the shop's.
    for (const { table, column, plan } of plans) {
      if (provider === "sqlite") {
        expect(plan, table).toMatch(new RegExp(`SEARCH ${table} USING (COVERING )?INDEX .*\\b${column}<\\?`));
        expect(plan, table).not.toMatch(/\bSCAN\b|TEMP B-TREE/);
      } else {
        expect(plan, table).toMatch(
          new RegExp(`Index (Only )?Scan using[^\\n]*\\n\\s*Index Cond: [^\\n]*\\b"?${column}"? <`),
        );
        expect(plan, table).not.toMatch(/Seq Scan|Sort/);
      }
    }
  });
});

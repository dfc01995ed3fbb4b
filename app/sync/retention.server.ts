import type { Database } from "~/db.server";
import { CHANNELS } from "~/domain";
import { Prisma } from "~/generated/sqlite/client";

const DAY_MS = 86_400_000;

/**
 * How long Ballast keeps what grows with time, per shop. The Activity and Settings pages
 * tell the merchant (app/web/retention.server.ts); docs/app-review.md ("Retention") and
 * docs/deploy.md say it to reviewers and operators.
 *
 * - Webhook events: long enough to recognise any redelivery (Shopify retries a failed
 *   delivery for hours, never days); processed events carry no personal data, but failed
 *   ones may, and go too.
 * - Order records (ids, quantities, times): sales speed, "prevented this week" and late
 *   cancellations of recent orders.
 * - Activity (every push, every action): 90 days, what a merchant looks back on (a season,
 *   a quarter); the Activity page and its CSV export cover the same 90 days. The last
 *   auto-protect step of each channel stays whatever its age: auto-protect reads it to
 *   know whether it is engaged (app/monitor/monitor.server.ts).
 * - Lag samples: the longest window anything reads is 24 hours (buffers' lag, the Overview
 *   chart, the alert window's maximum); a week keeps room to look into a bad day.
 * - Drift episodes, once ended: the longest look-back is 7 days (competing writer); 90 days
 *   of history. Open episodes stay until they end.
 * - Alerts, once resolved (and their email and webhook deliveries): 90 days. Open and
 *   acknowledged alerts stay until they are resolved.
 */
export const RETENTION = {
  webhookEventsMs: 7 * DAY_MS,
  orderRecordsMs: 90 * DAY_MS,
  activityMs: 90 * DAY_MS,
  lagSamplesMs: 7 * DAY_MS,
  driftEpisodesMs: 90 * DAY_MS,
  resolvedAlertsMs: 90 * DAY_MS,
} as const;

/**
 * Rows are deleted by batches of `batchSize`, each its own short statement (a first prune
 * of a big shop never holds one long transaction, nor the SQLite write lock), and at most
 * `maxBatches` batches per kind of row and run: what is left (`more`) goes on the next
 * maintenance pass, so one shop's backlog never delays the other shops' maintenance long.
 */
export interface PruneLimits {
  batchSize: number;
  maxBatches: number;
}

export const PRUNE_LIMITS: PruneLimits = { batchSize: 1_000, maxBatches: 20 };

export type PrunedKind =
  "webhookEvents" | "orderRecords" | "activity" | "lagSamples" | "driftEpisodes" | "resolvedAlerts" | "alertDeliveries";

export type PruneReport = Record<PrunedKind, number> & {
  /** Some kind reached `maxBatches` with rows possibly left: run again soon. */
  more: boolean;
};

/**
 * One kind of row (or one channel's share of it): `select` lists up to `limit` keys of
 * expired rows, oldest first, through an index (app/sync/retention.server.test.ts checks
 * the plans on both databases); `remove` deletes them by key.
 */
export interface RetentionSegment {
  kind: PrunedKind;
  /** The table `select` reads and the column its cutoff applies to, for the plan check. */
  table: string;
  rangeColumn: string;
  select(limit: number): Prisma.Sql;
  remove(database: Database, keys: string[]): Promise<Partial<Record<PrunedKind, number>>>;
}

const cutoff = (now: Date, ms: number) => new Date(now.getTime() - ms);
const page = (limit: number) => Prisma.sql`LIMIT ${limit}`;

function webhookEventSegments(shop: string, now: Date): RetentionSegment[] {
  const before = cutoff(now, RETENTION.webhookEventsMs);
  const remove = async (database: Database, keys: string[]) => ({
    webhookEvents: (await database.webhookEvent.deleteMany({ where: { shop, eventId: { in: keys } } })).count,
  });
  // Two ranges of the (shop, processedAt, receivedAt) index. An event is processed after it is
  // received, so processed before the cutoff means received before it; one received before
  // the cutoff and processed after it (seconds later, as a rule) goes on a later run. No order
  // for the unprocessed: PostgreSQL cannot read "IS NULL" as fixing the column for an ORDER BY.
  return [
    {
      kind: "webhookEvents",
      table: "WebhookEvent",
      rangeColumn: "receivedAt",
      select: (limit) => Prisma.sql`SELECT "eventId" AS "key" FROM "WebhookEvent"
        WHERE "shop" = ${shop} AND "processedAt" IS NULL AND "receivedAt" < ${before}
        ${page(limit)}`,
      remove,
    },
    {
      kind: "webhookEvents",
      table: "WebhookEvent",
      rangeColumn: "processedAt",
      select: (limit) => Prisma.sql`SELECT "eventId" AS "key" FROM "WebhookEvent"
        WHERE "shop" = ${shop} AND "processedAt" < ${before} AND "receivedAt" < ${before}
        ORDER BY "processedAt" ${page(limit)}`,
      remove,
    },
  ];
}

function orderRecordSegment(shop: string, now: Date): RetentionSegment {
  const before = cutoff(now, RETENTION.orderRecordsMs);
  return {
    kind: "orderRecords",
    table: "OrderRecord",
    rangeColumn: "placedAt",
    select: (limit) => Prisma.sql`SELECT "orderGid" AS "key" FROM "OrderRecord"
      WHERE "shop" = ${shop} AND "placedAt" < ${before}
      ORDER BY "placedAt" ${page(limit)}`,
    remove: async (database, keys) => ({
      orderRecords: (await database.orderRecord.deleteMany({ where: { shop, orderGid: { in: keys } } })).count,
    }),
  };
}

function activitySegment(shop: string, now: Date, keep: readonly string[]): RetentionSegment {
  const before = cutoff(now, RETENTION.activityMs);
  const kept = keep.length > 0 ? Prisma.sql` AND "id" NOT IN (${Prisma.join(keep)})` : Prisma.empty;
  return {
    kind: "activity",
    table: "Activity",
    rangeColumn: "at",
    select: (limit) => Prisma.sql`SELECT "id" AS "key" FROM "Activity"
      WHERE "shop" = ${shop} AND "at" < ${before}${kept}
      ORDER BY "at" ${page(limit)}`,
    remove: async (database, keys) => ({
      activity: (await database.activity.deleteMany({ where: { shop, id: { in: keys } } })).count,
    }),
  };
}

/** Per channel: the (shop, channel, …) indexes lead with the channel. */
function channelSegments(shop: string, now: Date): RetentionSegment[] {
  const lagBefore = cutoff(now, RETENTION.lagSamplesMs);
  const driftBefore = cutoff(now, RETENTION.driftEpisodesMs);
  return CHANNELS.flatMap((channel): RetentionSegment[] => [
    {
      kind: "lagSamples",
      table: "LagSample",
      rangeColumn: "observedAt",
      select: (limit) => Prisma.sql`SELECT "id" AS "key" FROM "LagSample"
        WHERE "shop" = ${shop} AND "channel" = ${channel} AND "observedAt" < ${lagBefore}
        ORDER BY "observedAt" ${page(limit)}`,
      remove: async (database, keys) => ({
        lagSamples: (await database.lagSample.deleteMany({ where: { shop, id: { in: keys } } })).count,
      }),
    },
    {
      // An episode ends after it starts: ended before the cutoff means started before it.
      kind: "driftEpisodes",
      table: "DriftEpisode",
      rangeColumn: "startedAt",
      select: (limit) => Prisma.sql`SELECT "id" AS "key" FROM "DriftEpisode"
        WHERE "shop" = ${shop} AND "channel" = ${channel} AND "startedAt" < ${driftBefore} AND "endedAt" < ${driftBefore}
        ORDER BY "startedAt" ${page(limit)}`,
      remove: async (database, keys) => ({
        driftEpisodes: (await database.driftEpisode.deleteMany({ where: { shop, id: { in: keys } } })).count,
      }),
    },
  ]);
}

function resolvedAlertSegment(shop: string, now: Date): RetentionSegment {
  const before = cutoff(now, RETENTION.resolvedAlertsMs);
  return {
    kind: "resolvedAlerts",
    table: "Alert",
    rangeColumn: "resolvedAt",
    select: (limit) => Prisma.sql`SELECT "id" AS "key" FROM "Alert"
      WHERE "shop" = ${shop} AND "resolvedAt" < ${before}
      ORDER BY "resolvedAt" ${page(limit)}`,
    // The deliveries first: a delivery never outlives its alert, even if the run stops between.
    remove: async (database, keys) => ({
      alertDeliveries: (await database.alertDelivery.deleteMany({ where: { shop, alertId: { in: keys } } })).count,
      resolvedAlerts: (await database.alert.deleteMany({ where: { shop, id: { in: keys } } })).count,
    }),
  };
}

/** Every segment of one shop's prune at `now`; `keepActivity`: activity ids kept whatever their age. */
export function retentionSegments(shop: string, now: Date, keepActivity: readonly string[]): RetentionSegment[] {
  return [
    ...webhookEventSegments(shop, now),
    orderRecordSegment(shop, now),
    activitySegment(shop, now, keepActivity),
    ...channelSegments(shop, now),
    resolvedAlertSegment(shop, now),
  ];
}

/** The last auto-protect entry of each channel: auto-protect's memory of what it did. */
async function activityToKeep(database: Database, shop: string): Promise<string[]> {
  const last = await Promise.all(
    CHANNELS.map((channel) =>
      database.activity.findFirst({
        where: { shop, channel, kind: "auto_protect" },
        orderBy: { at: "desc" },
        select: { id: true },
      }),
    ),
  );
  return last.flatMap((row) => (row ? [row.id] : []));
}

/** Deletes one segment's expired rows, batch by batch; true when it stopped at `maxBatches` with rows possibly left. */
async function pruneSegment(
  database: Database,
  segment: RetentionSegment,
  limits: PruneLimits,
  report: PruneReport,
): Promise<boolean> {
  for (let batch = 0; batch < limits.maxBatches; batch++) {
    const rows = await database.$queryRaw<{ key: string }[]>(segment.select(limits.batchSize));
    if (rows.length === 0) return false;
    const removed = await segment.remove(
      database,
      rows.map((row) => row.key),
    );
    for (const [kind, count] of Object.entries(removed) as [PrunedKind, number][]) report[kind] += count;
    if (rows.length < limits.batchSize) return false;
  }
  return true;
}

/** Deletes what is past its retention (RETENTION) for one shop; the caller holds the shop's stored lease. */
export async function pruneExpired(
  database: Database,
  shop: string,
  now: Date,
  limits: PruneLimits = PRUNE_LIMITS,
): Promise<PruneReport> {
  const report: PruneReport = {
    webhookEvents: 0,
    orderRecords: 0,
    activity: 0,
    lagSamples: 0,
    driftEpisodes: 0,
    resolvedAlerts: 0,
    alertDeliveries: 0,
    more: false,
  };
  for (const segment of retentionSegments(shop, now, await activityToKeep(database, shop))) {
    if (await pruneSegment(database, segment, limits, report)) report.more = true;
  }
  return report;
}

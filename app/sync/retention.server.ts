import type { Database } from "~/db.server";

/**
 * How long Ballast keeps what webhooks told it (docs/app-review.md, "Retention").
 * Webhook events: long enough to recognise any redelivery (Shopify retries a failed
 * delivery for hours, never days); processed events carry no personal data, but failed
 * ones may, and go too. Order records (ids, quantities, times): long enough for sales
 * speed, "prevented this week" and late cancellations of recent orders.
 */
export const RETENTION = {
  webhookEventsMs: 7 * 24 * 3_600_000,
  orderRecordsMs: 90 * 24 * 3_600_000,
} as const;

export async function pruneExpired(
  database: Database,
  shop: string,
  now: Date,
): Promise<{ webhookEvents: number; orderRecords: number }> {
  const events = await database.webhookEvent.deleteMany({
    where: { shop, receivedAt: { lt: new Date(now.getTime() - RETENTION.webhookEventsMs) } },
  });
  const orders = await database.orderRecord.deleteMany({
    where: { shop, placedAt: { lt: new Date(now.getTime() - RETENTION.orderRecordsMs) } },
  });
  return { webhookEvents: events.count, orderRecords: orders.count };
}

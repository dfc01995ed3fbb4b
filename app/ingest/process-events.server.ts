import type { Database, DatabaseProvider } from "~/db.server";
import { logger } from "~/logger.server";
import { applyEvent, type StoredEvent } from "./apply-event.server";

/**
 * Applies recorded webhooks to the master record, oldest first. Each batch runs in one
 * transaction that also marks its events processed: after a crash at any point, an
 * event is either fully applied and marked, or neither, so none is applied twice and
 * none is lost. Callers hold the shop's "ingest" lease.
 */
const MAX_ATTEMPTS = 8;

export interface IngestResult {
  processed: number;
  rejected: number;
  failed: number;
}

export async function processPendingEvents(
  database: Database,
  shop: string,
  options: { now: Date; batchSize?: number; maxEvents?: number; provider?: DatabaseProvider },
): Promise<IngestResult> {
  const batchSize = options.batchSize ?? 100;
  const result: IngestResult = { processed: 0, rejected: 0, failed: 0 };
  for (;;) {
    if (options.maxEvents !== undefined && result.processed + result.failed >= options.maxEvents) break;
    const events = await database.webhookEvent.findMany({
      where: { shop, processedAt: null, attempts: { lt: MAX_ATTEMPTS } },
      orderBy: [{ receivedAt: "asc" }, { eventId: "asc" }],
      take: batchSize,
      select: { eventId: true, shop: true, topic: true, payload: true },
    });
    if (events.length === 0) break;
    try {
      result.rejected += await applyBatch(database, events, options.now, options.provider);
      result.processed += events.length;
    } catch {
      // One bad event must not hold back the rest: retry the batch one event at a time.
      for (const event of events) {
        try {
          result.rejected += await applyBatch(database, [event], options.now, options.provider);
          result.processed += 1;
        } catch (error) {
          result.failed += 1;
          const reason = error instanceof Error ? error.message.slice(0, 500) : String(error);
          logger.error({ shop, eventId: event.eventId, err: reason }, "webhook event failed; will retry");
          await database.webhookEvent.update({
            where: { shop_eventId: { shop, eventId: event.eventId } },
            data: { attempts: { increment: 1 }, lastError: reason },
          });
        }
      }
      if (result.failed > 0) break;
    }
  }
  return result;
}

async function applyBatch(database: Database, events: StoredEvent[], now: Date, provider: DatabaseProvider = "sqlite"): Promise<number> {
  return database.$transaction(
    async (tx) => {
      let rejected = 0;
      for (const event of events) {
        // Claim first: if another worker already applied it, this is a no-op.
        const claimed = await tx.webhookEvent.updateMany({
          where: { shop: event.shop, eventId: event.eventId, processedAt: null },
          data: { processedAt: now, attempts: { increment: 1 } },
        });
        if (claimed.count === 0) continue;
        const outcome = await applyEvent(tx, event, provider);
        if (outcome.kind !== "applied") {
          if (outcome.kind === "rejected") rejected += 1;
          await tx.webhookEvent.update({
            where: { shop_eventId: { shop: event.shop, eventId: event.eventId } },
            data: { lastError: `${outcome.kind}: ${outcome.reason}` },
          });
        }
      }
      return rejected;
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}

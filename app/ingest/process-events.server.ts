import type { Database, DatabaseProvider } from "~/db.server";
import { logger } from "~/logger.server";
import { Prisma } from "~/generated/sqlite/client";
import { applyEvents, type StoredEvent } from "./apply-event.server";
import { withoutPersonalData } from "./minimize";

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
    // A short page was everything recorded when read: what arrived since waits for the next pass rather than costing an empty read now.
    if (events.length < batchSize) break;
  }
  return result;
}

async function applyBatch(
  database: Database,
  events: StoredEvent[],
  now: Date,
  provider: DatabaseProvider = "sqlite",
): Promise<number> {
  const shop = events[0]!.shop;
  return database.$transaction(
    async (tx) => {
      // Claim first: events another worker already applied are left out.
      const claimed = await tx.$queryRaw<{ eventId: string }[]>`
        UPDATE "WebhookEvent" SET "processedAt" = ${now}, "attempts" = "attempts" + 1
        WHERE "shop" = ${shop} AND "processedAt" IS NULL AND "eventId" IN (${Prisma.join(events.map((event) => event.eventId))})
        RETURNING "eventId"`;
      const claimedIds = new Set(claimed.map((row) => row.eventId));
      const mine = events.filter((event) => claimedIds.has(event.eventId));
      const outcomes = await applyEvents(tx, shop, mine, provider);
      // Applied or not, the event keeps no customer personal data (one statement per batch).
      if (mine.length > 0) {
        const minimized = mine.map(
          (event) => Prisma.sql`WHEN ${event.eventId} THEN ${withoutPersonalData(event.payload)}`,
        );
        await tx.$executeRaw`
          UPDATE "WebhookEvent" SET "payload" = CASE "eventId" ${Prisma.join(minimized, " ")} ELSE "payload" END
          WHERE "shop" = ${shop} AND "eventId" IN (${Prisma.join(mine.map((event) => event.eventId))})`;
      }
      // Why an event changed nothing, kept on the event: one statement per distinct reason.
      const notApplied = new Map<string, string[]>();
      outcomes.forEach((outcome, index) => {
        if (outcome.kind === "applied") return;
        const reason = `${outcome.kind}: ${outcome.reason}`;
        notApplied.set(reason, [...(notApplied.get(reason) ?? []), mine[index]!.eventId]);
      });
      for (const [reason, eventIds] of notApplied) {
        await tx.webhookEvent.updateMany({ where: { shop, eventId: { in: eventIds } }, data: { lastError: reason } });
      }
      return outcomes.filter((outcome) => outcome.kind === "rejected").length;
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}

import type { Database } from "~/db.server";
import { Prisma } from "~/generated/sqlite/client";
import type { WebhookEnvelope } from "./record-webhook.server";

/**
 * Group commit for webhook acknowledgements. Each webhook is answered only once it is
 * durably recorded, but the deliveries that arrive while one write is in progress are
 * written together in the next single transaction: one commit (one fsync) for many
 * answers. At Black Friday rates this multiplies how many webhooks one process can
 * acknowledge, and every answer still means "recorded". The insert is raw SQL (the same
 * on SQLite and PostgreSQL): on this path the ORM's per-statement work was most of the cost.
 */
type Outcome = "recorded" | "duplicate";

interface Waiting {
  envelope: WebhookEnvelope;
  resolve: (outcome: Outcome) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 200;

export class WebhookRecorder {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(private readonly database: Database) {}

  record(envelope: WebhookEnvelope): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      this.queue.push({ envelope, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await this.write(batch);
      }
    } finally {
      this.writing = false;
    }
  }

  private async write(batch: Waiting[]): Promise<void> {
    // Duplicates of one event inside the batch count once, like deliveries apart.
    const firstOfEvent = new Map<string, WebhookEnvelope>();
    for (const { envelope } of batch) {
      const key = eventKey(envelope.shop, envelope.eventId);
      if (!firstOfEvent.has(key)) firstOfEvent.set(key, envelope);
    }
    try {
      // One statement, no transaction: the insert is atomic, and rows another delivery
      // (or process) recorded first are skipped by the primary key, not raised.
      const receivedAt = new Date();
      const rows = [...firstOfEvent.values()].map(
        (envelope) =>
          Prisma.sql`(${envelope.shop}, ${envelope.eventId}, ${envelope.topic}, ${envelope.webhookId}, ${envelope.apiVersion}, ${envelope.triggeredAt}, ${receivedAt}, ${envelope.rawBody}, 0)`,
      );
      const inserted = await this.database.$queryRaw<{ shop: string; eventId: string }[]>`
        INSERT INTO "WebhookEvent" ("shop", "eventId", "topic", "webhookId", "apiVersion", "triggeredAt", "receivedAt", "payload", "attempts")
        VALUES ${Prisma.join(rows)}
        ON CONFLICT ("shop", "eventId") DO NOTHING
        RETURNING "shop", "eventId"`;
      const recorded = new Set(inserted.map((row) => eventKey(row.shop, row.eventId)));
      for (const waiting of batch) {
        const key = eventKey(waiting.envelope.shop, waiting.envelope.eventId);
        // The first delivery of a newly inserted event is "recorded"; every other one is a duplicate.
        const isFirst = firstOfEvent.get(key) === waiting.envelope && recorded.has(key);
        waiting.resolve(isFirst ? "recorded" : "duplicate");
      }
    } catch (error) {
      // Nothing was recorded: every caller answers 500 and Shopify delivers again.
      for (const waiting of batch) waiting.reject(error);
    }
  }
}

function eventKey(shop: string, eventId: string): string {
  return `${shop}\n${eventId}`;
}

const recorders = new WeakMap<Database, WebhookRecorder>();

export function webhookRecorder(database: Database): WebhookRecorder {
  let recorder = recorders.get(database);
  if (!recorder) {
    recorder = new WebhookRecorder(database);
    recorders.set(database, recorder);
  }
  return recorder;
}

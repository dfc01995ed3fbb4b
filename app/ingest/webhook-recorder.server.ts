import type { Database } from "~/db.server";
import type { WebhookEnvelope } from "./record-webhook.server";
import { recordWebhookEvent } from "./record-webhook.server";

/**
 * Group commit for webhook acknowledgements. Each webhook is answered only once it is
 * durably recorded, but the deliveries that arrive while one write is in progress are
 * written together in the next single transaction: one commit (one fsync) for many
 * answers. At Black Friday rates this multiplies how many webhooks one process can
 * acknowledge, and every answer still means "recorded".
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
    try {
      const outcomes = await this.database.$transaction(async (tx) => {
        const keys = batch.map(({ envelope }) => ({ shop: envelope.shop, eventId: envelope.eventId }));
        const known = await tx.webhookEvent.findMany({ where: { OR: keys }, select: { shop: true, eventId: true } });
        const seen = new Set(known.map((row) => `${row.shop}\n${row.eventId}`));
        const fresh = [];
        const results: Outcome[] = [];
        for (const { envelope } of batch) {
          const key = `${envelope.shop}\n${envelope.eventId}`;
          // Duplicates of one event inside the batch count once, like deliveries apart.
          if (seen.has(key)) {
            results.push("duplicate");
            continue;
          }
          seen.add(key);
          results.push("recorded");
          fresh.push({
            eventId: envelope.eventId,
            shop: envelope.shop,
            topic: envelope.topic,
            webhookId: envelope.webhookId,
            apiVersion: envelope.apiVersion,
            triggeredAt: envelope.triggeredAt,
            payload: envelope.rawBody,
          });
        }
        if (fresh.length > 0) await tx.webhookEvent.createMany({ data: fresh });
        return results;
      });
      batch.forEach((waiting, index) => waiting.resolve(outcomes[index]!));
    } catch {
      // Another process recorded one of these meanwhile (or the batch failed): one by one.
      for (const waiting of batch) {
        try {
          waiting.resolve(await recordWebhookEvent(this.database, waiting.envelope));
        } catch (error) {
          waiting.reject(error);
        }
      }
    }
  }
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

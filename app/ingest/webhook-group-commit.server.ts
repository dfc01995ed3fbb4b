import { databaseUrl, type Database } from "~/db.server";
import type { WebhookEnvelope } from "./webhook-event.server";
import { eventKey, openWebhookEventWriter, type WebhookEventWriter } from "./webhook-event-writer.server";

/**
 * Group commit for webhook acknowledgements. Each webhook is answered only once it is
 * durably recorded, but the deliveries that arrive while one write is in progress (or in
 * the same turn of the event loop) are written together in the next single transaction:
 * one commit for many answers. At Black Friday rates this multiplies how many webhooks one
 * process can acknowledge, and every answer still means "recorded". The rows are written
 * outside the ORM (webhook-event-writer.server.ts): on this path its per-statement work
 * was most of the cost.
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

  constructor(private readonly writer: WebhookEventWriter) {}

  record(envelope: WebhookEnvelope): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      this.queue.push({ envelope, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  /** Closes the writer's connection; pending records still finish first. */
  async close(): Promise<void> {
    while (this.writing) await new Promise((resolve) => setImmediate(resolve));
    await this.writer.close();
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      // The SQLite writer is synchronous: without this pause the first delivery of a burst
      // would be written alone before the others of the same turn are even queued.
      await new Promise((resolve) => setImmediate(resolve));
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
      // One atomic write; rows another delivery (or process) recorded first are skipped.
      const recorded = await this.writer.insertNew([...firstOfEvent.values()], new Date());
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

const recorders = new WeakMap<Database, WebhookRecorder>();

/** The process's recorder for this database, with its own connection to it (opened on first use). */
export function webhookRecorder(database: Database): WebhookRecorder {
  let recorder = recorders.get(database);
  if (!recorder) {
    recorder = new WebhookRecorder(openWebhookEventWriter(databaseUrl(database)));
    recorders.set(database, recorder);
  }
  return recorder;
}

/** Closes the recorder's connection (tests, before dropping their database). */
export async function closeWebhookRecorder(database: Database): Promise<void> {
  const recorder = recorders.get(database);
  recorders.delete(database);
  await recorder?.close();
}

import type { Database } from "~/db.server";

export interface WebhookEnvelope {
  shop: string;
  topic: string;
  webhookId: string;
  /** X-Shopify-Event-Id: shared by every delivery (retry) of one event. */
  eventId: string;
  apiVersion: string;
  triggeredAt: Date | null;
  rawBody: string;
}

/**
 * Records a webhook once. Duplicate deliveries of the same event (same event id) are
 * acknowledged and change nothing; processing happens after the answer.
 */
export async function recordWebhookEvent(
  database: Database,
  envelope: WebhookEnvelope,
): Promise<"recorded" | "duplicate"> {
  try {
    await database.webhookEvent.create({
      data: {
        eventId: envelope.eventId,
        shop: envelope.shop,
        topic: envelope.topic,
        webhookId: envelope.webhookId,
        apiVersion: envelope.apiVersion,
        triggeredAt: envelope.triggeredAt,
        payload: envelope.rawBody,
      },
    });
    return "recorded";
  } catch (error) {
    // The primary key is the event id: a unique violation means "seen before".
    if (isUniqueViolation(error)) return "duplicate";
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "P2002";
}

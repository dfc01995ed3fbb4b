import { AsyncLocalStorage } from "node:async_hooks";
import type { Database, Queryable } from "~/db.server";
import type { ChannelId } from "~/domain";

/**
 * The activity log: every quantity change and every human or automatic action, with its
 * cause. `details` is machine-readable (e.g. an engine explanation) and rendered per locale.
 */
export type ActivityKind =
  | "quantity_pushed"
  | "push_failed"
  | "rule_changed"
  | "override_set"
  | "override_cleared"
  | "override_expired"
  | "channel_connected"
  | "channel_disconnected"
  | "channel_paused"
  | "channel_resumed"
  | "channel_activated"
  | "channel_observed"
  | "channel_settings_changed"
  | "resync_requested"
  | "holds_released"
  | "metafield_rejected"
  | "auto_protect"
  | "drift_detected"
  | "credentials_restored"
  | "alert_delivery_failed"
  | "alert_settings_changed"
  | "alert_delivery_tested"
  | "fallback_feed_issued"
  | "fallback_feed_revoked";

export interface ActivityEntry {
  shop: string;
  kind: ActivityKind;
  channel?: ChannelId | null;
  variantGid?: string | null;
  details: Record<string, unknown>;
  at?: Date;
  /** The staff member who acted (Shopify user id); unset: whoever `actingAs` names, else nobody. */
  actor?: string | null;
}

/**
 * Who a page request acts for. The services under a page post record activity several calls
 * deep (activation, connections, rules, operations); the staff member rides along with the
 * request instead of being threaded through every one of them. The worker never runs inside it.
 */
const requestActor = new AsyncLocalStorage<string | null>();

/** Runs `work` on behalf of a staff member: every activity entry it records names them. */
export function actingAs<T>(actor: string | null, work: () => Promise<T>): Promise<T> {
  return requestActor.run(actor, work);
}

/** The row of an entry (without `at`, the row is stamped now). */
function activityRow(entry: ActivityEntry) {
  return {
    shop: entry.shop,
    kind: entry.kind,
    channel: entry.channel ?? null,
    variantGid: entry.variantGid ?? null,
    details: entry.details as object,
    actor: entry.actor ?? requestActor.getStore() ?? null,
    ...(entry.at ? { at: entry.at } : {}),
  };
}

export async function recordActivity(database: Database, entry: ActivityEntry): Promise<void> {
  await database.activity.create({ data: activityRow(entry) });
}

/** Many entries in one insert; inside the caller's transaction when given one. */
export async function recordActivities(database: Queryable, entries: readonly ActivityEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await database.activity.createMany({
    data: entries.map(activityRow),
  });
}

import type { Database } from "~/db.server";
import type { ChannelId } from "~/domain";
import type { AlertKind } from "./alert-kinds";

export { ALERT_KINDS, type AlertKind } from "./alert-kinds";

/**
 * Alerts are deduplicated by (shop, channel, kind): raising one that is already open
 * refreshes its details instead of opening another; resolving closes it. The kinds, and
 * what each means to a merchant, are listed once in alert-kinds.ts.
 */
export interface AlertInput {
  shop: string;
  channel?: ChannelId | null;
  kind: AlertKind;
  severity: "info" | "warning" | "critical";
  details?: Record<string, unknown>;
  at: Date;
}

export const alertDedupeKey = (input: Pick<AlertInput, "channel" | "kind">) =>
  `${input.channel ?? "shop"}:${input.kind}`;

/**
 * Every raise stamps `details.lastSeenAt`, so a rule evaluated elsewhere can tell whether
 * the condition was seen again since (see monitor rules for reconciliation differences).
 */
export async function raiseAlert(database: Database, input: AlertInput): Promise<"opened" | "refreshed"> {
  const dedupeKey = alertDedupeKey(input);
  input = { ...input, details: { ...(input.details ?? {}), lastSeenAt: input.at.toISOString() } };
  const open = await database.alert.findFirst({
    where: { shop: input.shop, dedupeKey, resolvedAt: null },
    select: { id: true },
  });
  if (open) {
    await database.alert.update({
      where: { id: open.id },
      data: { details: (input.details ?? {}) as object, severity: input.severity },
    });
    return "refreshed";
  }
  await database.alert.create({
    data: {
      shop: input.shop,
      channel: input.channel ?? null,
      kind: input.kind,
      severity: input.severity,
      dedupeKey,
      details: (input.details ?? {}) as object,
      openedAt: input.at,
    },
  });
  return "opened";
}

/** Open alerts of a shop (optionally one channel), oldest first. */
export async function openAlerts(database: Database, shop: string, channel?: ChannelId | null) {
  return database.alert.findMany({
    where: { shop, resolvedAt: null, ...(channel !== undefined ? { channel } : {}) },
    orderBy: { openedAt: "asc" },
  });
}

export async function resolveAlert(
  database: Database,
  input: Pick<AlertInput, "shop" | "channel" | "kind" | "at">,
): Promise<boolean> {
  const result = await database.alert.updateMany({
    where: { shop: input.shop, dedupeKey: alertDedupeKey(input), resolvedAt: null },
    data: { resolvedAt: input.at },
  });
  return result.count > 0;
}

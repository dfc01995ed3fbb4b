import type { Database } from "~/db.server";
import { z } from "zod";
import { channelIdSchema, LOCALES, type Locale } from "~/domain";
import { alertItemsOf, shopLanguage } from "~/records/alert-items.server";
import { describeAlert, type AlertItem, type AlertText } from "~/records/alert-text";
import { startOperation } from "./channel-operations.server";
import { changeChannelState } from "./channels.server";

/** Alerts raised by the monitor, as the Alerts page and GET /api/v1/alerts list them. */
export const alertFilterSchema = z.object({
  status: z.enum(["open", "acknowledged", "resolved", "all"]).default("open"),
  severity: z.enum(["info", "warning", "critical"]).optional(),
  channel: channelIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The language of the API's words; by default the shop's. */
  locale: z.enum(LOCALES).optional(),
});
export type AlertFilter = z.output<typeof alertFilterSchema>;

export interface AlertView {
  id: string;
  channel: string | null;
  kind: string;
  severity: string;
  details: unknown;
  openedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  /** The items it concerns, named (at most ALERT_VARIANT_LIMIT), and how many more it counts. */
  items: AlertItem[];
  moreItems: number;
}

export async function listAlerts(database: Database, shop: string, filter: AlertFilter): Promise<AlertView[]> {
  const status =
    filter.status === "open"
      ? { resolvedAt: null, acknowledgedAt: null }
      : filter.status === "acknowledged"
        ? { resolvedAt: null, acknowledgedAt: { not: null } }
        : filter.status === "resolved"
          ? { resolvedAt: { not: null } }
          : {};
  const rows = await database.alert.findMany({
    where: {
      shop,
      ...status,
      ...(filter.severity ? { severity: filter.severity } : {}),
      ...(filter.channel ? { channel: filter.channel } : {}),
    },
    orderBy: { openedAt: "desc" },
    take: filter.limit,
  });
  const concerned = await alertItemsOf(database, shop, rows);
  return rows.map((row, index) => ({
    id: row.id,
    channel: row.channel,
    kind: row.kind,
    severity: row.severity,
    details: row.details ?? null,
    openedAt: row.openedAt.toISOString(),
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    items: concerned[index]!.items,
    moreItems: concerned[index]!.more,
  }));
}

export type AlertApiView = AlertView & AlertText & { locale: Locale };

/**
 * GET /api/v1/alerts: each alert's codes, and beside them the words the Alerts page shows
 * (title, meaning, recommended action, details as sentences) in the shop's language or the
 * one asked for, times in the shop's stored time zone or UTC.
 */
export async function listAlertsForApi(database: Database, shop: string, filter: AlertFilter): Promise<AlertApiView[]> {
  const [alerts, language] = await Promise.all([listAlerts(database, shop, filter), shopLanguage(database, shop)]);
  const locale = filter.locale ?? language.locale;
  return alerts.map((alert) => ({
    ...alert,
    locale,
    ...describeAlert(alert, { locale, timeZone: language.timeZone }),
  }));
}

/** Marks an open alert of this shop as seen; false when the shop has no such open alert. */
export async function acknowledgeAlert(database: Database, shop: string, id: string, nowMs: number): Promise<boolean> {
  const result = await database.alert.updateMany({
    where: { id, shop, acknowledgedAt: null },
    data: { acknowledgedAt: new Date(nowMs) },
  });
  return result.count > 0;
}

export type AlertsPageResult =
  | { intent: "acknowledge"; ok: boolean }
  | { intent: "resync"; ok: true }
  | { intent: "pause"; ok: true; channel: string }
  | { intent: "pause"; ok: false; channel: string; error: "channel_not_connected" | "unknown_channel" };

/**
 * The Alerts page's buttons, through the same services as the Channels page: acknowledge,
 * resync (the tracked operation), pause a channel (stop selling; the page asked first).
 */
export async function alertsPageAction(
  database: Database,
  shop: string,
  form: FormData,
  nowMs: number,
): Promise<AlertsPageResult> {
  const intent = String(form.get("intent") ?? "acknowledge");
  if (intent === "resync") {
    await startOperation(database, { shop, kind: "resync", nowMs, source: "admin" });
    return { intent, ok: true };
  }
  if (intent === "pause") {
    const channel = channelIdSchema.safeParse(form.get("channel"));
    if (!channel.success) return { intent, ok: false, channel: "", error: "unknown_channel" };
    const result = await changeChannelState(database, {
      shop,
      channel: channel.data,
      state: "paused_stop_selling",
      nowMs,
      source: "admin",
    });
    return result.ok
      ? { intent, ok: true, channel: channel.data }
      : { intent, ok: false, channel: channel.data, error: result.error.code };
  }
  return { intent: "acknowledge", ok: await acknowledgeAlert(database, shop, String(form.get("id") ?? ""), nowMs) };
}

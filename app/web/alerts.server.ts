import type { Database } from "~/db.server";
import { z } from "zod";
import { channelIdSchema } from "~/domain";

/** Alerts raised by the monitor, as the Alerts page and GET /api/v1/alerts list them. */
export const alertFilterSchema = z.object({
  status: z.enum(["open", "acknowledged", "resolved", "all"]).default("open"),
  severity: z.enum(["info", "warning", "critical"]).optional(),
  channel: channelIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
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
  return rows.map((row) => ({
    id: row.id,
    channel: row.channel,
    kind: row.kind,
    severity: row.severity,
    details: row.details ?? null,
    openedAt: row.openedAt.toISOString(),
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
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

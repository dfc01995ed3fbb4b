import type { Database } from "~/db.server";
import type { ChannelId, VariantGid } from "~/domain";

/** The Activity page: newest first, filtered by item and channel, one page at a time. */
export const ACTIVITY_PAGE_SIZE = 25;

export interface ActivityView {
  id: string;
  kind: string;
  channel: string | null;
  variantGid: string | null;
  details: Record<string, unknown>;
  at: string;
}

export async function listActivity(
  database: Database,
  shop: string,
  filter: { variantGid?: VariantGid | null; channel?: ChannelId | null; page: number },
): Promise<{ entries: ActivityView[]; page: number; hasNext: boolean }> {
  const page = Math.max(1, Math.min(filter.page, 10_000));
  const rows = await database.activity.findMany({
    where: {
      shop,
      ...(filter.variantGid ? { variantGid: filter.variantGid } : {}),
      ...(filter.channel ? { channel: filter.channel } : {}),
    },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    skip: (page - 1) * ACTIVITY_PAGE_SIZE,
    take: ACTIVITY_PAGE_SIZE + 1,
  });
  return {
    page,
    hasNext: rows.length > ACTIVITY_PAGE_SIZE,
    entries: rows.slice(0, ACTIVITY_PAGE_SIZE).map((row) => ({
      id: row.id,
      kind: row.kind,
      channel: row.channel,
      variantGid: row.variantGid,
      details: (typeof row.details === "object" && row.details !== null ? row.details : {}) as Record<string, unknown>,
      at: row.at.toISOString(),
    })),
  };
}

import type { DatabaseProvider, Queryable } from "~/db.server";
import { updateRows } from "~/db/bulk-update.server";

/** Shopify's available at one level, as the master record now holds it. */
export interface OnlineStoreLevel {
  /** `${inventoryItemGid}|${locationGid}`: the Online Store row's item key. */
  itemKey: string;
  available: number;
}

/**
 * The Online Store shows Shopify's available, which moves without Ballast (a sale, an edit
 * in Shopify admin). Its row's `pushed` follows that figure, so a quantity the engine keeps
 * wanting after a sale (the sale lowered the hold as much as the stock) is written again,
 * as a channel that drifted would be. Rows never pushed are left alone. Inside the
 * caller's transaction.
 */
export async function followOnlineStoreLevels(
  database: Queryable,
  shop: string,
  provider: DatabaseProvider,
  levels: readonly OnlineStoreLevel[],
): Promise<number> {
  if (levels.length === 0) return 0;
  const availableOf = new Map(levels.map((level) => [level.itemKey, level.available]));
  const rows = await database.channelItemState.findMany({
    where: { shop, channel: "online_store", itemKey: { in: [...availableOf.keys()] }, pushed: { not: null } },
    select: { itemKey: true, pushed: true },
  });
  const moved = rows.flatMap((row) => {
    const available = availableOf.get(row.itemKey);
    return available === undefined || available === row.pushed
      ? []
      : [{ channel: "online_store", itemKey: row.itemKey, pushed: available }];
  });
  await updateRows(database, provider, {
    table: "ChannelItemState",
    shop,
    keys: { channel: "text", itemKey: "text" },
    set: { pushed: "integer" },
    rows: moved,
  });
  return moved.length;
}

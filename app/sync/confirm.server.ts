import type { ChannelConnector } from "~/channels/types";
import type { Database } from "~/db.server";
import type { ChannelId } from "~/domain";
import { GOOGLE_CODE } from "./recompute.server";

/**
 * Read-back: what the channel shows now, for rows pushed but not yet confirmed. The
 * time from push to the channel showing the value is the channel's measured lag; it
 * feeds the lag-aware buffers. Sampled (`maxItems`) to stay inside read budgets.
 */
export async function confirmPushed(
  database: Database,
  shop: string,
  channel: ChannelId,
  connector: ChannelConnector,
  now: Date,
  options: { maxItems: number },
): Promise<{ checked: number; confirmed: number }> {
  const rows = await database.channelItemState.findMany({
    where: { shop, channel, pushed: { not: null }, pushedAt: { not: null, lte: now } },
    select: { itemKey: true, pushed: true, pushedAt: true, confirmed: true, confirmedAt: true },
    orderBy: { pushedAt: "asc" },
  });
  const unconfirmed = rows
    .filter((row) => row.confirmed !== row.pushed || (row.confirmedAt !== null && row.pushedAt! > row.confirmedAt))
    .slice(0, options.maxItems);
  if (unconfirmed.length === 0) return { checked: 0, confirmed: 0 };

  const shown = await connector.readBack(unconfirmed.map((row) => row.itemKey));
  const shownOf = new Map(shown.map((result) => [result.itemKey, result]));
  let confirmed = 0;
  for (const row of unconfirmed) {
    const result = shownOf.get(row.itemKey);
    if (!result?.found) continue;
    const value =
      channel === "google"
        ? result.availability === "out_of_stock"
          ? GOOGLE_CODE.out_of_stock
          : row.pushed === GOOGLE_CODE.in_stock_ads_paused
            ? GOOGLE_CODE.in_stock_ads_paused
            : GOOGLE_CODE.in_stock
        : result.quantity;
    if (value === null) continue;
    await database.channelItemState.update({
      where: { shop_channel_itemKey: { shop, channel, itemKey: row.itemKey } },
      data: { confirmed: value, confirmedAt: now },
    });
    if (value === row.pushed) {
      confirmed += 1;
      await database.lagSample.create({
        data: { shop, channel, pushedAt: row.pushedAt!, observedAt: now, lagMs: now.getTime() - row.pushedAt!.getTime() },
      });
    }
  }
  return { checked: unconfirmed.length, confirmed };
}

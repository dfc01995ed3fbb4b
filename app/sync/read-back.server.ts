import type { ChannelConnector } from "~/channels/types";
import type { Database, DatabaseProvider } from "~/db.server";
import type { ChannelId } from "~/domain";
import { updateRows } from "~/db/bulk-update.server";
import { observedItemValue } from "~/channels/item-value";

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
  options: { maxItems: number; provider: DatabaseProvider },
): Promise<{ checked: number; confirmed: number }> {
  const { provider } = options;
  // Unconfirmed only, compared by the database: confirmed ≠ pushed, or pushed again since.
  // Raw SQL: this runs for every channel on every pass, and the ORM cost more than the query.
  const unconfirmed = await database.$queryRaw<
    { itemKey: string; pushed: number; pushedAt: Date; confirmed: number | null; confirmedAt: Date | null }[]
  >`
    SELECT "itemKey", "pushed", "pushedAt", "confirmed", "confirmedAt"
    FROM "ChannelItemState"
    WHERE "shop" = ${shop} AND "channel" = ${channel}
      AND "pushed" IS NOT NULL AND "pushedAt" IS NOT NULL AND "pushedAt" <= ${now}
      AND ("confirmed" IS NULL OR "confirmed" <> "pushed" OR "pushedAt" > "confirmedAt")
    ORDER BY "pushedAt" ASC, "itemKey" ASC
    LIMIT ${options.maxItems}`;
  if (unconfirmed.length === 0) return { checked: 0, confirmed: 0 };

  const shown = await connector.readBack(unconfirmed.map((row) => row.itemKey));
  const shownOf = new Map(shown.map((result) => [result.itemKey, result]));
  let confirmed = 0;
  // One bulk update for every value read, one insert for all lag samples: a read-back of
  // hundreds of rows stays a couple of statements.
  const reads: { channel: ChannelId; itemKey: string; confirmed: number; confirmedAt: Date }[] = [];
  const samples: { shop: string; channel: ChannelId; pushedAt: Date; observedAt: Date; lagMs: number }[] = [];
  for (const row of unconfirmed) {
    const result = shownOf.get(row.itemKey);
    if (!result?.found) continue;
    const value = observedItemValue(channel, result, row.pushed);
    if (value === null) continue;
    // Still showing the same older value: nothing learned, nothing to write.
    if (value === row.confirmed && value !== row.pushed) continue;
    reads.push({ channel, itemKey: row.itemKey, confirmed: value, confirmedAt: now });
    if (value === row.pushed) {
      confirmed += 1;
      samples.push({
        shop,
        channel,
        pushedAt: row.pushedAt,
        observedAt: now,
        lagMs: now.getTime() - row.pushedAt.getTime(),
      });
    }
  }
  await updateRows(database, provider, {
    table: "ChannelItemState",
    shop,
    keys: { channel: "text", itemKey: "text" },
    set: { confirmed: "integer", confirmedAt: "timestamp" },
    rows: reads,
  });
  if (samples.length > 0) await database.lagSample.createMany({ data: samples });
  return { checked: unconfirmed.length, confirmed };
}

import type { Database } from "~/db.server";
import type { ChannelId } from "~/domain";
import { ALERT_VARIANT_LIMIT } from "~/records/alert-kinds";
import type { CompetingWriterFinding, ConcernedItems } from "./alert-rules";
import { troubleOf, type ChannelHealth } from "./health.server";

/**
 * A few of the items behind a channel's counts (drift, failing, throttled, parked, refused,
 * overwritten), as variant ids the alerts record so the merchant reads which items are
 * concerned. Read only for counts above zero, each bounded: a healthy channel costs nothing
 * and an outage on thousands of items reads a few hundred rows at most.
 */
const CANDIDATES = 200;

const NONE: ConcernedItems = { drift: [], errors: [], throttled: [], parked: [], credentials: [], competing: [] };

/** The first distinct values, up to the limit. */
const firstDistinct = (values: readonly string[]): string[] => [...new Set(values)].slice(0, ALERT_VARIANT_LIMIT);

export async function concernedItems(
  database: Database,
  shop: string,
  channel: ChannelId,
  health: ChannelHealth,
  competing: readonly CompetingWriterFinding[] | null,
  now: Date,
): Promise<ConcernedItems> {
  const troubled = health.errors + health.throttled + health.parked > 0;
  if (health.driftItems === 0 && !troubled && !competing?.length) return NONE;
  const [drifting, parked, failing, overwritten] = await Promise.all([
    health.driftItems > 0
      ? database.driftEpisode.findMany({
          where: { shop, channel, endedAt: null },
          orderBy: { startedAt: "asc" },
          select: { variantGid: true },
          take: CANDIDATES,
        })
      : [],
    health.parked > 0
      ? database.channelItemState.findMany({
          where: { shop, channel, parkedAt: { not: null } },
          select: { variantGid: true, parkedAt: true, lastError: true, nextAttemptAt: true, attempts: true },
          take: CANDIDATES,
        })
      : [],
    health.errors + health.throttled > 0
      ? database.channelItemState.findMany({
          where: { shop, channel, parkedAt: null, lastError: { not: null } },
          select: { variantGid: true, parkedAt: true, lastError: true, nextAttemptAt: true, attempts: true },
          take: CANDIDATES,
        })
      : [],
    competing?.length
      ? database.channelItemState.findMany({
          where: {
            shop,
            channel,
            itemKey: { in: competing.slice(0, ALERT_VARIANT_LIMIT).map((finding) => finding.itemKey) },
          },
          select: { variantGid: true },
        })
      : [],
  ]);
  const rows = [...parked, ...failing];
  const troubledAs = (trouble: ReturnType<typeof troubleOf>) =>
    firstDistinct(rows.filter((row) => troubleOf(row, now) === trouble).map((row) => row.variantGid));
  return {
    drift: firstDistinct(drifting.map((row) => row.variantGid)),
    errors: troubledAs("errors"),
    throttled: troubledAs("throttled"),
    parked: troubledAs("parked"),
    credentials: troubledAs("credentials"),
    competing: firstDistinct(overwritten.map((row) => row.variantGid)),
  };
}

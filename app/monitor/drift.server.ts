import type { ChannelConnector } from "~/channels/types";
import { databaseProvider, databaseUrl, type Database } from "~/db.server";
import type { Prisma } from "~/generated/sqlite/client";
import { updateRows } from "~/db/bulk-update.server";
import type { ChannelId } from "~/domain";
import { observedItemValue } from "~/channels/item-value";
import { readAllowance } from "./stats";

/**
 * Drift: an item the sync state says is in place (pushed = desired, read back as such)
 * that the channel now shows differently — someone edited the catalog, Shopify's own
 * channel app overwrote it, a value was lost. Found by sampled read-backs within each
 * channel's read budget; over time the sampling is a rolling full audit (the item checked
 * longest ago goes next), sized so every item is read at least once per audit period.
 *
 * Each drift is an episode (DriftEpisode) with a start and an end: minutes spent wrong.
 * Repair is level-triggered: marking the row's `pushed` as what the channel shows makes
 * it dirty, and the next pass pushes the desired value again with an absolute write.
 * A channel showing *less* than Ballast pushed on a quantity channel (Meta's own
 * checkout sold units; the order is on its way through Shopify) is the safe side: it is
 * recorded at once but repaired only after a grace period.
 *
 * The Online Store is not drift-checked: it is Shopify's own pool, changed by every sale;
 * differences there are master-record changes that webhooks and reconciliation heal
 * (and report as `reconciliation_difference`).
 */
export interface ReadBudget {
  /** Items the channel lets Ballast read back per hour, beside the post-push confirmations. */
  itemsPerHour: number;
  maxPerPass: number;
  /** Every item in sync is read at least once in this period, if the budget allows. */
  auditPeriodMs: number;
}

export const DEFAULT_READ_BUDGETS: Readonly<Record<Exclude<ChannelId, "online_store">, ReadBudget>> = {
  // products edge: 100 retailer ids a call; ~60 calls an hour leaves room for confirmations.
  meta: { itemsPerHour: 6_000, maxPerPass: 500, auditPeriodMs: 6 * 3_600_000 },
  // One GET per product, against a per-minute quota (60 by default) and a daily one, both
  // shared with inserts and confirmations: 100 at once was refused whole, and 600 an hour
  // spent the day's quota by evening. 60 an hour audits 1,440 offers a day.
  google: { itemsPerHour: 60, maxPerPass: 10, auditPeriodMs: 24 * 3_600_000 },
};

const providerOf = (database: Database) => databaseProvider(databaseUrl(database));

export const DOWN_DRIFT_GRACE_MS = 15 * 60_000;
/** A push still not shown after this long is taken as lost and written again. */
export const IN_FLIGHT_LOST_AFTER_MS = 3 * 3_600_000;

export interface DriftCheckResult {
  checked: number;
  drifted: number;
  opened: number;
  closed: number;
  repaired: number;
  /** The audit could not cover every item within its period at this budget. */
  auditBehind: boolean;
}

type Row = {
  itemKey: string;
  variantGid: string;
  desired: number;
  pushed: number | null;
  pushedAt: Date | null;
  confirmed: number | null;
  confirmedAt: Date | null;
  checkedAt: Date | null;
};

function observedValue(
  channel: ChannelId,
  expected: number,
  shown: { quantity: number | null; availability: string | null },
): number | null {
  return observedItemValue(channel, shown, expected);
}

/** Closes episodes whose item was confirmed again after a re-push (read-back saw the pushed value). */
export async function closeHealedEpisodes(
  database: Database,
  shop: string,
  channel: ChannelId,
  now: Date,
): Promise<number> {
  const open = await database.driftEpisode.findMany({
    where: { shop, channel, endedAt: null },
    select: { id: true, itemKey: true, startedAt: true },
  });
  if (open.length === 0) return 0;
  const rows = await database.channelItemState.findMany({
    where: { shop, channel, itemKey: { in: open.map((episode) => episode.itemKey) } },
    select: { itemKey: true, desired: true, pushed: true, confirmed: true, confirmedAt: true },
  });
  const rowOf = new Map(rows.map((row) => [row.itemKey, row]));
  const ended: { id: string; endedAt: Date }[] = [];
  for (const episode of open) {
    const row = rowOf.get(episode.itemKey);
    // The item is gone from the sync state: nothing is wrong any more.
    const healed =
      !row ||
      (row.pushed === row.desired &&
        row.confirmed === row.pushed &&
        row.confirmedAt !== null &&
        row.confirmedAt > episode.startedAt);
    if (healed)
      ended.push({ id: episode.id, endedAt: row?.confirmedAt && row.confirmedAt < now ? row.confirmedAt : now });
  }
  await updateRows(database, providerOf(database), {
    table: "DriftEpisode",
    shop,
    keys: { id: "text" },
    set: { endedAt: "timestamp" },
    rows: ended,
  });
  return ended.length;
}

export async function checkDrift(
  database: Database,
  shop: string,
  channel: Exclude<ChannelId, "online_store">,
  connector: ChannelConnector,
  now: Date,
  budget: ReadBudget = DEFAULT_READ_BUDGETS[channel],
): Promise<DriftCheckResult> {
  const result: DriftCheckResult = { checked: 0, drifted: 0, opened: 0, closed: 0, repaired: 0, auditBehind: false };
  result.closed += await closeHealedEpisodes(database, shop, channel, now);

  const rows: Row[] = await database.channelItemState.findMany({
    where: { shop, channel, parkedAt: null, pushed: { not: null }, confirmedAt: { not: null } },
    select: {
      itemKey: true,
      variantGid: true,
      desired: true,
      pushed: true,
      pushedAt: true,
      confirmed: true,
      confirmedAt: true,
      checkedAt: true,
    },
  });
  const openEpisodes = await database.driftEpisode.findMany({
    where: { shop, channel, endedAt: null },
    select: { id: true, itemKey: true, startedAt: true },
  });
  const openOf = new Map(openEpisodes.map((episode) => [episode.itemKey, episode]));
  // In sync (nothing to push or confirm), or drifting down (left in place, watched).
  const candidates = rows.filter(
    (row) => (row.pushed === row.desired && row.confirmed === row.pushed) || openOf.has(row.itemKey),
  );
  if (candidates.length === 0) return result;

  const lastCheckMs = rows.reduce<number | null>(
    (latest, row) => (row.checkedAt ? Math.max(latest ?? 0, row.checkedAt.getTime()) : latest),
    null,
  );
  const allowance = readAllowance({
    itemsPerHour: budget.itemsPerHour,
    maxPerPass: budget.maxPerPass,
    lastCheckMs,
    nowMs: now.getTime(),
  });
  result.auditBehind = budget.itemsPerHour * (budget.auditPeriodMs / 3_600_000) < candidates.length;
  if (allowance <= 0) return result;

  const chosen = sampleToRead(candidates, openOf, allowance);
  const shown = await connector.readBack(chosen.map((row) => row.itemKey));
  const findings = judgeReadBack({
    shop,
    channel,
    now,
    chosen,
    shown: new Map(shown.map((entry) => [entry.itemKey, entry])),
    openOf,
  });
  await recordFindings(database, shop, channel, now, findings);
  result.checked = chosen.length;
  result.drifted = findings.drifted;
  result.opened = findings.opened.length;
  result.closed += findings.closed.length;
  result.repaired = findings.repairs.length;
  return result;
}

type OpenEpisode = { id: string; itemKey: string; startedAt: Date };

/**
 * Open drift first, then items not read since their last confirmation (a competing
 * writer strikes minutes after a push), then the rolling audit: checked longest ago.
 */
function sampleToRead(candidates: readonly Row[], openOf: ReadonlyMap<string, OpenEpisode>, allowance: number): Row[] {
  const rank = (row: Row) =>
    openOf.has(row.itemKey)
      ? 0
      : row.checkedAt === null || (row.confirmedAt !== null && row.checkedAt < row.confirmedAt)
        ? 1
        : 2;
  return [...candidates]
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        (a.checkedAt?.getTime() ?? 0) - (b.checkedAt?.getTime() ?? 0) ||
        (a.itemKey < b.itemKey ? -1 : 1),
    )
    .slice(0, allowance);
}

type Repair = {
  channel: string;
  itemKey: string;
  pushed: number;
  confirmed: number;
  confirmedAt: Date;
  checkedAt: Date;
  nextAttemptAt: null;
};

/** What one sample's read-back found, written afterwards in a few statements for the whole sample. */
interface DriftFindings {
  drifted: number;
  /** Rows only stamped as checked. */
  checkedOnly: string[];
  /** Episodes whose item shows the pushed value again. */
  closed: string[];
  opened: Prisma.DriftEpisodeCreateManyInput[];
  repairs: Repair[];
}

function judgeReadBack(input: {
  shop: string;
  channel: Exclude<ChannelId, "online_store">;
  now: Date;
  chosen: readonly Row[];
  shown: ReadonlyMap<string, { found: boolean; quantity: number | null; availability: string | null }>;
  openOf: ReadonlyMap<string, OpenEpisode>;
}): DriftFindings {
  const { shop, channel, now } = input;
  const findings: DriftFindings = { drifted: 0, checkedOnly: [], closed: [], opened: [], repairs: [] };
  for (const row of input.chosen) {
    const entry = input.shown.get(row.itemKey);
    const expected = row.pushed!;
    const observed = entry?.found ? observedValue(channel, expected, entry) : null;
    const open = input.openOf.get(row.itemKey);
    if (observed === null || observed === expected) {
      // Not found reads as "not shown": confirmation's business, not drift's.
      findings.checkedOnly.push(row.itemKey);
      if (observed === expected && open) findings.closed.push(open.id);
      continue;
    }

    findings.drifted += 1;
    if (!open) {
      const sincePushMs = row.pushedAt ? Math.max(0, now.getTime() - row.pushedAt.getTime()) : null;
      findings.opened.push({
        shop,
        channel,
        itemKey: row.itemKey,
        variantGid: row.variantGid,
        expected,
        observed,
        sincePushMs,
        startedAt: now,
      });
    }
    if (repairDue(channel, row, observed, open?.startedAt ?? now, now) && row.pushed === row.desired) {
      // pushed = what the channel shows → the row is dirty; confirmed likewise, so the
      // confirmation step waits for the next push instead of timing this one.
      findings.repairs.push({
        channel,
        itemKey: row.itemKey,
        pushed: observed,
        confirmed: observed,
        confirmedAt: now,
        checkedAt: now,
        nextAttemptAt: null,
      });
    } else {
      findings.checkedOnly.push(row.itemKey);
    }
  }
  return findings;
}

/**
 * Showing more than pushed is unsafe: repair now. Google: any mismatch contradicts the
 * product page. Showing less on a quantity channel: repair after the grace period.
 */
function repairDue(channel: ChannelId, row: Row, observed: number, startedAt: Date, now: Date): boolean {
  const expected = row.pushed!;
  // Showing more than a push the channel has not shown yet: the lower value is on its
  // way. Writing it again does not make it land sooner, and restarting its clock hid the
  // channel's real lag (lag samples and the in-flight age are measured from the last push).
  const decreaseInFlight =
    observed > expected &&
    row.pushedAt !== null &&
    (row.confirmedAt === null || row.pushedAt > row.confirmedAt || row.confirmed !== row.pushed);
  const lost = row.pushedAt !== null && now.getTime() - row.pushedAt.getTime() >= IN_FLIGHT_LOST_AFTER_MS;
  return (
    (!decreaseInFlight || lost) &&
    (channel === "google" || observed > expected || now.getTime() - startedAt.getTime() >= DOWN_DRIFT_GRACE_MS)
  );
}

async function recordFindings(
  database: Database,
  shop: string,
  channel: ChannelId,
  now: Date,
  findings: DriftFindings,
): Promise<void> {
  if (findings.closed.length > 0)
    await database.driftEpisode.updateMany({ where: { shop, id: { in: findings.closed } }, data: { endedAt: now } });
  if (findings.opened.length > 0) await database.driftEpisode.createMany({ data: findings.opened });
  await updateRows(database, providerOf(database), {
    table: "ChannelItemState",
    shop,
    keys: { channel: "text", itemKey: "text" },
    set: {
      pushed: "integer",
      confirmed: "integer",
      confirmedAt: "timestamp",
      checkedAt: "timestamp",
      nextAttemptAt: "timestamp",
    },
    rows: findings.repairs,
  });
  for (let start = 0; start < findings.checkedOnly.length; start += 500) {
    await database.channelItemState.updateMany({
      where: { shop, channel, itemKey: { in: findings.checkedOnly.slice(start, start + 500) } },
      data: { checkedAt: now },
    });
  }
}

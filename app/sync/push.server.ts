import type { ChannelConnector, PushItem, PushResult } from "~/channels/types";
import type { Database, DatabaseProvider, DatabaseTransaction } from "~/db.server";
import { assessStoredRow, MATERIALITY_POLICIES, type ChannelId, type MaterialityPolicy } from "~/domain";
import { recordActivities, type ActivityEntry } from "~/records/activity.server";
import { raiseAlert } from "~/records/alerts.server";
import { handedBack } from "~/records/lease.server";
import { updateRows } from "~/db/bulk-update.server";
import { followOnlineStoreLevels } from "~/records/online-store-shown.server";
import {
  applyOwnHoldsToRecords,
  deleteJournalled,
  HoldMoveJournal,
  isHoldMoveSender,
  loadOwnHolds,
  replayPendingMoves,
  writeOwnHolds,
} from "./holds.server";
import { decodeItemValue } from "~/channels/item-value";

/**
 * Pushes one channel's dirty rows (desired ≠ pushed) with absolute values, decreases
 * first, in batches the channel accepts, within its budget. Callers hold the
 * (shop, channel) lease, so one connection is written by one worker at a time.
 * A push repeated after a crash writes the same absolute values: harmless.
 *
 * A channel with a per-call budget (Meta) is called only when at least one pending row is
 * material (app/domain/materiality.ts); the other pending rows then ride along in the same
 * batch. Until then they wait, each within its slack and at most the staleness limit.
 */
export interface PushPolicy {
  /** Bulk updates are written for it; PostgreSQL also locks the master records it updates (Ballast's own safety-stock moves). */
  provider: DatabaseProvider;
  /** Most batch calls in one pass. */
  maxCalls: number;
  /** Write calls allowed per rolling hour (Meta: ~100 per catalog); undefined = no hourly budget. */
  writeCallsPerHour?: number;
  /** Base delay for a retryable failure without its own delay. */
  retryBaseMs: number;
  random: () => number;
  /** Aborted when the (shop, channel) lease is lost: no further batch is sent. */
  signal?: AbortSignal;
  /** Which differences are worth a call; default: the channel's (MATERIALITY_POLICIES), null = every difference. */
  materiality?: MaterialityPolicy | null;
  /** Tests: runs after the channel answered and before the answer is recorded (a throw plays a crash in between). */
  beforeRecordingResults?: () => Promise<void>;
}

export interface PushSummary {
  calls: number;
  applied: number;
  retryable: number;
  parked: number;
  /** Pending rows left for a later call: none material, or no material row in their batch. */
  deferred: number;
  /** Set when the hourly budget is spent: the time the next call fits. */
  budgetWaitUntil: Date | null;
}

const HOUR_MS = 3_600_000;

export async function pushChannel(
  database: Database,
  shop: string,
  channel: ChannelId,
  connector: ChannelConnector,
  now: Date,
  policy: PushPolicy,
  /** The connection row when the caller just read it (spares a query per pass). */
  known?: { recentWriteCalls: unknown } | null,
): Promise<PushSummary> {
  const summary: PushSummary = { calls: 0, applied: 0, retryable: 0, parked: 0, deferred: 0, budgetWaitUntil: null };
  const batchSize = connector.capabilities.maxBatchSize;
  const connection =
    known !== undefined
      ? known
      : await database.channelConnection.findUnique({ where: { shop_channel: { shop, channel } } });
  let recentCalls = recentWriteCalls(connection?.recentWriteCalls, now);

  // Online Store: moves journalled and never recorded (a crash, a lost answer) are settled
  // first, with their own idempotency keys; until Shopify answers them, no new move is
  // planned on top of a count that may be missing them.
  if (channel === "online_store" && isHoldMoveSender(connector)) {
    const replay = await replayPendingMoves(database, shop, connector, now, {
      provider: policy.provider,
      signal: policy.signal,
    });
    if (replay.pending > 0) return summary;
  }

  const dirty = await readDirtyRows(database, shop, channel, now);
  const { worthCalling, deferred } = rowsWorthCalling(dirty, channel, now, policy, batchSize);
  summary.deferred = deferred;

  for (let start = 0; start < worthCalling.length && summary.calls < policy.maxCalls; start += batchSize) {
    if (policy.writeCallsPerHour !== undefined && recentCalls.length >= policy.writeCallsPerHour) {
      summary.budgetWaitUntil = new Date(recentCalls[0]! + HOUR_MS);
      break;
    }
    // Another worker holds the channel now: it pushes what is left.
    if (policy.signal?.aborted) break;
    const rows = worthCalling.slice(start, start + batchSize);
    const { batch, journal, ownBefore } = await prepareBatch(database, shop, channel, now, rows);
    const results = await connector.push(batch, {
      ...(policy.signal ? { signal: policy.signal } : {}),
      ...(journal ? { journal } : {}),
    });
    summary.calls += 1;
    recentCalls = [...recentCalls, now.getTime()];
    await (policy.beforeRecordingResults?.() ?? Promise.resolve());
    await applyResults(database, shop, channel, now, rows, results, policy, summary, {
      journalKeys: journal?.settledKeys ?? [],
      ownBefore,
    });
  }

  if (summary.calls > 0) {
    // The worker pushes activated channels only (observe mode: app/sync/observe.server.ts), so
    // the row exists; a row created here has no activatedAt: it never activates anything.
    await database.channelConnection.upsert({
      where: { shop_channel: { shop, channel } },
      create: { shop, channel, lastPushAt: now, recentWriteCalls: recentCalls },
      update: { lastPushAt: now, recentWriteCalls: recentCalls },
    });
  }
  return summary;
}

/** A pending row as the push lane reads it from ChannelItemState. */
interface DirtyRow {
  itemKey: string;
  variantGid: string;
  desired: number;
  desiredAvailability: string;
  pushed: number | null;
  pendingSince: Date | null;
  explanation: unknown;
  attempts: number;
}

/** Rows due whose desired value differs from the one pushed, not parked. */
function readDirtyRows(database: Database, shop: string, channel: ChannelId, now: Date): Promise<DirtyRow[]> {
  // Only rows that differ, compared by the database; raw SQL because this runs for every
  // channel on every pass and rows left for a later call are read again each time.
  return database.$queryRaw<DirtyRow[]>`
    SELECT "itemKey", "variantGid", "desired", "desiredAvailability", "pushed", "pendingSince", "explanation", "attempts"
    FROM "ChannelItemState"
    WHERE "shop" = ${shop} AND "channel" = ${channel} AND "parkedAt" IS NULL
      AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= ${now})
      AND ("pushed" IS NULL OR "pushed" <> "desired")`;
}

/** The rows to send this pass, in order, and how many pending rows wait for a later call. */
function rowsWorthCalling(
  dirty: readonly DirtyRow[],
  channel: ChannelId,
  now: Date,
  policy: PushPolicy,
  batchSize: number,
): { worthCalling: DirtyRow[]; deferred: number } {
  const materiality = policy.materiality === undefined ? (MATERIALITY_POLICIES[channel] ?? null) : policy.materiality;
  const isMaterial = (row: DirtyRow) =>
    materiality === null ||
    assessStoredRow({ ...row, pendingSinceMs: row.pendingSince?.getTime() ?? null }, materiality, now.getTime())
      .material;
  const pending = dirty
    .filter((row) => row.pushed !== row.desired)
    .map((row) => ({ row, material: isMaterial(row) }))
    // Material rows first (a call is made for them), then safety before sales: what must
    // come down goes first.
    .sort(
      (a, b) =>
        Number(b.material) - Number(a.material) ||
        a.row.desired - (a.row.pushed ?? a.row.desired) - (b.row.desired - (b.row.pushed ?? b.row.desired)) ||
        (a.row.itemKey < b.row.itemKey ? -1 : 1),
    );
  // A batch goes out only for a material row in it; the rest wait for a later call.
  const lastMaterial = pending.findLastIndex((entry) => entry.material);
  const worthCalling =
    lastMaterial < 0
      ? []
      : pending.slice(0, Math.ceil((lastMaterial + 1) / batchSize) * batchSize).map((entry) => entry.row);
  return { worthCalling, deferred: pending.length - worthCalling.length };
}

/** One batch's push items; on the Online Store also Ballast's own held units and the journal for its moves. */
async function prepareBatch(
  database: Database,
  shop: string,
  channel: ChannelId,
  now: Date,
  rows: readonly DirtyRow[],
): Promise<{ batch: PushItem[]; journal: HoldMoveJournal | undefined; ownBefore: Map<string, number> }> {
  const batch: PushItem[] = rows.map((row) => pushItemFor(channel, row));
  if (channel !== "online_store") return { batch, journal: undefined, ownBefore: new Map() };
  // Only Ballast's own units in safety_stock may be released: the rest is the merchant's.
  const own = await loadOwnHolds(
    database,
    shop,
    rows.map((row) => row.itemKey),
  );
  const ownBefore = new Map([...own].map(([itemKey, hold]) => [itemKey, hold.units]));
  const variantOf = new Map(rows.map((row) => [row.itemKey, row.variantGid]));
  return {
    batch: batch.map((item) => ({ ...item, ownHeld: ownBefore.get(item.itemKey) ?? 0 })),
    journal: new HoldMoveJournal(database, shop, (itemKey) => variantOf.get(itemKey), now),
    ownBefore,
  };
}

function pushItemFor(
  channel: ChannelId,
  row: { itemKey: string; desired: number; desiredAvailability: string },
): PushItem {
  const { availability, pauseAds } = decodeItemValue(channel, row.desired);
  return { itemKey: row.itemKey, quantity: row.desired, availability, ...(channel === "google" ? { pauseAds } : {}) };
}

/** A dirty row as the push lane reads it (the fields applyResults needs). */
interface PushedRow {
  itemKey: string;
  variantGid: string;
  desired: number;
  pushed: number | null;
  explanation: unknown;
  attempts: number;
}

/** Online Store: the journalled moves Shopify answered, and Ballast's own units before the push. */
interface BatchHolds {
  journalKeys: readonly string[];
  ownBefore: ReadonlyMap<string, number>;
}

/** Ballast's own units in safety_stock at one location after a push. */
interface HeldMove {
  itemKey: string;
  variantGid: string;
  locationId: string;
  ownHeld: number;
  available: number;
  availableBefore?: number;
}

/** One batch's answers as writes: applied, retried and parked rows (one bulk update each), activity, own holds. */
interface BatchOutcome {
  applied: Record<string, unknown>[];
  retries: Record<string, unknown>[];
  parked: Record<string, unknown>[];
  activities: ActivityEntry[];
  heldMoves: HeldMove[];
}

const MAX_BACKOFF_MS = 30 * 60_000;

async function applyResults(
  database: Database,
  shop: string,
  channel: ChannelId,
  now: Date,
  rows: readonly PushedRow[],
  results: PushResult[],
  policy: PushPolicy,
  summary: PushSummary,
  holds: BatchHolds = { journalKeys: [], ownBefore: new Map() },
): Promise<void> {
  const resultOf = new Map(results.map((result) => [result.itemKey, result]));
  await database.$transaction(async (tx) => {
    const outcome = sortResults(shop, channel, now, rows, resultOf, policy, summary);
    await recordOutcome(tx, shop, now, outcome, policy.provider, holds);
  });
  await alertParked(database, shop, channel, now, results);
}

/** Each row's answer (a row the channel did not answer is retried), counted in `summary`. */
function sortResults(
  shop: string,
  channel: ChannelId,
  now: Date,
  rows: readonly PushedRow[],
  resultOf: ReadonlyMap<string, PushResult>,
  policy: PushPolicy,
  summary: PushSummary,
): BatchOutcome {
  const outcome: BatchOutcome = { applied: [], retries: [], parked: [], activities: [], heldMoves: [] };
  for (const row of rows) {
    const result = resultOf.get(row.itemKey) ?? {
      itemKey: row.itemKey,
      status: "retryable" as const,
      retryAfterMs: policy.retryBaseMs,
      reason: "the channel returned no result for this item",
    };
    if (result.status === "applied") {
      summary.applied += 1;
      addApplied(outcome, shop, channel, now, row, result, policy.retryBaseMs);
    } else if (result.status === "retryable") {
      // Cut short by the worker stopping: not the channel's failure. Nothing is recorded, as
      // after a crash; the lane's next holder pushes the row at once.
      if (handedBack(policy.signal)) continue;
      summary.retryable += 1;
      const attempts = row.attempts + 1;
      // Exponential backoff with full jitter, never sooner than the channel asked.
      const backoff = Math.min(MAX_BACKOFF_MS, policy.retryBaseMs * 2 ** Math.min(attempts - 1, 10));
      const delay = Math.max(result.retryAfterMs, Math.round(backoff * policy.random()));
      outcome.retries.push({
        channel,
        itemKey: row.itemKey,
        attempts,
        lastError: result.reason,
        nextAttemptAt: new Date(now.getTime() + delay),
      });
    } else {
      summary.parked += 1;
      outcome.parked.push({
        channel,
        itemKey: row.itemKey,
        parkedAt: now,
        lastError: `${result.code}: ${result.reason}`,
      });
      const details = { itemKey: row.itemKey, code: result.code, reason: result.reason };
      outcome.activities.push({ shop, kind: "push_failed", channel, variantGid: row.variantGid, details, at: now });
    }
  }
  return outcome;
}

function addApplied(
  outcome: BatchOutcome,
  shop: string,
  channel: ChannelId,
  now: Date,
  row: PushedRow,
  result: Extract<PushResult, { status: "applied" }>,
  retryBaseMs: number,
): void {
  // The Online Store may reach less than asked (not enough held to release): wait for
  // Shopify's level update rather than asking again at once.
  const reachedAll = channel !== "online_store" || result.quantity === row.desired;
  const pushed = reachedAll ? row.desired : result.quantity;
  // Short of the target and no nearer than last time: wait longer each time rather
  // than write the same figure every pass until Shopify's levels change.
  const stalled = !reachedAll && result.quantity === row.pushed;
  const attempts = stalled ? row.attempts + 1 : 0;
  outcome.applied.push({
    channel,
    itemKey: row.itemKey,
    pushed,
    pushedAt: now,
    pendingSince: reachedAll ? null : now,
    attempts,
    lastError: null,
    nextAttemptAt: reachedAll
      ? null
      : new Date(now.getTime() + Math.min(MAX_BACKOFF_MS, retryBaseMs * 2 ** Math.min(attempts, 10))),
  });
  const details = { itemKey: row.itemKey, from: row.pushed, to: result.quantity, explanation: row.explanation };
  outcome.activities.push({ shop, kind: "quantity_pushed", channel, variantGid: row.variantGid, details, at: now });
  if (channel === "online_store" && result.ownHeld !== undefined) {
    const locationId = row.itemKey.split("|")[1];
    if (locationId)
      outcome.heldMoves.push({
        itemKey: row.itemKey,
        variantGid: row.variantGid,
        locationId,
        ownHeld: result.ownHeld,
        available: result.quantity,
        ...(result.availableBefore === undefined ? {} : { availableBefore: result.availableBefore }),
      });
  }
}

/** The outcome written in the caller's transaction: with the results they describe, no push goes without its activity. */
async function recordOutcome(
  tx: DatabaseTransaction,
  shop: string,
  now: Date,
  outcome: BatchOutcome,
  provider: DatabaseProvider,
  holds: BatchHolds,
): Promise<void> {
  const keys = { channel: "text", itemKey: "text" } as const;
  if (outcome.retries.length > 0) {
    await updateRows(tx, provider, {
      table: "ChannelItemState",
      shop,
      keys,
      set: { attempts: "integer", lastError: "text", nextAttemptAt: "timestamp" },
      rows: outcome.retries,
    });
  }
  if (outcome.parked.length > 0) {
    await updateRows(tx, provider, {
      table: "ChannelItemState",
      shop,
      keys,
      set: { parkedAt: "timestamp", lastError: "text" },
      rows: outcome.parked,
    });
  }
  await updateRows(tx, provider, {
    table: "ChannelItemState",
    shop,
    keys,
    set: {
      pushed: "integer",
      pushedAt: "timestamp",
      pendingSince: "timestamp",
      attempts: "integer",
      lastError: "text",
      nextAttemptAt: "timestamp",
    },
    rows: outcome.applied,
  });
  // Ballast's own safety-stock moves, with the journal rows they settle: held units stay part
  // of the master's sellable stock, and HeldStock says which units in safety_stock are Ballast's.
  const { heldMoves } = outcome;
  await writeOwnHolds(
    tx,
    shop,
    now,
    heldMoves
      .filter((move) => move.ownHeld !== (holds.ownBefore.get(move.itemKey) ?? 0))
      .map((move) => ({ itemKey: move.itemKey, variantGid: move.variantGid, units: move.ownHeld })),
    provider,
  );
  await deleteJournalled(tx, shop, holds.journalKeys);
  const shown = await applyOwnHoldsToRecords(tx, shop, provider, now, heldMoves);
  // A sale recorded while the move was on its way left Shopify below what was reached.
  await followOnlineStoreLevels(
    tx,
    shop,
    provider,
    heldMoves.flatMap((move, index) => {
      const available = shown[index];
      return available === null || available === undefined ? [] : [{ itemKey: move.itemKey, available }];
    }),
  );
  await recordActivities(tx, outcome.activities);
}

/** One alert per kind of permanent failure in the batch; revoked credentials also mark the connection in error. */
async function alertParked(
  database: Database,
  shop: string,
  channel: ChannelId,
  now: Date,
  results: readonly PushResult[],
): Promise<void> {
  const parkedCodes = new Set(results.filter((result) => result.status === "permanent").map((result) => result.code));
  for (const code of parkedCodes) {
    if (code === "credentials_revoked") {
      await database.channelConnection.updateMany({
        where: { shop, channel },
        data: { state: "error", lastHealthError: "credentials revoked" },
      });
    }
    await raiseAlert(database, {
      shop,
      channel,
      kind: code === "credentials_revoked" ? "credentials_revoked" : "push_parked",
      severity: "critical",
      details: { code },
      at: now,
    });
  }
}

function recentWriteCalls(value: unknown, now: Date): number[] {
  if (!Array.isArray(value)) return [];
  const since = now.getTime() - HOUR_MS;
  return value.filter((time): time is number => typeof time === "number" && time > since).sort((a, b) => a - b);
}

import { assessStoredRow, MATERIALITY_POLICIES, type ChannelId, type ChannelMode, type Explanation } from "~/domain";

/**
 * One truth per channel for the item page and the item list: what the channel shows now,
 * what Ballast wants it to show, and — when the two differ — why, since when. Pure: the
 * caller loads the sync rows (ChannelItemState), the open drift episodes, Shopify's levels
 * and the engine's live decision, and passes the time.
 *
 * Numbers follow the sync rows' convention: a quantity, or for Google an availability code
 * (app/channels/item-value.ts).
 */

/** The columns of one sync row this needs. */
export interface TruthRow {
  itemKey: string;
  desired: number;
  computedAt: Date;
  pushed: number | null;
  pushedAt: Date | null;
  pendingSince: Date | null;
  confirmed: number | null;
  confirmedAt: Date | null;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  parkedAt: Date | null;
  explanation: unknown;
}

/** An open DriftEpisode: a read-back that found the channel showing `observed` instead of `expected`. */
export interface OpenDrift {
  itemKey: string;
  expected: number;
  observed: number;
  startedAt: Date;
}

/**
 * Where "shows" comes from: the last read-back of the channel (after a push), a drift
 * check, Shopify's own level (the Online Store sells Shopify's `available`), the value
 * sent when the channel was never read back, or nothing known.
 */
export type ShownSource = "read_back" | "drift_check" | "shopify" | "sent_not_read" | "unknown";
/**
 * Where "wants" comes from: the worker's last calculation; the engine now, because a
 * recalculation is pending and gives something else; the engine now, because the worker
 * has not calculated this channel yet.
 */
export type WantedSource = "calculated" | "recalculating" | "live";

export type DeferredReason = "decrease_within_slack" | "increase_plenty_shown";

export type TruthStatus =
  | { kind: "in_sync" }
  | { kind: "not_connected" }
  | { kind: "not_synced" }
  | { kind: "observing" }
  | { kind: "frozen" }
  | { kind: "recalculating" }
  /** An open drift episode: the channel shows something other than what Ballast sent. */
  | { kind: "drift"; since: string; shownMore: boolean }
  | { kind: "parked"; since: string }
  /** Google's per-product update allowance (or its per-minute quota) makes the update wait: routine. */
  | { kind: "waiting_allowance"; until: string | null }
  | { kind: "retrying"; attempts: number; nextAt: string | null }
  /** The difference is too small to be worth a call on its own (app/domain/materiality.ts). */
  | { kind: "deferred"; reason: DeferredReason; dueAt: string }
  | { kind: "queued"; since: string | null }
  | { kind: "sending"; since: string | null }
  | { kind: "differs"; since: string | null };

export type TruthStatusKind = TruthStatus["kind"];

export interface Shown {
  value: number | null;
  source: ShownSource;
  at: string | null;
}

export interface RowTruth {
  itemKey: string;
  shows: Shown;
  wants: number;
  status: TruthStatus;
}

export interface ChannelTruth {
  shows: Shown;
  wants: { value: number | null; source: WantedSource; at: string | null };
  /** How `wants` was reached, for the plain sentence and the formula; null when unknown. */
  explanation: Explanation | null;
  status: TruthStatus;
  rows: RowTruth[];
}

export interface TruthInput {
  channel: ChannelId;
  /** Meta and Google: credentials stored. The Online Store is always connected. */
  connected: boolean;
  mode: ChannelMode;
  /** The connection's state (active, paused_freeze, …). */
  state: string;
  rows: readonly TruthRow[];
  drift: readonly OpenDrift[];
  /** Online Store: Shopify's `available` per location id (what the store sells there now). */
  shopify: ReadonlyMap<string, { value: number; at: Date | null }>;
  /** The engine's decision with the current inputs, encoded like the rows; null when not computed. */
  live: { value: number; explanation: Explanation | null } | null;
  /** Rules, overrides or stock changed since the rows were written; the worker recalculates. */
  recalculating: boolean;
  nowMs: number;
}

const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

/** A stored explanation the engine wrote (the admin tests and old rows may hold `{}`). */
export function storedExplanation(value: unknown): Explanation | null {
  if (typeof value !== "object" || value === null) return null;
  const candidate = value as Partial<Explanation>;
  return Array.isArray(candidate.steps) &&
    typeof candidate.quantity === "number" &&
    typeof candidate.channel === "string"
    ? (candidate as Explanation)
    : null;
}

/** The Online Store's rows are `inventoryItem|location`: the location id. */
export const locationOfItemKey = (itemKey: string): string => itemKey.slice(itemKey.indexOf("|") + 1);

/** What one row's channel shows: the latest read (read-back or drift check), else what was sent. */
function rowShows(input: TruthInput, row: TruthRow, drift: OpenDrift | undefined): Shown {
  if (input.channel === "online_store") {
    const level = input.shopify.get(locationOfItemKey(row.itemKey));
    if (level) return { value: level.value, source: "shopify", at: iso(level.at) };
  }
  const readAt = row.confirmedAt?.getTime() ?? -Infinity;
  if (drift && drift.startedAt.getTime() >= readAt)
    return { value: drift.observed, source: "drift_check", at: iso(drift.startedAt) };
  if (row.confirmed !== null) return { value: row.confirmed, source: "read_back", at: iso(row.confirmedAt) };
  if (row.pushed !== null) return { value: row.pushed, source: "sent_not_read", at: iso(row.pushedAt) };
  return { value: null, source: "unknown", at: null };
}

/** Google's update allowance and per-minute quota make an update wait; they are not failures. */
const isAllowanceWait = (lastError: string) => /^google_(update_budget|quota)\b/.test(lastError);

function rowStatus(input: TruthInput, row: TruthRow, shows: Shown, drift: OpenDrift | undefined): TruthStatus {
  if (row.parkedAt) return { kind: "parked", since: row.parkedAt.toISOString() };
  if (drift) return { kind: "drift", since: drift.startedAt.toISOString(), shownMore: shownMore(input.channel, drift) };
  // Ballast writes nothing to an observed channel: nothing waits to be sent.
  if (input.mode === "observing") return { kind: "observing" };
  if (shows.value === row.desired && shows.source !== "sent_not_read") return { kind: "in_sync" };
  if (row.pushed !== row.desired) {
    if (row.lastError)
      return isAllowanceWait(row.lastError)
        ? { kind: "waiting_allowance", until: iso(row.nextAttemptAt) }
        : { kind: "retrying", attempts: row.attempts, nextAt: iso(row.nextAttemptAt) };
    const policy = MATERIALITY_POLICIES[input.channel];
    if (policy && row.pushed !== null) {
      const verdict = assessStoredRow(
        { ...row, pendingSinceMs: row.pendingSince?.getTime() ?? null },
        policy,
        input.nowMs,
      );
      if (!verdict.material)
        return { kind: "deferred", reason: verdict.reason, dueAt: new Date(verdict.dueAtMs).toISOString() };
    }
    return { kind: "queued", since: iso(row.pendingSince) };
  }
  const unread =
    shows.source === "sent_not_read" ||
    row.confirmedAt === null ||
    row.confirmed !== row.pushed ||
    (row.pushedAt !== null && row.pushedAt > row.confirmedAt);
  if (unread && input.channel !== "online_store") return { kind: "sending", since: iso(row.pushedAt) };
  return { kind: "differs", since: shows.at };
}

/** Showing more than Ballast sent is the unsafe side (for Google: in stock instead of out of stock). */
function shownMore(channel: ChannelId, drift: OpenDrift): boolean {
  if (channel === "google") return drift.expected === 0 && drift.observed !== 0;
  return drift.observed > drift.expected;
}

// Which row's status speaks for the channel: the one that needs the merchant most.
const PRIORITY: readonly TruthStatusKind[] = [
  "parked",
  "drift",
  "retrying",
  "differs",
  "waiting_allowance",
  "sending",
  "queued",
  "deferred",
  "in_sync",
];

function sum(values: readonly (number | null)[]): number | null {
  let total = 0;
  for (const value of values) {
    if (value === null) return null;
    total += value;
  }
  return total;
}

/** The channel's figure from its rows: Google's code is the first row's, quantities add up (Online Store locations). */
function combine(channel: ChannelId, values: readonly (number | null)[]): number | null {
  if (values.length === 0) return null;
  return channel === "google" ? (values[0] ?? null) : sum(values);
}

function combinedShows(channel: ChannelId, rows: readonly RowTruth[]): Shown {
  const value = combine(
    channel,
    rows.map((row) => row.shows.value),
  );
  // The weakest evidence speaks for the total: a value only sent, then the oldest read.
  const unread = rows.find((row) => row.shows.source === "sent_not_read" || row.shows.source === "unknown");
  const oldest = [...rows].sort((a, b) => (a.shows.at ?? "").localeCompare(b.shows.at ?? ""))[0];
  const speaker = unread ?? oldest;
  return { value, source: speaker?.shows.source ?? "unknown", at: speaker?.shows.at ?? null };
}

/** The Online Store with no sync row yet still sells Shopify's available. */
function shopifyTotal(input: TruthInput): Shown {
  if (input.channel !== "online_store" || input.shopify.size === 0) return { value: null, source: "unknown", at: null };
  const levels = [...input.shopify.values()];
  const oldest = levels.reduce<Date | null>(
    (min, level) => (level.at && (!min || level.at < min) ? level.at : min),
    null,
  );
  return { value: levels.reduce((total, level) => total + level.value, 0), source: "shopify", at: iso(oldest) };
}

function wanted(input: TruthInput): ChannelTruth["wants"] & { explanation: Explanation | null } {
  const { rows, live } = input;
  if (rows.length === 0)
    return { value: live?.value ?? null, source: "live", at: null, explanation: live?.explanation ?? null };
  const stored = combine(
    input.channel,
    rows.map((row) => row.desired),
  );
  const computedAt = rows.reduce((max, row) => (row.computedAt > max ? row.computedAt : max), rows[0]!.computedAt);
  if (input.recalculating && live && live.value !== stored)
    return { value: live.value, source: "recalculating", at: null, explanation: live.explanation };
  const explanation =
    storedExplanation(rows[0]!.explanation) ?? (live && live.value === stored ? live.explanation : null);
  return { value: stored, source: "calculated", at: computedAt.toISOString(), explanation };
}

/** The status of the channel as a whole, before its rows are compared. */
function channelStatus(
  input: TruthInput,
  rows: readonly RowTruth[],
  shows: Shown,
  wants: ChannelTruth["wants"],
): TruthStatus {
  if (input.rows.length === 0) return { kind: input.connected ? "not_synced" : "not_connected" };
  const first = (kind: TruthStatusKind) => rows.find((row) => row.status.kind === kind)?.status;
  const urgent = first("parked") ?? first("drift");
  if (urgent) return urgent;
  if (input.mode === "observing") return { kind: "observing" };
  if (input.state === "paused_freeze") return { kind: "frozen" };
  if (shows.value !== null && shows.value === wants.value && shows.source !== "sent_not_read")
    return { kind: "in_sync" };
  if (wants.source === "recalculating") return { kind: "recalculating" };
  for (const kind of PRIORITY) {
    const found = first(kind);
    if (found && kind !== "in_sync") return found;
  }
  return { kind: "differs", since: shows.at };
}

export function channelTruth(input: TruthInput): ChannelTruth {
  const rows: RowTruth[] = input.rows.map((row) => {
    const drift = input.drift.find((episode) => episode.itemKey === row.itemKey);
    const shows = rowShows(input, row, drift);
    return { itemKey: row.itemKey, shows, wants: row.desired, status: rowStatus(input, row, shows, drift) };
  });
  const shows = rows.length > 0 ? combinedShows(input.channel, rows) : shopifyTotal(input);
  const { explanation, ...wants } = wanted(input);
  return { shows, wants, explanation, status: channelStatus(input, rows, shows, wants), rows };
}

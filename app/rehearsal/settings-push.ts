/**
 * One channel's push and read-back lanes for the "your settings" strategy, as the worker
 * runs them (app/worker/push-job.server.ts, app/sync/push.server.ts,
 * app/sync/read-back.server.ts) and as each connector answers (app/channels/*), on the
 * in-process channel model instead of the fakes:
 *
 * - due once the channel's push interval has passed since its last push, or after the
 *   urgent gap (15 s) when a row asks for a sell-out the channel still shows;
 * - pending rows (desired ≠ pushed, not waiting for a retry); Meta calls only when one is
 *   material (MATERIALITY_POLICIES, assessStoredRow), material rows and decreases first;
 * - Online Store: Ballast's own units moved between available and safety_stock (the
 *   connector's planMove), applied at once, the master record told (applyOwnSafetyStockMove);
 * - Meta: batches of 3,000, at most 4 calls a pass and ~100 an hour; a write lands after the
 *   channel's lag;
 * - Google: one insert per product, about 2 updates a product a day plus one toward safety
 *   (out of stock, ads paused), at most 50 requests a minute (reads included); refused ones
 *   wait and retry with backoff, as the push lane retries them;
 * - read-back when due (Online Store each push, Meta every minute, Google every 15 minutes),
 *   oldest pushes first, a sample each time: a push seen landing is a lag sample.
 */
import {
  applyOwnSafetyStockMove,
  assessStoredRow,
  locationGid,
  MATERIALITY_POLICIES,
  type Availability,
  type ChannelId,
  type MasterRecord,
} from "~/domain";
import type { Shelves } from "./channel-model";
import type { Accounting } from "./metrics";
import type { Random } from "./random";
import type { ExpandedScenario } from "./scenario";
import type { LagBook, TimingRow } from "./settings-timing";

/** One (channel, item) row, as the worker keeps it in ChannelItemState. Times in epoch ms. */
export interface SyncRow extends TimingRow {
  readonly item: number;
  readonly channel: ChannelId;
  readonly itemKey: string;
  desired: number;
  desiredAvailability: Availability;
  dampingState: unknown;
  explanation: unknown;
  pushed: number | null;
  pushedAt: number | null;
  pendingSince: number | null;
  confirmed: number | null;
  confirmedAt: number | null;
  attempts: number;
  nextAttemptAt: number | null;
}

export interface PushContext {
  readonly expanded: ExpandedScenario;
  readonly shelves: Shelves;
  readonly accounting: Accounting;
  readonly lags: LagBook;
  readonly records: MasterRecord[];
  readonly random: Random;
  readonly intervalMs: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const URGENT_PUSH_GAP_MS = 15_000;
const RETRY_BASE_MS = 5_000;
const MAX_BACKOFF_MS = 30 * MINUTE_MS;
const LOCATION = locationGid("gid://shopify/Location/1");

/** What each channel's connector declares and the worker's schedule sets. */
const CHANNEL_LIMITS: Record<
  ChannelId,
  { batch: number; maxCalls: number; callsPerHour?: number; readBackEveryMs: number; readBackSample: number }
> = {
  online_store: { batch: 250, maxCalls: 20, readBackEveryMs: 0, readBackSample: 250 },
  meta: { batch: 3_000, maxCalls: 4, callsPerHour: 100, readBackEveryMs: 0, readBackSample: 250 },
  google: { batch: 250, maxCalls: 20, readBackEveryMs: 15 * MINUTE_MS, readBackSample: 25 },
};
const GOOGLE_UPDATES_PER_DAY = 2;
const GOOGLE_SAFETY_OVERDRAFT = 1;
const GOOGLE_REQUESTS_PER_MINUTE = 50;

/** The Online Store connector's move (app/channels/online-store/plan.ts, planMove): hold down to the target, or release Ballast's own units. */
function planMove(available: number, own: number, wanted: number): { reached: number; ownAfter: number } {
  const target = Math.max(0, Math.floor(wanted));
  if (available > target) return { reached: target, ownAfter: own + (available - target) };
  const release = Math.min(target - available, own);
  if (release <= 0) return { reached: available, ownAfter: own };
  return { reached: available + release, ownAfter: own - release };
}

type Outcome = { applied: number } | { retryAfterMs: number };

export class ChannelPush {
  #lastPushAt: number | null = null;
  #lastReadBack: number | null = null;
  /** Meta: write calls in the rolling hour. */
  #recentCalls: number[] = [];
  /** Google: per item, its updates in the rolling day; every request in the rolling minute. */
  readonly #googleUpdates = new Map<number, number[]>();
  #googleRequests: number[] = [];

  constructor(
    readonly channel: ChannelId,
    private readonly context: PushContext,
  ) {}

  runIfDue(now: number, rows: SyncRow[]): void {
    if (!this.#due(now, rows)) return;
    this.#push(now, rows);
    this.#readBackIfDue(now, rows);
  }

  #due(now: number, rows: readonly SyncRow[]): boolean {
    const since = this.#lastPushAt === null ? Infinity : now - this.#lastPushAt;
    if (since >= this.context.intervalMs) return true;
    return since >= URGENT_PUSH_GAP_MS && rows.some((row) => row.desired === 0 && (row.pushed ?? 0) > 0);
  }

  /** The rows this pass sends: material ones first (a call is made for them), then decreases first. */
  #worthCalling(rows: readonly SyncRow[], now: number): SyncRow[] {
    const policy = MATERIALITY_POLICIES[this.channel] ?? null;
    const pending = rows
      .filter((row) => row.pushed !== row.desired && (row.nextAttemptAt === null || row.nextAttemptAt <= now))
      .map((row) => ({
        row,
        material:
          policy === null || assessStoredRow({ ...row, pendingSinceMs: row.pendingSince }, policy, now).material,
      }))
      .sort(
        (a, b) =>
          Number(b.material) - Number(a.material) ||
          a.row.desired - (a.row.pushed ?? a.row.desired) - (b.row.desired - (b.row.pushed ?? b.row.desired)) ||
          (a.row.itemKey < b.row.itemKey ? -1 : 1),
      );
    const lastMaterial = pending.findLastIndex((entry) => entry.material);
    if (lastMaterial < 0) return [];
    const { batch } = CHANNEL_LIMITS[this.channel];
    return pending.slice(0, Math.ceil((lastMaterial + 1) / batch) * batch).map((entry) => entry.row);
  }

  #push(now: number, rows: readonly SyncRow[]): void {
    const limits = CHANNEL_LIMITS[this.channel];
    const worth = this.#worthCalling(rows, now);
    let calls = 0;
    let items = 0;
    let requests = 0;
    this.#recentCalls = this.#recentCalls.filter((at) => at > now - HOUR_MS);
    for (let start = 0; start < worth.length && calls < limits.maxCalls; start += limits.batch) {
      if (limits.callsPerHour !== undefined && this.#recentCalls.length >= limits.callsPerHour) break;
      for (const row of worth.slice(start, start + limits.batch)) {
        const outcome = this.#write(row, now);
        if ("retryAfterMs" in outcome) this.#retry(row, now, outcome.retryAfterMs);
        else {
          items += 1;
          requests += outcome.applied;
        }
      }
      calls += 1;
      this.#recentCalls.push(now);
    }
    if (calls === 0) return;
    this.#lastPushAt = now;
    // Calls as the connectors make them (writes only): a move per batch, a batch and its status check, an insert per product.
    const apiCalls = this.channel === "online_store" ? calls : this.channel === "meta" ? calls * 2 : requests;
    this.context.accounting.push(this.channel, items, apiCalls);
  }

  /** One row written: applied (with the requests it cost), or to retry after a wait. */
  #write(row: SyncRow, now: number): Outcome {
    const { expanded, shelves } = this.context;
    if (this.channel === "online_store") return this.#move(row, now);
    if (this.channel === "meta") shelves.meta.write(row.item, expanded.landsAt("meta", now), row.desired);
    else {
      const refused = this.#googleRefusal(row, now);
      if (refused !== null) return { retryAfterMs: refused };
      shelves.google.write(row.item, expanded.landsAt("google", now), row.desired);
    }
    Object.assign(row, { pushed: row.desired, pushedAt: now, pendingSince: null, attempts: 0, nextAttemptAt: null });
    return { applied: 1 };
  }

  /** Google's update allowance and request rate, as the connector checks them; null when the insert goes out. */
  #googleRefusal(row: SyncRow, now: number): number | null {
    this.#googleRequests = this.#googleRequests.filter((at) => at > now - MINUTE_MS);
    if (this.#googleRequests.length >= GOOGLE_REQUESTS_PER_MINUTE) return this.#googleRequests[0]! + MINUTE_MS - now;
    const recent = (this.#googleUpdates.get(row.item) ?? []).filter((at) => at > now - DAY_MS);
    const towardSafety = row.desired === 0 || row.desired === 2;
    const allowance = GOOGLE_UPDATES_PER_DAY + (towardSafety ? GOOGLE_SAFETY_OVERDRAFT : 0);
    if (recent.length >= allowance) return recent[recent.length - allowance]! + DAY_MS - now;
    this.#googleRequests.push(now);
    recent.push(now);
    this.#googleUpdates.set(row.item, recent);
    return null;
  }

  /** The Online Store: Ballast's own units moved at once; the master record learns the new split. */
  #move(row: SyncRow, now: number): Outcome {
    const { shelves, records } = this.context;
    const item = row.item;
    const availableBefore = shelves.physical[item]! - shelves.safety[item]!;
    const { reached, ownAfter } = planMove(availableBefore, shelves.safety[item]!, row.desired);
    shelves.safety[item] = ownAfter;
    const stamps = records[item]!.locations.find((location) => location.locationId === LOCATION);
    const newest = Math.max(
      stamps?.available?.updatedAtMs ?? -Infinity,
      stamps?.ballastSafetyStock?.updatedAtMs ?? -Infinity,
    );
    records[item] = applyOwnSafetyStockMove(records[item]!, {
      locationId: LOCATION,
      updatedAtMs: Math.max(now, newest + 1),
      ballastSafetyStock: ownAfter,
      available: reached,
      startedFrom: { available: availableBefore, atMs: now },
    });
    const reachedAll = reached === row.desired;
    const stalled = !reachedAll && reached === row.pushed;
    const attempts = stalled ? row.attempts + 1 : 0;
    Object.assign(row, {
      pushed: reachedAll ? row.desired : reached,
      pushedAt: now,
      pendingSince: reachedAll ? null : now,
      attempts,
      nextAttemptAt: reachedAll ? null : now + Math.min(MAX_BACKOFF_MS, RETRY_BASE_MS * 2 ** Math.min(attempts, 10)),
    });
    return { applied: 0 };
  }

  /** A refused write waits at least as long as the channel asked, with exponential backoff and full jitter. */
  #retry(row: SyncRow, now: number, retryAfterMs: number): void {
    const attempts = row.attempts + 1;
    const backoff = Math.min(MAX_BACKOFF_MS, RETRY_BASE_MS * 2 ** Math.min(attempts - 1, 10));
    const delay = Math.max(retryAfterMs, Math.round(backoff * this.context.random()));
    Object.assign(row, { attempts, nextAttemptAt: now + delay });
  }

  /** What the channel shows for the row now, as the read-back stores it (Google keeps the pause it pushed). */
  #shown(row: SyncRow, now: number): number {
    const { shelves } = this.context;
    if (this.channel === "online_store") return shelves.physical[row.item]! - shelves.safety[row.item]!;
    if (this.channel === "meta") return shelves.meta.visible(row.item, now);
    if (shelves.google.visible(row.item, now) <= 0) return 0;
    return row.pushed === 2 ? 2 : 1;
  }

  /** Rows pushed and not yet seen, oldest push first, a sample at a time: each push seen landing is a lag sample. */
  #readBackIfDue(now: number, rows: readonly SyncRow[]): void {
    const limits = CHANNEL_LIMITS[this.channel];
    const every = Math.max(this.context.intervalMs, limits.readBackEveryMs);
    if (this.#lastReadBack !== null && now - this.#lastReadBack < every) return;
    this.#lastReadBack = now;
    const unconfirmed = rows
      .filter(
        (row) =>
          row.pushed !== null &&
          row.pushedAt !== null &&
          row.pushedAt <= now &&
          (row.confirmed === null || row.confirmed !== row.pushed || row.pushedAt > (row.confirmedAt ?? -Infinity)),
      )
      .sort((a, b) => a.pushedAt! - b.pushedAt! || (a.itemKey < b.itemKey ? -1 : 1))
      .slice(0, limits.readBackSample);
    for (const row of unconfirmed) {
      if (this.channel === "google") {
        this.#googleRequests = this.#googleRequests.filter((at) => at > now - MINUTE_MS);
        // Out of requests for this minute: what was read stands, the rest is read on a later pass.
        if (this.#googleRequests.length >= GOOGLE_REQUESTS_PER_MINUTE) break;
        this.#googleRequests.push(now);
      }
      const value = this.#shown(row, now);
      if (value === row.confirmed && value !== row.pushed) continue;
      row.confirmed = value;
      row.confirmedAt = now;
      if (value === row.pushed)
        this.context.lags.add(this.channel, { pushedAt: row.pushedAt!, observedAt: now, lagMs: now - row.pushedAt! });
    }
  }
}

import type { ItemAllocation, ChannelDecision, ItemChannelMemory } from "./allocate";
import type { Availability, ChannelId } from "./channels";
import { dampingEquivalent, type DampingState } from "./damping";
import type { VariantGid } from "./ids";
import type { LocationScope, MasterRecord } from "./master-record";
import { splitOnlineStoreTarget } from "./online-store-split";
import type { ManualOverride } from "./override";

/**
 * Sync rows: what the worker keeps per (channel, item) between computations (the
 * ChannelItemState table): one row per Online Store location (`inventoryItem|location`)
 * and one per catalog item (Meta, Google). A recompute turns an item's allocation into
 * the rows it should have, compares them with the stored ones and writes only what changed;
 * the push lane then sends every row whose desired differs from pushed.
 *
 * `Stamp` is the caller's time value (a Date in the worker): rows carry it and the plan
 * copies it, but nothing here reads it.
 */

/** A stored sync row, as the recompute reads it. */
export interface StoredSyncRow<Stamp> {
  readonly channel: string;
  readonly itemKey: string;
  /** For Google an availability code (app/channels/item-value.ts), for the others a quantity. */
  readonly desired: number;
  readonly desiredAvailability: string;
  readonly dampingState: unknown;
  readonly pushed: number | null;
  /** Since when desired has differed from pushed (app/domain/materiality.ts). */
  readonly pendingSince: Stamp | null;
  /** What the channel was last seen showing (read-back); absent when not loaded. */
  readonly confirmed?: number | null;
}

export type CatalogChannel = "meta" | "google";

/**
 * The item id each connected catalog knows the item by, from the connection's item-id
 * template, in the order the catalogs are connected; null when the template cannot name
 * it (e.g. {sku} without a SKU). A catalog not connected has no entry.
 */
export type CatalogItemKeys = ReadonlyMap<CatalogChannel, string | null>;

/**
 * The item's rows under the ids it has now. Rows under any other catalog id were kept for
 * an earlier template (or SKU): the worker would go on reading them back, the monitor
 * counting them (parked, unconfirmed, drifting) and the engine adding their pushed quantity
 * to this item's. They are added to `retired` (to delete) and left out of the answer, which
 * is `rows` itself when none is.
 */
export function currentSyncRows<Row extends { readonly channel: string; readonly itemKey: string }>(
  rows: readonly Row[],
  catalogKeys: CatalogItemKeys,
  retired: Row[],
): readonly Row[] {
  let current: Row[] | null = null;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!;
    const retire =
      (row.channel === "meta" || row.channel === "google") &&
      catalogKeys.has(row.channel) &&
      catalogKeys.get(row.channel) !== row.itemKey;
    if (retire) {
      retired.push(row);
      current ??= rows.slice(0, index);
    } else {
      current?.push(row);
    }
  }
  return current ?? rows;
}

/**
 * What the engine remembers of each channel of one variant (allocateItem's `memory`): the
 * variant's override in force (the first of `overrides` for this variant and channel; others
 * are ignored, so a page's overrides can be passed whole), the damping state stored with the
 * channel's first row, the quantity last pushed (the sum over the channel's rows, known
 * only when every row was pushed) and, for a channel that stores quantities, the most it may
 * show (the larger of what was pushed and what it was last seen showing, summed; null when
 * neither is known).
 */
export function syncRowMemory(
  variantId: VariantGid,
  rows: readonly StoredSyncRow<unknown>[],
  overrides: readonly ManualOverride[],
): Partial<Record<ChannelId, ItemChannelMemory>> {
  const own = overrides.filter((override) => override.variantId === variantId);
  return {
    online_store: channelMemory("online_store", rows, own),
    meta: channelMemory("meta", rows, own),
    google: channelMemory("google", rows, own),
  };
}

function channelMemory(
  channel: ChannelId,
  rows: readonly StoredSyncRow<unknown>[],
  overrides: readonly ManualOverride[],
): ItemChannelMemory {
  let damping: DampingState | undefined;
  let seen = false;
  let pushedSum = 0;
  let allPushed = true;
  let mayShow: number | null = null;
  for (const row of rows) {
    if (row.channel !== channel) continue;
    if (!seen) damping = (row.dampingState as DampingState | null) ?? undefined;
    seen = true;
    if (row.pushed === null) allPushed = false;
    else pushedSum += row.pushed;
    const shown = Math.max(row.pushed ?? -1, row.confirmed ?? -1);
    if (shown >= 0) mayShow = (mayShow ?? 0) + shown;
  }
  let override: ManualOverride | null = null;
  for (const candidate of overrides) {
    if (candidate.channel === channel) {
      override = candidate;
      break;
    }
  }
  // Google's rows store availability codes, not quantities (app/channels/item-value.ts).
  const quantities = channel !== "google";
  return {
    override,
    damping,
    lastPushed: seen && allPushed ? pushedSum : null,
    mayShow: quantities ? mayShow : null,
  };
}

/** A row to write: every column a decision sets. */
export type PlannedSyncRow<Stamp> = {
  readonly channel: ChannelId;
  readonly itemKey: string;
  readonly variantGid: string;
  readonly desired: number;
  readonly desiredAvailability: Availability;
  /** The decision's explanation, with the Online Store split (`split`) and a frozen channel's `risk`. */
  readonly explanation: object;
  readonly dampingState: DampingState;
  readonly computedAt: Stamp;
  readonly pendingSince: Stamp | null;
};

/**
 * The rows a recompute writes, by what changed: `created` (no row yet), `decided` (same
 * desired, new availability, damping or explanation: pendingSince and the retry state are
 * kept), `redecided` (a new desired: the caller gives the row a fresh try).
 */
export interface SyncRowPlan<Stamp> {
  readonly created: PlannedSyncRow<Stamp>[];
  readonly decided: PlannedSyncRow<Stamp>[];
  readonly redecided: PlannedSyncRow<Stamp>[];
}

/** What is the same for every item of one recompute. */
export interface SyncRowSettings<Stamp> {
  readonly onlineStoreLocations: LocationScope;
  /** "Release all holds": the Online Store shows every unit until the merchant resumes holds. */
  readonly holdsReleased: boolean;
  /** The number a catalog's row stores for a decision (app/channels/item-value.ts). */
  readonly encode: (channel: CatalogChannel, decision: ChannelDecision) => number;
  readonly now: Stamp;
}

export interface SyncRowItem<Stamp> {
  readonly variantGid: string;
  readonly inventoryItemGid: string;
  readonly record: MasterRecord;
  readonly allocation: ItemAllocation;
  readonly catalogKeys: CatalogItemKeys;
  /** The item's current rows (currentSyncRows). */
  readonly rows: readonly StoredSyncRow<Stamp>[];
}

/**
 * The item's rows as the allocation wants them, compared with the stored ones; the changed
 * ones are added to `plan`. The Online Store's quantity is split over its locations; each
 * catalog that can name the item gets one row.
 */
export function planSyncRows<Stamp>(
  item: SyncRowItem<Stamp>,
  settings: SyncRowSettings<Stamp>,
  plan: SyncRowPlan<Stamp>,
): void {
  const onlineStore = item.allocation.decisions.online_store;
  const { holdsReleased, now } = settings;
  for (const target of splitOnlineStoreTarget(item.record, settings.onlineStoreLocations, onlineStore.quantity)) {
    const computed = holdsReleased ? target.pool : target.available;
    const availability = computed > 0 ? "in_stock" : "out_of_stock";
    const itemKey = `${item.inventoryItemGid}|${target.locationId}`;
    const current = findRow(item.rows, "online_store", itemKey);
    const desired = desiredOf(onlineStore, current, computed);
    if (!isChanged(current, onlineStore, desired, availability)) continue;
    const split = { locationId: target.locationId, pool: target.pool, shownTotal: onlineStore.quantity, holdsReleased };
    addToPlan(
      plan,
      current,
      plannedRow(item.variantGid, itemKey, onlineStore, current, desired, availability, split, now),
    );
  }
  for (const channel of item.catalogKeys.keys()) {
    const itemKey = item.catalogKeys.get(channel);
    if (!itemKey) continue;
    const decision = item.allocation.decisions[channel];
    const current = findRow(item.rows, channel, itemKey);
    const desired = desiredOf(decision, current, settings.encode(channel, decision));
    if (!isChanged(current, decision, desired, decision.availability)) continue;
    addToPlan(
      plan,
      current,
      plannedRow(item.variantGid, itemKey, decision, current, desired, decision.availability, null, now),
    );
  }
}

function findRow<Stamp>(
  rows: readonly StoredSyncRow<Stamp>[],
  channel: ChannelId,
  itemKey: string,
): StoredSyncRow<Stamp> | undefined {
  for (const row of rows) if (row.channel === channel && row.itemKey === itemKey) return row;
  return undefined;
}

/** A frozen channel keeps what it was last shown: nothing new to push. */
const desiredOf = (decision: ChannelDecision, current: StoredSyncRow<unknown> | undefined, computed: number): number =>
  decision.push ? computed : (current?.pushed ?? current?.desired ?? computed);

function isChanged(
  current: StoredSyncRow<unknown> | undefined,
  decision: ChannelDecision,
  desired: number,
  availability: Availability,
): boolean {
  return (
    current === undefined ||
    current.desired !== desired ||
    current.desiredAvailability !== availability ||
    !dampingEquivalent(current.dampingState as DampingState | null, decision.damping, decision.channel === "google")
  );
}

function plannedRow<Stamp>(
  variantGid: string,
  itemKey: string,
  decision: ChannelDecision,
  current: StoredSyncRow<Stamp> | undefined,
  desired: number,
  availability: Availability,
  split: object | null,
  now: Stamp,
): PlannedSyncRow<Stamp> {
  return {
    channel: decision.channel,
    itemKey,
    variantGid,
    desired,
    desiredAvailability: availability,
    explanation: { ...(decision.explanation ?? {}), split, risk: decision.risk },
    dampingState: decision.damping,
    computedAt: now,
    pendingSince: pendingSinceOf(current, desired, now),
  };
}

/** A difference keeps the time it began while it lasts, however often desired moves. */
function pendingSinceOf<Stamp>(current: StoredSyncRow<Stamp> | undefined, desired: number, now: Stamp): Stamp | null {
  if (current === undefined) return now;
  if (current.desired === desired) return current.pendingSince;
  if (desired === current.pushed) return null;
  const wasPending = current.pushed !== current.desired && current.pendingSince !== null;
  return wasPending ? current.pendingSince : now;
}

function addToPlan<Stamp>(
  plan: SyncRowPlan<Stamp>,
  current: StoredSyncRow<Stamp> | undefined,
  row: PlannedSyncRow<Stamp>,
): void {
  if (current === undefined) plan.created.push(row);
  else if (current.desired === row.desired) plan.decided.push(row);
  else plan.redecided.push(row);
}

import { decodeMasterRecord } from "~/records/master-records.server";
import type { Database } from "~/db.server";
import {
  allocateItem,
  assessStoredRow,
  CHANNELS,
  channelModeOf,
  MATERIALITY_POLICIES,
  renderDeferral,
  createMasterRecord,
  renderExplanation,
  sellableBreakdown,
  syncRowMemory,
  type ChannelDecision,
  type ChannelId,
  type ChannelMode,
  type CollectionGid,
  type Locale,
  type ManualOverride,
  type MasterRecord,
  type ProductGid,
  type ShopDomain,
  type VariantGid,
} from "~/domain";
import { encodeItemValue } from "~/channels/item-value";
import { loadRecomputeContext, type RecomputeContext } from "~/sync/recompute.server";
import type { PreviewItem } from "./buffer-preview";
import { channelTruth, storedExplanation, type ChannelTruth, type OpenDrift } from "./channel-truth";

/**
 * Items as the admin pages show them: the master record, the variant's placement
 * (product, collections) and what each channel was told (ChannelItemState). Every query is
 * scoped by `shop`.
 */

function collectionIdsOf(value: unknown): CollectionGid[] {
  return Array.isArray(value) ? value.filter((entry): entry is CollectionGid => typeof entry === "string") : [];
}

type StateRow = { channel: string; itemKey: string; pushed: number | null };

/** A frozen channel keeps showing the last pushed total (all of its item rows, e.g. every location). */
function lastPushedTotal(rows: readonly StateRow[], channel: ChannelId): number | null {
  const own = rows.filter((row) => row.channel === channel);
  if (own.length === 0 || own.some((row) => row.pushed === null)) return null;
  return own.reduce((sum, row) => sum + (row.pushed ?? 0), 0);
}

async function memoryFor(database: Database, shop: string, variantGids: string[], nowMs: number) {
  const [overrides, states] = await Promise.all([
    database.override.findMany({
      where: { shop, variantGid: { in: variantGids }, expiresAt: { gt: new Date(nowMs) } },
    }),
    database.channelItemState.findMany({
      where: { shop, variantGid: { in: variantGids } },
      select: { channel: true, itemKey: true, pushed: true, variantGid: true },
    }),
  ]);
  return (variantGid: string): PreviewItem["memory"] => {
    const memory: PreviewItem["memory"] = {};
    const rows = states.filter((row) => row.variantGid === variantGid);
    for (const channel of CHANNELS) {
      const override = overrides.find((entry) => entry.variantGid === variantGid && entry.channel === channel);
      memory[channel] = {
        override: override ? { quantity: override.quantity, expiresAtMs: override.expiresAt.getTime() } : null,
        lastPushed: lastPushedTotal(rows, channel),
      };
    }
    return memory;
  };
}

/** A few real items for the buffer preview: the most recently changed tracked variants with a master record. */
export async function loadPreviewItems(
  database: Database,
  shop: string,
  nowMs: number,
  limit = 4,
): Promise<PreviewItem[]> {
  const storedRecords = await database.masterRecord.findMany({
    where: { shop },
    orderBy: { updatedAt: "desc" },
    take: limit * 3,
  });
  if (storedRecords.length === 0) return [];
  const variants = await database.variant.findMany({
    where: { shop, gid: { in: storedRecords.map((stored) => stored.variantGid) }, deletedAt: null, tracked: true },
  });
  const chosen = storedRecords
    .map((stored) => ({ stored, variant: variants.find((variant) => variant.gid === stored.variantGid) }))
    .filter((entry) => entry.variant !== undefined)
    .slice(0, limit);
  const memory = await memoryFor(
    database,
    shop,
    chosen.map((entry) => entry.stored.variantGid),
    nowMs,
  );
  return chosen.map(({ stored, variant }) => ({
    variantId: stored.variantGid as VariantGid,
    productId: variant!.productGid as ProductGid,
    collectionIds: collectionIdsOf(variant!.collectionGids),
    title: variant!.title,
    sku: variant!.sku,
    record: decodeMasterRecord(stored),
    memory: memory(stored.variantGid),
  }));
}

export interface ChannelItemView {
  itemKey: string;
  desired: number;
  desiredAvailability: string;
  computedAt: string;
  pushed: number | null;
  pushedAt: string | null;
  confirmed: number | null;
  confirmedAt: string | null;
  lastError: string | null;
  attempts: number;
  parked: boolean;
  /** The stored explanation of `desired`, rendered in the page's locale. */
  explanation: string | null;
  /**
   * Why the channel still shows `pushed`: the difference is not worth a call on its own
   * (app/domain/materiality.ts) and goes with the next call, at the latest at `dueAt`.
   */
  pending: {
    reason: "decrease_within_slack" | "increase_plenty_shown";
    buffer: number;
    slack: number;
    dueAt: string;
    text: string;
  } | null;
}

export interface ItemChannelView {
  channel: ChannelId;
  state: string;
  /** Observing: Ballast computes and explains, and writes nothing to the channel. */
  mode: ChannelMode;
  /** What the rules give now, computed live with the same engine (explains the current number). */
  now: {
    quantity: number;
    availability: string;
    explanation: string;
    sellable: number;
    risk: { aboveTarget: number; aboveSellable: number } | null;
  };
  /**
   * The page's one truth for this channel: what it shows now, what Ballast wants and why,
   * and the status of any difference (app/web/channel-truth.ts). `formula` is the precise
   * rendering of `truth.explanation`.
   */
  truth: ChannelTruth;
  formula: string | null;
  rows: ChannelItemView[];
  override: { quantity: number; expiresAt: string; reason: string | null; active: boolean } | null;
}

export interface ItemView {
  variantId: string;
  productId: string;
  title: string;
  sku: string | null;
  barcode: string | null;
  tracked: boolean;
  deleted: boolean;
  /** A recalculation is pending (stock, rules or an override changed); the worker takes it next. */
  recalculating: boolean;
  master: {
    known: boolean;
    updatedAt: string | null;
    sellable: number;
    available: number;
    ballastSafetyStock: number;
    orderHolds: number;
    locations: {
      locationId: string;
      /** The location's name in Shopify; null until the catalog read has stored it. */
      name: string | null;
      available: number | null;
      onHand: number | null;
      committed: number | null;
      ballastSafetyStock: number | null;
      updatedAt: string | null;
    }[];
    holds: { orderId: string; units: number; orderedAt: string }[];
  };
  channels: ItemChannelView[];
}

function renderStored(explanation: unknown, locale: Locale): string | null {
  const stored = storedExplanation(explanation);
  if (!stored) return null;
  try {
    return renderExplanation(stored, locale);
  } catch {
    return null;
  }
}

const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

/** A difference the push lane leaves for a later call, said as such (null when it goes with the next pass). */
function deferralOf(
  channel: ChannelId,
  row: {
    desired: number;
    pushed: number | null;
    pendingSince: Date | null;
    explanation: unknown;
    parkedAt: Date | null;
  },
  nowMs: number,
  locale: Locale,
): ChannelItemView["pending"] {
  const policy = MATERIALITY_POLICIES[channel];
  if (!policy || row.pushed === null || row.pushed === row.desired || row.parkedAt !== null) return null;
  const verdict = assessStoredRow({ ...row, pendingSinceMs: row.pendingSince?.getTime() ?? null }, policy, nowMs);
  if (verdict.material) return null;
  return {
    reason: verdict.reason,
    buffer: verdict.buffer,
    slack: verdict.slack,
    dueAt: new Date(verdict.dueAtMs).toISOString(),
    text: renderDeferral(channel, { desired: row.desired, pushed: row.pushed }, verdict, locale),
  };
}

/** The master record as the item page shows it (a default record when none is stored yet). */
function masterView(
  master: MasterRecord,
  known: boolean,
  updatedAt: Date | undefined,
  locationNames: ReadonlyMap<string, string>,
): ItemView["master"] {
  const breakdown = sellableBreakdown(master, "all");
  return {
    known,
    updatedAt: iso(updatedAt),
    sellable: breakdown.sellable,
    available: breakdown.available,
    ballastSafetyStock: breakdown.ballastSafetyStock,
    orderHolds: breakdown.orderHolds,
    locations: master.locations.map((location) => ({
      locationId: location.locationId,
      name: locationNames.get(location.locationId) ?? null,
      available: location.available?.value ?? null,
      onHand: location.onHand?.value ?? null,
      committed: location.committed?.value ?? null,
      ballastSafetyStock: location.ballastSafetyStock?.value ?? null,
      updatedAt: location.available ? new Date(location.available.updatedAtMs).toISOString() : null,
    })),
    holds: master.holds.map((hold) => ({
      orderId: hold.orderId,
      units: hold.units,
      orderedAt: new Date(hold.orderedAtMs).toISOString(),
    })),
  };
}

type StoredStateRow = Awaited<ReturnType<Database["channelItemState"]["findMany"]>>[number];

/** What one item row of a channel was told, and whether a difference waits for a later call. */
function channelRowView(channel: ChannelId, row: StoredStateRow, nowMs: number, locale: Locale): ChannelItemView {
  return {
    itemKey: row.itemKey,
    desired: row.desired,
    desiredAvailability: row.desiredAvailability,
    computedAt: row.computedAt.toISOString(),
    pushed: row.pushed,
    pushedAt: iso(row.pushedAt),
    confirmed: row.confirmed,
    confirmedAt: iso(row.confirmedAt),
    lastError: row.lastError,
    attempts: row.attempts,
    parked: row.parkedAt !== null,
    explanation: renderStored(row.explanation, locale),
    pending: deferralOf(channel, row, nowMs, locale),
  };
}

type StoredOverride = Awaited<ReturnType<Database["override"]["findMany"]>>[number];

/** What the worker would store for the decision: Google's code; the Online Store's total over the locations it sells from. */
function liveValue(
  channel: ChannelId,
  decision: ChannelDecision,
  master: MasterRecord,
  context: RecomputeContext,
): number {
  if (channel === "google") return encodeItemValue(channel, decision);
  if (channel !== "online_store" || !context.holdsReleased) return decision.quantity;
  // "Release all holds": every unit Ballast may show is shown (app/domain/sync-rows.ts).
  const scope = context.allocation.settings.online_store.locations;
  return master.locations
    .filter((location) => scope === "all" || scope.includes(location.locationId))
    .reduce(
      (total, location) =>
        total + Math.max(0, (location.available?.value ?? 0) + (location.ballastSafetyStock?.value ?? 0)),
      0,
    );
}

interface ItemInputs {
  master: MasterRecord;
  context: RecomputeContext;
  connections: readonly { channel: string; state: string; activatedAt: Date | null }[];
  /** Channels with credentials stored. */
  connected: ReadonlySet<string>;
  states: readonly StoredStateRow[];
  overrides: readonly StoredOverride[];
  drift: readonly (OpenDrift & { channel: string })[];
  recalculating: boolean;
}

/** What the item page shows of one channel: its state, the live decision, the one truth, each item row, the override. */
function itemChannelView(
  channel: ChannelId,
  decision: ChannelDecision,
  inputs: ItemInputs,
  nowMs: number,
  locale: Locale,
): ItemChannelView {
  const override = inputs.overrides.find((entry) => entry.channel === channel);
  const connection = inputs.connections.find((entry) => entry.channel === channel);
  const rows = inputs.states.filter((row) => row.channel === channel);
  const state = connection?.state ?? (channel === "online_store" ? "active" : "not_connected");
  const mode = channelModeOf(connection);
  const truth = channelTruth({
    channel,
    connected: channel === "online_store" || inputs.connected.has(channel),
    mode,
    state,
    rows,
    drift: inputs.drift.filter((episode) => episode.channel === channel),
    shopify: new Map(
      inputs.master.locations
        .filter((location) => location.available !== undefined)
        .map((location) => [
          location.locationId,
          { value: location.available!.value, at: new Date(location.available!.updatedAtMs) },
        ]),
    ),
    live: { value: liveValue(channel, decision, inputs.master, inputs.context), explanation: decision.explanation },
    recalculating: inputs.recalculating,
    nowMs,
  });
  return {
    channel,
    state,
    mode,
    now: {
      quantity: decision.quantity,
      availability: decision.availability,
      explanation: decision.explanation ? renderExplanation(decision.explanation, locale) : "",
      sellable: decision.sellable,
      risk: decision.risk,
    },
    truth,
    formula: truth.explanation ? renderExplanation(truth.explanation, locale) : null,
    rows: rows.map((row) => channelRowView(channel, row, nowMs, locale)),
    override: override
      ? {
          quantity: override.quantity,
          expiresAt: override.expiresAt.toISOString(),
          reason: override.reason,
          active: override.expiresAt.getTime() > nowMs,
        }
      : null,
  };
}

/** The decision the worker would make now: its own inputs, the overrides in force, the damping state stored with the rows. */
function liveAllocation(
  variantGid: VariantGid,
  variant: { productGid: string; collectionGids: unknown } | null,
  master: MasterRecord,
  stored: { states: readonly StoredStateRow[]; overrides: readonly StoredOverride[]; context: RecomputeContext },
  nowMs: number,
) {
  const activeOverrides: ManualOverride[] = stored.overrides
    .filter((override) => override.expiresAt.getTime() > nowMs)
    .map((override) => ({
      channel: override.channel as ChannelId,
      variantId: variantGid,
      quantity: override.quantity,
      expiresAtMs: override.expiresAt.getTime(),
    }));
  return allocateItem(
    {
      variantId: variantGid,
      productId: (variant?.productGid ?? "gid://shopify/Product/0") as ProductGid,
      collectionIds: collectionIdsOf(variant?.collectionGids),
      record: master,
      memory: syncRowMemory(variantGid, stored.states, activeOverrides),
    },
    { ...stored.context.allocation, nowMs },
    { explain: true },
  );
}

/** One variant of one shop; null when the shop has no such variant (another shop's id included). */
export async function loadItem(
  database: Database,
  shop: string,
  variantGid: VariantGid,
  nowMs: number,
  locale: Locale,
): Promise<ItemView | null> {
  const now = new Date(nowMs);
  const [variant, stored, states, overrides, drift] = await Promise.all([
    database.variant.findUnique({ where: { shop_gid: { shop, gid: variantGid } } }),
    database.masterRecord.findUnique({ where: { shop_variantGid: { shop, variantGid } } }),
    database.channelItemState.findMany({ where: { shop, variantGid }, orderBy: { itemKey: "asc" } }),
    database.override.findMany({ where: { shop, variantGid } }),
    database.driftEpisode.findMany({
      where: { shop, variantGid, endedAt: null },
      select: { channel: true, itemKey: true, expected: true, observed: true, startedAt: true },
      orderBy: { startedAt: "desc" },
    }),
  ]);
  if (!variant && !stored) return null;
  const record = stored ? decodeMasterRecord(stored) : null;
  // No master record yet (the first catalog read has not reached it): nothing is sellable.
  const master = record ?? createMasterRecord(shop as ShopDomain, variantGid);
  const [context, connections, withCredentials, shopRow, locations] = await Promise.all([
    // The worker's own inputs (rules, settings, measured lag, the shop's prior sales speed):
    // the live decision is the one the worker would make now.
    loadRecomputeContext(database, shop, now),
    database.channelConnection.findMany({ where: { shop }, select: { channel: true, state: true, activatedAt: true } }),
    // Connected: credentials stored (never read here) and not disconnected.
    database.channelConnection.findMany({
      where: { shop, encryptedCredentials: { not: null }, state: { not: "disconnected" } },
      select: { channel: true },
    }),
    database.shop.findUnique({ where: { shop }, select: { recomputeRequestedAt: true } }),
    database.location.findMany({
      where: { shop, gid: { in: master.locations.map((location) => location.locationId) } },
      select: { gid: true, name: true },
    }),
  ]);

  const allocation = liveAllocation(variantGid, variant, master, { states, overrides, context }, nowMs);
  const inputs: ItemInputs = {
    master,
    context,
    connections,
    connected: new Set(withCredentials.map((entry) => entry.channel)),
    states,
    overrides,
    drift,
    recalculating: shopRow?.recomputeRequestedAt != null || stored?.dirty === true,
  };

  return {
    variantId: variantGid,
    productId: variant?.productGid ?? "",
    title: variant?.title ?? "",
    sku: variant?.sku ?? null,
    barcode: variant?.barcode ?? null,
    tracked: variant?.tracked ?? true,
    deleted: variant?.deletedAt != null,
    recalculating: inputs.recalculating,
    master: masterView(
      master,
      record !== null,
      stored?.updatedAt,
      new Map(locations.map((location) => [location.gid, location.name])),
    ),
    channels: CHANNELS.map((channel) => itemChannelView(channel, allocation.decisions[channel], inputs, nowMs, locale)),
  };
}

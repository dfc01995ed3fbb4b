import { decodeMasterRecord } from "~/records/master-records.server";
import type { Database } from "~/db.server";
import {
  allocateItem,
  CHANNELS,
  productGid,
  sellableUnits,
  variantGid,
  type ChannelDecision,
  type ChannelId,
  type ChannelMode,
  type CollectionGid,
} from "~/domain";
import { decodeItemValue } from "~/channels/item-value";
import { loadRecomputeContext } from "~/sync/recompute.server";
import { actingAs } from "~/records/activity.server";
import { activateChannel, channelModes, observeChannel, onlineStoreThinStockUnits } from "./activation.server";
import { recentOperations, type OperationView } from "./channel-operations.server";
import {
  channelImpacts,
  freezeRisk,
  heldByBallast,
  loadChannelViews,
  type ChannelImpact,
  type ChannelView,
  type FreezeRisk,
} from "./channels.server";
import { releaseStrandedHolds } from "./stranded.server";

/**
 * The first screen after install: what Ballast does, the channel connections, and per
 * channel a preview of what activating it would change, from the engine's own numbers.
 *
 * Where the worker has computed a channel (ChannelItemState rows, written in observe mode
 * too) the preview reads those decisions; a channel not connected yet has no rows, so its
 * preview runs the same engine (allocateItem with the recompute's context) on the stored.
 */

/** How many of the items that would show 0 are named, for the merchant to recognise. */
const EXAMPLES = 5;

export interface ChannelPreview {
  channel: ChannelId;
  mode: ChannelMode;
  activatedAt: string | null;
  /** rows: the worker's stored decisions; engine: computed here (the channel has no rows yet). */
  source: "rows" | "engine";
  /** Tracked items with stock Ballast looked at. */
  items: number;
  /** Units sellable on the channel (its locations) across those items. */
  sellableUnits: number;
  /** Units the channel would not show: held back (Online Store) or hidden (Meta, Google out of stock). */
  withheldUnits: number;
  /** Price × withheld units, in the shop's currency. */
  withheldValue: number;
  /** Items with stock that the channel would show as 0 / out of stock. */
  zeroItems: number;
  /** Google only: items kept in stock with their ads paused. */
  adsPausedItems: number;
  /** A few of the items that would show 0, for the merchant to recognise. */
  zeroExamples: { title: string; sellable: number }[];
}

export interface OnboardingData {
  onboardedAt: string | null;
  currency: string | null;
  channels: (ChannelView & { mode: ChannelMode; activatedAt: string | null })[];
  previews: ChannelPreview[];
  /** Catalog items Ballast knows (tracked, not deleted). */
  catalogItems: number;
  /** The first catalog read: the preview is empty until it finishes. */
  firstReadDone: boolean;
  operations: OperationView[];
  /** The Online Store never holds back the last units of an item with this many or fewer (0: off). */
  thinStockUnits: number;
  /** What going back to observe would leave as it is, per channel, for its confirmation. */
  impacts: Record<ChannelId, ChannelImpact>;
  risks: Record<ChannelId, FreezeRisk>;
  held: { units: number; items: number };
}

/** While this is true the overview sends the merchant to the onboarding page (a shop without a row is a fresh install). */
export async function needsOnboarding(database: Database, shop: string): Promise<boolean> {
  const row = await database.shop.findUnique({ where: { shop }, select: { onboardedAt: true } });
  return row?.onboardedAt == null;
}

/** "Go to dashboard": onboarding is done; the page stays reachable from the navigation. */
export async function finishOnboarding(database: Database, shop: string, nowMs: number): Promise<void> {
  const at = new Date(nowMs);
  await database.shop.upsert({ where: { shop }, create: { shop, onboardedAt: at }, update: { onboardedAt: at } });
}

const priceOf = (price: unknown): number => {
  const value = Number(typeof price === "object" && price !== null ? String(price) : price);
  return Number.isFinite(value) ? value : 0;
};

interface StateRow {
  channel: string;
  variantGid: string;
  desired: number;
}

/** What the channel would show for one item, from its stored rows (null: no rows for it). */
function shownFromRows(
  channel: ChannelId,
  rows: StateRow[],
): { shown: number; outOfStock: boolean; adsPaused: boolean } | null {
  if (rows.length === 0) return null;
  if (channel === "online_store") {
    // One row per location: the engine's `available` target there (computed in observe mode too).
    const shown = rows.reduce((sum, row) => sum + Math.max(0, row.desired), 0);
    return { shown, outOfStock: shown <= 0, adsPaused: false };
  }
  const row = rows[0]!;
  if (channel === "google") {
    const { availability, pauseAds } = decodeItemValue(channel, row.desired);
    return {
      shown: availability === "out_of_stock" ? 0 : Number.POSITIVE_INFINITY,
      outOfStock: availability === "out_of_stock",
      adsPaused: pauseAds,
    };
  }
  return { shown: row.desired, outOfStock: row.desired <= 0, adsPaused: false };
}

function shownFromDecision(
  channel: ChannelId,
  decision: ChannelDecision,
): { shown: number; outOfStock: boolean; adsPaused: boolean } {
  if (channel === "google") {
    const outOfStock = decision.availability === "out_of_stock";
    return {
      shown: outOfStock ? 0 : Number.POSITIVE_INFINITY,
      outOfStock,
      adsPaused: !outOfStock && decision.pauseAds,
    };
  }
  return { shown: decision.quantity, outOfStock: decision.quantity <= 0, adsPaused: false };
}

/** Per channel: units held back or hidden, their value and the items that would show 0, if the channel were active. */
export async function previewChannels(
  database: Database,
  shop: string,
  nowMs: number,
): Promise<Omit<ChannelPreview, "mode" | "activatedAt">[]> {
  const [variants, storedRecords, states] = await Promise.all([
    database.variant.findMany({
      where: { shop, deletedAt: null, tracked: true },
      select: { gid: true, productGid: true, title: true, price: true, collectionGids: true },
    }),
    database.masterRecord.findMany({ where: { shop }, select: { variantGid: true, record: true } }),
    // Not the explanations: they are most of the bytes, and the figures need only `desired`.
    database.channelItemState.findMany({ where: { shop }, select: { channel: true, variantGid: true, desired: true } }),
  ]);
  const context = await loadRecomputeContext(database, shop, new Date(nowMs));
  const settings = context.allocation.settings;
  const recordOf = new Map(storedRecords.map((stored) => [stored.variantGid, decodeMasterRecord({ shop, ...stored })]));
  const rowsOf = new Map<string, StateRow[]>();
  for (const row of states) {
    const key = `${row.channel}|${row.variantGid}`;
    const list = rowsOf.get(key);
    if (list) list.push(row);
    else rowsOf.set(key, [row]);
  }
  const channelHasRows = new Set(states.map((row) => row.channel));

  const previews = CHANNELS.map((channel) => ({
    channel,
    source: channelHasRows.has(channel) ? ("rows" as const) : ("engine" as const),
    items: 0,
    sellableUnits: 0,
    withheldUnits: 0,
    withheldValue: 0,
    zeroItems: 0,
    adsPausedItems: 0,
    zeroExamples: [] as { title: string; sellable: number }[],
  }));
  for (const variant of variants) {
    const record = recordOf.get(variant.gid);
    if (!record) continue;
    let engine: Record<ChannelId, ChannelDecision> | null = null;
    const decide = () =>
      (engine ??= allocateItem(
        {
          variantId: variantGid(variant.gid),
          productId: productGid(variant.productGid),
          collectionIds: Array.isArray(variant.collectionGids)
            ? (variant.collectionGids as unknown[]).filter((entry): entry is CollectionGid => typeof entry === "string")
            : [],
          record,
        },
        { ...context.allocation, nowMs },
      ).decisions);
    const price = priceOf(variant.price);
    for (const preview of previews) {
      const { channel } = preview;
      const sellable = sellableUnits(record, settings[channel].locations);
      if (sellable <= 0) continue;
      const shown =
        preview.source === "rows"
          ? shownFromRows(channel, rowsOf.get(`${channel}|${variant.gid}`) ?? [])
          : shownFromDecision(channel, decide()[channel]);
      // An item the worker has not computed for this channel (e.g. no catalog item id): not counted.
      if (shown === null) continue;
      const withheld = Math.max(0, sellable - Math.max(0, Math.min(shown.shown, sellable)));
      preview.items += 1;
      preview.sellableUnits += sellable;
      preview.withheldUnits += withheld;
      preview.withheldValue += withheld * price;
      if (shown.adsPaused) preview.adsPausedItems += 1;
      if (shown.outOfStock) {
        preview.zeroItems += 1;
        if (preview.zeroExamples.length < EXAMPLES) preview.zeroExamples.push({ title: variant.title, sellable });
      }
    }
  }
  for (const preview of previews) preview.withheldValue = Math.round(preview.withheldValue * 100) / 100;
  return previews;
}

export async function loadOnboarding(
  database: Database,
  shop: string,
  nowMs: number,
  options: { currency?: string | null } = {},
): Promise<OnboardingData> {
  const [row, views, modes, previews, catalogItems, operations, thinStockUnits, impacts, held, ...risks] =
    await Promise.all([
      database.shop.findUnique({ where: { shop }, select: { onboardedAt: true, lastFullReadAt: true } }),
      loadChannelViews(database, shop),
      channelModes(database, shop),
      previewChannels(database, shop, nowMs),
      database.variant.count({ where: { shop, deletedAt: null, tracked: true } }),
      recentOperations(database, shop, 3),
      onlineStoreThinStockUnits(database, shop),
      channelImpacts(database, shop),
      heldByBallast(database, shop),
      ...CHANNELS.map((channel) => freezeRisk(database, shop, channel)),
    ]);
  return {
    onboardedAt: row?.onboardedAt?.toISOString() ?? null,
    currency: options.currency ?? null,
    channels: views.map((view) => ({ ...view, ...modes[view.channel] })),
    previews: previews.map((preview) => ({ ...preview, ...modes[preview.channel] })),
    catalogItems,
    firstReadDone: row?.lastFullReadAt != null || catalogItems > 0,
    operations,
    thinStockUnits,
    impacts,
    held,
    risks: Object.fromEntries(CHANNELS.map((channel, index) => [channel, risks[index]!])) as Record<
      ChannelId,
      FreezeRisk
    >,
  };
}

/** A post of the onboarding page (activate, observe, release stranded holds, finish), on behalf of its staff member. */
export function onboardingPageAction(
  database: Database,
  shop: string,
  form: FormData,
  nowMs: number,
  actor: string | null = null,
) {
  return actingAs(actor, () => onboardingPagePost(database, shop, form, nowMs));
}

async function onboardingPagePost(database: Database, shop: string, form: FormData, nowMs: number) {
  const intent = String(form.get("intent") ?? "");
  if (intent === "finish") {
    await finishOnboarding(database, shop, nowMs);
    return { intent, ok: true as const, channel: null };
  }
  if (intent === "releaseStranded") {
    await releaseStrandedHolds(database, shop, nowMs);
    return { intent, ok: true as const, channel: null };
  }
  const channel = CHANNELS.find((candidate) => candidate === form.get("channel"));
  if (!channel || (intent !== "activate" && intent !== "observe"))
    return { intent, ok: false as const, channel: null, code: "invalid" as const };
  const change = { shop, channel, source: "admin" as const, nowMs };
  const result =
    intent === "activate" ? await activateChannel(database, change) : await observeChannel(database, change);
  return result.ok
    ? { intent, ok: true as const, channel }
    : { intent, ok: false as const, channel, code: result.error.code };
}

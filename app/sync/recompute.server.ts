import type { Database, DatabaseProvider } from "~/db.server";
import { Prisma, type Variant } from "~/generated/sqlite/client";
import { googleConfigSchema, metaConfigSchema } from "~/channels/connection-config";
import { loadChannelSettings } from "~/channels/connection-store.server";
import { renderItemId } from "~/channels/item-ids";
import { encodeItemValue } from "~/channels/item-value";
import {
  allocateItem,
  collectionGid,
  compileRuleSet,
  currentSyncRows,
  planSyncRows,
  productGid,
  syncRowMemory,
  variantGid,
  type AllocationContext,
  type CatalogChannel,
  type CatalogItemKeys,
  type ChannelId,
  type ManualOverride,
  type MasterRecord,
  type SyncRowPlan,
  type SyncRowSettings,
} from "~/domain";
import { loadRuleSet } from "~/rules/rule-store.server";
import { updateRows } from "~/db/bulk-update.server";
import { decodeMasterRecord, emptyMasterRecord } from "~/records/master-records.server";
import { holdsReleasedIn, shopSettingsOf } from "~/records/shop-settings.server";
import { loadShopSignals, refreshSignals } from "./recompute-signals.server";
import { loadChannelTiming } from "./timing.server";

/**
 * Master record + rules + overrides + measured lag → desired quantity per (channel,
 * item), written to ChannelItemState. A row whose desired differs from pushed is dirty;
 * the push workers take it from there. Only rows whose decision changed are written.
 *
 * For Google (availability only) `desired` is an availability code (app/channels/item-value.ts).
 */

const PAGE_SIZE = 1_000;

const DECISION_COLUMNS = {
  variantGid: "text",
  desired: "integer",
  desiredAvailability: "text",
  explanation: "json",
  dampingState: "json",
  computedAt: "timestamp",
} as const;
const FRESH_TRY_COLUMNS = { parkedAt: "timestamp", attempts: "integer", nextAttemptAt: "timestamp" } as const;
/** Written with a new desired: since when it differs from pushed (app/domain/materiality.ts). */
const PENDING_COLUMNS = { pendingSince: "timestamp" } as const;

export interface RecomputeResult {
  items: number;
  rowsWritten: number;
  /** Catalog rows deleted because their item id is no longer the variant's (currentSyncRows, app/domain/sync-rows.ts). */
  rowsRetired: number;
  /** The context decided with, when items were (for the caller to reuse). */
  context?: RecomputeContext;
}

interface ConnectedChannel {
  channel: CatalogChannel;
  template: string;
  countryCode?: string;
}

/**
 * Everything a recompute decides with besides the items themselves: rules, channel
 * settings, measured timing, connected catalogs, the shop's prior sales speed.
 */
export interface RecomputeContext {
  /** The shop row's updatedAt when loaded: every change to rules, settings or connections requests a recompute, which updates it. */
  shopVersion: number | null;
  loadedAtMs: number;
  /** When the fast signals (demand lift, prior, in-flight lag, queues) were last brought up to date (recompute-signals.server.ts). */
  signalsAtMs: number;
  /** Tracked items when loaded: the prior's divisor. */
  trackedItems: number;
  allocation: Omit<AllocationContext, "nowMs">;
  connected: ConnectedChannel[];
  holdsReleased: boolean;
}

export async function loadRecomputeContext(
  database: Database,
  shop: string,
  now: Date,
  options: { pushIntervalMs?: Partial<Record<ChannelId, number>> } = {},
): Promise<RecomputeContext> {
  const [ruleSet, settings, timing, connected, shopRow, trackedItems] = await Promise.all([
    loadRuleSet(database, shop),
    loadChannelSettings(database, shop),
    loadChannelTiming(database, shop, now, { pushIntervalMs: options.pushIntervalMs }),
    connectedCatalogs(database, shop),
    database.shop.findUnique({ where: { shop }, select: { settings: true, updatedAt: true } }),
    database.variant.count({ where: { shop, deletedAt: null, tracked: true } }),
  ]);
  const signals = await loadShopSignals(database, shop, now, trackedItems);
  return {
    shopVersion: shopRow?.updatedAt.getTime() ?? null,
    loadedAtMs: now.getTime(),
    signalsAtMs: now.getTime(),
    trackedItems,
    allocation: { rules: compileRuleSet(ruleSet), settings, timing, ...signals },
    connected,
    // "Release all holds": the Online Store shows every unit until the merchant resumes holds.
    holdsReleased: holdsReleasedIn(shopSettingsOf(shopRow?.settings)),
  };
}

export async function recomputeShop(
  database: Database,
  shop: string,
  options: {
    now: Date;
    scope: "dirty" | "all";
    provider: DatabaseProvider;
    /** The worker's push intervals: the wait between pushes is part of each channel's delay. */
    pushIntervalMs?: Partial<Record<ChannelId, number>>;
    /** A context loaded earlier (the worker keeps one between full recomputes); loaded here when absent. */
    context?: RecomputeContext;
  },
): Promise<RecomputeResult> {
  // Most ingest passes find nothing changed: answer that before loading rules and timing.
  if (
    options.scope === "dirty" &&
    (await database.masterRecord.findFirst({ where: { shop, dirty: true }, select: { variantGid: true } })) === null
  ) {
    return { items: 0, rowsWritten: 0, rowsRetired: 0 };
  }
  // A context kept from the last full recompute: its rush and lag signals brought up to now.
  const loaded = options.context
    ? await refreshSignals(database, shop, options.now, options.context)
    : await loadRecomputeContext(database, shop, options.now, { pushIntervalMs: options.pushIntervalMs });
  const decide: PageDecision = {
    shop,
    connected: loaded.connected,
    allocation: { ...loaded.allocation, nowMs: options.now.getTime() },
    rows: {
      onlineStoreLocations: loaded.allocation.settings.online_store.locations,
      holdsReleased: loaded.holdsReleased,
      encode: encodeItemValue,
      now: options.now,
    },
  };
  const result: RecomputeResult = { items: 0, rowsWritten: 0, rowsRetired: 0, context: loaded };

  let cursor: string | undefined;
  for (;;) {
    const page = await nextPage(database, shop, options.scope, cursor);
    if (page === null) break;
    cursor = page.gids.at(-1);
    const loadedAt = new Date();
    const stored = await loadPageState(database, shop, page.variants, options.now);
    const { plan, retired } = decidePage(page.variants, stored, decide);
    await writePage(database, shop, options.provider, { plan, retired, gids: page.gids, loadedAt });
    result.items += page.variants.length;
    result.rowsWritten += plan.created.length + plan.decided.length + plan.redecided.length;
    result.rowsRetired += retired.length;
    if (page.gids.length < PAGE_SIZE) break;
  }
  return result;
}

/**
 * The next page of tracked variants after `cursor`: with "dirty", only those whose master
 * record changed since they were last computed (`gids` is then the dirty page, whose records
 * are marked clean, even those no longer tracked). Null when there is none left.
 */
async function nextPage(
  database: Database,
  shop: string,
  scope: "dirty" | "all",
  cursor: string | undefined,
): Promise<{ variants: Variant[]; gids: string[] } | null> {
  const dirtyPage = scope === "dirty" ? await dirtyVariantGids(database, shop, PAGE_SIZE, cursor) : null;
  if (dirtyPage !== null && dirtyPage.length === 0) return null;
  const variants = await database.variant.findMany({
    where: {
      shop,
      deletedAt: null,
      tracked: true,
      ...(dirtyPage ? { gid: { in: dirtyPage } } : cursor ? { gid: { gt: cursor } } : {}),
    },
    orderBy: { gid: "asc" },
    take: PAGE_SIZE,
  });
  const gids = dirtyPage ?? variants.map((variant) => variant.gid);
  return gids.length === 0 ? null : { variants, gids };
}

/** What a page's decisions start from: master records, overrides in force, sync rows. */
interface PageState {
  recordOf: Map<string, MasterRecord>;
  overrides: ManualOverride[];
  rowsOf: Map<string, SyncRow[]>;
}

async function loadPageState(
  database: Database,
  shop: string,
  variants: readonly Variant[],
  now: Date,
): Promise<PageState> {
  const gids = variants.map((variant) => variant.gid);
  // Master records and sync rows of a page in raw SQL: the ORM's own work on these rows cost three
  // to four times the query (a full recompute loads every item's, every five minutes).
  // Not the explanations: they are most of the bytes, and only written here.
  const inPage = Prisma.join(gids.length > 0 ? gids : [""]);
  const [storedRecords, overrides, states] = await Promise.all([
    database.$queryRaw<{ variantGid: string; record: unknown }[]>`
      SELECT "variantGid", "record" FROM "MasterRecord" WHERE "shop" = ${shop} AND "variantGid" IN (${inPage})`,
    database.override.findMany({ where: { shop, variantGid: { in: gids }, expiresAt: { gt: now } } }),
    database.$queryRaw<SyncRow[]>`
      SELECT "variantGid", "channel", "itemKey", "desired", "desiredAvailability", "dampingState", "pushed", "pendingSince",
        "confirmed"
      FROM "ChannelItemState" WHERE "shop" = ${shop} AND "variantGid" IN (${inPage})`,
  ]);
  return {
    recordOf: new Map(storedRecords.map((row) => [row.variantGid, decodeMasterRecord({ shop, ...row })])),
    overrides: overrides.map((override) => ({
      channel: override.channel as ChannelId,
      variantId: variantGid(override.variantGid),
      quantity: override.quantity,
      expiresAtMs: override.expiresAt.getTime(),
    })),
    rowsOf: groupBy(states, (state) => state.variantGid),
  };
}

/** What is the same for every page of one recompute. */
interface PageDecision {
  shop: string;
  connected: readonly ConnectedChannel[];
  allocation: AllocationContext;
  rows: SyncRowSettings<Date>;
}

const EXPLAIN = { explain: true } as const;
const NO_ROWS: readonly SyncRow[] = [];

/** Each variant's allocation, and the sync rows it changes or retires (app/domain/sync-rows.ts). */
function decidePage(
  variants: readonly Variant[],
  state: PageState,
  decide: PageDecision,
): { plan: SyncRowPlan<Date>; retired: SyncRow[] } {
  const plan: SyncRowPlan<Date> = { created: [], decided: [], redecided: [] };
  const retired: SyncRow[] = [];
  for (const variant of variants) {
    const record = state.recordOf.get(variant.gid) ?? emptyMasterRecord(decide.shop, variant.gid);
    const catalogKeys = catalogItemKeys(decide.connected, variant);
    // Rows under an earlier template's ids are retired here, since every template change requests a full recompute.
    const rows = currentSyncRows(state.rowsOf.get(variant.gid) ?? NO_ROWS, catalogKeys, retired);
    const memory = syncRowMemory(variantGid(variant.gid), rows, state.overrides);
    const allocation = allocateItem(
      {
        variantId: variantGid(variant.gid),
        productId: productGid(variant.productGid),
        collectionIds: parseCollections(variant.collectionGids),
        record,
        memory,
      },
      decide.allocation,
      EXPLAIN,
    );
    const item = {
      variantGid: variant.gid,
      inventoryItemGid: variant.inventoryItemGid,
      record,
      allocation,
      catalogKeys,
      rows,
    };
    planSyncRows(item, decide.rows, plan);
  }
  return { plan, retired };
}

/**
 * The catalog item this variant is now, by each connection's item-id template (null
 * when the template cannot name it, e.g. {sku} without a SKU: listed as unmatched in the UI).
 */
function catalogItemKeys(connected: readonly ConnectedChannel[], variant: Variant): CatalogItemKeys {
  const catalogKeys = new Map<CatalogChannel, string | null>();
  for (const catalog of connected) {
    try {
      catalogKeys.set(
        catalog.channel,
        renderItemId(catalog.template, {
          variantId: variant.gid,
          productId: variant.productGid,
          countryCode: catalog.countryCode,
          sku: variant.sku,
        }),
      );
    } catch {
      catalogKeys.set(catalog.channel, null);
    }
  }
  return catalogKeys;
}

/**
 * One transaction a page: retired rows deleted, new rows in one insert, changed rows in two
 * bulk updates (a new desired also clears the retry state, so a parked row gets a fresh try;
 * an unchanged one keeps it), and the page's master records marked clean.
 */
async function writePage(
  database: Database,
  shop: string,
  provider: DatabaseProvider,
  page: { plan: SyncRowPlan<Date>; retired: readonly SyncRow[]; gids: string[]; loadedAt: Date },
): Promise<void> {
  const { plan, retired } = page;
  await database.$transaction(async (tx) => {
    for (const channel of ["meta", "google"] as const) {
      const itemKeys = retired.filter((row) => row.channel === channel).map((row) => row.itemKey);
      if (itemKeys.length > 0)
        await tx.channelItemState.deleteMany({ where: { shop, channel, itemKey: { in: itemKeys } } });
    }
    if (plan.created.length > 0) {
      await tx.channelItemState.createMany({
        data: plan.created.map((row) => ({ shop, ...row, dampingState: row.dampingState as unknown as object })),
      });
    }
    const keys = { channel: "text", itemKey: "text" } as const;
    if (plan.decided.length > 0)
      await updateRows(tx, provider, {
        table: "ChannelItemState",
        shop,
        keys,
        set: DECISION_COLUMNS,
        rows: plan.decided,
      });
    if (plan.redecided.length > 0) {
      const rows = plan.redecided.map((row) => ({ ...row, parkedAt: null, attempts: 0, nextAttemptAt: null }));
      await updateRows(tx, provider, {
        table: "ChannelItemState",
        shop,
        keys,
        set: { ...DECISION_COLUMNS, ...FRESH_TRY_COLUMNS, ...PENDING_COLUMNS },
        rows,
      });
    }
    await tx.masterRecord.updateMany({
      // Cleared only if unchanged since loaded: a change made meanwhile stays dirty.
      where: { shop, variantGid: { in: page.gids }, dirty: true, updatedAt: { lte: page.loadedAt } },
      data: { dirty: false },
    });
  });
}

/** What the recompute reads of a ChannelItemState row. */
interface SyncRow {
  variantGid: string;
  channel: string;
  itemKey: string;
  desired: number;
  desiredAvailability: string;
  dampingState: unknown;
  pushed: number | null;
  pendingSince: Date | null;
  /** What the channel was last seen showing: with pushed, the most it may show (syncRowMemory). */
  confirmed: number | null;
}

async function dirtyVariantGids(database: Database, shop: string, take: number, after?: string): Promise<string[]> {
  const rows = await database.masterRecord.findMany({
    where: { shop, dirty: true, ...(after ? { variantGid: { gt: after } } : {}) },
    orderBy: { variantGid: "asc" },
    take,
    select: { variantGid: true },
  });
  return rows.map((row) => row.variantGid);
}

async function connectedCatalogs(database: Database, shop: string): Promise<ConnectedChannel[]> {
  const rows = await database.channelConnection.findMany({
    where: {
      shop,
      channel: { in: ["meta", "google"] },
      encryptedCredentials: { not: null },
      state: { not: "disconnected" },
    },
  });
  const catalogs: ConnectedChannel[] = [];
  for (const row of rows) {
    if (row.channel === "meta") {
      const config = metaConfigSchema.safeParse(row.config);
      if (config.success)
        catalogs.push({ channel: "meta", template: config.data.itemIdTemplate, countryCode: config.data.countryCode });
    } else {
      const config = googleConfigSchema.safeParse(row.config);
      if (config.success)
        catalogs.push({
          channel: "google",
          template: config.data.itemIdTemplate,
          countryCode: config.data.countryCode,
        });
    }
  }
  return catalogs;
}

function parseCollections(value: unknown) {
  if (!Array.isArray(value)) return [];
  return value
    .filter((entry): entry is string => typeof entry === "string" && /^gid:\/\/shopify\/Collection\/\d+$/.test(entry))
    .map(collectionGid);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

import type { Database, DatabaseProvider } from "~/db.server";
import { Prisma } from "~/generated/sqlite/client";
import { googleConfigSchema, metaConfigSchema } from "~/channels/connection-config";
import { loadChannelSettings } from "~/channels/connection-store.server";
import { renderItemId } from "~/channels/item-ids";
import { encodeItemValue } from "~/channels/item-value";
import {
  allocateItem,
  collectionGid,
  DEFAULT_VELOCITY_CONFIG,
  compileRuleSet,
  dampingEquivalent,
  productGid,
  variantGid,
  type AllocationContext,
  type ChannelDecision,
  type ChannelId,
  type DampingState,
  type ItemChannelMemory,
} from "~/domain";
import { splitOnlineStoreTarget } from "~/domain/online-store-split";
import { loadRuleSet } from "~/rules/rule-store.server";
import { updateRows } from "~/db/bulk-update.server";
import { decodeMasterRecord, emptyMasterRecord } from "~/records/master-records.server";
import { holdsReleasedIn, shopSettingsOf } from "~/records/shop-settings.server";
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
  /** Catalogue rows deleted because their item id is no longer the variant's (see below). */
  rowsRetired: number;
  /** The context decided with, when items were (for the caller to reuse). */
  context?: RecomputeContext;
}

interface ConnectedChannel {
  channel: "meta" | "google";
  template: string;
  countryCode?: string;
}

/**
 * Everything a recompute decides with besides the items themselves: rules, channel
 * settings, measured timing, connected catalogues, the shop's prior sales speed.
 */
export interface RecomputeContext {
  /** The shop row's updatedAt when loaded: every change to rules, settings or connections requests a recompute, which updates it. */
  shopVersion: number | null;
  loadedAtMs: number;
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
  const [ruleSet, settings, timing, connected, shopRow, priorRatePerMs] = await Promise.all([
    loadRuleSet(database, shop),
    loadChannelSettings(database, shop),
    loadChannelTiming(database, shop, now, { pushIntervalMs: options.pushIntervalMs }),
    connectedCatalogs(database, shop),
    database.shop.findUnique({ where: { shop }, select: { settings: true, updatedAt: true } }),
    shopPriorRatePerMs(database, shop, now),
  ]);
  return {
    shopVersion: shopRow?.updatedAt.getTime() ?? null,
    loadedAtMs: now.getTime(),
    allocation: { rules: compileRuleSet(ruleSet), settings, timing, priorRatePerMs },
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
  const { provider } = options;
  const nowMs = options.now.getTime();
  // Most ingest passes find nothing changed: answer that before loading rules and timing.
  if (options.scope === "dirty" && (await database.masterRecord.findFirst({ where: { shop, dirty: true }, select: { variantGid: true } })) === null) {
    return { items: 0, rowsWritten: 0, rowsRetired: 0 };
  }
  const loaded = options.context ?? (await loadRecomputeContext(database, shop, options.now, { pushIntervalMs: options.pushIntervalMs }));
  const { connected, holdsReleased } = loaded;
  const settings = loaded.allocation.settings;
  const context: AllocationContext = { ...loaded.allocation, nowMs };
  const result: RecomputeResult = { items: 0, rowsWritten: 0, rowsRetired: 0, context: loaded };

  let cursor: string | undefined;
  for (;;) {
    // "dirty": only variants whose master record changed since they were last computed.
    const dirtyPage = options.scope === "dirty" ? await dirtyVariantGids(database, shop, PAGE_SIZE, cursor) : null;
    if (dirtyPage !== null && dirtyPage.length === 0) break;
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
    const pageGids = dirtyPage ?? variants.map((variant) => variant.gid);
    if (pageGids.length === 0) break;
    cursor = pageGids.at(-1);
    const gids = variants.map((variant) => variant.gid);
    const loadedAt = new Date();

    // Master records and sync rows of a page in raw SQL: the ORM's own work on these rows cost three
    // to four times the query (a full recompute loads every item's, every five minutes).
    // Not the explanations: they are most of the bytes, and only written here.
    const inPage = Prisma.join(gids.length > 0 ? gids : [""]);
    const [storedRecords, overrides, states] = await Promise.all([
      database.$queryRaw<{ variantGid: string; record: unknown }[]>`
        SELECT "variantGid", "record" FROM "MasterRecord" WHERE "shop" = ${shop} AND "variantGid" IN (${inPage})`,
      database.override.findMany({ where: { shop, variantGid: { in: gids }, expiresAt: { gt: options.now } } }),
      database.$queryRaw<SyncRow[]>`
        SELECT "variantGid", "channel", "itemKey", "desired", "desiredAvailability", "dampingState", "pushed", "pendingSince"
        FROM "ChannelItemState" WHERE "shop" = ${shop} AND "variantGid" IN (${inPage})`,
    ]);
    const recordOf = new Map(storedRecords.map((row) => [row.variantGid, decodeMasterRecord({ shop, ...row })]));
    const statesOf = groupBy(states, (state) => state.variantGid);

    // New rows in one insert; changed rows in two bulk updates (a new decision also clears
    // the retry state, so a parked row gets a fresh try; an unchanged one keeps it).
    const creates: Prisma.ChannelItemStateCreateManyInput[] = [];
    const decided: Record<string, unknown>[] = [];
    const redecided: Record<string, unknown>[] = [];
    const retired: { channel: "meta" | "google"; itemKey: string }[] = [];
    for (const variant of variants) {
      const record = recordOf.get(variant.gid) ?? emptyMasterRecord(shop, variant.gid);
      // The catalogue item this variant is now, by the connection's item-id template (null
      // when the template cannot name it, e.g. {sku} without a SKU).
      const catalogKeys = new Map<"meta" | "google", string | null>();
      for (const catalog of connected) {
        try {
          catalogKeys.set(catalog.channel, renderItemId(catalog.template, {
            variantId: variant.gid,
            productId: variant.productGid,
            countryCode: catalog.countryCode,
            sku: variant.sku,
          }));
        } catch {
          catalogKeys.set(catalog.channel, null); // listed as unmatched in the UI
        }
      }
      // Rows under any other id were kept for an earlier template (or SKU): the worker would
      // go on reading them back, the monitor counting them (parked, unconfirmed, drifting)
      // and the engine adding their pushed quantity to this item's. Retired here, since
      // every template change requests a full recompute.
      const isStale = (row: { channel: string; itemKey: string }) =>
        (row.channel === "meta" || row.channel === "google") && catalogKeys.has(row.channel) && catalogKeys.get(row.channel) !== row.itemKey;
      const stale = (statesOf.get(variant.gid) ?? []).filter(isStale);
      for (const row of stale) retired.push({ channel: row.channel as "meta" | "google", itemKey: row.itemKey });
      const existing = (statesOf.get(variant.gid) ?? []).filter((row) => !isStale(row));
      const memory: Partial<Record<ChannelId, ItemChannelMemory>> = {};
      for (const channel of ["online_store", "meta", "google"] as const) {
        const rows = existing.filter((row) => row.channel === channel);
        const override = overrides.find((candidate) => candidate.channel === channel);
        memory[channel] = {
          override: override
            ? { channel, variantId: variantGid(variant.gid), quantity: override.quantity, expiresAtMs: override.expiresAt.getTime() }
            : null,
          damping: (rows[0]?.dampingState as DampingState | null) ?? undefined,
          lastPushed: rows.length > 0 && rows.every((row) => row.pushed !== null) ? sum(rows.map((row) => row.pushed ?? 0)) : null,
        };
      }
      const allocation = allocateItem(
        {
          variantId: variantGid(variant.gid),
          productId: productGid(variant.productGid),
          collectionIds: parseCollections(variant.collectionGids),
          record,
          memory,
        },
        context,
        { explain: true },
      );

      const desiredRows: DesiredRow[] = [];
      const onlineStore = allocation.decisions.online_store;
      for (const target of splitOnlineStoreTarget(record, settings.online_store.locations, onlineStore.quantity)) {
        const desired = holdsReleased ? target.pool : target.available;
        desiredRows.push({
          channel: "online_store",
          itemKey: `${variant.inventoryItemGid}|${target.locationId}`,
          decision: onlineStore,
          desired,
          availability: desired > 0 ? "in_stock" : "out_of_stock",
          split: { locationId: target.locationId, pool: target.pool, shownTotal: onlineStore.quantity, holdsReleased },
        });
      }
      for (const catalog of connected) {
        const decision = allocation.decisions[catalog.channel];
        const itemKey = catalogKeys.get(catalog.channel);
        if (!itemKey) continue;
        const desired = encodeItemValue(catalog.channel, decision);
        desiredRows.push({ channel: catalog.channel, itemKey, decision, desired, availability: decision.availability, split: null });
      }

      for (const row of desiredRows) {
        const current = existing.find((state) => state.channel === row.channel && state.itemKey === row.itemKey);
        // A frozen channel keeps what it was last shown: nothing new to push.
        const desired = row.decision.push ? row.desired : (current?.pushed ?? current?.desired ?? row.desired);
        const explanation = { ...(row.decision.explanation ?? {}), split: row.split, risk: row.decision.risk } as object;
        const damping = row.decision.damping as unknown as object;
        const changed =
          current === undefined ||
          current.desired !== desired ||
          current.desiredAvailability !== row.availability ||
          !dampingEquivalent(current.dampingState as DampingState | null, row.decision.damping, row.channel === "google");
        if (!changed) continue;
        const fields = {
          variantGid: variant.gid,
          desired,
          desiredAvailability: row.availability,
          explanation,
          dampingState: damping,
          computedAt: options.now,
        };
        if (current === undefined) creates.push({ shop, channel: row.channel, itemKey: row.itemKey, ...fields, pendingSince: options.now });
        else if (current.desired === desired) decided.push({ channel: row.channel, itemKey: row.itemKey, ...fields });
        else {
          // A difference keeps the time it began while it lasts, however often desired moves.
          const wasPending = current.pushed !== current.desired && current.pendingSince !== null;
          const pendingSince = desired === current.pushed ? null : wasPending ? current.pendingSince : options.now;
          redecided.push({ channel: row.channel, itemKey: row.itemKey, ...fields, pendingSince });
        }
      }
    }

    await database.$transaction(async (tx) => {
      for (const channel of ["meta", "google"] as const) {
        const itemKeys = retired.filter((row) => row.channel === channel).map((row) => row.itemKey);
        if (itemKeys.length > 0) await tx.channelItemState.deleteMany({ where: { shop, channel, itemKey: { in: itemKeys } } });
      }
      if (creates.length > 0) await tx.channelItemState.createMany({ data: creates });
      const keys = { channel: "text", itemKey: "text" } as const;
      if (decided.length > 0) await updateRows(tx, provider, { table: "ChannelItemState", shop, keys, set: DECISION_COLUMNS, rows: decided });
      if (redecided.length > 0) {
        const rows = redecided.map((row) => ({ ...row, parkedAt: null, attempts: 0, nextAttemptAt: null }));
        await updateRows(tx, provider, { table: "ChannelItemState", shop, keys, set: { ...DECISION_COLUMNS, ...FRESH_TRY_COLUMNS, ...PENDING_COLUMNS }, rows });
      }
      await tx.masterRecord.updateMany({
        // Cleared only if unchanged since loaded: a change made meanwhile stays dirty.
        where: { shop, variantGid: { in: pageGids }, dirty: true, updatedAt: { lte: loadedAt } },
        data: { dirty: false },
      });
    });
    result.items += variants.length;
    result.rowsWritten += creates.length + decided.length + redecided.length;
    result.rowsRetired += retired.length;
    if (pageGids.length < PAGE_SIZE) break;
  }
  return result;
}

/**
 * The sales speed assumed for an item before its first sale: the shop's orders over the
 * velocity's long horizon, per tracked item. A store selling 100 orders an hour over 500
 * items gives each unsold item 0.2 an hour until it has a speed of its own.
 */
async function shopPriorRatePerMs(database: Database, shop: string, now: Date): Promise<number> {
  const horizonMs = DEFAULT_VELOCITY_CONFIG.longHorizonMs;
  const [orders, items] = await Promise.all([
    database.orderRecord.count({ where: { shop, placedAt: { gte: new Date(now.getTime() - horizonMs), lte: now } } }),
    database.variant.count({ where: { shop, deletedAt: null, tracked: true } }),
  ]);
  return items > 0 ? orders / items / horizonMs : 0;
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
}

interface DesiredRow {
  channel: ChannelId;
  itemKey: string;
  decision: ChannelDecision;
  desired: number;
  availability: "in_stock" | "out_of_stock";
  split: { locationId: string; pool: number; shownTotal: number; holdsReleased: boolean } | null;
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
    where: { shop, channel: { in: ["meta", "google"] }, encryptedCredentials: { not: null }, state: { not: "disconnected" } },
  });
  const catalogs: ConnectedChannel[] = [];
  for (const row of rows) {
    if (row.channel === "meta") {
      const config = metaConfigSchema.safeParse(row.config);
      if (config.success) catalogs.push({ channel: "meta", template: config.data.itemIdTemplate, countryCode: config.data.countryCode });
    } else {
      const config = googleConfigSchema.safeParse(row.config);
      if (config.success) catalogs.push({ channel: "google", template: config.data.itemIdTemplate, countryCode: config.data.countryCode });
    }
  }
  return catalogs;
}

function parseCollections(value: unknown) {
  if (!Array.isArray(value)) return [];
  return value.filter((entry): entry is string => typeof entry === "string" && /^gid:\/\/shopify\/Collection\/\d+$/.test(entry)).map(collectionGid);
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

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

import type { ChannelConnector, PushItem } from "~/channels/types";
import type { Database, DatabaseProvider } from "~/db.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { readItemLevels } from "~/shopify/inventory.server";
import {
  applyOwnHoldsToRecords,
  deleteJournalled,
  HoldMoveJournal,
  isHoldMoveSender,
  levelKeyOf,
  type OwnHoldMove,
  replayPendingMoves,
  splitLevelKey,
  writeOwnHolds,
} from "./holds.server";

/**
 * Releasing exactly what Ballast held: its own units in safety_stock (HeldStock) go back to
 * available, with compare-and-swap and journalled like every move; the merchant's own
 * safety stock is never touched, and nothing is ever held here. Levels the merchant
 * deactivated are released too: since Admin API 2026-04 they keep their quantities, and the
 * connector reads them (`includeInactive: true`) like any other.
 */
export interface ReleaseSummary {
  /** Units moved safety_stock → available. */
  released: number;
  /** Levels (item, location) released from. */
  items: number;
  /** Ballast's own units still held afterwards (Shopify unreachable, a level that kept changing, a pending journalled move). */
  remaining: number;
}

/** Wanted `available` for a release: above anything reachable, so the plan releases all of Ballast's own units and never holds. */
const RELEASE_ALL = Number.MAX_SAFE_INTEGER;

/**
 * Moves Ballast's own units back safety_stock → available at every level where it holds
 * some (or only `itemKeys`). Must run where no other Online Store push runs for the shop
 * at the same time: the worker's (shop, online_store) lease (its push lane, or the
 * release_holds operation, which claims that lease).
 */
export async function releaseOwnHolds(
  database: Database,
  shop: string,
  connector: ChannelConnector,
  now: Date,
  options: { provider: DatabaseProvider; signal?: AbortSignal; itemKeys?: readonly string[] },
): Promise<ReleaseSummary> {
  const summary: ReleaseSummary = { released: 0, items: 0, remaining: 0 };
  // Moves journalled and never recorded first: the count below must include them.
  if (isHoldMoveSender(connector)) {
    const replay = await replayPendingMoves(database, shop, connector, now, {
      provider: options.provider,
      signal: options.signal,
    });
    if (replay.pending > 0) {
      summary.remaining = await ownUnitsHeld(database, shop);
      return summary;
    }
  }
  const only = options.itemKeys ? new Set(options.itemKeys) : null;
  const rows = (
    await database.heldStock.findMany({
      where: { shop, units: { gt: 0 } },
      orderBy: [{ inventoryItemGid: "asc" }, { locationGid: "asc" }],
    })
  ).filter((row) => !only || only.has(levelKeyOf(row)));
  const batchSize = connector.capabilities.maxBatchSize;
  for (let start = 0; start < rows.length; start += batchSize) {
    if (options.signal?.aborted) break;
    const chunk = rows.slice(start, start + batchSize);
    const ownBefore = new Map(chunk.map((row) => [levelKeyOf(row), row.units]));
    const variantOf = new Map(chunk.map((row) => [levelKeyOf(row), row.variantGid]));
    const batch: PushItem[] = chunk.map((row) => ({
      itemKey: levelKeyOf(row),
      quantity: RELEASE_ALL,
      availability: "in_stock",
      ownHeld: row.units,
    }));
    const journal = new HoldMoveJournal(database, shop, (itemKey) => variantOf.get(itemKey), now);
    const results = await connector.push(batch, { ...(options.signal ? { signal: options.signal } : {}), journal });

    const holds: { itemKey: string; variantGid: string; units: number }[] = [];
    const recordMoves: OwnHoldMove[] = [];
    for (const result of results) {
      // The item or its level is gone from Shopify (not merely inactive: an inactive level is
      // read and released like any other): so are the units Ballast held there.
      if (
        result.status === "permanent" &&
        (result.code === "UNKNOWN_ITEM" || result.code === "ITEM_NOT_STOCKED_AT_LOCATION")
      ) {
        holds.push({ itemKey: result.itemKey, variantGid: variantOf.get(result.itemKey) ?? "", units: 0 });
        continue;
      }
      if (result.status !== "applied" || result.ownHeld === undefined) continue;
      const before = ownBefore.get(result.itemKey) ?? 0;
      const variantGid = variantOf.get(result.itemKey) ?? "";
      const locationId = splitLevelKey(result.itemKey)?.locationGid;
      if (result.ownHeld !== before) holds.push({ itemKey: result.itemKey, variantGid, units: result.ownHeld });
      if (before > result.ownHeld) {
        summary.released += before - result.ownHeld;
        summary.items += 1;
      }
      if (locationId)
        recordMoves.push({
          variantGid,
          locationId,
          ownHeld: result.ownHeld,
          available: result.quantity,
          ...(result.availableBefore === undefined ? {} : { availableBefore: result.availableBefore }),
        });
    }
    await database.$transaction(async (tx) => {
      await writeOwnHolds(tx, shop, now, holds, options.provider);
      await deleteJournalled(tx, shop, journal.settledKeys);
      // The held units are sellable again in the master record; the recompute decides anew.
      // (Marked dirty: the recompute decides anew, and a pushed figure that no longer matches
      // makes the row dirty again when holds resume.)
      await applyOwnHoldsToRecords(tx, shop, options.provider, now, recordMoves, { markDirty: true });
    });
  }
  summary.remaining = await ownUnitsHeld(database, shop);
  return summary;
}

async function ownUnitsHeld(database: Database, shop: string): Promise<number> {
  const total = await database.heldStock.aggregate({ where: { shop, units: { gt: 0 } }, _sum: { units: true } });
  return total._sum.units ?? 0;
}

export interface StrandedLevel {
  itemKey: string;
  variantGid: string;
  /** Ballast's own units as recorded. */
  recorded: number;
  /** Shopify's safety_stock there now (the merchant's included; an inactive level's too); null when the level is gone. */
  safetyStock: number | null;
  /** What a release would return: min(recorded, safety_stock). */
  offered: number;
}

export interface StrandedHoldsCheck {
  /** Levels with units to offer. */
  items: number;
  units: number;
  locations: number;
  levels: StrandedLevel[];
}

/**
 * Units Ballast left held (an uninstall: Shopify revokes the token before app/uninstalled
 * arrives, so nothing could be released then), checked against Shopify now: per level at
 * most min(Ballast's record, Shopify's safety_stock) is offered, on inactive levels too
 * (they keep their quantities since 2026-04). Reads only; the release is
 * `releaseOwnHolds` (the release_holds operation), with compare-and-swap.
 */
export async function checkStrandedHolds(
  database: Database,
  shop: string,
  client: AdminClient,
): Promise<StrandedHoldsCheck> {
  const rows = await database.heldStock.findMany({ where: { shop, units: { gt: 0 } } });
  const levels = rows.length
    ? await readItemLevels(
        client,
        rows.map((row) => ({ inventoryItemId: row.inventoryItemGid, locationId: row.locationGid })),
      )
    : new Map();
  const checked: StrandedLevel[] = rows.map((row) => {
    const itemKey = levelKeyOf(row);
    const level = levels.get(itemKey);
    const safetyStock = level?.status === "found" ? level.safetyStock : null;
    return {
      itemKey,
      variantGid: row.variantGid,
      recorded: row.units,
      safetyStock,
      offered: Math.max(0, Math.min(row.units, safetyStock ?? 0)),
    };
  });
  const offered = checked.filter((level) => level.offered > 0);
  return {
    items: offered.length,
    units: offered.reduce((sum, level) => sum + level.offered, 0),
    locations: new Set(offered.map((level) => splitLevelKey(level.itemKey)?.locationGid)).size,
    levels: checked,
  };
}

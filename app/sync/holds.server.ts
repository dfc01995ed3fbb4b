import type { ChannelConnector, JournalledMove, MoveJournal } from "~/channels/types";
import type { Database, DatabaseProvider, Queryable } from "~/db.server";
import { applyOwnSafetyStockMove, locationGid, type MasterRecord } from "~/domain";
import { logger, type Logger } from "~/logger.server";
import { updateRows, upsertRows } from "~/db/bulk-update.server";
import { loadMasterRecords } from "~/records/master-records.server";

/**
 * Ballast's own holds: the units it moved available → safety_stock itself, per inventory
 * item and location (HeldStock). They are the only safety stock Ballast ever releases;
 * whatever else sits in safety_stock is the merchant's and is never touched.
 *
 * Every inventoryMoveQuantities is journalled (HoldMove) before it is sent, and the journal
 * row is deleted in the transaction that records the result in HeldStock. A move whose
 * answer was never recorded (crash, lost answer) is sent again on the next Online Store
 * push pass with the same idempotency key: Shopify replays the original answer, and the
 * move is counted once. A move Shopify refused moved nothing and is dropped.
 */

export interface LevelKey {
  inventoryItemGid: string;
  locationGid: string;
}

/** `${inventoryItemGid}|${locationGid}`: the Online Store's itemKey. */
export function levelKeyOf(level: LevelKey): string {
  return `${level.inventoryItemGid}|${level.locationGid}`;
}

export function splitLevelKey(itemKey: string): LevelKey | null {
  const [inventoryItemGid, locationGidValue, ...rest] = itemKey.split("|");
  if (!inventoryItemGid || !locationGidValue || rest.length) return null;
  return { inventoryItemGid, locationGid: locationGidValue };
}

export interface OwnHold {
  units: number;
  variantGid: string;
  updatedAt: Date;
}

/** Ballast's own units per itemKey (levels without any are left out). */
export async function loadOwnHolds(
  database: Queryable,
  shop: string,
  itemKeys: readonly string[],
): Promise<Map<string, OwnHold>> {
  const wanted = new Set(itemKeys);
  const items = [
    ...new Set(itemKeys.map((key) => splitLevelKey(key)?.inventoryItemGid).filter((gid): gid is string => !!gid)),
  ];
  const holds = new Map<string, OwnHold>();
  for (let start = 0; start < items.length; start += 500) {
    const rows = await database.heldStock.findMany({
      where: { shop, inventoryItemGid: { in: items.slice(start, start + 500) }, units: { gt: 0 } },
    });
    for (const row of rows) {
      const key = levelKeyOf(row);
      if (wanted.has(key)) holds.set(key, { units: row.units, variantGid: row.variantGid, updatedAt: row.updatedAt });
    }
  }
  return holds;
}

/** Sets Ballast's own units at each level (a level at 0 has no row). Inside the caller's transaction. */
export async function writeOwnHolds(
  database: Queryable,
  shop: string,
  now: Date,
  holds: readonly { itemKey: string; variantGid: string; units: number }[],
  provider: DatabaseProvider,
): Promise<void> {
  const held: Record<string, unknown>[] = [];
  const gone: LevelKey[] = [];
  for (const hold of holds) {
    const level = splitLevelKey(hold.itemKey);
    if (!level) continue;
    const units = Math.max(0, Math.floor(hold.units));
    if (units === 0) gone.push(level);
    else held.push({ ...level, variantGid: hold.variantGid, units, updatedAt: now });
  }
  for (let start = 0; start < gone.length; start += 200) {
    await database.heldStock.deleteMany({ where: { shop, OR: gone.slice(start, start + 200) } });
  }
  await upsertRows(database, provider, {
    table: "HeldStock",
    shop,
    keys: { inventoryItemGid: "text", locationGid: "text" },
    set: { variantGid: "text", units: "integer", updatedAt: "timestamp" },
    rows: held,
  });
}

/** The stored form of a journalled move: its effects name the variant too (HeldStock rows need it). */
interface StoredMove {
  input: JournalledMove["input"];
  effects: { itemKey: string; variantGid: string; delta: number }[];
}

/**
 * The journal one push call writes to: each move is stored before it is sent; the keys
 * Shopify answered are deleted by the caller in the transaction that records the results.
 */
export class HoldMoveJournal implements MoveJournal {
  readonly settled = new Map<string, "applied" | "refused">();

  constructor(
    private readonly database: Queryable,
    private readonly shop: string,
    private readonly variantOf: (itemKey: string) => string | undefined,
    private readonly now: Date,
  ) {}

  async record(move: JournalledMove): Promise<void> {
    const stored: StoredMove = {
      input: move.input,
      effects: move.effects.map((effect) => ({ ...effect, variantGid: this.variantOf(effect.itemKey) ?? "" })),
    };
    await this.database.holdMove.create({
      data: {
        idempotencyKey: move.idempotencyKey,
        shop: this.shop,
        move: stored as unknown as object,
        createdAt: this.now,
      },
    });
  }

  settle(idempotencyKey: string, outcome: "applied" | "refused"): void {
    this.settled.set(idempotencyKey, outcome);
  }

  /** Every answered move's key: delete them with the results. */
  get settledKeys(): string[] {
    return [...this.settled.keys()];
  }
}

export async function deleteJournalled(database: Queryable, shop: string, keys: readonly string[]): Promise<void> {
  if (keys.length) await database.holdMove.deleteMany({ where: { shop, idempotencyKey: { in: [...keys] } } });
}

/** One level after Ballast's move there, as the connector answered. */
export interface OwnHoldMove {
  variantGid: string;
  locationId: string;
  ownHeld: number;
  available: number;
  availableBefore?: number;
}

/**
 * Ballast's own units after a move, into the master record: held units stay part of the
 * sellable stock (the Online Store pool is available + Ballast's own safety stock, never the
 * merchant's). `available` is what Shopify shows after the move; `availableBefore`, what the
 * move was planned on (read after `now`). Inside the caller's transaction. Returns, per move,
 * the available the record holds afterwards (null when the variant has no record).
 */
export async function applyOwnHoldsToRecords(
  database: Queryable,
  shop: string,
  provider: DatabaseProvider,
  now: Date,
  moves: readonly OwnHoldMove[],
  options: { markDirty?: boolean } = {},
): Promise<(number | null)[]> {
  if (!moves.length) return [];
  const storedRecords = await loadMasterRecords(database, shop, [...new Set(moves.map((move) => move.variantGid))], {
    lockFor: provider,
  });
  const changed = new Map<string, MasterRecord>();
  for (const move of moves) {
    const before = storedRecords.get(move.variantGid);
    if (!before) continue;
    const locationId = locationGid(move.locationId);
    // The move was a compare-and-swap on the quantities just read: it is newer than anything
    // the record holds for the location, even stamped in the same millisecond as a read.
    const stamps = before.locations.find((location) => location.locationId === locationId);
    const newest = Math.max(
      stamps?.available?.updatedAtMs ?? -Infinity,
      stamps?.ballastSafetyStock?.updatedAtMs ?? -Infinity,
    );
    const record = applyOwnSafetyStockMove(before, {
      locationId,
      updatedAtMs: Math.max(now.getTime(), newest + 1),
      ballastSafetyStock: move.ownHeld,
      available: move.available,
      ...(move.availableBefore === undefined
        ? {}
        : { startedFrom: { available: move.availableBefore, atMs: now.getTime() } }),
    });
    storedRecords.set(move.variantGid, record);
    changed.set(move.variantGid, record);
  }
  const set: Record<string, "json" | "boolean" | "timestamp"> = options.markDirty
    ? { record: "json", dirty: "boolean", updatedAt: "timestamp" }
    : { record: "json", updatedAt: "timestamp" };
  await updateRows(database, provider, {
    table: "MasterRecord",
    shop,
    keys: { variantGid: "text" },
    set,
    rows: [...changed].map(([variantGid, record]) => ({ variantGid, record, dirty: true, updatedAt: new Date() })),
  });
  // What Shopify shows at each level now, by the record: a later sale may have been kept.
  return moves.map(
    (move) =>
      storedRecords
        .get(move.variantGid)
        ?.locations.find((location) => location.locationId === locationGid(move.locationId))?.available?.value ?? null,
  );
}

/** What the Online Store connector offers for journalled moves (app/channels/online-store/connector.server.ts). */
export interface HoldMoveSender {
  resendMove(
    move: Pick<JournalledMove, "idempotencyKey" | "input">,
    options?: { signal?: AbortSignal },
  ): Promise<"applied" | "refused" | "unknown">;
  readLevels(
    itemKeys: readonly string[],
    options?: { signal?: AbortSignal },
  ): Promise<Map<string, { available: number; safetyStock: number }>>;
}

export function isHoldMoveSender(
  connector: ChannelConnector | HoldMoveSender,
): connector is ChannelConnector & HoldMoveSender {
  return (
    typeof (connector as Partial<HoldMoveSender>).resendMove === "function" &&
    typeof (connector as Partial<HoldMoveSender>).readLevels === "function"
  );
}

export interface ReplaySummary {
  /** Moves Shopify had applied (or applied now), counted once. */
  applied: number;
  /** Moves Shopify refused: nothing moved, dropped. */
  dropped: number;
  /** Moves still unanswered (Shopify unreachable): left in the journal for the next pass. */
  pending: number;
  /** Levels those pending moves touch. */
  pendingItemKeys: Set<string>;
}

/**
 * Sends every journalled move of the shop again, oldest first, with its own idempotency
 * key, and records each answer once: applied → its effects on HeldStock (and the master
 * record, from levels read after the replay), refused → dropped. Run by the Online Store
 * push pass before any new move, under the (shop, online_store) lease.
 */
export async function replayPendingMoves(
  database: Database,
  shop: string,
  sender: HoldMoveSender,
  now: Date,
  options: { provider: DatabaseProvider; signal?: AbortSignal },
): Promise<ReplaySummary> {
  const summary: ReplaySummary = { applied: 0, dropped: 0, pending: 0, pendingItemKeys: new Set() };
  const rows = await database.holdMove.findMany({
    where: { shop },
    orderBy: [{ createdAt: "asc" }, { idempotencyKey: "asc" }],
  });
  if (!rows.length) return summary;
  const log = logger.child({ component: "hold-journal", shop });
  const applied: { key: string; move: StoredMove }[] = [];
  const dropped: string[] = [];
  let unanswered = false;
  for (const row of rows) {
    const move = row.move as unknown as StoredMove;
    // Once Shopify does not answer, the later moves wait too: they were planned on top of it.
    const outcome = unanswered
      ? "unknown"
      : await sender.resendMove({ idempotencyKey: row.idempotencyKey, input: move.input }, { signal: options.signal });
    if (outcome === "applied") applied.push({ key: row.idempotencyKey, move });
    else if (outcome === "refused") dropped.push(row.idempotencyKey);
    else {
      unanswered = true;
      summary.pending += 1;
      for (const effect of move.effects) summary.pendingItemKeys.add(effect.itemKey);
    }
  }
  summary.applied = applied.length;
  summary.dropped = dropped.length;
  if (!applied.length && !dropped.length) return summary;

  const touched = [...new Set(applied.flatMap(({ move }) => move.effects.map((effect) => effect.itemKey)))];
  const levels = await readLevelsAfterReplay(sender, touched, options.signal, log);
  await database.$transaction(async (tx) => {
    const before = await loadOwnHolds(tx, shop, touched);
    const units = new Map<string, { units: number; variantGid: string }>();
    for (const { move } of applied) {
      for (const effect of move.effects) {
        const current = units.get(effect.itemKey) ?? {
          units: before.get(effect.itemKey)?.units ?? 0,
          variantGid: effect.variantGid || before.get(effect.itemKey)?.variantGid || "",
        };
        units.set(effect.itemKey, { units: Math.max(0, current.units + effect.delta), variantGid: current.variantGid });
      }
    }
    const recordMoves: OwnHoldMove[] = [];
    for (const [itemKey, hold] of units) {
      const level = levels?.get(itemKey);
      // Never more than Shopify holds now (read after the replay).
      if (level) hold.units = Math.min(hold.units, Math.max(0, level.safetyStock));
      const locationId = splitLevelKey(itemKey)?.locationGid;
      if (level && locationId && hold.variantGid)
        recordMoves.push({ variantGid: hold.variantGid, locationId, ownHeld: hold.units, available: level.available });
    }
    await writeOwnHolds(
      tx,
      shop,
      now,
      [...units].map(([itemKey, hold]) => ({ itemKey, ...hold })),
      options.provider,
    );
    await applyOwnHoldsToRecords(tx, shop, options.provider, now, recordMoves, { markDirty: true });
    await deleteJournalled(tx, shop, [...applied.map(({ key }) => key), ...dropped]);
  });
  log.info(
    { applied: summary.applied, dropped: summary.dropped, pending: summary.pending },
    "journalled safety-stock moves settled",
  );
  return summary;
}

/**
 * Shopify's levels after the replay, or null when none were touched or the read failed: the
 * holds are still recorded, and reconciliation brings the master record up to date.
 */
async function readLevelsAfterReplay(
  sender: HoldMoveSender,
  touched: readonly string[],
  signal: AbortSignal | undefined,
  log: Logger,
): Promise<Map<string, { available: number; safetyStock: number }> | null> {
  if (!touched.length) return null;
  try {
    return await sender.readLevels(touched, { signal });
  } catch (error) {
    log.warn(
      { err: (error as Error).message },
      "levels not read after replaying journalled moves; reconciliation updates the master record",
    );
    return null;
  }
}

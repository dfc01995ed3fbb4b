import { createHash } from "node:crypto";
import type { MoveChangeInput } from "~/shopify/operations/inventory-move";

/**
 * How the Online Store buffer is written (CHANNELS.md "Shopify has one sellable pool per
 * location"): `available` is made equal to the wanted quantity by moving units between
 * `available` and `safety_stock`. Pure: given what Shopify holds now, the move to make.
 */
export interface CurrentLevel {
  available: number;
  safetyStock: number;
  /**
   * Units Ballast itself moved into safety_stock here (its HeldStock record). The rest of
   * safety_stock is the merchant's: never released. Omitted: Ballast holds none here.
   */
  own?: number;
}

export type MovePlan =
  | { kind: "none"; reached: number; ownAfter: number }
  | { kind: "hold"; quantity: number; reached: number; ownAfter: number }
  | { kind: "release"; quantity: number; reached: number; ownAfter: number };

/**
 * Ballast's own units that are still in safety_stock: never more than Shopify holds there
 * (units the merchant released in Shopify admin are gone from Ballast's share, not theirs).
 */
export function ownUnitsIn(current: CurrentLevel): number {
  return Math.max(0, Math.min(Math.floor(current.own ?? 0), current.safetyStock));
}

/**
 * The move that makes `available` equal to `wanted`: a hold moves the surplus into
 * safety_stock and adds it to Ballast's own units; a release takes back at most Ballast's
 * own units, so the merchant's share of safety_stock (safetyStock − own) never changes.
 * `ownAfter` is Ballast's own units after the move.
 */
export function planMove(current: CurrentLevel, wanted: number): MovePlan {
  const target = Math.max(0, Math.floor(wanted));
  const own = ownUnitsIn(current);
  if (current.available > target) {
    const quantity = current.available - target;
    return { kind: "hold", quantity, reached: target, ownAfter: own + quantity };
  }
  // Only what Ballast itself holds can be released: a request above available + own reaches
  // what it can and says so.
  const release = Math.min(target - current.available, own);
  if (release <= 0) return { kind: "none", reached: current.available, ownAfter: own };
  return { kind: "release", quantity: release, reached: current.available + release, ownAfter: own - release };
}

export interface ItemKeyParts {
  inventoryItemId: string;
  locationId: string;
}

/** `${inventoryItemGid}|${locationGid}` (see PushItem in ~/channels/types). */
export function parseItemKey(itemKey: string): ItemKeyParts | null {
  const match = /^(gid:\/\/shopify\/InventoryItem\/\d+)\|(gid:\/\/shopify\/Location\/\d+)$/.exec(itemKey);
  return match ? { inventoryItemId: match[1]!, locationId: match[2]! } : null;
}

export function itemKeyOf(parts: ItemKeyParts): string {
  return `${parts.inventoryItemId}|${parts.locationId}`;
}

/** The move with compare-and-swap on both terminals. */
export function moveChange(
  parts: ItemKeyParts,
  current: CurrentLevel,
  plan: Exclude<MovePlan, { kind: "none" }>,
  ledgerDocumentUri: string,
): MoveChangeInput {
  const available = {
    locationId: parts.locationId,
    name: "available" as const,
    ledgerDocumentUri: null,
    changeFromQuantity: current.available,
  };
  const held = {
    locationId: parts.locationId,
    name: "safety_stock" as const,
    ledgerDocumentUri,
    changeFromQuantity: current.safetyStock,
  };
  return plan.kind === "hold"
    ? { inventoryItemId: parts.inventoryItemId, quantity: plan.quantity, from: available, to: held }
    : { inventoryItemId: parts.inventoryItemId, quantity: plan.quantity, from: held, to: available };
}

/**
 * The move's @idempotent key: the changes, the observed quantities and a `nonce` (one per
 * send, kept in the HoldMove journal). The journal, not the key, makes a crash safe: a move
 * journalled and never recorded is sent again with its stored key, so Shopify replays it.
 * Without a nonce, a later move identical to an earlier one (hold 3 from 10, release, hold 3
 * from 10 again) would be "replayed" by Shopify and move nothing. `generation` changes the
 * key after an IDEMPOTENCY_* refusal.
 */
export function idempotencyKeyFor(
  shop: string,
  changes: readonly MoveChangeInput[],
  generation = 0,
  nonce = "",
): string {
  const hash = createHash("sha256");
  hash.update(`${shop}\n${generation}\n${nonce}\n`);
  for (const change of changes) {
    hash.update(
      [
        change.inventoryItemId,
        change.from.locationId,
        change.from.name,
        change.from.changeFromQuantity,
        change.to.name,
        change.to.changeFromQuantity,
        change.quantity,
      ].join("|"),
    );
    hash.update("\n");
  }
  return `ballast-${hash.digest("hex").slice(0, 40)}`;
}

/** What a move does to Ballast's own units in safety_stock at the change's level: + held, − released. */
export function ownEffectOf(change: MoveChangeInput): number {
  if (change.to.name === "safety_stock" && change.from.name === "available") return change.quantity;
  if (change.from.name === "safety_stock" && change.to.name === "available") return -change.quantity;
  return 0;
}

/** userError field paths look like ["input", "changes", "3", "from", "changeFromQuantity"]. */
export function changeIndexOf(field: readonly string[] | null): number | null {
  if (!field || field[0] !== "input" || field[1] !== "changes") return null;
  const index = Number(field[2]);
  return Number.isInteger(index) && index >= 0 ? index : null;
}

/**
 * What a push does after Shopify refuses a move (the mutation is atomic: nothing moved):
 * `reread` the levels and send it again with a new key, try it `later` (Shopify says so),
 * or take it as `refused` for good.
 */
export type MoveErrorVerdict = "reread" | "later" | "refused";

/**
 * Every InventoryMoveQuantitiesUserErrorCode of Admin API 2026-10 and what a push does with
 * it (plan.test.ts holds this list to Shopify's own schema, sim/fakes/shopify/artifacts).
 * 2026-10 removed ITEM_NOT_STOCKED_AT_LOCATION: quantities can be changed at any location
 * (shopify.dev/changelog/removal-of-itemnotstockedatlocation-error); a level Ballast's read
 * does not find is refused before any move (connector.server.ts), not by Shopify.
 */
export const MOVE_ERROR_VERDICTS: Readonly<Record<string, MoveErrorVerdict>> = {
  // The level changed between read and write: read again.
  CHANGE_FROM_QUANTITY_STALE: "reread",
  // The key is still in flight, was used for other changes, or failed once: a new key.
  IDEMPOTENCY_CONCURRENT_REQUEST: "reread",
  IDEMPOTENCY_KEY_PARAMETER_MISMATCH: "reread",
  IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED: "reread",
  // "The quantities couldn't be moved. Try again." / "temporarily unavailable. Try again later."
  MOVE_QUANTITIES_FAILED: "later",
  SERVICE_UNAVAILABLE: "later",
  // The move itself is wrong, or the item cannot be changed through the API (a bundle, say).
  DIFFERENT_LOCATIONS: "refused",
  INTERNAL_LEDGER_DOCUMENT: "refused",
  INVALID_AVAILABLE_DOCUMENT: "refused",
  INVALID_INVENTORY_ITEM: "refused",
  INVALID_LEDGER_DOCUMENT: "refused",
  INVALID_LOCATION: "refused",
  INVALID_QUANTITY_DOCUMENT: "refused",
  INVALID_QUANTITY_NAME: "refused",
  INVALID_QUANTITY_NEGATIVE: "refused",
  INVALID_QUANTITY_TOO_HIGH: "refused",
  INVALID_REASON: "refused",
  INVALID_REFERENCE_DOCUMENT: "refused",
  MAXIMUM_LEDGER_DOCUMENT_URIS: "refused",
  NON_MUTABLE_INVENTORY_ITEM: "refused",
  SAME_QUANTITY_NAME: "refused",
};

/** A code Shopify adds later, or none, is refused: the merchant is told rather than the move retried blindly. */
export function moveErrorVerdict(code: string | null): MoveErrorVerdict {
  return code !== null && Object.hasOwn(MOVE_ERROR_VERDICTS, code) ? MOVE_ERROR_VERDICTS[code]! : "refused";
}

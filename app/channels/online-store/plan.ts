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
}

export type MovePlan =
  | { kind: "none"; reached: number }
  | { kind: "hold"; quantity: number; reached: number }
  | { kind: "release"; quantity: number; reached: number };

export function planMove(current: CurrentLevel, wanted: number): MovePlan {
  const target = Math.max(0, Math.floor(wanted));
  if (current.available > target) {
    return { kind: "hold", quantity: current.available - target, reached: target };
  }
  // Only what Ballast (or anyone) holds in safety_stock can be released: a request above
  // available + safety_stock reaches what it can and says so.
  const release = Math.min(target - current.available, Math.max(0, current.safetyStock));
  if (release <= 0) return { kind: "none", reached: current.available };
  return { kind: "release", quantity: release, reached: current.available + release };
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
export function moveChange(parts: ItemKeyParts, current: CurrentLevel, plan: Exclude<MovePlan, { kind: "none" }>, ledgerDocumentUri: string): MoveChangeInput {
  const available = { locationId: parts.locationId, name: "available" as const, ledgerDocumentUri: null, changeFromQuantity: current.available };
  const held = { locationId: parts.locationId, name: "safety_stock" as const, ledgerDocumentUri, changeFromQuantity: current.safetyStock };
  return plan.kind === "hold"
    ? { inventoryItemId: parts.inventoryItemId, quantity: plan.quantity, from: available, to: held }
    : { inventoryItemId: parts.inventoryItemId, quantity: plan.quantity, from: held, to: available };
}

/**
 * Deterministic per intended change: the same changes from the same observed quantities
 * give the same key, so a retry after a lost answer replays instead of moving twice.
 * `generation` changes the key after an IDEMPOTENCY_* refusal.
 */
export function idempotencyKeyFor(shop: string, changes: readonly MoveChangeInput[], generation = 0): string {
  const hash = createHash("sha256");
  hash.update(`${shop}\n${generation}\n`);
  for (const change of changes) {
    hash.update(
      [change.inventoryItemId, change.from.locationId, change.from.name, change.from.changeFromQuantity, change.to.name, change.to.changeFromQuantity, change.quantity].join("|"),
    );
    hash.update("\n");
  }
  return `ballast-${hash.digest("hex").slice(0, 40)}`;
}

/** userError field paths look like ["input", "changes", "3", "from", "changeFromQuantity"]. */
export function changeIndexOf(field: readonly string[] | null): number | null {
  if (!field || field[0] !== "input" || field[1] !== "changes") return null;
  const index = Number(field[2]);
  return Number.isInteger(index) && index >= 0 ? index : null;
}

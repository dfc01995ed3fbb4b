import type { AdminClient } from "./admin-client.server";
import { AdminApiError } from "./admin-errors";
import type {
  BallastInventoryMoveMutation,
  BallastItemLevelsAtLocationQuery,
  BallastItemLevelsAtLocationQueryVariables,
} from "./generated/admin-types";
import { ITEM_LEVELS_AT_LOCATION_QUERY } from "./operations/inventory-levels";
import {
  INVENTORY_MOVE_MUTATION,
  type InventoryMoveUserError,
  type InventoryMoveVariables,
} from "./operations/inventory-move";

export const MAX_IDS_PER_READ = 250;
export const MAX_CHANGES_PER_MOVE = 250;

export type ItemLevel =
  | {
      status: "found";
      inventoryItemId: string;
      locationId: string;
      available: number;
      safetyStock: number;
      /**
       * False when the merchant deactivated the level (since 2026-04 it keeps its quantities):
       * Ballast's own units there can still be released, but nothing new is held there.
       */
      active: boolean;
    }
  | { status: "unknown_item"; inventoryItemId: string; locationId: string }
  /** No level at all, active or not. */
  | { status: "not_stocked"; inventoryItemId: string; locationId: string };

/**
 * Current available and safety_stock for (item, location) pairs, grouped per location, ≤ 250
 * ids a call. Inactive levels are found too (`active: false`).
 */
export async function readItemLevels(
  client: AdminClient,
  pairs: readonly { inventoryItemId: string; locationId: string }[],
  options: { signal?: AbortSignal } = {},
): Promise<Map<string, ItemLevel>> {
  const byLocation = new Map<string, string[]>();
  for (const pair of pairs) {
    const ids = byLocation.get(pair.locationId) ?? [];
    if (!ids.includes(pair.inventoryItemId)) ids.push(pair.inventoryItemId);
    byLocation.set(pair.locationId, ids);
  }
  const levels = new Map<string, ItemLevel>();
  for (const [locationId, itemIds] of byLocation) {
    for (let start = 0; start < itemIds.length; start += MAX_IDS_PER_READ) {
      const chunk = itemIds.slice(start, start + MAX_IDS_PER_READ);
      const { data } = await client.request<
        BallastItemLevelsAtLocationQuery,
        BallastItemLevelsAtLocationQueryVariables
      >(ITEM_LEVELS_AT_LOCATION_QUERY, { itemIds: chunk, locationId }, options);
      chunk.forEach((inventoryItemId, index) => {
        const node = data.nodes[index];
        const key = levelKey(inventoryItemId, locationId);
        if (!node || !("id" in node)) {
          levels.set(key, { status: "unknown_item", inventoryItemId, locationId });
        } else if (!node.inventoryLevel) {
          levels.set(key, { status: "not_stocked", inventoryItemId, locationId });
        } else {
          const of = (name: string) =>
            node.inventoryLevel!.quantities.find((quantity) => quantity.name === name)?.quantity ?? 0;
          levels.set(key, {
            status: "found",
            inventoryItemId,
            locationId,
            available: of("available"),
            safetyStock: of("safety_stock"),
            active: node.inventoryLevel.isActive,
          });
        }
      });
    }
  }
  return levels;
}

export function levelKey(inventoryItemId: string, locationId: string): string {
  return `${inventoryItemId}|${locationId}`;
}

export type MoveOutcome =
  { ok: true; adjustmentGroupId: string | null } | { ok: false; userErrors: InventoryMoveUserError[] };

/** One inventoryMoveQuantities call. Throws AdminApiError for transport/top-level failures. */
export async function moveQuantities(
  client: AdminClient,
  variables: InventoryMoveVariables,
  options: { signal?: AbortSignal } = {},
): Promise<MoveOutcome> {
  if (variables.input.changes.length > MAX_CHANGES_PER_MOVE) {
    throw new AdminApiError(
      `inventoryMoveQuantities takes at most ${MAX_CHANGES_PER_MOVE} changes`,
      "BAD_REQUEST",
      false,
    );
  }
  const { data } = await client.request<BallastInventoryMoveMutation, InventoryMoveVariables>(
    INVENTORY_MOVE_MUTATION,
    variables,
    options,
  );
  const payload = data.inventoryMoveQuantities;
  if (!payload) throw new AdminApiError("inventoryMoveQuantities returned no payload", "GRAPHQL", false);
  if (payload.userErrors.length) return { ok: false, userErrors: payload.userErrors };
  return { ok: true, adjustmentGroupId: payload.inventoryAdjustmentGroup?.id ?? null };
}

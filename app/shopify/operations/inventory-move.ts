import type {
  BallastInventoryMoveMutation,
  BallastInventoryMoveMutationVariables,
  InventoryMoveQuantityChange,
  InventoryMoveQuantityTerminalInput,
} from "../generated/admin-types";

/**
 * inventoryMoveQuantities (2026-10): every terminal carries `changeFromQuantity`
 * (compare-and-swap) and the mutation the required `@idempotent(key:)` directive.
 * Source: shopify.dev/docs/api/admin-graphql/latest/mutations/inventoryMoveQuantities
 */
export const INVENTORY_MOVE_MUTATION = `#graphql
  mutation BallastInventoryMove($input: InventoryMoveQuantitiesInput!, $idempotencyKey: String!) {
    inventoryMoveQuantities(input: $input) @idempotent(key: $idempotencyKey) {
      inventoryAdjustmentGroup {
        id
        changes(quantityNames: ["available", "safety_stock"]) {
          name
          delta
          quantityAfterChange
          item {
            id
          }
          location {
            id
          }
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

/**
 * One side of a move as Ballast sends it: Shopify's input, narrowed to the two quantities
 * Ballast moves between, with `changeFromQuantity` always given (Shopify rejects a terminal
 * without it; null skips the check) and `ledgerDocumentUri` always spelt out.
 */
export type MoveTerminalInput = InventoryMoveQuantityTerminalInput & {
  name: "available" | "safety_stock";
  ledgerDocumentUri: string | null;
  changeFromQuantity: number | null;
};

export type MoveChangeInput = Omit<InventoryMoveQuantityChange, "from" | "to"> & {
  from: MoveTerminalInput;
  to: MoveTerminalInput;
};

export type InventoryMoveVariables = BallastInventoryMoveMutationVariables & {
  input: { changes: MoveChangeInput[] };
};

export type InventoryMoveUserError = NonNullable<
  BallastInventoryMoveMutation["inventoryMoveQuantities"]
>["userErrors"][number];

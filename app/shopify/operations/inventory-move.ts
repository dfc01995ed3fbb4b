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

export interface MoveTerminalInput {
  locationId: string;
  name: "available" | "safety_stock";
  ledgerDocumentUri: string | null;
  changeFromQuantity: number | null;
}

export interface MoveChangeInput {
  inventoryItemId: string;
  quantity: number;
  from: MoveTerminalInput;
  to: MoveTerminalInput;
}

export interface InventoryMoveVariables {
  [key: string]: unknown;
  input: { reason: string; referenceDocumentUri: string; changes: MoveChangeInput[] };
  idempotencyKey: string;
}

export interface InventoryMoveUserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

export interface InventoryMoveData {
  inventoryMoveQuantities: {
    inventoryAdjustmentGroup: {
      id: string;
      changes: {
        name: string;
        delta: number;
        quantityAfterChange: number | null;
        item: { id: string } | null;
        location: { id: string } | null;
      }[];
    } | null;
    userErrors: InventoryMoveUserError[];
  } | null;
}

/** Quantity names Ballast reads: `available` is what channels sell, `safety_stock` is Ballast's hold. */
export const READ_QUANTITY_NAMES = ["available", "safety_stock", "committed", "on_hand"] as const;

/** All levels of one location, optionally only those updated since a time (incremental reads). */
export const LOCATION_INVENTORY_LEVELS_QUERY = `#graphql
  query BallastLocationInventoryLevels($locationId: ID!, $first: Int!, $after: String, $query: String) {
    location(id: $locationId) {
      id
      inventoryLevels(first: $first, after: $after, query: $query) {
        nodes {
          id
          updatedAt
          item {
            id
          }
          quantities(names: ["available", "safety_stock", "committed", "on_hand"]) {
            name
            quantity
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

/**
 * Current quantities of given items at one location (read before a move, read-back, and
 * wherever Ballast looks for its own held units). Inactive levels too: since 2026-04 a level
 * the merchant deactivated keeps its quantities (Ballast's held units included) and reads
 * leave it out unless `includeInactive: true`; `isActive` tells them apart.
 */
export const ITEM_LEVELS_AT_LOCATION_QUERY = `#graphql
  query BallastItemLevelsAtLocation($itemIds: [ID!]!, $locationId: ID!) {
    nodes(ids: $itemIds) {
      ... on InventoryItem {
        id
        tracked
        inventoryLevel(locationId: $locationId, includeInactive: true) {
          isActive
          quantities(names: ["available", "safety_stock"]) {
            name
            quantity
          }
        }
      }
    }
  }
`;

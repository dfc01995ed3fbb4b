import type { BallastProductVariantsQuery } from "../generated/admin-types";

/**
 * Variants with their product and inventory item: one connection, so a page of 250
 * stays under the 1,000-point single-query limit (2 + 250 × 3 = 752).
 */
export const PRODUCT_VARIANTS_QUERY = `#graphql
  query BallastProductVariants($first: Int!, $after: String, $query: String) {
    productVariants(first: $first, after: $after, query: $query) {
      nodes {
        id
        title
        sku
        barcode
        updatedAt
        product {
          id
          title
          status
        }
        inventoryItem {
          id
          tracked
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export type VariantNode = BallastProductVariantsQuery["productVariants"]["nodes"][number];

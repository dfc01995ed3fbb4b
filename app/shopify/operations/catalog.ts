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

export interface VariantNode {
  id: string;
  title: string;
  sku: string | null;
  barcode: string | null;
  updatedAt: string;
  product: { id: string; title: string; status: "ACTIVE" | "ARCHIVED" | "DRAFT" };
  inventoryItem: { id: string; tracked: boolean };
}

export interface ProductVariantsData {
  productVariants: { nodes: VariantNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

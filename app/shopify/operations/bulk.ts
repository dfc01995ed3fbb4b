/** shopify.dev/docs/api/usage/bulk-operations/queries */
export const BULK_RUN_QUERY_MUTATION = `#graphql
  mutation BallastBulkRunQuery($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export const BULK_OPERATION_STATUS_QUERY = `#graphql
  query BallastBulkOperationStatus($id: ID!) {
    node(id: $id) {
      ... on BulkOperation {
        id
        status
        errorCode
        objectCount
        url
        partialDataUrl
      }
    }
  }
`;

/**
 * Full catalog with levels. Two levels of connections (productVariants → inventoryLevels),
 * within Shopify's bulk nesting limit. Level lines carry `__parentId` = their variant.
 * The app-owned buffer metafields' ids say which products and variants carry buffer
 * settings, possibly added in Shopify admin (read in full by app/rules/metafield-pickup).
 */
export const CATALOG_BULK_QUERY = `
  {
    productVariants {
      edges {
        node {
          id
          title
          sku
          barcode
          updatedAt
          metafield(namespace: "$app", key: "buffer") {
            id
          }
          product {
            id
            title
            status
            metafield(namespace: "$app", key: "buffer") {
              id
            }
          }
          inventoryItem {
            id
            tracked
            inventoryLevels {
              edges {
                node {
                  id
                  location {
                    id
                  }
                  quantities(names: ["available", "safety_stock", "committed", "on_hand"]) {
                    name
                    quantity
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`;

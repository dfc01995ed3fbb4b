/**
 * App-owned buffer configuration: namespace `$app` (Shopify stores it as `app--<api client id>`),
 * key `buffer`, type json. metafieldsSet takes ≤ 25 metafields, is atomic, and honours
 * `compareDigest` (shopify.dev/docs/api/admin-graphql/latest/mutations/metafieldsSet).
 */
export const BUFFER_METAFIELD = { namespace: "$app", key: "buffer", type: "json" } as const;

export const METAFIELDS_SET_MUTATION = `#graphql
  mutation BallastMetafieldsSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields {
        id
        key
        namespace
        value
        compareDigest
      }
      userErrors {
        field
        message
        code
        elementIndex
      }
    }
  }
`;

export const BUFFER_METAFIELDS_READ_QUERY = `#graphql
  query BallastBufferMetafields($ownerIds: [ID!]!) {
    nodes(ids: $ownerIds) {
      ... on Product {
        id
        metafield(namespace: "$app", key: "buffer") {
          value
          compareDigest
        }
      }
      ... on ProductVariant {
        id
        metafield(namespace: "$app", key: "buffer") {
          value
          compareDigest
        }
      }
    }
  }
`;

export interface MetafieldsSetData {
  metafieldsSet: {
    metafields: { id: string; key: string; namespace: string; value: string; compareDigest: string }[] | null;
    userErrors: { field: string[] | null; message: string; code: string | null; elementIndex: number | null }[];
  } | null;
}

export interface BufferMetafieldsReadData {
  nodes: ({ id: string; metafield: { value: string; compareDigest: string } | null } | Record<string, never> | null)[];
}

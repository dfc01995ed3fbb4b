import type { BallastShopBufferMetafieldQuery } from "../generated/admin-types";

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

/**
 * Beside each buffer metafield Ballast keeps a private one (`$app`, key `buffer_synced`, no
 * definition, so merchants neither see nor edit it): the digest of the buffer value as
 * Ballast last wrote or accepted it. A buffer value that no longer matches it was changed
 * in Shopify admin (app/rules/metafield-pickup.server.ts).
 */
export const BUFFER_SYNCED_METAFIELD = {
  namespace: "$app",
  key: "buffer_synced",
  type: "single_line_text_field",
} as const;

const OWNER_FIELDS = `
        id
        buffer: metafield(namespace: "$app", key: "buffer") {
          value
          compareDigest
        }
        synced: metafield(namespace: "$app", key: "buffer_synced") {
          value
        }`;

/** Products, variants and collections by id: ≤ 250 ids (nodes' input limit). */
export const BUFFER_METAFIELDS_READ_QUERY = `#graphql
  query BallastBufferMetafields($ownerIds: [ID!]!) {
    nodes(ids: $ownerIds) {
      ... on Product {${OWNER_FIELDS}
      }
      ... on ProductVariant {${OWNER_FIELDS}
      }
      ... on Collection {${OWNER_FIELDS}
      }
    }
  }
`;

export const SHOP_BUFFER_METAFIELD_QUERY = `#graphql
  query BallastShopBufferMetafield {
    shop {${OWNER_FIELDS}
    }
  }
`;

/** A product, variant, collection or the shop, with its buffer metafield and marker (OWNER_FIELDS). */
export type BufferOwnerNode = BallastShopBufferMetafieldQuery["shop"];

import { buildSchema, type GraphQLSchema } from "graphql";

/**
 * The subset of the Shopify Admin GraphQL 2026-10 schema that Ballast uses, written with
 * the real type, field and argument names so real query documents parse and validate.
 * Anything outside this subset fails validation with graphql-js's real error shapes
 * ("Cannot query field … on type …"), exactly like an unknown field on Shopify.
 */
export const ADMIN_SDL = /* GraphQL */ `
  "Required on inventory mutations since 2026-04 (shopify.dev/docs/api/usage/idempotent-requests)."
  directive @idempotent(key: String!) on FIELD

  scalar DateTime
  scalar URL
  scalar UnsignedInt64

  interface Node {
    id: ID!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type ShopPlan {
    partnerDevelopment: Boolean!
    shopifyPlus: Boolean!
    publicDisplayName: String!
  }

  type Shop implements Node {
    id: ID!
    name: String!
    myshopifyDomain: String!
    currencyCode: String!
    ianaTimezone: String!
    plan: ShopPlan!
    metafield(namespace: String, key: String!): Metafield
    metafields(namespace: String, first: Int, after: String, last: Int, before: String): MetafieldConnection!
  }

  type Location implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    name: String!
    isActive: Boolean!
    fulfillsOnlineOrders: Boolean!
    updatedAt: DateTime!
    inventoryLevel(inventoryItemId: ID!): InventoryLevel
    inventoryLevels(first: Int, after: String, last: Int, before: String, query: String, reverse: Boolean): InventoryLevelConnection!
  }

  enum ProductStatus {
    ACTIVE
    ARCHIVED
    DRAFT
  }

  type Product implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    title: String!
    handle: String!
    status: ProductStatus!
    tracksInventory: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
    variants(first: Int, after: String, last: Int, before: String, reverse: Boolean): ProductVariantConnection!
    metafield(namespace: String, key: String!): Metafield
    metafields(namespace: String, first: Int, after: String, last: Int, before: String): MetafieldConnection!
  }

  type ProductVariant implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    title: String!
    sku: String
    barcode: String
    inventoryQuantity: Int
    createdAt: DateTime!
    updatedAt: DateTime!
    product: Product!
    inventoryItem: InventoryItem!
    metafield(namespace: String, key: String!): Metafield
    metafields(namespace: String, first: Int, after: String, last: Int, before: String): MetafieldConnection!
  }

  type Collection implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    title: String!
    handle: String!
    updatedAt: DateTime!
    metafield(namespace: String, key: String!): Metafield
    metafields(namespace: String, first: Int, after: String, last: Int, before: String): MetafieldConnection!
  }

  type InventoryItem implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    sku: String
    tracked: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
    variant: ProductVariant!
    inventoryLevel(locationId: ID!): InventoryLevel
    inventoryLevels(first: Int, after: String, last: Int, before: String, query: String, reverse: Boolean): InventoryLevelConnection!
  }

  type InventoryQuantity implements Node {
    id: ID!
    name: String!
    quantity: Int!
    updatedAt: DateTime
  }

  type InventoryLevel implements Node {
    id: ID!
    canDeactivate: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
    item: InventoryItem!
    location: Location!
    quantities(names: [String!]!): [InventoryQuantity!]!
  }

  type Metafield implements Node {
    id: ID!
    namespace: String!
    key: String!
    value: String!
    type: String!
    compareDigest: String!
    ownerType: String!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type ProductEdge { cursor: String! node: Product! }
  type ProductConnection { edges: [ProductEdge!]! nodes: [Product!]! pageInfo: PageInfo! }
  type ProductVariantEdge { cursor: String! node: ProductVariant! }
  type ProductVariantConnection { edges: [ProductVariantEdge!]! nodes: [ProductVariant!]! pageInfo: PageInfo! }
  type InventoryItemEdge { cursor: String! node: InventoryItem! }
  type InventoryItemConnection { edges: [InventoryItemEdge!]! nodes: [InventoryItem!]! pageInfo: PageInfo! }
  type InventoryLevelEdge { cursor: String! node: InventoryLevel! }
  type InventoryLevelConnection { edges: [InventoryLevelEdge!]! nodes: [InventoryLevel!]! pageInfo: PageInfo! }
  type LocationEdge { cursor: String! node: Location! }
  type LocationConnection { edges: [LocationEdge!]! nodes: [Location!]! pageInfo: PageInfo! }
  type MetafieldEdge { cursor: String! node: Metafield! }
  type MetafieldConnection { edges: [MetafieldEdge!]! nodes: [Metafield!]! pageInfo: PageInfo! }

  enum BulkOperationStatus {
    CANCELED
    CANCELING
    COMPLETED
    CREATED
    EXPIRED
    FAILED
    RUNNING
  }

  enum BulkOperationErrorCode {
    ACCESS_DENIED
    INTERNAL_SERVER_ERROR
    TIMEOUT
  }

  enum BulkOperationType {
    MUTATION
    QUERY
  }

  type BulkOperation implements Node {
    id: ID!
    status: BulkOperationStatus!
    errorCode: BulkOperationErrorCode
    type: BulkOperationType!
    query: String!
    createdAt: DateTime!
    completedAt: DateTime
    objectCount: UnsignedInt64!
    rootObjectCount: UnsignedInt64!
    fileSize: UnsignedInt64
    url: URL
    partialDataUrl: URL
  }

  type QueryRoot {
    shop: Shop!
    node(id: ID!): Node
    nodes(ids: [ID!]!): [Node]!
    location(id: ID): Location
    locations(first: Int, after: String, last: Int, before: String, query: String, includeInactive: Boolean, reverse: Boolean): LocationConnection!
    product(id: ID!): Product
    products(first: Int, after: String, last: Int, before: String, query: String, reverse: Boolean): ProductConnection!
    productVariant(id: ID!): ProductVariant
    collection(id: ID!): Collection
    productVariants(first: Int, after: String, last: Int, before: String, query: String, reverse: Boolean): ProductVariantConnection!
    inventoryItem(id: ID!): InventoryItem
    inventoryItems(first: Int, after: String, last: Int, before: String, query: String, reverse: Boolean): InventoryItemConnection!
    inventoryLevel(id: ID!): InventoryLevel
    bulkOperation(id: ID!): BulkOperation
    currentBulkOperation(type: BulkOperationType): BulkOperation
  }

  input InventoryMoveQuantityTerminalInput {
    locationId: ID!
    name: String!
    ledgerDocumentUri: String
    changeFromQuantity: Int
  }

  input InventoryMoveQuantityChange {
    inventoryItemId: ID!
    quantity: Int!
    from: InventoryMoveQuantityTerminalInput!
    to: InventoryMoveQuantityTerminalInput!
  }

  input InventoryMoveQuantitiesInput {
    reason: String!
    referenceDocumentUri: String!
    changes: [InventoryMoveQuantityChange!]!
  }

  input InventoryChangeInput {
    delta: Int!
    inventoryItemId: ID!
    locationId: ID!
    ledgerDocumentUri: String
    changeFromQuantity: Int
  }

  input InventoryAdjustQuantitiesInput {
    name: String!
    reason: String!
    referenceDocumentUri: String
    changes: [InventoryChangeInput!]!
  }

  type InventoryChange {
    name: String!
    delta: Int!
    quantityAfterChange: Int
    ledgerDocumentUri: String
    item: InventoryItem
    location: Location
  }

  type InventoryAdjustmentGroup implements Node {
    id: ID!
    createdAt: DateTime!
    reason: String!
    referenceDocumentUri: String
    changes(inventoryItemIds: [ID!], locationIds: [ID!], quantityNames: [String!]): [InventoryChange!]!
  }

  enum InventoryMoveQuantitiesUserErrorCode {
    CHANGE_FROM_QUANTITY_STALE
    DIFFERENT_LOCATIONS
    IDEMPOTENCY_CONCURRENT_REQUEST
    IDEMPOTENCY_KEY_PARAMETER_MISMATCH
    IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED
    INTERNAL_LEDGER_DOCUMENT
    INVALID_AVAILABLE_DOCUMENT
    INVALID_INVENTORY_ITEM
    INVALID_LEDGER_DOCUMENT
    INVALID_LOCATION
    INVALID_QUANTITY_DOCUMENT
    INVALID_QUANTITY_NAME
    INVALID_QUANTITY_NEGATIVE
    INVALID_QUANTITY_TOO_HIGH
    INVALID_REASON
    INVALID_REFERENCE_DOCUMENT
    ITEM_NOT_STOCKED_AT_LOCATION
    MAXIMUM_LEDGER_DOCUMENT_URIS
    MOVE_QUANTITIES_FAILED
    NON_MUTABLE_INVENTORY_ITEM
    SAME_QUANTITY_NAME
    SERVICE_UNAVAILABLE
  }

  type InventoryMoveQuantitiesUserError {
    code: InventoryMoveQuantitiesUserErrorCode
    field: [String!]
    message: String!
  }

  type InventoryMoveQuantitiesPayload {
    inventoryAdjustmentGroup: InventoryAdjustmentGroup
    userErrors: [InventoryMoveQuantitiesUserError!]!
  }

  enum InventoryAdjustQuantitiesUserErrorCode {
    CHANGE_FROM_QUANTITY_STALE
    IDEMPOTENCY_CONCURRENT_REQUEST
    IDEMPOTENCY_KEY_PARAMETER_MISMATCH
    IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED
    INTERNAL_LEDGER_DOCUMENT
    INVALID_AVAILABLE_DOCUMENT
    INVALID_INVENTORY_ITEM
    INVALID_LEDGER_DOCUMENT
    INVALID_LOCATION
    INVALID_QUANTITY_DOCUMENT
    INVALID_QUANTITY_NAME
    INVALID_QUANTITY_TOO_HIGH
    INVALID_QUANTITY_TOO_LOW
    INVALID_REASON
    INVALID_REFERENCE_DOCUMENT
    ITEM_NOT_STOCKED_AT_LOCATION
    MAX_ONE_LEDGER_DOCUMENT
    NON_MUTABLE_INVENTORY_ITEM
  }

  type InventoryAdjustQuantitiesUserError {
    code: InventoryAdjustQuantitiesUserErrorCode
    field: [String!]
    message: String!
  }

  type InventoryAdjustQuantitiesPayload {
    inventoryAdjustmentGroup: InventoryAdjustmentGroup
    userErrors: [InventoryAdjustQuantitiesUserError!]!
  }

  input MetafieldsSetInput {
    ownerId: ID!
    namespace: String
    key: String!
    value: String!
    type: String
    compareDigest: String
  }

  enum MetafieldsSetUserErrorCode {
    APP_NOT_AUTHORIZED
    BLANK
    INCLUSION
    INVALID_TYPE
    INVALID_VALUE
    LESS_THAN_OR_EQUAL_TO
    PRESENT
    STALE_OBJECT
    TOO_LONG
    TOO_SHORT
  }

  type MetafieldsSetUserError {
    code: MetafieldsSetUserErrorCode
    elementIndex: Int
    field: [String!]
    message: String!
  }

  type MetafieldsSetPayload {
    metafields: [Metafield!]
    userErrors: [MetafieldsSetUserError!]!
  }

  type BulkOperationUserError {
    code: String
    field: [String!]
    message: String!
  }

  type BulkOperationRunQueryPayload {
    bulkOperation: BulkOperation
    userErrors: [BulkOperationUserError!]!
  }

  type Mutation {
    inventoryMoveQuantities(input: InventoryMoveQuantitiesInput!): InventoryMoveQuantitiesPayload
    inventoryAdjustQuantities(input: InventoryAdjustQuantitiesInput!): InventoryAdjustQuantitiesPayload
    metafieldsSet(metafields: [MetafieldsSetInput!]!): MetafieldsSetPayload
    bulkOperationRunQuery(query: String!, groupObjects: Boolean): BulkOperationRunQueryPayload
  }

  schema {
    query: QueryRoot
    mutation: Mutation
  }
`;

let cached: GraphQLSchema | undefined;

export function adminSchema(): GraphQLSchema {
  cached ??= buildSchema(ADMIN_SDL);
  return cached;
}

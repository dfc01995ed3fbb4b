import { buildSchema, type GraphQLSchema } from "graphql";

// The SDL's repeated parts, written once.

/** The pagination arguments of every connection field. */
const PAGE = "first: Int, after: String, last: Int, before: String";

/** The fields of a metafield owner (HasMetafields on Shopify). */
const METAFIELD_FIELDS = `
    metafield(namespace: String, key: String!): Metafield
    metafields(namespace: String, ${PAGE}): MetafieldConnection!`;

/** The inventory levels of an item or a location (active ones unless includeInactive, since 2026-04). */
const INVENTORY_LEVELS = `inventoryLevels(${PAGE}, query: String, reverse: Boolean = false, includeInactive: Boolean = false): InventoryLevelConnection!`;

/** The identity every resource node starts with. */
const RESOURCE_ID = `
    id: ID!
    legacyResourceId: UnsignedInt64!`;

/** A connection of `node`s and its edges. */
const connection = (node: string) => `
  type ${node}Edge { cursor: String! node: ${node}! }
  type ${node}Connection { edges: [${node}Edge!]! nodes: [${node}!]! pageInfo: PageInfo! }`;

/** A mutation's user error: its code type, the input field path and the message (plus `extra` fields after the code). */
const userError = (name: string, codeType: string, extra = "") => `
  type ${name} {
    code: ${codeType}${extra}
    field: [String!]
    message: String!
  }`;

/** A mutation's payload: what it changed and its user errors. */
const payload = (name: string, result: string, errorType: string) => `
  type ${name} {
    ${result}
    userErrors: [${errorType}!]!
  }`;

/**
 * The user error codes both inventory mutations share in 2026-10 (Shopify lists each enum in
 * alphabetical order). ITEM_NOT_STOCKED_AT_LOCATION is gone from both as of 2026-10: quantities
 * can be changed at any location (shopify.dev/changelog/removal-of-itemnotstockedatlocation-error).
 */
const INVENTORY_ERROR_CODES = [
  "CHANGE_FROM_QUANTITY_STALE",
  "IDEMPOTENCY_CONCURRENT_REQUEST",
  "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
  "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED",
  "INTERNAL_LEDGER_DOCUMENT",
  "INVALID_AVAILABLE_DOCUMENT",
  "INVALID_INVENTORY_ITEM",
  "INVALID_LEDGER_DOCUMENT",
  "INVALID_LOCATION",
  "INVALID_QUANTITY_DOCUMENT",
  "INVALID_QUANTITY_NAME",
  "INVALID_QUANTITY_TOO_HIGH",
  "INVALID_REASON",
  "INVALID_REFERENCE_DOCUMENT",
  "NON_MUTABLE_INVENTORY_ITEM",
  "SERVICE_UNAVAILABLE",
];

/** An inventory mutation's error-code enum: the shared codes and its own, in alphabetical order. */
const inventoryErrorCodes = (name: string, own: string[]) => `
  enum ${name} {
    ${[...INVENTORY_ERROR_CODES, ...own].sort().join("\n    ")}
  }`;

/**
 * Enums the fake models with fewer values than Shopify, and why. Every other enum holds all
 * of Shopify's values (schema-contract.test.ts checks both).
 */
export const PARTIAL_ENUMS: Readonly<Record<string, string>> = {
  CurrencyCode: "the fake's shops all trade in euros; the other ISO 4217 codes would only be listed, never returned",
};

/** Shopify's MetafieldOwnerType (2026-10), in its order. */
const METAFIELD_OWNER_TYPES = [
  "API_PERMISSION",
  "ARTICLE",
  "BLOG",
  "CARTTRANSFORM",
  "COLLECTION",
  "COMPANY",
  "COMPANY_LOCATION",
  "CUSTOMER",
  "DELIVERY_CUSTOMIZATION",
  "DISCOUNT",
  "DRAFTORDER",
  "FULFILLMENT_CONSTRAINT_RULE",
  "GIFT_CARD_TRANSACTION",
  "LOCATION",
  "MARKET",
  "MEDIA_IMAGE",
  "ORDER",
  "ORDER_ROUTING_LOCATION_RULE",
  "PAGE",
  "PAYMENT_CUSTOMIZATION",
  "PRODUCT",
  "PRODUCTVARIANT",
  "SELLING_PLAN",
  "SHOP",
  "TRANSFER",
  "VALIDATION",
];

/**
 * The subset of the Shopify Admin GraphQL 2026-10 schema that Ballast uses, written with
 * the real type, field and argument names so real query documents parse and validate.
 * Anything outside this subset fails validation with graphql-js's real error shapes
 * ("Cannot query field … on type …"), exactly like an unknown field on Shopify. Every
 * type, field, argument (type, nullability, default), input field and enum value is
 * checked against Shopify's own introspection (artifacts/, schema-contract.test.ts).
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

  enum CurrencyCode {
    CAD
    EUR
    GBP
    USD
  }

  type Shop implements Node {
    id: ID!
    name: String!
    myshopifyDomain: String!
    currencyCode: CurrencyCode!
    ianaTimezone: String!
    plan: ShopPlan!
    ${METAFIELD_FIELDS}
  }

  type Location implements Node {
    ${RESOURCE_ID}
    name: String!
    isActive: Boolean!
    fulfillsOnlineOrders: Boolean!
    updatedAt: DateTime!
    inventoryLevel(inventoryItemId: ID!, includeInactive: Boolean = false): InventoryLevel
    ${INVENTORY_LEVELS}
  }

  enum ProductStatus {
    ACTIVE
    ARCHIVED
    DRAFT
    UNLISTED
  }

  type Product implements Node {
    ${RESOURCE_ID}
    title: String!
    handle: String!
    status: ProductStatus!
    tracksInventory: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
    variants(${PAGE}, reverse: Boolean = false): ProductVariantConnection!
    ${METAFIELD_FIELDS}
  }

  type ProductVariant implements Node {
    ${RESOURCE_ID}
    title: String!
    sku: String
    barcode: String
    inventoryQuantity: Int
    createdAt: DateTime!
    updatedAt: DateTime!
    product: Product!
    inventoryItem: InventoryItem!
    ${METAFIELD_FIELDS}
  }

  type Collection implements Node {
    ${RESOURCE_ID}
    title: String!
    handle: String!
    updatedAt: DateTime!
    ${METAFIELD_FIELDS}
  }

  type InventoryItem implements Node {
    ${RESOURCE_ID}
    sku: String
    tracked: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
    variant: ProductVariant!
    inventoryLevel(locationId: ID!, includeInactive: Boolean = false): InventoryLevel
    ${INVENTORY_LEVELS}
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
    "Since 2026-04; an inactive level keeps its quantities and can still be changed."
    isActive: Boolean!
    item: InventoryItem!
    location: Location!
    quantities(names: [String!]!): [InventoryQuantity!]!
  }

  enum MetafieldOwnerType {
    ${METAFIELD_OWNER_TYPES.join("\n    ")}
  }

  type Metafield implements Node {
    id: ID!
    namespace: String!
    key: String!
    value: String!
    type: String!
    compareDigest: String!
    ownerType: MetafieldOwnerType!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  ${connection("Product")}
  ${connection("ProductVariant")}
  ${connection("InventoryItem")}
  ${connection("InventoryLevel")}
  ${connection("Location")}
  ${connection("Metafield")}

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
    locations(${PAGE}, query: String, includeInactive: Boolean = false, reverse: Boolean = false): LocationConnection!
    product(id: ID!): Product
    products(${PAGE}, query: String, reverse: Boolean = false): ProductConnection!
    productVariant(id: ID!): ProductVariant
    collection(id: ID!): Collection
    productVariants(${PAGE}, query: String, reverse: Boolean = false): ProductVariantConnection!
    inventoryItem(id: ID!): InventoryItem
    inventoryItems(${PAGE}, query: String, reverse: Boolean = false): InventoryItemConnection!
    inventoryLevel(id: ID!): InventoryLevel
    bulkOperation(id: ID!): BulkOperation
    currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation
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

  ${inventoryErrorCodes("InventoryMoveQuantitiesUserErrorCode", ["DIFFERENT_LOCATIONS", "INVALID_QUANTITY_NEGATIVE", "MAXIMUM_LEDGER_DOCUMENT_URIS", "MOVE_QUANTITIES_FAILED", "SAME_QUANTITY_NAME"])}

  ${userError("InventoryMoveQuantitiesUserError", "InventoryMoveQuantitiesUserErrorCode")}

  ${payload("InventoryMoveQuantitiesPayload", "inventoryAdjustmentGroup: InventoryAdjustmentGroup", "InventoryMoveQuantitiesUserError")}

  ${inventoryErrorCodes("InventoryAdjustQuantitiesUserErrorCode", ["ADJUST_QUANTITIES_FAILED", "INVALID_QUANTITY_TOO_LOW", "MAX_ONE_LEDGER_DOCUMENT"])}

  ${userError("InventoryAdjustQuantitiesUserError", "InventoryAdjustQuantitiesUserErrorCode")}

  ${payload("InventoryAdjustQuantitiesPayload", "inventoryAdjustmentGroup: InventoryAdjustmentGroup", "InventoryAdjustQuantitiesUserError")}

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
    CAPABILITY_VIOLATION
    INCLUSION
    INTERNAL_ERROR
    INVALID
    INVALID_COMPARE_DIGEST
    INVALID_TYPE
    INVALID_VALUE
    LESS_THAN_OR_EQUAL_TO
    PRESENT
    STALE_OBJECT
    TAKEN
    TOO_LONG
    TOO_SHORT
  }

  ${userError("MetafieldsSetUserError", "MetafieldsSetUserErrorCode", "\n    elementIndex: Int")}

  ${payload("MetafieldsSetPayload", "metafields: [Metafield!]", "MetafieldsSetUserError")}

  enum BulkOperationUserErrorCode {
    INVALID
    LIMIT_REACHED
    OPERATION_IN_PROGRESS
  }

  ${userError("BulkOperationUserError", "BulkOperationUserErrorCode")}

  ${payload("BulkOperationRunQueryPayload", "bulkOperation: BulkOperation", "BulkOperationUserError")}

  type Mutation {
    inventoryMoveQuantities(input: InventoryMoveQuantitiesInput!): InventoryMoveQuantitiesPayload
    inventoryAdjustQuantities(input: InventoryAdjustQuantitiesInput!): InventoryAdjustQuantitiesPayload
    metafieldsSet(metafields: [MetafieldsSetInput!]!): MetafieldsSetPayload
    bulkOperationRunQuery(query: String!, groupObjects: Boolean! = false): BulkOperationRunQueryPayload
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

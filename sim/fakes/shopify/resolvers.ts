import { randomBytes } from "node:crypto";
import { getDirectiveValues, GraphQLError, type GraphQLResolveInfo } from "graphql";
import { gid, parseGid, parseGidOf } from "./ids";
import { matchesSearch, parseSearchQuery } from "./search-query";
import {
  metafieldDigest,
  onHand,
  quantityOf,
  type AdjustmentGroupRecord,
  type BulkOperationRecord,
  type CollectionRecord,
  type FakeShopState,
  type InventoryItemRecord,
  type InventoryPayload,
  type LevelRecord,
  type LocationRecord,
  type MetafieldRecord,
  type MetafieldSetInput,
  type MoveInput,
  type AdjustInput,
  type ProductRecord,
  type VariantRecord,
} from "./store";

/** Per-request context handed to every resolver. */
export interface ResolverContext {
  shop: FakeShopState;
  /** Bulk operations read every node: connections ignore first/last. */
  bulk: boolean;
  baseUrl: string;
  bulkBehaviour: BulkBehaviour;
  /** Runs a bulk query document against this shop; provided by the server (needs the schema). */
  runBulkQuery(query: string): { lines: string[]; rootObjectCount: number } | { error: string };
}

export interface BulkBehaviour {
  /** Status reads (node / bulkOperation / currentBulkOperation) before the outcome shows. */
  readsUntilDone: number;
  failWith: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
  /** With failWith: a partialDataUrl holding the first half of the lines. */
  partial: boolean;
}

export const MAX_PAGE_SIZE = 250;

interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  query?: string | null;
  reverse?: boolean | null;
}

/** Inventory level reads leave inactive levels out unless asked (since 2026-04). */
interface LevelArgs {
  includeInactive?: boolean | null;
}

const shown = (level: LevelRecord, args: LevelArgs) => level.isActive || args.includeInactive === true;

/** Shopify's MetafieldOwnerType for the owners the fake has. */
const OWNER_TYPES: Readonly<Record<string, string>> = {
  Product: "PRODUCT",
  ProductVariant: "PRODUCTVARIANT",
  Collection: "COLLECTION",
  Shop: "SHOP",
};

function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify({ last_id: id })).toString("base64");
}

function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as { last_id?: unknown };
    if (typeof parsed.last_id === "string") return parsed.last_id;
  } catch {
    // fall through
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: "BAD_REQUEST" } });
}

/**
 * Cursor pagination as Shopify does it: `first` or `last` is required (≤ 250), cursors are
 * opaque, sorted by id. Sort keys are ids as strings compared as integers.
 */
function connection<R>(
  context: ResolverContext,
  records: R[],
  sortKey: (record: R) => string,
  args: ConnectionArgs,
  toNode: (record: R) => unknown,
  searchable?: (record: R) => { id: bigint; updatedAt: string; sku?: string | null },
) {
  const compare = (a: string, b: string) =>
    BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : a < b ? -1 : a > b ? 1 : 0;
  let rows = [...records].sort((a, b) => compare(sortKey(a), sortKey(b)));
  if (args.reverse) rows.reverse();
  const terms = parseSearchQuery(args.query);
  if (terms.length && searchable) rows = rows.filter((record) => matchesSearch(terms, searchable(record)));
  let hasPreviousPage = false;
  let hasNextPage = false;
  if (args.after) {
    const after = decodeCursor(args.after);
    const index = rows.findIndex((record) => sortKey(record) === after);
    const direction = args.reverse ? -1 : 1;
    rows =
      index >= 0 ? rows.slice(index + 1) : rows.filter((record) => compare(sortKey(record), after) * direction > 0);
    hasPreviousPage = true;
  }
  if (args.before) {
    const before = decodeCursor(args.before);
    const direction = args.reverse ? -1 : 1;
    rows = rows.filter((record) => compare(sortKey(record), before) * direction < 0);
    hasNextPage = true;
  }
  if (!context.bulk) {
    if (args.first == null && args.last == null) {
      throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
    }
    const size = args.first ?? args.last ?? 0;
    if (size > MAX_PAGE_SIZE || size < 0) {
      throw new GraphQLError(`The connection's page size must be between 0 and ${MAX_PAGE_SIZE}, got ${size}.`, {
        extensions: { code: "BAD_REQUEST" },
      });
    }
    if (args.first != null) {
      hasNextPage = rows.length > args.first;
      rows = rows.slice(0, args.first);
    } else if (args.last != null) {
      hasPreviousPage = rows.length > args.last;
      rows = rows.slice(Math.max(0, rows.length - args.last));
    }
  }
  const edges = rows.map((record) => ({ cursor: encodeCursor(sortKey(record)), node: toNode(record) }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

function metafieldFields(context: ResolverContext, ownerGid: string) {
  return {
    metafield: (args: { namespace?: string | null; key: string }) => {
      const record = context.shop.metafield(ownerGid, args.namespace, args.key);
      return record ? metafieldNode(context, record) : null;
    },
    metafields: (args: ConnectionArgs & { namespace?: string | null }) =>
      connection(
        context,
        context.shop.metafieldsOf(ownerGid, args.namespace),
        (record) => record.id.toString(),
        args,
        (record) => metafieldNode(context, record),
      ),
  };
}

export function metafieldNode(context: ResolverContext, record: MetafieldRecord) {
  return {
    __typename: "Metafield",
    id: gid("Metafield", record.id),
    namespace: record.namespace,
    key: record.key,
    value: record.value,
    type: record.type,
    compareDigest: metafieldDigest(record.value),
    ownerType: OWNER_TYPES[parseGid(record.ownerGid)?.type ?? ""] ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export function locationNode(context: ResolverContext, location: LocationRecord) {
  const levels = () => [...context.shop.levels.values()].filter((level) => level.locationId === location.id);
  return {
    __typename: "Location",
    id: gid("Location", location.id),
    legacyResourceId: location.id.toString(),
    name: location.name,
    isActive: location.isActive,
    fulfillsOnlineOrders: location.fulfillsOnlineOrders,
    updatedAt: location.updatedAt,
    inventoryLevel: (args: { inventoryItemId: string } & LevelArgs) => {
      const itemId = parseGidOf("InventoryItem", args.inventoryItemId);
      const level = itemId === null ? undefined : context.shop.level(itemId, location.id);
      return level && shown(level, args) ? levelNode(context, level) : null;
    },
    inventoryLevels: (args: ConnectionArgs & LevelArgs) =>
      connection(
        context,
        levels().filter((level) => shown(level, args)),
        (level) => level.inventoryItemId.toString(),
        args,
        (level) => levelNode(context, level),
        (level) => ({
          id: level.inventoryItemId,
          updatedAt: level.updatedAt,
        }),
      ),
  };
}

export function productNode(context: ResolverContext, product: ProductRecord) {
  const ownerGid = gid("Product", product.id);
  return {
    __typename: "Product",
    id: ownerGid,
    legacyResourceId: product.id.toString(),
    title: product.title,
    handle: product.handle,
    status: product.status,
    tracksInventory: product.variantIds.some((id) => {
      const variant = context.shop.variants.get(id);
      return variant ? context.shop.inventoryItems.get(variant.inventoryItemId)?.tracked === true : false;
    }),
    createdAt: product.createdAt,
    updatedAt: latest(product.updatedAt, ...product.variantIds.map((id) => context.shop.variants.get(id)?.updatedAt)),
    variants: (args: ConnectionArgs) =>
      connection(
        context,
        product.variantIds
          .map((id) => context.shop.variants.get(id))
          .filter((variant): variant is VariantRecord => !!variant),
        (variant) => variant.id.toString(),
        args,
        (variant) => variantNode(context, variant),
      ),
    ...metafieldFields(context, ownerGid),
  };
}

export function variantNode(context: ResolverContext, variant: VariantRecord) {
  const ownerGid = gid("ProductVariant", variant.id);
  return {
    __typename: "ProductVariant",
    id: ownerGid,
    legacyResourceId: variant.id.toString(),
    title: variant.title,
    sku: variant.sku,
    barcode: variant.barcode,
    inventoryQuantity: [...context.shop.levels.values()]
      .filter((level) => level.inventoryItemId === variant.inventoryItemId && level.isActive)
      .reduce((sum, level) => sum + level.quantities.available, 0),
    createdAt: variant.createdAt,
    updatedAt: variant.updatedAt,
    product: () => productNode(context, context.shop.products.get(variant.productId)!),
    inventoryItem: () => itemNode(context, context.shop.inventoryItems.get(variant.inventoryItemId)!),
    ...metafieldFields(context, ownerGid),
  };
}

export function collectionNode(context: ResolverContext, collection: CollectionRecord) {
  const ownerGid = gid("Collection", collection.id);
  return {
    __typename: "Collection",
    id: ownerGid,
    legacyResourceId: collection.id.toString(),
    title: collection.title,
    handle: collection.handle,
    updatedAt: collection.updatedAt,
    ...metafieldFields(context, ownerGid),
  };
}

export function itemNode(context: ResolverContext, item: InventoryItemRecord) {
  const levels = () => [...context.shop.levels.values()].filter((level) => level.inventoryItemId === item.id);
  return {
    __typename: "InventoryItem",
    id: gid("InventoryItem", item.id),
    legacyResourceId: item.id.toString(),
    sku: item.sku,
    tracked: item.tracked,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    variant: () => variantNode(context, context.shop.variants.get(item.variantId)!),
    inventoryLevel: (args: { locationId: string } & LevelArgs) => {
      const locationId = parseGidOf("Location", args.locationId);
      const level = locationId === null ? undefined : context.shop.level(item.id, locationId);
      return level && shown(level, args) ? levelNode(context, level) : null;
    },
    inventoryLevels: (args: ConnectionArgs & LevelArgs) =>
      connection(
        context,
        levels().filter((level) => shown(level, args)),
        (level) => level.locationId.toString(),
        args,
        (level) => levelNode(context, level),
        (level) => ({
          id: level.locationId,
          updatedAt: level.updatedAt,
        }),
      ),
  };
}

export function levelNode(context: ResolverContext, level: LevelRecord) {
  const levelGid = context.shop.levelGid(level);
  return {
    __typename: "InventoryLevel",
    id: levelGid,
    canDeactivate: onHand(level.quantities) === 0,
    isActive: level.isActive,
    createdAt: level.createdAt,
    updatedAt: level.updatedAt,
    item: () => itemNode(context, context.shop.inventoryItems.get(level.inventoryItemId)!),
    location: () => locationNode(context, context.shop.locations.get(level.locationId)!),
    quantities: (args: { names: string[] }) =>
      args.names.map((name) => {
        const quantity = quantityOf(level.quantities, name);
        if (quantity === undefined) {
          throw new GraphQLError(`The quantity name '${name}' is not valid.`, { extensions: { code: "BAD_REQUEST" } });
        }
        return {
          __typename: "InventoryQuantity",
          id: `${gid("InventoryQuantity", level.locationId, { inventory_item_id: level.inventoryItemId.toString(), name })}`,
          name,
          quantity,
          updatedAt: level.updatedAt,
        };
      }),
  };
}

function groupNode(context: ResolverContext, group: AdjustmentGroupRecord) {
  return {
    __typename: "InventoryAdjustmentGroup",
    id: gid("InventoryAdjustmentGroup", group.id),
    createdAt: group.createdAt,
    reason: group.reason,
    referenceDocumentUri: group.referenceDocumentUri,
    changes: (args: {
      inventoryItemIds?: string[] | null;
      locationIds?: string[] | null;
      quantityNames?: string[] | null;
    }) =>
      group.changes
        .filter((change) => !args.quantityNames || args.quantityNames.includes(change.name))
        .filter(
          (change) =>
            !args.inventoryItemIds || args.inventoryItemIds.includes(gid("InventoryItem", change.inventoryItemId)),
        )
        .filter((change) => !args.locationIds || args.locationIds.includes(gid("Location", change.locationId)))
        .map((change) => ({
          name: change.name,
          delta: change.delta,
          quantityAfterChange: change.quantityAfterChange,
          ledgerDocumentUri: change.ledgerDocumentUri,
          item: () => {
            const item = context.shop.inventoryItems.get(change.inventoryItemId);
            return item ? itemNode(context, item) : null;
          },
          location: () => {
            const location = context.shop.locations.get(change.locationId);
            return location ? locationNode(context, location) : null;
          },
        })),
  };
}

/** Reading a bulk operation advances it: CREATED (at creation) → RUNNING for `readsUntilDone` reads → outcome. */
function bulkNode(context: ResolverContext, record: BulkOperationRecord, justCreated = false) {
  let running = justCreated;
  if (!justCreated && record.readsUntilDone > 0) {
    record.readsUntilDone -= 1;
    running = true;
  }
  const done = !running;
  if (done && !record.completedAt) record.completedAt = context.shop.timestamp();
  const fileUrl = (kind: "data" | "partial") =>
    `${context.baseUrl}/_bulk/${encodeURIComponent(context.shop.domain)}/${record.id}/${kind}.jsonl?sig=${record.fileToken}`;
  const outcome = record.outcome;
  const failed = done && outcome.status === "FAILED";
  const partial = failed && outcome.status === "FAILED" && outcome.partial;
  const status = record.expired ? "EXPIRED" : justCreated ? "CREATED" : running ? "RUNNING" : outcome.status;
  const visibleLines = partial ? partialLines(record) : failed ? [] : record.lines;
  return {
    __typename: "BulkOperation",
    id: gid("BulkOperation", record.id),
    status,
    errorCode: failed && outcome.status === "FAILED" ? outcome.errorCode : null,
    type: "QUERY",
    query: record.query,
    createdAt: record.createdAt,
    completedAt: done ? record.completedAt : null,
    objectCount: String(done ? visibleLines.length : 0),
    rootObjectCount: String(done && !failed ? record.rootObjectCount : 0),
    fileSize:
      done && !failed && !record.expired && record.lines.length
        ? String(Buffer.byteLength(record.lines.join("\n") + "\n"))
        : null,
    url: done && !failed && !record.expired && record.lines.length ? fileUrl("data") : null,
    partialDataUrl: partial && !record.expired ? fileUrl("partial") : null,
  };
}

/** A failed operation with partial data keeps the first half of its lines. */
export function partialLines(record: BulkOperationRecord): string[] {
  return record.lines.slice(0, Math.floor(record.lines.length / 2));
}

function latest(...values: (string | undefined)[]): string {
  return values
    .filter((value): value is string => !!value)
    .sort()
    .at(-1)!;
}

function nodeById(context: ResolverContext, id: string): unknown {
  const parsed = parseGid(id);
  if (!parsed) return null;
  const shop = context.shop;
  switch (parsed.type) {
    case "Product": {
      const record = shop.products.get(parsed.id);
      return record ? productNode(context, record) : null;
    }
    case "ProductVariant": {
      const record = shop.variants.get(parsed.id);
      return record ? variantNode(context, record) : null;
    }
    case "Collection": {
      const record = shop.collections.get(parsed.id);
      return record ? collectionNode(context, record) : null;
    }
    case "InventoryItem": {
      const record = shop.inventoryItems.get(parsed.id);
      return record ? itemNode(context, record) : null;
    }
    case "Location": {
      const record = shop.locations.get(parsed.id);
      return record ? locationNode(context, record) : null;
    }
    case "InventoryLevel": {
      const itemId = parsed.params.get("inventory_item_id");
      const record = itemId && /^\d+$/.test(itemId) ? shop.level(BigInt(itemId), parsed.id) : undefined;
      return record ? levelNode(context, record) : null;
    }
    case "BulkOperation": {
      const record = shop.bulkOperations.get(parsed.id);
      return record ? bulkNode(context, record) : null;
    }
    case "Metafield": {
      const record = [...shop.metafields.values()].find((candidate) => candidate.id === parsed.id);
      return record ? metafieldNode(context, record) : null;
    }
    case "Shop":
      return parsed.id === shop.shopId ? shopNode(context) : null;
    default:
      return null;
  }
}

function shopNode(context: ResolverContext) {
  const shop = context.shop;
  const ownerGid = gid("Shop", shop.shopId);
  return {
    __typename: "Shop",
    id: ownerGid,
    name: shop.name,
    myshopifyDomain: shop.domain,
    currencyCode: "EUR",
    ianaTimezone: "Europe/Paris",
    plan: { partnerDevelopment: false, shopifyPlus: shop.plan.shopifyPlus, publicDisplayName: shop.plan.displayName },
    ...metafieldFields(context, ownerGid),
  };
}

function idempotencyKey(info: GraphQLResolveInfo): string | undefined {
  const directive = info.schema.getDirective("idempotent");
  const node = info.fieldNodes[0];
  if (!directive || !node) return undefined;
  const values = getDirectiveValues(directive, node, info.variableValues);
  const key = values?.["key"];
  return typeof key === "string" && key.length > 0 ? key : undefined;
}

function inventoryPayload(context: ResolverContext, payload: InventoryPayload) {
  return {
    inventoryAdjustmentGroup: payload.group ? groupNode(context, payload.group) : null,
    userErrors: payload.userErrors.map(({ field, message, code }) => ({ field, message, code })),
  };
}

function searchableProduct(context: ResolverContext) {
  return (product: ProductRecord) => ({
    id: product.id,
    updatedAt: latest(product.updatedAt, ...product.variantIds.map((id) => context.shop.variants.get(id)?.updatedAt)),
  });
}

/** The root value: Query and Mutation fields, resolved against the shop in the context. */
export const rootValue = {
  shop: (_args: unknown, context: ResolverContext) => shopNode(context),
  node: (args: { id: string }, context: ResolverContext) => nodeById(context, args.id),
  nodes: (args: { ids: string[] }, context: ResolverContext) => {
    if (args.ids.length > MAX_PAGE_SIZE) {
      throw new GraphQLError(
        `The input array size of ${args.ids.length} is greater than the maximum allowed of ${MAX_PAGE_SIZE}.`,
        {
          extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
        },
      );
    }
    return args.ids.map((id) => nodeById(context, id));
  },
  location: (args: { id?: string | null }, context: ResolverContext) => {
    if (!args.id) {
      const first = [...context.shop.locations.values()].find((location) => location.isActive);
      return first ? locationNode(context, first) : null;
    }
    const id = parseGidOf("Location", args.id);
    const record = id === null ? undefined : context.shop.locations.get(id);
    return record ? locationNode(context, record) : null;
  },
  locations: (args: ConnectionArgs & { includeInactive?: boolean | null }, context: ResolverContext) =>
    connection(
      context,
      [...context.shop.locations.values()].filter((location) => args.includeInactive || location.isActive),
      (location) => location.id.toString(),
      args,
      (location) => locationNode(context, location),
      (location) => ({ id: location.id, updatedAt: location.updatedAt }),
    ),
  product: (args: { id: string }, context: ResolverContext) => {
    const id = parseGidOf("Product", args.id);
    const record = id === null ? undefined : context.shop.products.get(id);
    return record ? productNode(context, record) : null;
  },
  products: (args: ConnectionArgs, context: ResolverContext) =>
    connection(
      context,
      [...context.shop.products.values()],
      (product) => product.id.toString(),
      args,
      (product) => productNode(context, product),
      searchableProduct(context),
    ),
  collection: (args: { id: string }, context: ResolverContext) => {
    const id = parseGidOf("Collection", args.id);
    const record = id === null ? undefined : context.shop.collections.get(id);
    return record ? collectionNode(context, record) : null;
  },
  productVariant: (args: { id: string }, context: ResolverContext) => {
    const id = parseGidOf("ProductVariant", args.id);
    const record = id === null ? undefined : context.shop.variants.get(id);
    return record ? variantNode(context, record) : null;
  },
  productVariants: (args: ConnectionArgs, context: ResolverContext) =>
    connection(
      context,
      [...context.shop.variants.values()],
      (variant) => variant.id.toString(),
      args,
      (variant) => variantNode(context, variant),
      (variant) => ({
        id: variant.id,
        updatedAt: variant.updatedAt,
        sku: variant.sku,
      }),
    ),
  inventoryItem: (args: { id: string }, context: ResolverContext) => {
    const id = parseGidOf("InventoryItem", args.id);
    const record = id === null ? undefined : context.shop.inventoryItems.get(id);
    return record ? itemNode(context, record) : null;
  },
  inventoryItems: (args: ConnectionArgs, context: ResolverContext) =>
    connection(
      context,
      [...context.shop.inventoryItems.values()],
      (item) => item.id.toString(),
      args,
      (item) => itemNode(context, item),
      (item) => ({
        id: item.id,
        updatedAt: item.updatedAt,
        sku: item.sku,
      }),
    ),
  inventoryLevel: (args: { id: string }, context: ResolverContext) => nodeById(context, args.id),
  bulkOperation: (args: { id: string }, context: ResolverContext) => {
    const id = parseGidOf("BulkOperation", args.id);
    const record = id === null ? undefined : context.shop.bulkOperations.get(id);
    return record ? bulkNode(context, record) : null;
  },
  currentBulkOperation: (_args: unknown, context: ResolverContext) => {
    const records = [...context.shop.bulkOperations.values()];
    const record = records[records.length - 1];
    return record ? bulkNode(context, record) : null;
  },

  inventoryMoveQuantities: (args: { input: MoveInput }, context: ResolverContext, info: GraphQLResolveInfo) =>
    inventoryPayload(context, context.shop.moveQuantities(args.input, idempotencyKey(info))),
  inventoryAdjustQuantities: (args: { input: AdjustInput }, context: ResolverContext, info: GraphQLResolveInfo) =>
    inventoryPayload(context, context.shop.adjustQuantities(args.input, idempotencyKey(info))),
  metafieldsSet: (args: { metafields: MetafieldSetInput[] }, context: ResolverContext) => {
    const payload = context.shop.metafieldsSet(args.metafields);
    return {
      metafields: payload.metafields?.map((record) => metafieldNode(context, record)) ?? null,
      userErrors: payload.userErrors,
    };
  },
  bulkOperationRunQuery: (args: { query: string }, context: ResolverContext) => {
    const result = context.runBulkQuery(args.query);
    if ("error" in result) {
      return { bulkOperation: null, userErrors: [{ field: ["query"], message: result.error, code: "INVALID" }] };
    }
    const behaviour = context.bulkBehaviour;
    const record: BulkOperationRecord = {
      id: context.shop.nextId("other"),
      query: args.query,
      createdAt: context.shop.timestamp(),
      completedAt: null,
      readsUntilDone: Math.max(0, behaviour.readsUntilDone),
      outcome: behaviour.failWith
        ? { status: "FAILED", errorCode: behaviour.failWith, partial: behaviour.partial }
        : { status: "COMPLETED" },
      lines: result.lines,
      rootObjectCount: result.rootObjectCount,
      expired: false,
      fileToken: randomBytes(12).toString("hex"),
    };
    context.shop.bulkOperations.set(record.id, record);
    return { bulkOperation: bulkNode(context, record, true), userErrors: [] };
  },
};

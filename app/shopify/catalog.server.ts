import type { AdminClient } from "./admin-client.server";
import type {
  BallastLocationInventoryLevelsQuery,
  BallastLocationInventoryLevelsQueryVariables,
  BallastLocationsQuery,
  BallastLocationsQueryVariables,
  BallastProductVariantsQuery,
  BallastProductVariantsQueryVariables,
} from "./generated/admin-types";
import { LOCATIONS_QUERY, type LocationNode } from "./operations/locations";
import { PRODUCT_VARIANTS_QUERY, type VariantNode } from "./operations/catalog";
import { LOCATION_INVENTORY_LEVELS_QUERY } from "./operations/inventory-levels";

/** Shopify's largest page. */
export const PAGE_SIZE = 250;

/** `updated_at:>'…'` search: incremental reads return what changed since the last read. */
export function updatedSinceQuery(since: Date | string | undefined): string | undefined {
  if (since === undefined) return undefined;
  const iso = typeof since === "string" ? since : since.toISOString();
  return `updated_at:>'${iso}'`;
}

export async function readLocations(
  client: AdminClient,
  options: { signal?: AbortSignal } = {},
): Promise<LocationNode[]> {
  const locations: LocationNode[] = [];
  let after: string | null = null;
  do {
    const { data }: { data: BallastLocationsQuery } = await client.request<
      BallastLocationsQuery,
      BallastLocationsQueryVariables
    >(LOCATIONS_QUERY, { first: PAGE_SIZE, after }, options);
    locations.push(...data.locations.nodes);
    after = data.locations.pageInfo.hasNextPage ? data.locations.pageInfo.endCursor : null;
  } while (after);
  return locations;
}

export interface CatalogVariant {
  variantId: string;
  productId: string;
  inventoryItemId: string;
  title: string;
  productTitle: string;
  productStatus: VariantNode["product"]["status"];
  sku: string | null;
  barcode: string | null;
  tracked: boolean;
  updatedAt: string;
}

function toCatalogVariant(node: VariantNode): CatalogVariant {
  return {
    variantId: node.id,
    productId: node.product.id,
    inventoryItemId: node.inventoryItem.id,
    title: node.title,
    productTitle: node.product.title,
    productStatus: node.product.status,
    sku: node.sku,
    barcode: node.barcode ?? null,
    tracked: node.inventoryItem.tracked,
    updatedAt: node.updatedAt,
  };
}

/** Variants page by page (all of them, or those updated since `updatedSince`). */
export async function* readCatalog(
  client: AdminClient,
  options: { updatedSince?: Date | string; signal?: AbortSignal; pageSize?: number } = {},
): AsyncGenerator<CatalogVariant[]> {
  let after: string | null = null;
  const query = updatedSinceQuery(options.updatedSince);
  do {
    const { data }: { data: BallastProductVariantsQuery } = await client.request<
      BallastProductVariantsQuery,
      BallastProductVariantsQueryVariables
    >(PRODUCT_VARIANTS_QUERY, { first: options.pageSize ?? PAGE_SIZE, after, query }, { signal: options.signal });
    yield data.productVariants.nodes.map(toCatalogVariant);
    after = data.productVariants.pageInfo.hasNextPage ? data.productVariants.pageInfo.endCursor : null;
  } while (after);
}

export interface LevelSnapshot {
  inventoryItemId: string;
  locationId: string;
  available: number;
  safetyStock: number;
  committed: number;
  onHand: number;
  updatedAt: string | null;
}

export function quantitiesToSnapshot(
  inventoryItemId: string,
  locationId: string,
  quantities: readonly { name: string; quantity: number }[],
  updatedAt: string | null,
): LevelSnapshot {
  const of = (name: string) => quantities.find((quantity) => quantity.name === name)?.quantity ?? 0;
  return {
    inventoryItemId,
    locationId,
    available: of("available"),
    safetyStock: of("safety_stock"),
    committed: of("committed"),
    onHand: of("on_hand"),
    updatedAt,
  };
}

/** Levels of one location page by page, optionally only those updated since a time. */
export async function* readInventoryLevels(
  client: AdminClient,
  locationId: string,
  options: { updatedSince?: Date | string; signal?: AbortSignal; pageSize?: number } = {},
): AsyncGenerator<LevelSnapshot[]> {
  let after: string | null = null;
  const query = updatedSinceQuery(options.updatedSince);
  do {
    const { data }: { data: BallastLocationInventoryLevelsQuery } = await client.request<
      BallastLocationInventoryLevelsQuery,
      BallastLocationInventoryLevelsQueryVariables
    >(
      LOCATION_INVENTORY_LEVELS_QUERY,
      { locationId, first: options.pageSize ?? PAGE_SIZE, after, query },
      { signal: options.signal },
    );
    if (!data.location) return;
    const connection: NonNullable<BallastLocationInventoryLevelsQuery["location"]>["inventoryLevels"] =
      data.location.inventoryLevels;
    yield connection.nodes.map((node) =>
      quantitiesToSnapshot(node.item.id, locationId, node.quantities, node.updatedAt),
    );
    after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
  } while (after);
}

export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}

import type { AdminClient } from "./admin-client.server";
import { AdminApiError } from "./admin-errors";
import { groupByParent, parseBulkJsonl, type BulkRow } from "./bulk-jsonl";
import { quantitiesToSnapshot, type CatalogVariant, type LevelSnapshot } from "./catalog.server";
import type {
  BallastBulkOperationStatusQuery,
  BallastBulkOperationStatusQueryVariables,
  BallastBulkRunQueryMutation,
  BallastBulkRunQueryMutationVariables,
} from "./generated/admin-types";
import { BULK_OPERATION_STATUS_QUERY, BULK_RUN_QUERY_MUTATION, CATALOG_BULK_QUERY } from "./operations/bulk";

export class BulkOperationError extends Error {
  override name = "BulkOperationError";
  constructor(
    message: string,
    /** "failed" (Shopify's errorCode), "expired" (result URL gone: run again), "canceled", "rejected" (userErrors), "timeout" (we stopped polling). */
    readonly reason: "failed" | "expired" | "canceled" | "rejected" | "timeout",
    readonly errorCode: string | null = null,
  ) {
    super(message);
  }
}

export interface BulkResult {
  rows: BulkRow[];
  /** false when Shopify failed the operation and only `partialDataUrl` data came back. */
  complete: boolean;
  errorCode: string | null;
  malformedLines: number;
}

export interface BulkRunOptions {
  signal?: AbortSignal;
  pollIntervalMs?: number;
  /** Give up polling after this many status reads. */
  maxPolls?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/** Starts a bulk query, polls until it ends, downloads and parses its JSONL. */
export async function runBulkQuery(
  client: AdminClient,
  query: string,
  options: BulkRunOptions = {},
): Promise<BulkResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { data } = await client.request<BallastBulkRunQueryMutation, BallastBulkRunQueryMutationVariables>(
    BULK_RUN_QUERY_MUTATION,
    { query },
    { signal: options.signal },
  );
  const payload = data.bulkOperationRunQuery;
  if (!payload?.bulkOperation) {
    throw new BulkOperationError(
      `bulkOperationRunQuery refused: ${payload?.userErrors.map((error) => error.message).join("; ") ?? "no payload"}`,
      "rejected",
    );
  }
  const id = payload.bulkOperation.id;
  const maxPolls = options.maxPolls ?? 720;
  for (let poll = 0; poll < maxPolls; poll += 1) {
    if (poll > 0) await sleep(options.pollIntervalMs ?? 1000);
    const { data: status } = await client.request<
      BallastBulkOperationStatusQuery,
      BallastBulkOperationStatusQueryVariables
    >(BULK_OPERATION_STATUS_QUERY, { id }, { signal: options.signal });
    const operation = status.node;
    if (!operation) throw new BulkOperationError(`bulk operation ${id} not found`, "failed");
    switch (operation.status) {
      case "CREATED":
      case "RUNNING":
      case "CANCELING":
        continue;
      case "COMPLETED":
        // An operation that matched nothing completes with url null.
        return operation.url
          ? { ...(await download(operation.url, options)), complete: true, errorCode: null }
          : { rows: [], malformedLines: 0, complete: true, errorCode: null };
      case "FAILED":
        if (operation.partialDataUrl) {
          return {
            ...(await download(operation.partialDataUrl, options)),
            complete: false,
            errorCode: operation.errorCode,
          };
        }
        throw new BulkOperationError(
          `bulk operation ${id} failed: ${operation.errorCode ?? "unknown"}`,
          "failed",
          operation.errorCode,
        );
      case "EXPIRED":
        throw new BulkOperationError(`bulk operation ${id} expired`, "expired");
      case "CANCELED":
        throw new BulkOperationError(`bulk operation ${id} was canceled`, "canceled");
    }
  }
  throw new BulkOperationError(`bulk operation ${id} still running after ${maxPolls} polls`, "timeout");
}

async function download(url: string, options: BulkRunOptions): Promise<{ rows: BulkRow[]; malformedLines: number }> {
  const response = await (options.fetch ?? fetch)(url, { signal: options.signal });
  if (response.status === 403 || response.status === 404 || response.status === 410) {
    await response.arrayBuffer();
    throw new BulkOperationError(`bulk result URL answered ${response.status}: expired`, "expired");
  }
  if (!response.ok) {
    await response.arrayBuffer();
    throw new AdminApiError(
      `bulk result download answered ${response.status}`,
      "SERVER_ERROR",
      response.status >= 500,
      { status: response.status },
    );
  }
  return parseBulkJsonl(await response.text());
}

export interface CatalogSnapshot {
  variants: CatalogVariant[];
  levels: LevelSnapshot[];
  /** Products and variants that carry an app-owned buffer metafield. */
  bufferOwners: string[];
  complete: boolean;
  errorCode: string | null;
}

interface VariantRow extends BulkRow {
  id: string;
  title: string;
  sku: string | null;
  barcode?: string | null;
  updatedAt: string;
  product: { id: string; title: string; status: CatalogVariant["productStatus"]; metafield?: { id: string } | null };
  inventoryItem: { id: string; tracked: boolean };
  metafield?: { id: string } | null;
}

interface LevelRow extends BulkRow {
  location: { id: string };
  quantities: { name: string; quantity: number }[];
}

/** Full read of variants and their levels through one bulk operation (for catalogs too large to page). */
export async function readCatalogBulk(client: AdminClient, options: BulkRunOptions = {}): Promise<CatalogSnapshot> {
  const result = await runBulkQuery(client, CATALOG_BULK_QUERY, options);
  const variants: CatalogVariant[] = [];
  const levels: LevelSnapshot[] = [];
  const bufferOwners = new Set<string>();
  for (const { parent, children } of groupByParent(result.rows)) {
    const row = parent as VariantRow;
    if (typeof row.id !== "string" || !row.product || !row.inventoryItem) continue;
    if (row.metafield) bufferOwners.add(row.id);
    if (row.product.metafield) bufferOwners.add(row.product.id);
    variants.push({
      variantId: row.id,
      productId: row.product.id,
      inventoryItemId: row.inventoryItem.id,
      title: row.title,
      productTitle: row.product.title,
      productStatus: row.product.status,
      sku: row.sku,
      barcode: row.barcode ?? null,
      tracked: row.inventoryItem.tracked,
      updatedAt: row.updatedAt,
    });
    for (const child of children as LevelRow[]) {
      if (!child.location || !Array.isArray(child.quantities)) continue;
      levels.push(quantitiesToSnapshot(row.inventoryItem.id, child.location.id, child.quantities, null));
    }
  }
  return { variants, levels, bufferOwners: [...bufferOwners], complete: result.complete, errorCode: result.errorCode };
}

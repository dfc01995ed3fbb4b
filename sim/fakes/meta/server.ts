/**
 * A fake of the Meta Graph API catalog subset Ballast uses, as a real HTTP server on
 * loopback. Contracts: ../../../../shared/design/CHANNELS.md "Meta Graph API v26.0 catalog".
 *
 *   GET  /{version}/{catalog_id}                              catalog node (health check)
 *   POST /{version}/{catalog_id}/items_batch                  form or JSON body
 *   GET  /{version}/{catalog_id}/check_batch_request_status   ?handle=…&load_ids_of_invalid_requests=true
 *   GET  /{version}/{catalog_id}/products                     ?fields=…&filter=…&limit=…&after=…
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import {
  advertises,
  META_AVAILABILITY,
  MetaCatalogState,
  versionAt,
  type BatchRequest,
  type CatalogItem,
  type CompetingWriter,
  type IncoherentWrite,
  type MetaAvailability,
  type SeedItem,
} from "./catalog-state";
import { systemClock, type FakeClock } from "./clock";
import type { OutageWindow } from "./outages";
import { answerJson, closeServer, listen, logRequest, readText, SlowAnswers, type FakeControlBase } from "../http";

export interface MetaFakeOptions {
  port?: number;
  /** Path prefix, e.g. "v26.0"; other versions are refused like a retired version. */
  apiVersion?: string;
  clock?: FakeClock;
  /** Tokens the fake accepts (system-user tokens in real life). */
  accessTokens?: string[];
  businessId?: string;
  catalogs?: Array<{ id: string; name?: string; items: SeedItem[] }>;
  /** Catalog batch business-use-case limit per rolling hour (commerce guidance: about 100). */
  batchCallsPerHour?: number;
  /** check_batch_request_status calls per rolling minute before error 80009 (real figure unpublished). */
  statusChecksPerMinute?: number;
  /** When a batch moves scheduled → started → finished, counted from the call. */
  batchTiming?: { startAfterMs: number; finishAfterMs: number };
  /** A finished write shows on the products edge only after this long. */
  propagationDelayMs?: number;
  /** How many errors check_batch_request_status shows (Meta returns a sample). */
  errorSampleSize?: number;
  /** Fraction of items failing inside finished batches (partial failure); needs `random` to be deterministic. */
  itemFailureRate?: number;
  random?: () => number;
  competingWriter?: CompetingWriter | null;
  /** Largest `limit` the products edge honours. */
  maxPageSize?: number;
}

export type MetaFailureKind =
  | "transient" // code 2, is_transient, HTTP 500
  | "unknown" // code 1, HTTP 500
  | "http_503" // a bare 503 from the edge, no Graph body
  | "app_rate_limit" // code 4
  | "user_rate_limit" // code 17
  | "page_rate_limit" // code 32
  | "action_rate_limit" // code 613
  | "permission"; // code 200

type Endpoint = "items_batch" | "check_batch_request_status" | "products" | "catalog";

type Counters = Record<
  | "itemsBatchCalls"
  | "itemsBatchAccepted"
  | "itemsSent"
  | "statusChecks"
  | "productReads"
  | "catalogReads"
  | "requests",
  number
>;

export interface MetaFakeControl extends FakeControlBase<Counters> {
  seedItems(catalogId: string, items: SeedItem[]): void;
  /** What Meta holds now, ignoring the propagation delay. */
  trueItem(
    catalogId: string,
    retailerId: string,
  ): { quantity: number; availability: MetaAvailability; writer: string } | undefined;
  /** What a buyer on Meta sees now (the propagation delay applied), as the products endpoint answers; undefined before the item is visible. */
  shownItem(catalogId: string, retailerId: string): { quantity: number; availability: MetaAvailability } | undefined;
  /**
   * Whether Meta's catalog ads and shop pages offer the item now (the propagation delay
   * applied): by its availability, not its quantity (catalog-state.ts `advertises`).
   */
  advertised(catalogId: string, retailerId: string): boolean | undefined;
  /** Batch writes that left an item's availability contradicting its quantity, oldest first. */
  incoherentWrites(): readonly IncoherentWrite[];
  /** shownItem's quantity for every item of the catalog, by retailer id (0 while not yet visible). */
  shownQuantities(catalogId: string): Map<string, number>;
  /** Meta's own checkout sold units; returns the new quantity. */
  sell(catalogId: string, retailerId: string, units: number): number;
  revokeToken(token?: string): void;
  failNext(kind: MetaFailureKind, options?: { count?: number; endpoint?: Endpoint }): void;
  /** The next `count` status checks answer error 80009. */
  throttleStatusChecks(count: number): void;
  /** Items Meta refuses inside otherwise finished batches, with the message shown in `errors`. */
  rejectItems(retailerIds: string[], message?: string): void;
  clearRejections(): void;
  /** The next batch ends in status error or canceled, nothing applied. */
  failNextBatch(status: "error" | "canceled"): void;
  setCompetingWriter(writer: CompetingWriter | null): void;
  /** The next `count` answers are delayed by `ms` of real time (to exercise client timeouts). */
  slowNext(ms: number, count?: number): void;
  setBatchTiming(timing: { startAfterMs: number; finishAfterMs: number }): void;
  setPropagationDelay(ms: number): void;
  /**
   * Outages on the fake's clock: while one lasts Meta applies nothing (batches still finish,
   * reads show the values visible before), and every write due then shows when it ends.
   */
  setOutages(outages: readonly OutageWindow[]): void;
  /** Catalog batch usage in percent of the hourly limit. */
  usagePercent(catalogId: string): number;
}

export interface MetaFake {
  url: string;
  close(): Promise<void>;
  control: MetaFakeControl;
}

class GraphError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    message: string,
    readonly type = "OAuthException",
    readonly subcode?: number,
    readonly isTransient = false,
  ) {
    super(message);
  }
}

const FAILURES: Record<Exclude<MetaFailureKind, "http_503">, () => GraphError> = {
  transient: () =>
    new GraphError(
      500,
      2,
      "An unexpected error has occurred. Please retry your request later.",
      "OAuthException",
      undefined,
      true,
    ),
  unknown: () => new GraphError(500, 1, "An unknown error occurred", "OAuthException", 99, true),
  app_rate_limit: () =>
    new GraphError(400, 4, "(#4) Application request limit reached", "OAuthException", undefined, true),
  user_rate_limit: () => new GraphError(400, 17, "(#17) User request limit reached", "OAuthException", 2446079, true),
  page_rate_limit: () => new GraphError(400, 32, "(#32) Page request limit reached", "OAuthException", undefined, true),
  action_rate_limit: () =>
    new GraphError(
      400,
      613,
      "(#613) Calls to this api have exceeded the rate limit.",
      "OAuthException",
      undefined,
      true,
    ),
  permission: () =>
    new GraphError(403, 200, "(#200) Requires catalog_management permission to manage the object", "OAuthException"),
};

/** The fake's state: the catalogs, the limits it enforces and what the control API has queued. */
interface FakeMeta {
  clock: FakeClock;
  apiVersion: string;
  businessId: string;
  validTokens: Set<string>;
  revokedTokens: Set<string>;
  batchCallsPerHour: number;
  statusChecksPerMinute: number;
  errorSampleSize: number;
  maxPageSize: number;
  catalogs: MetaCatalogState;
  counters: Counters;
  requestLines: string[];
  pendingFailures: Array<{ kind: MetaFailureKind; endpoint?: Endpoint }>;
  pendingBatchOutcomes: Array<"error" | "canceled">;
  /** Status checks still to answer 80009 whatever the window holds. */
  statusThrottles: number;
  statusCheckTimes: number[];
  slow: SlowAnswers;
  baseUrl: string;
}

function createFakeMeta(options: MetaFakeOptions): FakeMeta {
  const clock = options.clock ?? systemClock;
  const catalogs = new MetaCatalogState({
    clock,
    propagationDelayMs: options.propagationDelayMs ?? 30_000,
    batchTiming: options.batchTiming ?? { startAfterMs: 2_000, finishAfterMs: 10_000 },
    itemFailureRate: options.itemFailureRate ?? 0,
    random: options.random ?? Math.random,
    competingWriter: options.competingWriter ?? null,
    outages: [],
  });
  for (const catalog of options.catalogs ?? [])
    catalogs.addCatalog(catalog.id, catalog.name ?? `Catalog ${catalog.id}`, catalog.items);
  return {
    clock,
    apiVersion: options.apiVersion ?? "v26.0",
    businessId: options.businessId ?? "100200300400500",
    validTokens: new Set(options.accessTokens ?? ["meta-fake-system-user-token"]),
    revokedTokens: new Set<string>(),
    batchCallsPerHour: Math.max(1, options.batchCallsPerHour ?? 100),
    statusChecksPerMinute: options.statusChecksPerMinute ?? 300,
    errorSampleSize: options.errorSampleSize ?? 5,
    maxPageSize: options.maxPageSize ?? 1000,
    catalogs,
    counters: {
      itemsBatchCalls: 0,
      itemsBatchAccepted: 0,
      itemsSent: 0,
      statusChecks: 0,
      productReads: 0,
      catalogReads: 0,
      requests: 0,
    },
    requestLines: [],
    pendingFailures: [],
    pendingBatchOutcomes: [],
    statusThrottles: 0,
    statusCheckTimes: [],
    slow: new SlowAnswers(),
    baseUrl: "",
  };
}

/** X-Business-Use-Case-Usage: the catalog's batch budget used, in percent, and when access returns. */
function usageHeader(fake: FakeMeta, catalogId: string): string {
  const { catalogs, clock, batchCallsPerHour } = fake;
  const catalog = catalogs.catalog(catalogId);
  const calls = catalog ? catalogs.callsInWindow(catalog) : 0;
  const percent = Math.min(100, Math.round((calls / batchCallsPerHour) * 100));
  let regainMinutes = 0;
  if (catalog && calls >= batchCallsPerHour) {
    const oldest = catalog.batchCallTimes[calls - batchCallsPerHour] ?? clock.now();
    regainMinutes = Math.max(1, Math.ceil((oldest + 3_600_000 - clock.now()) / 60_000));
  }
  return JSON.stringify({
    [fake.businessId]: [
      {
        type: "catalog_batch",
        call_count: percent,
        total_cputime: Math.round(percent * 0.4),
        total_time: Math.round(percent * 0.6),
        estimated_time_to_regain_access: regainMinutes,
      },
    ],
  });
}

function authenticate(fake: FakeMeta, token: string | undefined): void {
  if (!token)
    throw new GraphError(400, 2500, "An active access token must be used to query information about the current user.");
  if (fake.revokedTokens.has(token)) {
    throw new GraphError(
      400,
      190,
      "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.",
      "OAuthException",
      460,
    );
  }
  if (!fake.validTokens.has(token))
    throw new GraphError(400, 190, "Invalid OAuth access token - Cannot parse access token", "OAuthException");
}

function takeInjectedFailure(fake: FakeMeta, endpoint: Endpoint): MetaFailureKind | undefined {
  const index = fake.pendingFailures.findIndex((failure) => !failure.endpoint || failure.endpoint === endpoint);
  if (index < 0) return undefined;
  return fake.pendingFailures.splice(index, 1)[0]!.kind;
}

/** A bare 503 from the edge is thrown as Error("503"), answered without a Graph body. */
function injectedError(kind: MetaFailureKind): Error {
  return kind === "http_503" ? new Error("503") : FAILURES[kind]();
}

function throwInjectedFailure(fake: FakeMeta, endpoint: Endpoint): void {
  const injected = takeInjectedFailure(fake, endpoint);
  if (injected) throw injectedError(injected);
}

function catalogOr404(fake: FakeMeta, catalogId: string) {
  const catalog = fake.catalogs.catalog(catalogId);
  if (!catalog) {
    throw new GraphError(
      400,
      100,
      `Unsupported get request. Object with ID '${catalogId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      "GraphMethodException",
      33,
    );
  }
  return catalog;
}

function parseRequests(raw: unknown): unknown[] | GraphError {
  let list = raw;
  if (typeof raw === "string") {
    try {
      list = JSON.parse(raw);
    } catch {
      return new GraphError(400, 100, "(#100) param requests must be a JSON array", "OAuthException");
    }
  }
  if (!Array.isArray(list))
    return new GraphError(400, 100, "(#100) The parameter requests is required", "OAuthException");
  if (list.length > 5000)
    return new GraphError(
      400,
      100,
      "(#100) param requests must be an array with at most 5000 elements",
      "OAuthException",
    );
  return list as unknown[];
}

function validate(entry: unknown, line: number): { request?: BatchRequest; errors: string[]; retailerId: string } {
  const errors: string[] = [];
  const record = (entry ?? {}) as { method?: unknown; data?: Record<string, unknown> };
  const data = record.data ?? {};
  const retailerId = typeof data.id === "string" ? data.id : typeof data.id === "number" ? String(data.id) : "";
  if (!retailerId) errors.push("data.id (the retailer id) is required");
  if (record.method !== "UPDATE" && record.method !== "CREATE")
    errors.push(`method ${String(record.method)} is not supported here (UPDATE, CREATE)`);
  let quantity: number | undefined;
  if (data.quantity_to_sell_on_facebook !== undefined) {
    quantity = Number(data.quantity_to_sell_on_facebook);
    if (!Number.isInteger(quantity) || quantity < 0)
      errors.push("quantity_to_sell_on_facebook must be a non-negative integer");
  }
  let availability: MetaAvailability | undefined;
  if (data.availability !== undefined) {
    if (!META_AVAILABILITY.includes(data.availability as MetaAvailability))
      errors.push(`availability must be one of ${META_AVAILABILITY.join(", ")}`);
    else availability = data.availability as MetaAvailability;
  }
  const unknownFields = Object.keys(data).filter(
    (key) => !["id", "quantity_to_sell_on_facebook", "availability"].includes(key),
  );
  if (unknownFields.length > 0) errors.push(`fields not modelled by the fake: ${unknownFields.join(", ")}`);
  if (errors.length > 0) return { errors, retailerId };
  return {
    errors,
    retailerId,
    request: {
      line,
      retailerId,
      ...(quantity !== undefined ? { quantity } : {}),
      ...(availability ? { availability } : {}),
    },
  };
}

/** One call to a catalog edge: the catalog, the URL, the parameters sent in the body and the response (for headers). */
interface EdgeCall {
  catalogId: string;
  url: URL;
  body: Record<string, unknown>;
  response: ServerResponse;
}

/** GET /{catalog_id}: the catalog node (the connectors' health check). */
function catalogNode(fake: FakeMeta, { catalogId }: EdgeCall): unknown {
  const catalog = catalogOr404(fake, catalogId);
  fake.counters.catalogReads += 1;
  throwInjectedFailure(fake, "catalog");
  return { id: catalog.id, name: catalog.name, product_count: catalog.items.size };
}

/** POST /{catalog_id}/items_batch: counted against the hourly budget, validated line by line, queued as a batch. */
function itemsBatch(fake: FakeMeta, { catalogId, url, body, response }: EdgeCall): unknown {
  const params: Record<string, unknown> = { ...Object.fromEntries(url.searchParams), ...body };
  const catalog = catalogOr404(fake, catalogId);
  fake.counters.itemsBatchCalls += 1;
  response.setHeader("X-Business-Use-Case-Usage", usageHeader(fake, catalogId));
  if (fake.catalogs.callsInWindow(catalog) >= fake.batchCallsPerHour) {
    throw new GraphError(
      400,
      80014,
      "There have been too many calls for this Catalog Batch. Wait a bit and try again.",
      "OAuthException",
      undefined,
      true,
    );
  }
  const injected = takeInjectedFailure(fake, "items_batch");
  catalog.batchCallTimes.push(fake.clock.now()); // rejected-for-content calls still count against the budget
  response.setHeader("X-Business-Use-Case-Usage", usageHeader(fake, catalogId));
  if (injected) throw injectedError(injected);

  if (params.item_type !== "PRODUCT_ITEM")
    throw new GraphError(400, 100, "(#100) param item_type must be one of {PRODUCT_ITEM, …}", "OAuthException");
  const parsed = parseRequests(params.requests);
  if (parsed instanceof GraphError) throw parsed;
  const allowUpsert = !(params.allow_upsert === false || params.allow_upsert === "false");

  const valid: BatchRequest[] = [];
  const validationStatus: Array<{ retailer_id: string; errors: Array<{ message: string }>; warnings: never[] }> = [];
  parsed.forEach((entry, line) => {
    const result = validate(entry, line);
    if (result.request) valid.push(result.request);
    else
      validationStatus.push({
        retailer_id: result.retailerId,
        errors: result.errors.map((message) => ({ message })),
        warnings: [],
      });
  });
  fake.counters.itemsBatchAccepted += 1;
  fake.counters.itemsSent += parsed.length;
  const batch = fake.catalogs.createBatch(catalogId, valid, allowUpsert, fake.pendingBatchOutcomes.shift());
  return { handles: [batch.handle], validation_status: validationStatus };
}

/** Status checks per rolling minute (and the forced ones) beyond the limit answer error 80009. */
function throttleStatusCheck(fake: FakeMeta): void {
  const now = fake.clock.now();
  const times = fake.statusCheckTimes;
  while (times.length > 0 && times[0]! <= now - 60_000) times.shift();
  if (fake.statusThrottles > 0 || times.length >= fake.statusChecksPerMinute) {
    fake.statusThrottles = Math.max(0, fake.statusThrottles - 1);
    throw new GraphError(
      400,
      80009,
      "There have been too many calls to this Catalog. Wait a bit and try again.",
      "OAuthException",
      undefined,
      true,
    );
  }
  times.push(now);
}

/** GET /{catalog_id}/check_batch_request_status?handle=…: the batch's status and a sample of its errors. */
function checkStatus(fake: FakeMeta, { catalogId, url }: EdgeCall): unknown {
  const query = url.searchParams;
  catalogOr404(fake, catalogId);
  fake.counters.statusChecks += 1;
  throttleStatusCheck(fake);
  throwInjectedFailure(fake, "check_batch_request_status");
  const handle = query.get("handle") ?? "";
  const batch = fake.catalogs.batches.get(handle);
  if (!batch || batch.catalogId !== catalogId)
    throw new GraphError(400, 100, "(#100) Invalid handle", "OAuthException");
  fake.catalogs.settle();
  const status = fake.catalogs.statusOf(batch);
  const errors = batch.outcome?.errors ?? [];
  return {
    data: [
      {
        handle,
        status,
        errors_total_count: errors.length,
        errors: errors.slice(0, fake.errorSampleSize),
        warnings: [],
        ...(query.get("load_ids_of_invalid_requests") === "true" && batch.outcome
          ? { ids_of_invalid_requests: errors.map((error) => error.id) }
          : {}),
      },
    ],
  };
}

/** The products edge's `filter`: only {retailer_id: {eq | is_any}} is modelled. */
function filterByRetailerId(items: CatalogItem[], filter: string | null): CatalogItem[] {
  if (!filter) return items;
  let parsed: { retailer_id?: { eq?: string; is_any?: string[] } };
  try {
    parsed = JSON.parse(filter);
  } catch {
    throw new GraphError(400, 100, "(#100) filter must be a JSON object", "OAuthException");
  }
  const wanted = parsed.retailer_id?.is_any ?? (parsed.retailer_id?.eq !== undefined ? [parsed.retailer_id.eq] : null);
  if (!wanted)
    throw new GraphError(400, 100, "(#100) the fake supports filter {retailer_id:{eq|is_any}} only", "OAuthException");
  const set = new Set(wanted);
  return items.filter((item) => set.has(item.retailerId));
}

/** One row of the products edge as a buyer sees it now; none while the item is created but not yet visible. */
function productRow(item: CatalogItem, fields: string[], now: number): Record<string, unknown>[] {
  const version = versionAt(item, now);
  if (!version) return [];
  const row: Record<string, unknown> = {};
  for (const field of fields) {
    if (field === "id") row.id = item.id;
    if (field === "retailer_id") row.retailer_id = item.retailerId;
    if (field === "availability") row.availability = version.availability;
    if (field === "quantity_to_sell_on_facebook") row.quantity_to_sell_on_facebook = version.quantity;
  }
  row.id = item.id;
  return [row];
}

/** GET /{catalog_id}/products?fields=…&filter=…&limit=…&after=…: one page, cursors and a `next` link. */
function products(fake: FakeMeta, { catalogId, url }: EdgeCall): unknown {
  const query = url.searchParams;
  const catalog = catalogOr404(fake, catalogId);
  fake.counters.productReads += 1;
  throwInjectedFailure(fake, "products");
  fake.catalogs.settle();
  const fields = (query.get("fields") ?? "id").split(",").map((field) => field.trim());
  const items = filterByRetailerId([...catalog.items.values()], query.get("filter"));
  const limit = Math.min(fake.maxPageSize, Math.max(1, Number(query.get("limit") ?? 25) || 25));
  const after = query.get("after");
  const start = after ? Number(Buffer.from(after, "base64url").toString("utf8")) || 0 : 0;
  const now = fake.clock.now();
  const page = items.slice(start, start + limit).flatMap((item) => productRow(item, fields, now));
  const cursor = (index: number) => Buffer.from(String(index)).toString("base64url");
  const hasMore = start + limit < items.length;
  const next = new URL(`${fake.baseUrl}/${fake.apiVersion}/${catalogId}/products`);
  query.forEach((value, key) => key !== "access_token" && next.searchParams.set(key, value));
  next.searchParams.set("after", cursor(start + limit));
  return {
    data: page,
    paging: {
      cursors: { before: cursor(start), after: cursor(start + limit) },
      ...(hasMore ? { next: next.toString() } : {}),
    },
  };
}

/** The edges the fake serves, by method and edge ("" for the catalog node itself). */
const ROUTES = new Map<string, (fake: FakeMeta, call: EdgeCall) => unknown>([
  ["GET ", catalogNode],
  ["POST items_batch", itemsBatch],
  ["GET check_batch_request_status", checkStatus],
  ["GET products", products],
]);

/** A POST body: JSON or form-encoded parameters. */
async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readText(req);
  if (!text) return {};
  if ((req.headers["content-type"] ?? "").includes("application/json"))
    return JSON.parse(text) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(text));
}

/** The token from the Authorization header, the body or the query string, in that order. */
function accessToken(req: IncomingMessage, body: Record<string, unknown>, url: URL): string | undefined {
  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
  return (
    bearer ??
    (typeof body.access_token === "string" ? body.access_token : undefined) ??
    url.searchParams.get("access_token") ??
    undefined
  );
}

async function answerEdge(fake: FakeMeta, req: IncomingMessage, res: ServerResponse, url: URL): Promise<unknown> {
  const segments = url.pathname.split("/").filter(Boolean);
  if (segments[0] !== fake.apiVersion) {
    throw new GraphError(
      400,
      2635,
      `(#2635) You are calling a deprecated or unknown version of the Graph API. This fake serves ${fake.apiVersion}.`,
    );
  }
  const body = req.method === "POST" ? await readParams(req) : {};
  authenticate(fake, accessToken(req, body, url));
  const [, catalogId, edge] = segments;
  if (!catalogId || segments.length > 3)
    throw new GraphError(400, 100, "Unknown path components", "OAuthException", 2500);
  const route = ROUTES.get(`${req.method} ${edge ?? ""}`);
  if (!route)
    throw new GraphError(400, 100, `Unsupported ${req.method} request on /${edge ?? ""}`, "GraphMethodException");
  return route(fake, { catalogId, url, body, response: res });
}

/** Graph API errors in Meta's shape; a bare 503 as the edge sends it; anything else as a transient 500. */
function answerError(fake: FakeMeta, res: ServerResponse, error: unknown): void {
  if (error instanceof GraphError) {
    answerJson(
      res,
      error.httpStatus,
      {
        error: {
          message: error.message,
          type: error.type,
          code: error.code,
          ...(error.subcode !== undefined ? { error_subcode: error.subcode } : {}),
          is_transient: error.isTransient,
          fbtrace_id: randomBytes(8).toString("base64url"),
        },
      },
      fake.slow,
    );
  } else if (error instanceof Error && error.message === "503") {
    res.statusCode = 503;
    res.setHeader("content-type", "text/html");
    res.end("<html><body>Service Unavailable</body></html>");
  } else {
    answerJson(
      res,
      500,
      {
        error: {
          message: `fake failure: ${String(error)}`,
          type: "FakeServerError",
          code: 1,
          is_transient: true,
          fbtrace_id: "fake",
        },
      },
      fake.slow,
    );
  }
}

async function handleRequest(fake: FakeMeta, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = logRequest(req, fake);
  try {
    answerJson(res, 200, await answerEdge(fake, req, res, url), fake.slow);
  } catch (error) {
    answerError(fake, res, error);
  }
}

/** What a buyer, a test or the rehearsal reads and switches in process. */
function metaControl(fake: FakeMeta): MetaFakeControl {
  const { catalogs, clock } = fake;
  return {
    clock,
    counters: fake.counters,
    requestLines: fake.requestLines,
    seedItems: (catalogId, items) => void catalogs.addCatalog(catalogId, `Catalog ${catalogId}`, items),
    trueItem(catalogId, retailerId) {
      catalogs.settle();
      const item = catalogs.catalog(catalogId)?.items.get(retailerId);
      const version = item && versionAt(item);
      return version
        ? { quantity: version.quantity, availability: version.availability, writer: version.writer }
        : undefined;
    },
    shownItem(catalogId, retailerId) {
      catalogs.settle();
      const item = catalogs.catalog(catalogId)?.items.get(retailerId);
      const version = item && versionAt(item, clock.now());
      return version ? { quantity: version.quantity, availability: version.availability } : undefined;
    },
    advertised(catalogId, retailerId) {
      catalogs.settle();
      const item = catalogs.catalog(catalogId)?.items.get(retailerId);
      const version = item && versionAt(item, clock.now());
      return version ? advertises(version.availability) : undefined;
    },
    incoherentWrites() {
      catalogs.settle();
      return [...catalogs.incoherentWrites];
    },
    shownQuantities(catalogId) {
      catalogs.settle();
      const now = clock.now();
      return new Map(
        [...(catalogs.catalog(catalogId)?.items.values() ?? [])].map((item) => [
          item.retailerId,
          versionAt(item, now)?.quantity ?? 0,
        ]),
      );
    },
    sell: (catalogId, retailerId, units) => catalogs.sell(catalogId, retailerId, units),
    revokeToken(token) {
      for (const candidate of token ? [token] : fake.validTokens) fake.revokedTokens.add(candidate);
    },
    failNext(kind, { count = 1, endpoint } = {}) {
      for (let index = 0; index < count; index += 1)
        fake.pendingFailures.push({ kind, ...(endpoint ? { endpoint } : {}) });
    },
    throttleStatusChecks(count) {
      fake.statusThrottles += count;
    },
    rejectItems(retailerIds, message = "An unexpected error occurred while processing this item. Please retry.") {
      for (const id of retailerIds) catalogs.rejectedItems.set(id, message);
    },
    clearRejections: () => catalogs.rejectedItems.clear(),
    failNextBatch: (status) => void fake.pendingBatchOutcomes.push(status),
    setCompetingWriter(writer) {
      catalogs.options.competingWriter = writer;
    },
    slowNext: (ms, count = 1) => fake.slow.slowNext(ms, count),
    setBatchTiming(timing) {
      catalogs.options.batchTiming = timing;
    },
    setPropagationDelay(ms) {
      catalogs.options.propagationDelayMs = ms;
    },
    setOutages(outages) {
      catalogs.options.outages = [...outages];
    },
    usagePercent(catalogId) {
      const catalog = catalogs.catalog(catalogId);
      return catalog ? Math.round((catalogs.callsInWindow(catalog) / fake.batchCallsPerHour) * 100) : 0;
    },
  };
}

export async function startMetaFake(options: MetaFakeOptions = {}): Promise<MetaFake> {
  const fake = createFakeMeta(options);
  const server = createServer((req, res) => void handleRequest(fake, req, res));
  fake.baseUrl = await listen(server, options.port);
  return {
    url: fake.baseUrl,
    control: metaControl(fake),
    close: () => {
      fake.slow.cancel();
      return closeServer(server);
    },
  };
}

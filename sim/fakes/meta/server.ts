/**
 * A fake of the Meta Graph API catalog subset Ballast uses, as a real HTTP server on
 * loopback. Contracts: ../../../../shared/design/CHANNELS.md "Meta Graph API v26.0 catalog".
 *
 *   GET  /{version}/{catalog_id}                              catalogue node (health check)
 *   POST /{version}/{catalog_id}/items_batch                  form or JSON body
 *   GET  /{version}/{catalog_id}/check_batch_request_status   ?handle=…&load_ids_of_invalid_requests=true
 *   GET  /{version}/{catalog_id}/products                     ?fields=…&filter=…&limit=…&after=…
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  META_AVAILABILITY,
  MetaCatalogState,
  versionAt,
  type BatchRequest,
  type CompetingWriter,
  type MetaAvailability,
  type SeedItem,
} from "./catalog-state";
import { systemClock, type FakeClock } from "./clock";

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

interface Counters {
  itemsBatchCalls: number;
  itemsBatchAccepted: number;
  itemsSent: number;
  statusChecks: number;
  productReads: number;
  catalogReads: number;
  requests: number;
}

export interface MetaFakeControl {
  clock: FakeClock;
  readonly counters: Readonly<Counters>;
  /** Query strings the fake received (secrets included): lets a test prove tokens never travel in URLs. */
  readonly requestLines: readonly string[];
  seedItems(catalogId: string, items: SeedItem[]): void;
  /** What Meta holds now, ignoring the propagation delay. */
  trueItem(catalogId: string, retailerId: string): { quantity: number; availability: MetaAvailability; writer: string } | undefined;
  /** What a buyer on Meta sees now (the propagation delay applied), as the products endpoint answers; undefined before the item is visible. */
  shownItem(catalogId: string, retailerId: string): { quantity: number; availability: MetaAvailability } | undefined;
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
  transient: () => new GraphError(500, 2, "An unexpected error has occurred. Please retry your request later.", "OAuthException", undefined, true),
  unknown: () => new GraphError(500, 1, "An unknown error occurred", "OAuthException", 99, true),
  app_rate_limit: () => new GraphError(400, 4, "(#4) Application request limit reached", "OAuthException", undefined, true),
  user_rate_limit: () => new GraphError(400, 17, "(#17) User request limit reached", "OAuthException", 2446079, true),
  page_rate_limit: () => new GraphError(400, 32, "(#32) Page request limit reached", "OAuthException", undefined, true),
  action_rate_limit: () => new GraphError(400, 613, "(#613) Calls to this api have exceeded the rate limit.", "OAuthException", undefined, true),
  permission: () => new GraphError(403, 200, "(#200) Requires catalog_management permission to manage the object", "OAuthException"),
};

export async function startMetaFake(options: MetaFakeOptions = {}): Promise<MetaFake> {
  const clock = options.clock ?? systemClock;
  const apiVersion = options.apiVersion ?? "v26.0";
  const businessId = options.businessId ?? "100200300400500";
  const validTokens = new Set(options.accessTokens ?? ["meta-fake-system-user-token"]);
  const revokedTokens = new Set<string>();
  const batchCallsPerHour = Math.max(1, options.batchCallsPerHour ?? 100);
  const statusChecksPerMinute = options.statusChecksPerMinute ?? 300;
  const errorSampleSize = options.errorSampleSize ?? 5;
  const maxPageSize = options.maxPageSize ?? 1000;

  const state = new MetaCatalogState({
    clock,
    propagationDelayMs: options.propagationDelayMs ?? 30_000,
    batchTiming: options.batchTiming ?? { startAfterMs: 2_000, finishAfterMs: 10_000 },
    itemFailureRate: options.itemFailureRate ?? 0,
    random: options.random ?? Math.random,
    competingWriter: options.competingWriter ?? null,
  });
  for (const catalog of options.catalogs ?? []) state.addCatalog(catalog.id, catalog.name ?? `Catalog ${catalog.id}`, catalog.items);

  const counters: Counters = { itemsBatchCalls: 0, itemsBatchAccepted: 0, itemsSent: 0, statusChecks: 0, productReads: 0, catalogReads: 0, requests: 0 };
  const requestLines: string[] = [];
  const pendingFailures: Array<{ kind: MetaFailureKind; endpoint?: Endpoint }> = [];
  const pendingBatchOutcomes: Array<"error" | "canceled"> = [];
  let statusThrottles = 0;
  const statusCheckTimes: number[] = [];
  const slow = { ms: 0, count: 0 };
  const sleepers = new Set<NodeJS.Timeout>();

  function usageHeader(catalogId: string): string {
    const catalog = state.catalog(catalogId);
    const calls = catalog ? state.callsInWindow(catalog) : 0;
    const percent = Math.min(100, Math.round((calls / batchCallsPerHour) * 100));
    let regainMinutes = 0;
    if (catalog && calls >= batchCallsPerHour) {
      const oldest = catalog.batchCallTimes[calls - batchCallsPerHour] ?? clock.now();
      regainMinutes = Math.max(1, Math.ceil((oldest + 3_600_000 - clock.now()) / 60_000));
    }
    return JSON.stringify({
      [businessId]: [
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

  function authenticate(token: string | undefined): void {
    if (!token) throw new GraphError(400, 2500, "An active access token must be used to query information about the current user.");
    if (revokedTokens.has(token)) {
      throw new GraphError(400, 190, "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.", "OAuthException", 460);
    }
    if (!validTokens.has(token)) throw new GraphError(400, 190, "Invalid OAuth access token - Cannot parse access token", "OAuthException");
  }

  function takeInjectedFailure(endpoint: Endpoint): MetaFailureKind | undefined {
    const index = pendingFailures.findIndex((failure) => !failure.endpoint || failure.endpoint === endpoint);
    if (index < 0) return undefined;
    return pendingFailures.splice(index, 1)[0]!.kind;
  }

  function catalogOr404(catalogId: string) {
    const catalog = state.catalog(catalogId);
    if (!catalog) {
      throw new GraphError(400, 100, `Unsupported get request. Object with ID '${catalogId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, "GraphMethodException", 33);
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
    if (!Array.isArray(list)) return new GraphError(400, 100, "(#100) The parameter requests is required", "OAuthException");
    if (list.length > 5000) return new GraphError(400, 100, "(#100) param requests must be an array with at most 5000 elements", "OAuthException");
    return list as unknown[];
  }

  function validate(entry: unknown, line: number): { request?: BatchRequest; errors: string[]; retailerId: string } {
    const errors: string[] = [];
    const record = (entry ?? {}) as { method?: unknown; data?: Record<string, unknown> };
    const data = record.data ?? {};
    const retailerId = typeof data.id === "string" ? data.id : typeof data.id === "number" ? String(data.id) : "";
    if (!retailerId) errors.push("data.id (the retailer id) is required");
    if (record.method !== "UPDATE" && record.method !== "CREATE") errors.push(`method ${String(record.method)} is not supported here (UPDATE, CREATE)`);
    let quantity: number | undefined;
    if (data.quantity_to_sell_on_facebook !== undefined) {
      quantity = Number(data.quantity_to_sell_on_facebook);
      if (!Number.isInteger(quantity) || quantity < 0) errors.push("quantity_to_sell_on_facebook must be a non-negative integer");
    }
    let availability: MetaAvailability | undefined;
    if (data.availability !== undefined) {
      if (!META_AVAILABILITY.includes(data.availability as MetaAvailability)) errors.push(`availability must be one of ${META_AVAILABILITY.join(", ")}`);
      else availability = data.availability as MetaAvailability;
    }
    const unknownFields = Object.keys(data).filter((key) => !["id", "quantity_to_sell_on_facebook", "availability"].includes(key));
    if (unknownFields.length > 0) errors.push(`fields not modelled by the fake: ${unknownFields.join(", ")}`);
    if (errors.length > 0) return { errors, retailerId };
    return {
      errors,
      retailerId,
      request: { line, retailerId, ...(quantity !== undefined ? { quantity } : {}), ...(availability ? { availability } : {}) },
    };
  }

  function itemsBatch(catalogId: string, params: Record<string, unknown>, res: ServerResponse): unknown {
    const catalog = catalogOr404(catalogId);
    counters.itemsBatchCalls += 1;
    res.setHeader("X-Business-Use-Case-Usage", usageHeader(catalogId));
    if (state.callsInWindow(catalog) >= batchCallsPerHour) {
      throw new GraphError(400, 80014, "There have been too many calls for this Catalog Batch. Wait a bit and try again.", "OAuthException", undefined, true);
    }
    const injected = takeInjectedFailure("items_batch");
    catalog.batchCallTimes.push(clock.now()); // rejected-for-content calls still count against the budget
    res.setHeader("X-Business-Use-Case-Usage", usageHeader(catalogId));
    if (injected) throw injected === "http_503" ? new Error("503") : FAILURES[injected]();

    if (params.item_type !== "PRODUCT_ITEM") throw new GraphError(400, 100, "(#100) param item_type must be one of {PRODUCT_ITEM, …}", "OAuthException");
    const parsed = parseRequests(params.requests);
    if (parsed instanceof GraphError) throw parsed;
    const allowUpsert = !(params.allow_upsert === false || params.allow_upsert === "false");

    const valid: BatchRequest[] = [];
    const validationStatus: Array<{ retailer_id: string; errors: Array<{ message: string }>; warnings: never[] }> = [];
    parsed.forEach((entry, line) => {
      const result = validate(entry, line);
      if (result.request) valid.push(result.request);
      else validationStatus.push({ retailer_id: result.retailerId, errors: result.errors.map((message) => ({ message })), warnings: [] });
    });
    counters.itemsBatchAccepted += 1;
    counters.itemsSent += parsed.length;
    const batch = state.createBatch(catalogId, valid, allowUpsert, pendingBatchOutcomes.shift());
    return { handles: [batch.handle], validation_status: validationStatus };
  }

  function checkStatus(catalogId: string, query: URLSearchParams): unknown {
    catalogOr404(catalogId);
    counters.statusChecks += 1;
    const now = clock.now();
    while (statusCheckTimes.length > 0 && statusCheckTimes[0]! <= now - 60_000) statusCheckTimes.shift();
    if (statusThrottles > 0 || statusCheckTimes.length >= statusChecksPerMinute) {
      statusThrottles = Math.max(0, statusThrottles - 1);
      throw new GraphError(400, 80009, "There have been too many calls to this Catalog. Wait a bit and try again.", "OAuthException", undefined, true);
    }
    statusCheckTimes.push(now);
    const injected = takeInjectedFailure("check_batch_request_status");
    if (injected) throw injected === "http_503" ? new Error("503") : FAILURES[injected]();
    const handle = query.get("handle") ?? "";
    const batch = state.batches.get(handle);
    if (!batch || batch.catalogId !== catalogId) throw new GraphError(400, 100, "(#100) Invalid handle", "OAuthException");
    state.settle();
    const status = state.statusOf(batch);
    const errors = batch.outcome?.errors ?? [];
    return {
      data: [
        {
          handle,
          status,
          errors_total_count: errors.length,
          errors: errors.slice(0, errorSampleSize),
          warnings: [],
          ...(query.get("load_ids_of_invalid_requests") === "true" && batch.outcome ? { ids_of_invalid_requests: errors.map((error) => error.id) } : {}),
        },
      ],
    };
  }

  function products(catalogId: string, query: URLSearchParams, baseUrl: string): unknown {
    const catalog = catalogOr404(catalogId);
    counters.productReads += 1;
    const injected = takeInjectedFailure("products");
    if (injected) throw injected === "http_503" ? new Error("503") : FAILURES[injected]();
    state.settle();
    const fields = (query.get("fields") ?? "id").split(",").map((field) => field.trim());
    let items = [...catalog.items.values()];
    const filter = query.get("filter");
    if (filter) {
      let parsed: { retailer_id?: { eq?: string; is_any?: string[] } };
      try {
        parsed = JSON.parse(filter);
      } catch {
        throw new GraphError(400, 100, "(#100) filter must be a JSON object", "OAuthException");
      }
      const wanted = parsed.retailer_id?.is_any ?? (parsed.retailer_id?.eq !== undefined ? [parsed.retailer_id.eq] : null);
      if (!wanted) throw new GraphError(400, 100, "(#100) the fake supports filter {retailer_id:{eq|is_any}} only", "OAuthException");
      const set = new Set(wanted);
      items = items.filter((item) => set.has(item.retailerId));
    }
    const limit = Math.min(maxPageSize, Math.max(1, Number(query.get("limit") ?? 25) || 25));
    const after = query.get("after");
    const start = after ? Number(Buffer.from(after, "base64url").toString("utf8")) || 0 : 0;
    const now = clock.now();
    const page = items.slice(start, start + limit).flatMap((item) => {
      const version = versionAt(item, now);
      if (!version) return []; // created but not yet visible
      const row: Record<string, unknown> = {};
      for (const field of fields) {
        if (field === "id") row.id = item.id;
        if (field === "retailer_id") row.retailer_id = item.retailerId;
        if (field === "availability") row.availability = version.availability;
        if (field === "quantity_to_sell_on_facebook") row.quantity_to_sell_on_facebook = version.quantity;
      }
      row.id = item.id;
      return [row];
    });
    const cursor = (index: number) => Buffer.from(String(index)).toString("base64url");
    const hasMore = start + limit < items.length;
    const next = new URL(`${baseUrl}/${apiVersion}/${catalogId}/products`);
    query.forEach((value, key) => key !== "access_token" && next.searchParams.set(key, value));
    next.searchParams.set("after", cursor(start + limit));
    return {
      data: page,
      paging: { cursors: { before: cursor(start), after: cursor(start + limit) }, ...(hasMore ? { next: next.toString() } : {}) },
    };
  }

  async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    if (!text) return {};
    if ((req.headers["content-type"] ?? "").includes("application/json")) return JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(new URLSearchParams(text));
  }

  let baseUrl = "";
  const server = createServer(async (req, res) => {
    counters.requests += 1;
    const url = new URL(req.url ?? "/", "http://fake");
    requestLines.push(`${req.method} ${url.pathname}${url.search}`);
    const send = (status: number, body: unknown) => {
      const finish = () => {
        if (res.writableEnded) return;
        res.statusCode = status;
        res.setHeader("content-type", "application/json; charset=UTF-8");
        res.end(JSON.stringify(body));
      };
      if (slow.count > 0) {
        slow.count -= 1;
        const timer = setTimeout(() => (sleepers.delete(timer), finish()), slow.ms);
        sleepers.add(timer);
      } else finish();
    };
    try {
      const segments = url.pathname.split("/").filter(Boolean);
      if (segments[0] !== apiVersion) {
        throw new GraphError(400, 2635, `(#2635) You are calling a deprecated or unknown version of the Graph API. This fake serves ${apiVersion}.`);
      }
      const body = req.method === "POST" ? await readBody(req) : {};
      const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
      authenticate(bearer ?? (typeof body.access_token === "string" ? body.access_token : undefined) ?? url.searchParams.get("access_token") ?? undefined);
      const [, catalogId, edge] = segments;
      if (!catalogId || segments.length > 3) throw new GraphError(400, 100, "Unknown path components", "OAuthException", 2500);
      let result: unknown;
      if (req.method === "GET" && !edge) {
        const catalog = catalogOr404(catalogId);
        counters.catalogReads += 1;
        const injected = takeInjectedFailure("catalog");
        if (injected) throw injected === "http_503" ? new Error("503") : FAILURES[injected]();
        result = { id: catalog.id, name: catalog.name, product_count: catalog.items.size };
      } else if (req.method === "POST" && edge === "items_batch") {
        result = itemsBatch(catalogId, { ...Object.fromEntries(url.searchParams), ...body }, res);
      } else if (req.method === "GET" && edge === "check_batch_request_status") {
        result = checkStatus(catalogId, url.searchParams);
      } else if (req.method === "GET" && edge === "products") {
        result = products(catalogId, url.searchParams, baseUrl);
      } else {
        throw new GraphError(400, 100, `Unsupported ${req.method} request on /${edge ?? ""}`, "GraphMethodException");
      }
      send(200, result);
    } catch (error) {
      if (error instanceof GraphError) {
        send(error.httpStatus, {
          error: {
            message: error.message,
            type: error.type,
            code: error.code,
            ...(error.subcode !== undefined ? { error_subcode: error.subcode } : {}),
            is_transient: error.isTransient,
            fbtrace_id: randomBytes(8).toString("base64url"),
          },
        });
      } else if (error instanceof Error && error.message === "503") {
        res.statusCode = 503;
        res.setHeader("content-type", "text/html");
        res.end("<html><body>Service Unavailable</body></html>");
      } else {
        send(500, { error: { message: `fake failure: ${String(error)}`, type: "FakeServerError", code: 1, is_transient: true, fbtrace_id: "fake" } });
      }
    }
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const control: MetaFakeControl = {
    clock,
    counters,
    requestLines,
    seedItems: (catalogId, items) => void state.addCatalog(catalogId, `Catalog ${catalogId}`, items),
    trueItem(catalogId, retailerId) {
      state.settle();
      const item = state.catalog(catalogId)?.items.get(retailerId);
      const version = item && versionAt(item);
      return version ? { quantity: version.quantity, availability: version.availability, writer: version.writer } : undefined;
    },
    shownItem(catalogId, retailerId) {
      state.settle();
      const item = state.catalog(catalogId)?.items.get(retailerId);
      const version = item && versionAt(item, clock.now());
      return version ? { quantity: version.quantity, availability: version.availability } : undefined;
    },
    shownQuantities(catalogId) {
      state.settle();
      const now = clock.now();
      return new Map([...(state.catalog(catalogId)?.items.values() ?? [])].map((item) => [item.retailerId, versionAt(item, now)?.quantity ?? 0]));
    },
    sell: (catalogId, retailerId, units) => state.sell(catalogId, retailerId, units),
    revokeToken(token) {
      for (const candidate of token ? [token] : validTokens) revokedTokens.add(candidate);
    },
    failNext(kind, { count = 1, endpoint } = {}) {
      for (let index = 0; index < count; index += 1) pendingFailures.push({ kind, ...(endpoint ? { endpoint } : {}) });
    },
    throttleStatusChecks(count) {
      statusThrottles += count;
    },
    rejectItems(retailerIds, message = "An unexpected error occurred while processing this item. Please retry.") {
      for (const id of retailerIds) state.rejectedItems.set(id, message);
    },
    clearRejections: () => state.rejectedItems.clear(),
    failNextBatch: (status) => void pendingBatchOutcomes.push(status),
    setCompetingWriter(writer) {
      state.options.competingWriter = writer;
    },
    slowNext(ms, count = 1) {
      slow.ms = ms;
      slow.count = count;
    },
    setBatchTiming(timing) {
      state.options.batchTiming = timing;
    },
    setPropagationDelay(ms) {
      state.options.propagationDelayMs = ms;
    },
    usagePercent(catalogId) {
      const catalog = state.catalog(catalogId);
      return catalog ? Math.round((state.callsInWindow(catalog) / batchCallsPerHour) * 100) : 0;
    },
  };

  return {
    url: baseUrl,
    control,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of sleepers) clearTimeout(timer);
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

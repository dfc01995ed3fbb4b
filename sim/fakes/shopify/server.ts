import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { execute, type GraphQLError, parse, validate, type DocumentNode, type ExecutionResult } from "graphql";
import { adminSchema } from "./schema";
import { CostBucket, queryCost, selectOperation, SINGLE_QUERY_MAX_COST } from "./cost";
import { gid, parseGid, parseGidOf } from "./ids";
import { runBulkQuery } from "./bulk";
import { partialLines, rootValue, type BulkBehaviour, type ResolverContext } from "./resolvers";
import { FakeShopState, TopLevelError, onHand, type Quantities, type StoredQuantityName, type ShopOptions } from "./store";
import { deliverWebhook, jsonWithBigInts, type WebhookDelivery, type WebhookTarget } from "./webhooks";
import { DEFAULT_FAKE_APP, FakeTokenIssuer, type AppCredentials, type TokenAnswer, type TokenBehaviour, type TokenCounters } from "./tokens";

export const FAKE_API_VERSION = "2026-10";

export interface FailureModes {
  /** Fraction (0..1) of Admin API requests answered 5xx before doing anything. */
  serverErrorRate: number;
  /** The next N Admin API requests are answered 503 before doing anything. */
  serverErrorNext: number;
  /** The next N mutations execute (and commit) and are then answered 503: a lost answer. Queries are not counted. */
  failAfterCommitNext: number;
  /** When set, only mutations whose variables mention this text count towards failAfterCommitNext (a test's own item, not a late request of another). */
  failAfterCommitOnly: string | null;
  /** Every Admin API answer waits this long first. */
  slowMs: number;
  /** The next N requests never answer (the socket stays open until the client gives up). */
  hangNext: number;
  /** The next N requests are THROTTLED whatever the bucket holds. */
  throttleNext: number;
  /** HTTP status of THROTTLED answers: Shopify usually sends 200, sometimes 429. */
  throttleHttpStatus: 200 | 429;
}

export interface FakeShopifyOptions {
  port?: number;
  host?: string;
  /** Clock for buckets and timestamps (ms). Default Date.now. */
  now?: () => number;
  /** Seed for the pseudo-random 5xx rate so runs repeat. */
  seed?: number;
  failures?: Partial<FailureModes>;
  webhooks?: WebhookTarget;
  shops?: FakeShopOptions[];
  /** The app's client credentials the token endpoint accepts (default DEFAULT_FAKE_APP, the tests' app). */
  apps?: AppCredentials[];
}

export interface FakeShopOptions extends ShopOptions {
  /** Points restored per second: 100 (standard), 200 (Advanced), 1000 (Plus), 2000 (Enterprise). */
  restoreRate?: number;
  /** Bucket size; default 20 × restoreRate (2,000 for standard plans). */
  maximumAvailable?: number;
  /** Scopes granted to the app (the `scope` of token answers). */
  scope?: string;
}

export interface RequestLogEntry {
  shop: string | null;
  operationName: string | null;
  operation: "query" | "mutation" | "subscription" | null;
  status: number;
  throttled: boolean;
  requestedQueryCost: number | null;
  variables: Record<string, unknown>;
}

export interface SeedProductSpec {
  title: string;
  status?: "ACTIVE" | "ARCHIVED" | "DRAFT";
  variants: {
    title?: string;
    sku?: string | null;
    tracked?: boolean;
    mutable?: boolean;
    /** Explicit numeric inventory item id, e.g. "271878346596884015" (above 2^53). */
    inventoryItemId?: string;
    /** location GID → quantities. */
    stock?: Record<string, Partial<Quantities>>;
  }[];
}

export interface SeededProduct {
  productId: string;
  variants: { variantId: string; inventoryItemId: string; sku: string | null }[];
}

export interface FakeShopify {
  /** Base URL: the Admin endpoint is `${url}/admin/api/2026-10/graphql.json`; the shop is the one owning the access token. */
  readonly url: string;
  readonly adminUrl: string;
  close(): Promise<void>;

  addShop(options: FakeShopOptions): FakeShopState;
  /** Raw state of one shop, for reads and direct manipulation in tests. */
  shop(domain: string): FakeShopState;
  addLocation(domain: string, input: { name: string; isActive?: boolean }): string;
  addProduct(domain: string, spec: SeedProductSpec): SeededProduct;
  /** A collection (metafield owner; membership is not modelled); returns its GID. */
  addCollection(domain: string, input: { title: string }): string;
  /**
   * The merchant edits a metafield in Shopify admin (default namespace: the app's `$app`);
   * "" removes it, as clearing the field does. `unchecked` skips the admin's JSON check.
   */
  editMetafieldInAdmin(domain: string, ownerGid: string, key: string, value: string, options?: { namespace?: string; unchecked?: boolean }): void;
  setQuantities(domain: string, inventoryItemId: string, locationId: string, quantities: Partial<Quantities>): void;
  quantities(domain: string, inventoryItemId: string, locationId: string): (Quantities & { on_hand: number }) | null;
  /** An order: available → committed, plus orders/create and inventory_levels/update webhooks when `webhooks` is on. */
  placeOrder(
    domain: string,
    input: { lines: { inventoryItemId: string; locationId: string; quantity: number }[]; webhooks?: boolean },
  ): Promise<{ orderId: string; deliveries: WebhookDelivery[] }>;
  /** Another writer changes a quantity just before the next inventory mutation runs (read-then-write race). */
  competeOnNextMutation(domain: string, change: { inventoryItemId: string; locationId: string; delta: number; name?: StoredQuantityName }): void;
  /** A writer that puts `available` back to `available` after each Admin API write on that level (null to stop). */
  setCompetingWriter(domain: string, writer: { inventoryItemId: string; locationId: string; available: number } | null): void;
  /** Admin API inventory writes so far (orders and competitors excluded). */
  apiAdjustmentCount(domain: string): number;
  setFailureModes(modes: Partial<FailureModes>): void;
  /** Every Admin API call of the shop is answered 401, whatever the token (refreshes are still granted). */
  revokeToken(domain: string): void;
  restoreToken(domain: string): void;
  /**
   * An expiring offline token pair (60 minutes on the fake's clock, rotating refresh token),
   * as token exchange gives the app on install; `issuedAt` is the fake's time of issue.
   */
  issueOfflineToken(domain: string): TokenAnswer & { issuedAt: number };
  /** Switches for the shop's refreshes: refuse (invalid_grant), omit expires_in, 503 the next N, answer slowly. */
  setTokenBehaviour(domain: string, behaviour: Partial<TokenBehaviour>): void;
  /** Every access token issued to the shop so far expires now. */
  expireAccessTokens(domain: string): void;
  /** Refreshes granted/refused/failed at the token endpoint, and Admin API requests answered 401. */
  tokenStats(): TokenCounters & { unauthorized: number };
  /** Empties the bucket (to `points`), so the next queries are THROTTLED until it refills. */
  drainBucket(domain: string, points?: number): void;
  setRestoreRate(domain: string, restoreRate: number, maximumAvailable?: number): void;
  setBulkBehaviour(behaviour: Partial<BulkBehaviour>): void;
  expireBulkOperation(domain: string, bulkOperationId: string): void;
  /** Sends one event to the app, `duplicates` extra times (same Event-Id), after `delayMs`. */
  sendWebhook(
    domain: string,
    topic: string,
    payload: unknown,
    options?: { duplicates?: number; delayMs?: number; eventId?: string },
  ): Promise<WebhookDelivery[]>;
  /** The payload Shopify sends for inventory_levels/update: only `available`, ids as raw 64-bit numbers. */
  inventoryLevelUpdatePayload(domain: string, inventoryItemId: string, locationId: string): Record<string, unknown>;
  readonly requests: RequestLogEntry[];
  readonly webhookDeliveries: WebhookDelivery[];
}

const DEFAULT_FAILURES: FailureModes = {
  serverErrorRate: 0,
  serverErrorNext: 0,
  failAfterCommitNext: 0,
  failAfterCommitOnly: null,
  slowMs: 0,
  hangNext: 0,
  throttleNext: 0,
  throttleHttpStatus: 200,
};

/** mulberry32: small seeded PRNG so failure rates repeat between runs. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "X-Request-Id": randomUUID(), ...headers });
  response.end(text);
}

/** Shopify's own messages for validation errors (`Field 'x' doesn't exist on type 'Y'`, code undefinedField). */
function shopifyValidationError(error: GraphQLError) {
  const unknownField = /^Cannot query field "([^"]+)" on type "([^"]+)"\./.exec(error.message);
  const base = { locations: error.locations?.map(({ line, column }) => ({ line, column })) };
  if (unknownField) {
    return {
      message: `Field '${unknownField[1]}' doesn't exist on type '${unknownField[2]}'`,
      ...base,
      extensions: { code: "undefinedField", typeName: unknownField[2], fieldName: unknownField[1] },
    };
  }
  return { message: error.message, ...base, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } };
}

function formatExecutionError(error: GraphQLError) {
  const original = error.originalError;
  const code = original instanceof TopLevelError ? original.code : (error.extensions["code"] as string | undefined) ?? "INTERNAL_SERVER_ERROR";
  return {
    message: error.message,
    locations: error.locations?.map(({ line, column }) => ({ line, column })),
    path: error.path,
    extensions: { code, ...(original instanceof TopLevelError ? original.extra : {}) },
  };
}

export async function startFakeShopify(options: FakeShopifyOptions = {}): Promise<FakeShopify> {
  const now = options.now ?? Date.now;
  const schema = adminSchema();
  const random = seededRandom(options.seed ?? 42);
  const shops = new Map<string, FakeShopState>();
  const scopes = new Map<string, string>();
  const tokens = new FakeTokenIssuer(
    now,
    () => options.apps ?? [DEFAULT_FAKE_APP],
    (domain) => scopes.get(domain) ?? "read_products,write_products,read_inventory,write_inventory,read_orders,read_locations",
    (domain) => shops.has(domain),
  );
  const buckets = new Map<string, CostBucket>();
  const checkedDocuments = new Map<string, { document: DocumentNode; validationErrors: readonly GraphQLError[] }>();
  let failures: FailureModes = { ...DEFAULT_FAILURES, ...options.failures };
  let bulkBehaviour: BulkBehaviour = { readsUntilDone: 1, failWith: null, partial: false };
  const requests: RequestLogEntry[] = [];
  const webhookDeliveries: WebhookDelivery[] = [];
  const hanging = new Set<ServerResponse>();
  let baseUrl = "";

  const shopByToken = (token: string | undefined) => {
    if (!token) return undefined;
    // An expiring token (expired or superseded ones are unknown), else a fixed one given at addShop.
    const domain = tokens.shopFor(token);
    if (domain !== undefined) {
      const shop = shops.get(domain);
      return shop && !shop.revoked ? shop : undefined;
    }
    for (const shop of shops.values()) if (shop.accessToken !== null && shop.accessToken === token && !shop.revoked) return shop;
    return undefined;
  };
  const getShop = (domain: string) => {
    const shop = shops.get(domain);
    if (!shop) throw new Error(`fake Shopify: unknown shop ${domain}`);
    return shop;
  };
  const idOf = (type: "InventoryItem" | "Location", value: string) => {
    const id = parseGidOf(type, value) ?? (/^\d+$/.test(value) ? BigInt(value) : null);
    if (id === null) throw new Error(`fake Shopify: not a ${type} id: ${value}`);
    return id;
  };

  function context(shop: FakeShopState): ResolverContext {
    const resolverContext: ResolverContext = {
      shop,
      bulk: false,
      baseUrl,
      bulkBehaviour,
      runBulkQuery: (query) => runBulkQuery(schema, resolverContext, query),
    };
    return resolverContext;
  }

  async function handleGraphql(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const log: RequestLogEntry = { shop: null, operationName: null, operation: null, status: 200, throttled: false, requestedQueryCost: null, variables: {} };
    requests.push(log);
    const reply = (status: number, body: unknown, headers?: Record<string, string>) => {
      log.status = status;
      sendJson(response, status, body, headers);
    };
    const rawBody = await readBody(request);

    if (failures.hangNext > 0) {
      failures.hangNext -= 1;
      log.status = 0;
      hanging.add(response);
      response.on("close", () => hanging.delete(response));
      return;
    }
    if (failures.slowMs > 0) await new Promise((resolve) => setTimeout(resolve, failures.slowMs));
    if (failures.serverErrorNext > 0 || (failures.serverErrorRate > 0 && random() < failures.serverErrorRate)) {
      if (failures.serverErrorNext > 0) failures.serverErrorNext -= 1;
      log.status = 503;
      response.writeHead(503, { "Content-Type": "text/html" });
      response.end("<html><body><h1>503 Service Unavailable</h1></body></html>");
      return;
    }

    const shop = shopByToken(request.headers["x-shopify-access-token"] as string | undefined);
    if (!shop) {
      return reply(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    log.shop = shop.domain;

    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = JSON.parse(rawBody) as typeof body;
    } catch {
      return reply(400, { errors: { query: "Required parameter missing or invalid" } });
    }
    if (typeof body.query !== "string") return reply(400, { errors: { query: "Required parameter missing or invalid" } });
    const variables = body.variables && typeof body.variables === "object" ? (body.variables as Record<string, unknown>) : {};
    const operationName = typeof body.operationName === "string" ? body.operationName : null;
    log.variables = variables;
    log.operationName = operationName;

    const bucket = buckets.get(shop.domain)!;
    const costExtension = (requested: number, actual: number | null) => ({
      cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status() },
    });

    // Clients send the same few documents over and over: parse and validate each once.
    let checked = checkedDocuments.get(body.query);
    if (!checked) {
      try {
        const parsed = parse(body.query);
        checked = { document: parsed, validationErrors: validate(schema, parsed) };
      } catch (error) {
        const syntax = error as GraphQLError;
        return reply(200, {
          errors: [{ message: syntax.message, locations: syntax.locations, extensions: { code: "parseError" } }],
          extensions: costExtension(0, 0),
        });
      }
      if (checkedDocuments.size >= 500) checkedDocuments.clear();
      checkedDocuments.set(body.query, checked);
    }
    const { document, validationErrors } = checked;
    if (validationErrors.length) {
      return reply(200, { errors: validationErrors.map(shopifyValidationError), extensions: costExtension(0, 0) });
    }
    const operation = selectOperation(document, operationName);
    log.operation = operation?.operation ?? null;
    log.operationName = operationName ?? operation?.name?.value ?? null;

    const requested = queryCost(schema, document, { operationName, variables });
    log.requestedQueryCost = requested;
    if (requested > SINGLE_QUERY_MAX_COST) {
      return reply(200, {
        errors: [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
            extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: SINGLE_QUERY_MAX_COST, documentation: "https://shopify.dev/api/usage/limits#rate-limits" },
          },
        ],
        extensions: costExtension(requested, null),
      });
    }
    const forcedThrottle = failures.throttleNext > 0;
    if (forcedThrottle) failures.throttleNext -= 1;
    if (forcedThrottle || !bucket.take(requested)) {
      log.throttled = true;
      return reply(failures.throttleHttpStatus, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/limits#rate-limits" } }],
        extensions: costExtension(requested, null),
      });
    }

    const result = execute({ schema, document, rootValue, contextValue: context(shop), variableValues: variables, operationName }) as ExecutionResult;
    const actual = result.data ? Math.min(requested, queryCost(schema, document, { operationName, variables, data: result.data })) : requested;
    bucket.refund(requested - actual);

    // Quoted: the exact id, not a longer one it prefixes (…/Item/12 inside …/Item/123).
    const failureApplies = failures.failAfterCommitOnly === null || JSON.stringify(variables ?? {}).includes(JSON.stringify(failures.failAfterCommitOnly));
    if (failures.failAfterCommitNext > 0 && operation?.operation === "mutation" && failureApplies) {
      failures.failAfterCommitNext -= 1;
      log.status = 503;
      response.writeHead(503, { "Content-Type": "text/html" });
      response.end("<html><body><h1>503 Service Unavailable</h1></body></html>");
      return;
    }
    const answer: Record<string, unknown> = {};
    if (result.errors?.length) answer["errors"] = result.errors.map(formatExecutionError);
    answer["data"] = result.data ?? null;
    answer["extensions"] = costExtension(requested, actual);
    reply(200, answer);
  }

  function handleBulkFile(url: URL, response: ServerResponse): void {
    const match = /^\/_bulk\/([^/]+)\/(\d+)\/(data|partial)\.jsonl$/.exec(url.pathname);
    const shop = match ? shops.get(decodeURIComponent(match[1]!)) : undefined;
    const record = shop && match ? shop.bulkOperations.get(BigInt(match[2]!)) : undefined;
    if (!record || url.searchParams.get("sig") !== record.fileToken) {
      response.writeHead(404, { "Content-Type": "text/plain" });
      response.end("Not Found");
      return;
    }
    if (record.expired) {
      // Signed storage URLs answer 403 with an XML body once expired.
      response.writeHead(403, { "Content-Type": "application/xml" });
      response.end("<?xml version='1.0' encoding='UTF-8'?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>");
      return;
    }
    const lines = match![3] === "partial" ? partialLines(record) : record.lines;
    response.writeHead(200, { "Content-Type": "application/jsonl" });
    response.end(lines.map((line) => `${line}\n`).join(""));
  }

  async function handleTokenRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawBody = await readBody(request);
    const reply = await tokens.refresh(request.headers["content-type"], rawBody);
    if (typeof reply.body === "string") {
      response.writeHead(reply.status, { ...reply.headers, "X-Request-Id": randomUUID() });
      response.end(reply.body);
      return;
    }
    sendJson(response, reply.status, reply.body, reply.headers);
  }

  async function handleControl(path: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const args = JSON.parse((await readBody(request)) || "[]") as unknown[];
    const method = (fake as unknown as Record<string, unknown>)[path];
    const allowed = new Set([
      "addShop", "addLocation", "addProduct", "addCollection", "editMetafieldInAdmin", "setQuantities", "quantities", "placeOrder", "competeOnNextMutation",
      "setCompetingWriter", "apiAdjustmentCount", "setFailureModes", "revokeToken", "restoreToken", "drainBucket",
      "issueOfflineToken", "setTokenBehaviour", "expireAccessTokens", "tokenStats",
      "setRestoreRate", "setBulkBehaviour", "expireBulkOperation", "sendWebhook", "inventoryLevelUpdatePayload",
    ]);
    if (!allowed.has(path) || typeof method !== "function") return sendJson(response, 404, { error: `unknown control ${path}` });
    try {
      const value = await (method as (...params: unknown[]) => unknown).apply(fake, args);
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(path === "addShop" ? JSON.stringify({ domain: (value as FakeShopState).domain }) : jsonWithBigInts(value ?? null));
    } catch (error) {
      sendJson(response, 400, { error: (error as Error).message });
    }
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://fake");
    const done = (promise: Promise<void>) =>
      promise.catch((error: unknown) => {
        if (!response.headersSent) sendJson(response, 500, { errors: [{ message: (error as Error).message }] });
      });
    if (request.method === "POST" && url.pathname === `/admin/api/${FAKE_API_VERSION}/graphql.json`) return void done(handleGraphql(request, response));
    if (request.method === "POST" && url.pathname === "/admin/oauth/access_token") return void done(handleTokenRequest(request, response));
    if (request.method === "GET" && url.pathname.startsWith("/_bulk/")) return handleBulkFile(url, response);
    if (request.method === "POST" && url.pathname.startsWith("/_control/")) return void done(handleControl(url.pathname.slice("/_control/".length), request, response));
    sendJson(response, 404, { errors: "Not Found" });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  baseUrl = `http://${address.address}:${address.port}`;

  async function sendEvent(domain: string, topic: string, payload: unknown, sendOptions: { duplicates?: number; delayMs?: number; eventId?: string } = {}) {
    const target = options.webhooks;
    if (!target) throw new Error("fake Shopify: no webhook target configured (options.webhooks)");
    if (sendOptions.delayMs) await new Promise((resolve) => setTimeout(resolve, sendOptions.delayMs));
    const body = jsonWithBigInts(payload);
    const eventId = sendOptions.eventId ?? randomUUID();
    const triggeredAt = new Date(now()).toISOString();
    const sent: WebhookDelivery[] = [];
    for (let attempt = 0; attempt <= (sendOptions.duplicates ?? 0); attempt += 1) {
      const delivery = await deliverWebhook(target, { topic, shopDomain: domain, body, eventId, triggeredAt });
      sent.push(delivery);
      webhookDeliveries.push(delivery);
    }
    return sent;
  }

  const fake: FakeShopify = {
    url: baseUrl,
    adminUrl: `${baseUrl}/admin/api/${FAKE_API_VERSION}/graphql.json`,
    requests,
    webhookDeliveries,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
    addShop(shopOptions) {
      const shop = new FakeShopState(shopOptions, { now });
      const restoreRate = shopOptions.restoreRate ?? 100;
      shops.set(shop.domain, shop);
      if (shopOptions.scope) scopes.set(shop.domain, shopOptions.scope);
      buckets.set(shop.domain, new CostBucket(shopOptions.maximumAvailable ?? restoreRate * 20, restoreRate, now));
      return shop;
    },
    shop: getShop,
    addLocation(domain, input) {
      return gid("Location", getShop(domain).addLocation(input).id);
    },
    addProduct(domain, spec) {
      const shop = getShop(domain);
      const { product, variants } = shop.addProduct({
        title: spec.title,
        status: spec.status,
        variants: spec.variants.map((variant) => ({
          title: variant.title,
          sku: variant.sku,
          tracked: variant.tracked,
          mutable: variant.mutable,
          inventoryItemId: variant.inventoryItemId === undefined ? undefined : BigInt(variant.inventoryItemId),
          stock: Object.fromEntries(Object.entries(variant.stock ?? {}).map(([location, quantities]) => [idOf("Location", location).toString(), quantities])),
        })),
      });
      return {
        productId: gid("Product", product.id),
        variants: variants.map((variant) => ({
          variantId: gid("ProductVariant", variant.id),
          inventoryItemId: gid("InventoryItem", variant.inventoryItemId),
          sku: variant.sku,
        })),
      };
    },
    addCollection(domain, input) {
      return gid("Collection", getShop(domain).addCollection(input).id);
    },
    editMetafieldInAdmin(domain, ownerGid, key, value, editOptions) {
      getShop(domain).editMetafieldInAdmin(ownerGid, key, value, editOptions);
    },
    setQuantities(domain, inventoryItemId, locationId, quantities) {
      getShop(domain).stock(idOf("InventoryItem", inventoryItemId), idOf("Location", locationId), quantities);
    },
    quantities(domain, inventoryItemId, locationId) {
      const level = getShop(domain).level(idOf("InventoryItem", inventoryItemId), idOf("Location", locationId));
      return level ? { ...level.quantities, on_hand: onHand(level.quantities) } : null;
    },
    async placeOrder(domain, input) {
      const shop = getShop(domain);
      const lines = input.lines.map((line) => ({ inventoryItemId: idOf("InventoryItem", line.inventoryItemId), locationId: idOf("Location", line.locationId), quantity: line.quantity }));
      shop.placeOrder(lines);
      const orderId = shop.nextId("other");
      const deliveries: WebhookDelivery[] = [];
      if (input.webhooks ?? !!options.webhooks) {
        const createdAt = new Date(now()).toISOString();
        const order = {
          id: orderId,
          admin_graphql_api_id: gid("Order", orderId),
          created_at: createdAt,
          updated_at: createdAt,
          name: `#${1000 + shop.adjustmentGroups.length}`,
          financial_status: "paid",
          fulfillment_status: null,
          source_name: "web",
          line_items: lines.map((line) => {
            const item = shop.inventoryItems.get(line.inventoryItemId)!;
            const variant = shop.variants.get(item.variantId)!;
            const lineId = shop.nextId("other");
            return {
              id: lineId,
              admin_graphql_api_id: gid("LineItem", lineId),
              variant_id: variant.id,
              product_id: variant.productId,
              sku: variant.sku,
              quantity: line.quantity,
              variant_inventory_management: item.tracked ? "shopify" : null,
              fulfillment_status: null,
            };
          }),
        };
        deliveries.push(...(await sendEvent(domain, "orders/create", order)));
        for (const line of lines) {
          deliveries.push(
            ...(await sendEvent(domain, "inventory_levels/update", fake.inventoryLevelUpdatePayload(domain, line.inventoryItemId.toString(), line.locationId.toString()))),
          );
        }
      }
      return { orderId: gid("Order", orderId), deliveries };
    },
    competeOnNextMutation(domain, change) {
      const shop = getShop(domain);
      const itemId = idOf("InventoryItem", change.inventoryItemId);
      const locationId = idOf("Location", change.locationId);
      shop.onNextInventoryMutation(() => shop.adjustBy(itemId, locationId, change.name ?? "available", change.delta, "competitor"));
    },
    setCompetingWriter(domain, writer) {
      const shop = getShop(domain);
      shop.competingWriters.splice(0);
      if (writer) shop.competingWriters.push({ inventoryItemId: idOf("InventoryItem", writer.inventoryItemId), locationId: idOf("Location", writer.locationId), available: writer.available });
    },
    apiAdjustmentCount(domain) {
      return getShop(domain).adjustmentGroups.filter((group) => group.actor === "api").length;
    },
    setFailureModes(modes) {
      failures = { ...failures, ...modes };
    },
    revokeToken(domain) {
      getShop(domain).revoked = true;
    },
    restoreToken(domain) {
      getShop(domain).revoked = false;
    },
    issueOfflineToken(domain) {
      getShop(domain);
      return { ...tokens.issue(domain), issuedAt: now() };
    },
    setTokenBehaviour(domain, behaviour) {
      getShop(domain);
      tokens.setBehaviour(domain, behaviour);
    },
    expireAccessTokens(domain) {
      getShop(domain);
      tokens.expireAccessTokens(domain);
    },
    tokenStats() {
      return { ...tokens.counters, unauthorized: requests.filter((entry) => entry.status === 401).length };
    },
    drainBucket(domain, points = 0) {
      getShop(domain);
      buckets.get(domain)!.drain(points);
    },
    setRestoreRate(domain, restoreRate, maximumAvailable) {
      getShop(domain);
      const bucket = buckets.get(domain)!;
      bucket.restoreRate = restoreRate;
      bucket.maximumAvailable = maximumAvailable ?? restoreRate * 20;
    },
    setBulkBehaviour(behaviour) {
      bulkBehaviour = { ...bulkBehaviour, ...behaviour };
    },
    expireBulkOperation(domain, bulkOperationId) {
      const parsed = parseGid(bulkOperationId);
      const record = parsed ? getShop(domain).bulkOperations.get(parsed.id) : undefined;
      if (!record) throw new Error(`fake Shopify: unknown bulk operation ${bulkOperationId}`);
      record.expired = true;
    },
    sendWebhook: sendEvent,
    inventoryLevelUpdatePayload(domain, inventoryItemId, locationId) {
      const shop = getShop(domain);
      const itemId = idOf("InventoryItem", inventoryItemId);
      const location = idOf("Location", locationId);
      const level = shop.level(itemId, location);
      if (!level) throw new Error(`fake Shopify: ${inventoryItemId} is not stocked at ${locationId}`);
      return {
        inventory_item_id: itemId,
        location_id: location,
        available: level.quantities.available,
        updated_at: level.updatedAt,
        admin_graphql_api_id: shop.levelGid(level),
      };
    },
  };

  for (const shopOptions of options.shops ?? []) fake.addShop(shopOptions);
  return fake;
}

/**
 * A fake of the Google Merchant API v1 subset Ballast uses, plus an OAuth token endpoint,
 * as a real HTTP server on loopback. Contracts: CHANNELS.md "Google Merchant API v1".
 *
 *   POST /token                                                     refresh-token and service-account (JWT bearer) grants
 *   POST /products/v1/accounts/{a}/productInputs:insert?dataSource=accounts/{a}/dataSources/{d}
 *   GET  /products/v1/accounts/{a}/products/{contentLanguage~feedLabel~offerId | unpadded base64url of it}
 *   GET  /datasources/v1/accounts/{a}/dataSources[/{d}]
 */
import { createVerify, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { systemClock, type FakeClock } from "../meta/clock";

export const GOOGLE_AVAILABILITY = ["AVAILABILITY_UNSPECIFIED", "IN_STOCK", "OUT_OF_STOCK", "PREORDER", "LIMITED_AVAILABILITY", "BACKORDER"] as const;
export type GoogleAvailability = Exclude<(typeof GOOGLE_AVAILABILITY)[number], "AVAILABILITY_UNSPECIFIED">;

export interface FakeDataSource {
  dataSourceId: string;
  displayName?: string;
  type: "primary" | "supplemental";
  /** Only API sources accept productInputs:insert. */
  input?: "API" | "FILE" | "AUTOFEED";
  contentLanguage: string;
  feedLabel: string;
  /** Primary only: the default rule, highest priority first; "self" is the primary's own data. */
  takeFromDataSources?: Array<"self" | string>;
}

export interface SeedProduct {
  offerId: string;
  availability: GoogleAvailability;
  /** Primary data source holding the offer (Shopify's Google & YouTube feed in real life). */
  dataSourceId: string;
}

export interface GoogleFakeOptions {
  port?: number;
  clock?: FakeClock;
  accountId?: string;
  dataSources?: FakeDataSource[];
  products?: SeedProduct[];
  /** A write shows on products.get only after this long ("several minutes"). */
  processingDelayMs?: number;
  requestsPerMinute?: number;
  requestsPerDay?: number;
  /** The documented behaviour is "move" (the offer leaves its current primary source); the default refuses, as a guard. */
  primaryInsert?: "refuse" | "move";
  /** Google's guidance: a product may be updated about twice a day. Counted, surfaced, not enforced. */
  updatesPerProductPerDay?: number;
  oauth?: {
    clients?: Array<{ clientId: string; clientSecret: string; refreshToken: string }>;
    serviceAccounts?: Array<{ clientEmail: string; publicKeyPem: string }>;
    accessTokenTtlSeconds?: number;
  };
  /** Tokens accepted without the token endpoint (simple tools). */
  staticAccessTokens?: string[];
  /** Add google.rpc.RetryInfo to 429 answers (Google usually does; unverified for every quota). */
  retryInfo?: boolean;
}

export type GoogleFailureKind = "internal" | "unavailable" | "rate_limit" | "daily_limit";

interface InputVersion {
  visibleAt: number;
  writtenAt: number;
  attributes: { availability?: GoogleAvailability; pause?: string };
  writer: "seed" | "api" | "competing_writer";
}

interface Counters {
  inserts: number;
  productGets: number;
  dataSourceGets: number;
  tokenGrants: number;
  requests: number;
}

export interface GoogleFakeControl {
  clock: FakeClock;
  readonly counters: Readonly<Counters>;
  readonly requestLines: readonly string[];
  /** Bodies received by productInputs:insert, raw. */
  readonly insertedBodies: readonly unknown[];
  /** Revokes every access token, refresh token and service-account key (as a merchant unlinking the app). */
  revokeAccess(): void;
  failNext(kind: GoogleFailureKind, count?: number): void;
  /** The next `count` answers (token grants excluded) leave after `ms` of real time; the request has already taken effect (a lost answer). */
  slowNext(ms: number, count?: number): void;
  /** The processed product as Google would show it now, ignoring the processing delay. */
  trueProduct(offerId: string, feed?: { contentLanguage: string; feedLabel: string }): { availability?: GoogleAvailability; pause?: string; dataSourceId: string } | undefined;
  /** Writes on the primary feed, as Shopify's own Google channel does. */
  setPrimaryAvailability(offerId: string, availability: GoogleAvailability, dataSourceId?: string): void;
  /** After each supplemental insert, the primary feed's writer puts its own figure back after `afterMs`. */
  setCompetingWriter(writer: { afterMs: number; availabilityFor(offerId: string): GoogleAvailability | undefined } | null): void;
  setDefaultRule(primaryDataSourceId: string, takeFromDataSources: Array<"self" | string>): void;
  setProcessingDelay(ms: number): void;
  /** Updates per product over the rolling day, and those beyond Google's guidance. */
  updateCounts(): Map<string, number>;
  productsOverPolicy(): string[];
}

export interface GoogleFake {
  url: string;
  close(): Promise<void>;
  control: GoogleFakeControl;
}

class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly status: string,
    message: string,
    readonly reason?: string,
    readonly extraDetails: unknown[] = [],
  ) {
    super(message);
  }
}

const NUMERIC_AVAILABILITY: Record<number, GoogleAvailability | undefined> = { 1: "IN_STOCK", 2: "OUT_OF_STOCK", 3: "PREORDER", 4: "LIMITED_AVAILABILITY", 5: "BACKORDER" };

/** `en~US~offer` or the unpadded base64url of it; an offer id may itself hold `~` only in the encoded form. */
function decodeProductName(segment: string): { contentLanguage: string; feedLabel: string; offerId: string } | null {
  const plain = segment.includes("~") ? segment : Buffer.from(segment, "base64url").toString("utf8");
  const parts = plain.split("~");
  if (parts.length < 3) return null;
  if (segment.includes("~") && parts.length > 3) return null; // an unencoded offer id with "~" is ambiguous
  const [contentLanguage, feedLabel, ...offer] = parts;
  return { contentLanguage: contentLanguage!, feedLabel: feedLabel!, offerId: offer.join("~") };
}

export async function startGoogleFake(options: GoogleFakeOptions = {}): Promise<GoogleFake> {
  const clock = options.clock ?? systemClock;
  const accountId = options.accountId ?? "123456789";
  let processingDelayMs = options.processingDelayMs ?? 5 * 60_000;
  const requestsPerMinute = options.requestsPerMinute ?? 60;
  const requestsPerDay = options.requestsPerDay ?? 10_000;
  const updatesPerProductPerDay = options.updatesPerProductPerDay ?? 2;
  const primaryInsert = options.primaryInsert ?? "refuse";
  const retryInfo = options.retryInfo ?? true;
  const tokenTtlMs = (options.oauth?.accessTokenTtlSeconds ?? 3600) * 1000;

  const dataSources = new Map<string, FakeDataSource>();
  for (const source of options.dataSources ?? [
    { dataSourceId: "1001", type: "primary", contentLanguage: "en", feedLabel: "US", takeFromDataSources: ["2002", "self"], displayName: "Shopify App API" },
    { dataSourceId: "2002", type: "supplemental", contentLanguage: "en", feedLabel: "US", displayName: "Ballast availability" },
  ] satisfies FakeDataSource[]) {
    dataSources.set(source.dataSourceId, { input: "API", ...source });
  }

  /** key: `${dataSourceId}|${contentLanguage}~${feedLabel}~${offerId}` */
  const inputs = new Map<string, InputVersion[]>();
  const productKey = (contentLanguage: string, feedLabel: string, offerId: string) => `${contentLanguage}~${feedLabel}~${offerId}`;
  const write = (dataSourceId: string, key: string, version: InputVersion) => {
    const versions = inputs.get(`${dataSourceId}|${key}`) ?? [];
    // Processed in the order received: when the processing delay shrinks after a spike, a
    // later input waits for the earlier ones instead of overtaking them.
    const latest = versions.reduce((max, earlier) => Math.max(max, earlier.visibleAt), -Infinity);
    versions.push({ ...version, visibleAt: Math.max(version.visibleAt, latest) });
    versions.sort((a, b) => a.visibleAt - b.visibleAt);
    // Bounded history that keeps the version visible now (many writes may still be processing).
    if (versions.length > 20) {
      const now = clock.now();
      let visible = 0;
      for (let index = versions.length - 1; index >= 0; index -= 1) {
        if (versions[index]!.visibleAt <= now) {
          visible = index;
          break;
        }
      }
      versions.splice(0, Math.min(visible, versions.length - 20));
    }
    inputs.set(`${dataSourceId}|${key}`, versions);
  };
  for (const product of options.products ?? []) {
    const source = dataSources.get(product.dataSourceId);
    if (!source) throw new Error(`seed product names unknown data source ${product.dataSourceId}`);
    write(product.dataSourceId, productKey(source.contentLanguage, source.feedLabel, product.offerId), {
      visibleAt: -Infinity,
      writtenAt: -Infinity,
      attributes: { availability: product.availability },
      writer: "seed",
    });
  }

  const counters: Counters = { inserts: 0, productGets: 0, dataSourceGets: 0, tokenGrants: 0, requests: 0 };
  const requestLines: string[] = [];
  const insertedBodies: unknown[] = [];
  const issuedTokens = new Map<string, number>(); // token → expiry
  for (const token of options.staticAccessTokens ?? []) issuedTokens.set(token, Infinity);
  let revoked = false;
  const injected: GoogleFailureKind[] = [];
  const slow = { ms: 0, count: 0 };
  const sleepers = new Set<NodeJS.Timeout>();
  const requestTimes: number[] = [];
  const updateTimes = new Map<string, number[]>();
  let competingWriter: { afterMs: number; availabilityFor(offerId: string): GoogleAvailability | undefined } | null = null;
  const timers: Array<{ at: number; run: () => void }> = [];

  function settle(): void {
    const now = clock.now();
    timers.sort((a, b) => a.at - b.at);
    while (timers.length > 0 && timers[0]!.at <= now) timers.shift()!.run();
  }

  function latest(dataSourceId: string, key: string, now?: number): InputVersion | undefined {
    const versions = inputs.get(`${dataSourceId}|${key}`) ?? [];
    for (let index = versions.length - 1; index >= 0; index -= 1) {
      if (now === undefined || versions[index]!.visibleAt <= now) return versions[index];
    }
    return undefined;
  }

  /** Merges inputs the way the default rule says: the first source in the list that sets an attribute wins. */
  function processed(key: string, now?: number) {
    for (const primary of dataSources.values()) {
      if (primary.type !== "primary") continue;
      const own = latest(primary.dataSourceId, key, now);
      if (!own) continue;
      const attributes: { availability?: GoogleAvailability; pause?: string } = {};
      for (const reference of primary.takeFromDataSources ?? ["self"]) {
        const version = reference === "self" ? own : latest(reference, key, now);
        if (!version) continue;
        attributes.availability ??= version.attributes.availability;
        attributes.pause ??= version.attributes.pause;
      }
      return { dataSourceId: primary.dataSourceId, attributes };
    }
    return undefined;
  }

  function errorBody(error: ApiError) {
    const details: unknown[] = [];
    if (error.reason) {
      details.push({
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: error.reason,
        domain: "merchantapi.googleapis.com",
        metadata: { REASON: error.reason },
      });
    }
    details.push(...error.extraDetails);
    return { error: { code: error.httpStatus, message: error.message, status: error.status, details } };
  }

  function authenticate(req: IncomingMessage): void {
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const expiry = token ? issuedTokens.get(token) : undefined;
    if (!token || expiry === undefined || expiry <= clock.now()) {
      throw new ApiError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "ACCESS_TOKEN_INVALID");
    }
  }

  function quota(): void {
    const now = clock.now();
    const kind = injected[0] === "rate_limit" || injected[0] === "daily_limit" ? injected.shift() : undefined;
    while (requestTimes.length > 0 && requestTimes[0]! <= now - 86_400_000) requestTimes.shift();
    const lastMinute = requestTimes.filter((at) => at > now - 60_000).length;
    if (kind === "daily_limit" || requestTimes.length >= requestsPerDay) {
      throw new ApiError(429, "RESOURCE_EXHAUSTED", "Quota exceeded: daily limit for this method.", "quota/daily_limit_exceeded", retryInfo ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "3600s" }] : []);
    }
    if (kind === "rate_limit" || lastMinute >= requestsPerMinute) {
      const oldest = requestTimes.find((at) => at > now - 60_000) ?? now;
      const seconds = Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000));
      throw new ApiError(429, "RESOURCE_EXHAUSTED", "Quota exceeded: too many requests per minute.", "quota/request_rate_too_high", retryInfo ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${seconds}s` }] : []);
    }
    requestTimes.push(now);
    const failure = injected[0] === "internal" || injected[0] === "unavailable" ? injected.shift() : undefined;
    if (failure === "internal") throw new ApiError(500, "INTERNAL", "Internal error encountered.");
    if (failure === "unavailable") throw new ApiError(503, "UNAVAILABLE", "The service is currently unavailable.");
  }

  function parseAvailability(value: unknown): GoogleAvailability | undefined | ApiError {
    if (value === undefined) return undefined;
    // The official REST client sends enum numbers; others send names.
    const name = typeof value === "number" ? NUMERIC_AVAILABILITY[value] : typeof value === "string" ? (GOOGLE_AVAILABILITY as readonly string[]).includes(value) && value !== "AVAILABILITY_UNSPECIFIED" ? (value as GoogleAvailability) : undefined : undefined;
    return name ?? new ApiError(400, "INVALID_ARGUMENT", `Invalid value at 'product_input.product_attributes.availability': ${JSON.stringify(value)}`, "INVALID_ARGUMENT");
  }

  function dataSourceResource(source: FakeDataSource) {
    const name = `accounts/${accountId}/dataSources/${source.dataSourceId}`;
    const base = { name, dataSourceId: source.dataSourceId, displayName: source.displayName ?? name, input: source.input ?? "API" };
    if (source.type === "primary") {
      return {
        ...base,
        primaryProductDataSource: {
          contentLanguage: source.contentLanguage,
          feedLabel: source.feedLabel,
          defaultRule: {
            takeFromDataSources: (source.takeFromDataSources ?? ["self"]).map((reference) =>
              reference === "self" ? { self: true } : { supplementalDataSourceName: `accounts/${accountId}/dataSources/${reference}` },
            ),
          },
        },
      };
    }
    return { ...base, supplementalProductDataSource: { contentLanguage: source.contentLanguage, feedLabel: source.feedLabel } };
  }

  function insert(query: URLSearchParams, body: Record<string, unknown>): unknown {
    const dataSourceName = query.get("dataSource") ?? "";
    const match = new RegExp(`^accounts/${accountId}/dataSources/([^/]+)$`).exec(dataSourceName);
    if (!match) throw new ApiError(400, "INVALID_ARGUMENT", "Required parameter dataSource is missing or malformed.", "INVALID_DATA_SOURCE_NAME");
    const source = dataSources.get(match[1]!);
    if (!source) throw new ApiError(404, "NOT_FOUND", `Data source ${dataSourceName} not found.`, "DATA_SOURCE_NOT_FOUND");
    if (source.input !== "API") throw new ApiError(400, "INVALID_ARGUMENT", "Only API data sources are supported.", "DATA_SOURCE_NOT_API");
    const offerId = body.offerId;
    const contentLanguage = body.contentLanguage;
    const feedLabel = body.feedLabel;
    if (typeof offerId !== "string" || !offerId || typeof contentLanguage !== "string" || typeof feedLabel !== "string") {
      throw new ApiError(400, "INVALID_ARGUMENT", "offerId, contentLanguage and feedLabel are required.", "MISSING_REQUIRED_FIELD");
    }
    const attributesIn = (body.productAttributes ?? {}) as Record<string, unknown>;
    const availability = parseAvailability(attributesIn.availability);
    if (availability instanceof ApiError) throw availability;
    if (attributesIn.pause !== undefined && attributesIn.pause !== "ads" && attributesIn.pause !== "all") {
      throw new ApiError(400, "INVALID_ARGUMENT", "pause must be \"ads\" or \"all\".", "INVALID_ARGUMENT");
    }
    const key = productKey(contentLanguage, feedLabel, offerId);
    if (source.type === "primary") {
      if (primaryInsert === "refuse") {
        throw new ApiError(400, "FAILED_PRECONDITION", "This fake refuses inserts into a primary data source: the offer would be moved out of the merchant's feed.", "PRIMARY_DATA_SOURCE_INSERT_REFUSED");
      }
      // Documented behaviour: the offer moves to this primary source, leaving the one that held it.
      for (const other of dataSources.values()) if (other.type === "primary" && other.dataSourceId !== source.dataSourceId) inputs.delete(`${other.dataSourceId}|${key}`);
    }
    const now = clock.now();
    const attributes = { ...(availability ? { availability } : {}), ...(typeof attributesIn.pause === "string" ? { pause: attributesIn.pause } : {}) };
    write(source.dataSourceId, key, { visibleAt: now + processingDelayMs, writtenAt: now, attributes, writer: "api" });
    counters.inserts += 1;
    const times = (updateTimes.get(key) ?? []).filter((at) => at > now - 86_400_000);
    times.push(now);
    updateTimes.set(key, times);

    if (competingWriter && source.type === "supplemental") {
      const writer = competingWriter;
      const at = now + writer.afterMs;
      timers.push({
        at,
        run: () => {
          const primaryAvailability = writer.availabilityFor(offerId);
          const primary = processed(key);
          if (!primaryAvailability || !primary) return;
          write(primary.dataSourceId, key, { visibleAt: at + processingDelayMs, writtenAt: at, attributes: { availability: primaryAvailability }, writer: "competing_writer" });
        },
      });
    }
    const name = /[^A-Za-z0-9_-]/.test(offerId) ? Buffer.from(key).toString("base64url") : key;
    return {
      name: `accounts/${accountId}/productInputs/${name}`,
      product: `accounts/${accountId}/products/${name}`,
      offerId,
      contentLanguage,
      feedLabel,
      productAttributes: attributes,
    };
  }

  function getProduct(segment: string): unknown {
    const parsed = decodeProductName(decodeURIComponent(segment));
    if (!parsed) throw new ApiError(400, "INVALID_ARGUMENT", "Product name must be contentLanguage~feedLabel~offerId, base64url-encoded when the offer id holds reserved characters.", "INVALID_NAME");
    const key = productKey(parsed.contentLanguage, parsed.feedLabel, parsed.offerId);
    const product = processed(key, clock.now());
    if (!product) throw new ApiError(404, "NOT_FOUND", `Product ${segment} not found.`, "PRODUCT_NOT_FOUND");
    return {
      name: `accounts/${accountId}/products/${segment}`,
      offerId: parsed.offerId,
      contentLanguage: parsed.contentLanguage,
      feedLabel: parsed.feedLabel,
      dataSource: `accounts/${accountId}/dataSources/${product.dataSourceId}`,
      productAttributes: product.attributes,
      productStatus: { destinationStatuses: [], itemLevelIssues: [] },
    };
  }

  function token(form: URLSearchParams): { status: number; body: unknown } {
    const refuse = (status: number, error: string, description: string) => ({ status, body: { error, error_description: description } });
    const grant = form.get("grant_type");
    if (grant === "refresh_token") {
      const client = options.oauth?.clients?.find((candidate) => candidate.clientId === form.get("client_id"));
      if (!client || client.clientSecret !== form.get("client_secret")) return refuse(401, "invalid_client", "The OAuth client was not found.");
      if (revoked || client.refreshToken !== form.get("refresh_token")) return refuse(400, "invalid_grant", "Token has been expired or revoked.");
    } else if (grant === "urn:ietf:params:oauth:grant-type:jwt-bearer") {
      const [header, payload, signature] = (form.get("assertion") ?? "").split(".");
      if (!header || !payload || !signature) return refuse(400, "invalid_grant", "Invalid JWT.");
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { iss?: string; scope?: string; exp?: number };
      const account = options.oauth?.serviceAccounts?.find((candidate) => candidate.clientEmail === claims.iss);
      if (!account || revoked) return refuse(400, "invalid_grant", "Invalid JWT Signature.");
      const verifier = createVerify("RSA-SHA256");
      verifier.update(`${header}.${payload}`);
      if (!verifier.verify(account.publicKeyPem, Buffer.from(signature, "base64url"))) return refuse(400, "invalid_grant", "Invalid JWT Signature.");
      if (!claims.scope?.split(" ").includes("https://www.googleapis.com/auth/content")) return refuse(400, "invalid_scope", "Invalid OAuth scope.");
      if (!claims.exp || claims.exp * 1000 < clock.now()) return refuse(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.");
    } else {
      return refuse(400, "unsupported_grant_type", "Invalid grant_type.");
    }
    counters.tokenGrants += 1;
    const accessToken = `ya29.fake-${randomBytes(18).toString("base64url")}`;
    issuedTokens.set(accessToken, clock.now() + tokenTtlMs);
    return { status: 200, body: { access_token: accessToken, expires_in: tokenTtlMs / 1000, token_type: "Bearer", scope: "https://www.googleapis.com/auth/content" } };
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
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
      if (slow.count > 0 && url.pathname !== "/token") {
        slow.count -= 1;
        const timer = setTimeout(() => (sleepers.delete(timer), finish()), slow.ms);
        sleepers.add(timer);
      } else finish();
    };
    try {
      settle();
      const text = await readBody(req);
      if (req.method === "POST" && url.pathname === "/token") {
        const answer = token(new URLSearchParams(text));
        return send(answer.status, answer.body);
      }
      const insertPath = new RegExp(`^/products/v1/accounts/${accountId}/productInputs:insert$`);
      const productPath = new RegExp(`^/products/v1/accounts/${accountId}/products/([^/]+)$`);
      const sourcePath = new RegExp(`^/datasources/v1/accounts/${accountId}/dataSources(?:/([^/]+))?$`);
      if (!insertPath.test(url.pathname) && !productPath.test(url.pathname) && !sourcePath.test(url.pathname)) {
        throw new ApiError(404, "NOT_FOUND", `No route for ${req.method} ${url.pathname} (wrong account or path).`);
      }
      authenticate(req);
      if (revoked) throw new ApiError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.", "ACCESS_TOKEN_INVALID");
      quota();
      if (req.method === "POST" && insertPath.test(url.pathname)) {
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(text || "{}") as Record<string, unknown>;
        } catch {
          throw new ApiError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
        }
        insertedBodies.push(body);
        return send(200, insert(url.searchParams, body));
      }
      const product = productPath.exec(url.pathname);
      if (req.method === "GET" && product) {
        counters.productGets += 1;
        return send(200, getProduct(product[1]!));
      }
      const source = sourcePath.exec(url.pathname);
      if (req.method === "GET" && source) {
        counters.dataSourceGets += 1;
        if (!source[1]) return send(200, { dataSources: [...dataSources.values()].map(dataSourceResource) });
        const found = dataSources.get(source[1]);
        if (!found) throw new ApiError(404, "NOT_FOUND", `Data source ${source[1]} not found.`, "DATA_SOURCE_NOT_FOUND");
        return send(200, dataSourceResource(found));
      }
      throw new ApiError(405, "METHOD_NOT_ALLOWED", `${req.method} is not supported here.`);
    } catch (error) {
      if (error instanceof ApiError) return send(error.httpStatus, errorBody(error));
      return send(500, { error: { code: 500, status: "INTERNAL", message: `fake failure: ${String(error)}`, details: [] } });
    }
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const primaryFor = (dataSourceId?: string) => {
    const source = dataSourceId ? dataSources.get(dataSourceId) : [...dataSources.values()].find((candidate) => candidate.type === "primary");
    if (!source || source.type !== "primary") throw new Error(`no primary data source ${dataSourceId ?? ""}`);
    return source;
  };

  const control: GoogleFakeControl = {
    clock,
    counters,
    requestLines,
    insertedBodies,
    revokeAccess() {
      revoked = true;
      issuedTokens.clear();
    },
    failNext(kind, count = 1) {
      for (let index = 0; index < count; index += 1) injected.push(kind);
    },
    slowNext(ms, count = 1) {
      slow.ms = ms;
      slow.count = count;
    },
    trueProduct(offerId, feed) {
      settle();
      const primary = primaryFor();
      const result = processed(productKey(feed?.contentLanguage ?? primary.contentLanguage, feed?.feedLabel ?? primary.feedLabel, offerId));
      return result ? { ...result.attributes, dataSourceId: result.dataSourceId } : undefined;
    },
    setPrimaryAvailability(offerId, availability, dataSourceId) {
      const primary = primaryFor(dataSourceId);
      const now = clock.now();
      write(primary.dataSourceId, productKey(primary.contentLanguage, primary.feedLabel, offerId), { visibleAt: now + processingDelayMs, writtenAt: now, attributes: { availability }, writer: "competing_writer" });
    },
    setCompetingWriter(writer) {
      competingWriter = writer;
    },
    setDefaultRule(primaryDataSourceId, takeFromDataSources) {
      primaryFor(primaryDataSourceId).takeFromDataSources = takeFromDataSources;
    },
    setProcessingDelay(ms) {
      processingDelayMs = ms;
    },
    updateCounts() {
      const since = clock.now() - 86_400_000;
      return new Map([...updateTimes].map(([key, times]) => [key, times.filter((at) => at > since).length]));
    },
    productsOverPolicy() {
      return [...control.updateCounts()].filter(([, count]) => count > updatesPerProductPerDay).map(([key]) => key);
    },
  };

  return {
    url,
    control,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of sleepers) clearTimeout(timer);
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

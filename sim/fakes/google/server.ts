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
import { answerJson, closeServer, listen, logRequest, readText, SlowAnswers, type FakeControlBase } from "../http";
import { systemClock, type FakeClock } from "../meta/clock";
import { deferPastOutages, type OutageWindow } from "../meta/outages";

export const GOOGLE_AVAILABILITY = [
  "AVAILABILITY_UNSPECIFIED",
  "IN_STOCK",
  "OUT_OF_STOCK",
  "PREORDER",
  "LIMITED_AVAILABILITY",
  "BACKORDER",
] as const;
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

type Counters = Record<"inserts" | "productGets" | "dataSourceGets" | "tokenGrants" | "requests", number>;

export interface GoogleFakeControl extends FakeControlBase<Counters> {
  /** Bodies received by productInputs:insert, raw. */
  readonly insertedBodies: readonly unknown[];
  /** Revokes every access token, refresh token and service-account key (as a merchant unlinking the app). */
  revokeAccess(): void;
  failNext(kind: GoogleFailureKind, count?: number): void;
  /** The next `count` answers (token grants excluded) leave after `ms` of real time; the request has already taken effect (a lost answer). */
  slowNext(ms: number, count?: number): void;
  /** The processed product as Google would show it now, ignoring the processing delay. */
  trueProduct(
    offerId: string,
    feed?: { contentLanguage: string; feedLabel: string },
  ): { availability?: GoogleAvailability; pause?: string; dataSourceId: string } | undefined;
  /** Writes on the primary feed, as Shopify's own Google channel does. */
  setPrimaryAvailability(offerId: string, availability: GoogleAvailability, dataSourceId?: string): void;
  /** After each supplemental insert, the primary feed's writer puts its own figure back after `afterMs`. */
  setCompetingWriter(
    writer: { afterMs: number; availabilityFor(offerId: string): GoogleAvailability | undefined } | null,
  ): void;
  setDefaultRule(primaryDataSourceId: string, takeFromDataSources: Array<"self" | string>): void;
  setProcessingDelay(ms: number): void;
  /**
   * Outages on the fake's clock: while one lasts Google processes nothing (inserts are still
   * accepted, reads show what was processed before), and every input due then shows when it ends.
   */
  setOutages(outages: readonly OutageWindow[]): void;
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

const NUMERIC_AVAILABILITY: Record<number, GoogleAvailability | undefined> = {
  1: "IN_STOCK",
  2: "OUT_OF_STOCK",
  3: "PREORDER",
  4: "LIMITED_AVAILABILITY",
  5: "BACKORDER",
};

/** `en~US~offer` or the unpadded base64url of it; an offer id may itself hold `~` only in the encoded form. */
function decodeProductName(segment: string): { contentLanguage: string; feedLabel: string; offerId: string } | null {
  const plain = segment.includes("~") ? segment : Buffer.from(segment, "base64url").toString("utf8");
  const parts = plain.split("~");
  if (parts.length < 3) return null;
  if (segment.includes("~") && parts.length > 3) return null; // an unencoded offer id with "~" is ambiguous
  const [contentLanguage, feedLabel, ...offer] = parts;
  return { contentLanguage: contentLanguage!, feedLabel: feedLabel!, offerId: offer.join("~") };
}

interface CompetingPrimaryWriter {
  afterMs: number;
  availabilityFor(offerId: string): GoogleAvailability | undefined;
}

/** The fake's state: data sources, every input with its processing time, quotas, tokens and what the control API queued. */
interface FakeGoogle {
  clock: FakeClock;
  accountId: string;
  processingDelayMs: number;
  /** While one lasts nothing is processed: inputs due then show when it ends. */
  outages: OutageWindow[];
  requestsPerMinute: number;
  requestsPerDay: number;
  updatesPerProductPerDay: number;
  primaryInsert: "refuse" | "move";
  retryInfo: boolean;
  tokenTtlMs: number;
  oauth: GoogleFakeOptions["oauth"];
  dataSources: Map<string, FakeDataSource>;
  /** key: `${dataSourceId}|${contentLanguage}~${feedLabel}~${offerId}` */
  inputs: Map<string, InputVersion[]>;
  counters: Counters;
  requestLines: string[];
  insertedBodies: unknown[];
  /** token → expiry */
  issuedTokens: Map<string, number>;
  revoked: boolean;
  injected: GoogleFailureKind[];
  slow: SlowAnswers;
  requestTimes: number[];
  updateTimes: Map<string, number[]>;
  competingWriter: CompetingPrimaryWriter | null;
  /** Writes due later on the fake's clock (the competing writer's), run by settle(). */
  timers: Array<{ at: number; run: () => void }>;
}

const DEFAULT_DATA_SOURCES: FakeDataSource[] = [
  {
    dataSourceId: "1001",
    type: "primary",
    contentLanguage: "en",
    feedLabel: "US",
    takeFromDataSources: ["2002", "self"],
    displayName: "Shopify App API",
  },
  {
    dataSourceId: "2002",
    type: "supplemental",
    contentLanguage: "en",
    feedLabel: "US",
    displayName: "Ballast availability",
  },
];

function createFakeGoogle(options: GoogleFakeOptions): FakeGoogle {
  const fake: FakeGoogle = {
    clock: options.clock ?? systemClock,
    accountId: options.accountId ?? "123456789",
    processingDelayMs: options.processingDelayMs ?? 5 * 60_000,
    outages: [],
    requestsPerMinute: options.requestsPerMinute ?? 60,
    requestsPerDay: options.requestsPerDay ?? 10_000,
    updatesPerProductPerDay: options.updatesPerProductPerDay ?? 2,
    primaryInsert: options.primaryInsert ?? "refuse",
    retryInfo: options.retryInfo ?? true,
    tokenTtlMs: (options.oauth?.accessTokenTtlSeconds ?? 3600) * 1000,
    oauth: options.oauth,
    dataSources: new Map(
      (options.dataSources ?? DEFAULT_DATA_SOURCES).map((source) => [source.dataSourceId, { input: "API", ...source }]),
    ),
    inputs: new Map(),
    counters: { inserts: 0, productGets: 0, dataSourceGets: 0, tokenGrants: 0, requests: 0 },
    requestLines: [],
    insertedBodies: [],
    issuedTokens: new Map((options.staticAccessTokens ?? []).map((token) => [token, Infinity])),
    revoked: false,
    injected: [],
    slow: new SlowAnswers(),
    requestTimes: [],
    updateTimes: new Map(),
    competingWriter: null,
    timers: [],
  };
  for (const product of options.products ?? []) {
    const source = fake.dataSources.get(product.dataSourceId);
    if (!source) throw new Error(`seed product names unknown data source ${product.dataSourceId}`);
    write(fake, product.dataSourceId, productKey(source.contentLanguage, source.feedLabel, product.offerId), {
      visibleAt: -Infinity,
      writtenAt: -Infinity,
      attributes: { availability: product.availability },
      writer: "seed",
    });
  }
  return fake;
}

const productKey = (contentLanguage: string, feedLabel: string, offerId: string) =>
  `${contentLanguage}~${feedLabel}~${offerId}`;

/** When an input written at `at` shows: after the processing delay, and after any outage it falls in. */
function processedAt(fake: FakeGoogle, at: number): number {
  return deferPastOutages(fake.outages, at + fake.processingDelayMs);
}

function write(fake: FakeGoogle, dataSourceId: string, key: string, version: InputVersion): void {
  const versions = fake.inputs.get(`${dataSourceId}|${key}`) ?? [];
  // Processed in the order received: when the processing delay shrinks after a spike, a
  // later input waits for the earlier ones instead of overtaking them.
  const latest = versions.reduce((max, earlier) => Math.max(max, earlier.visibleAt), -Infinity);
  versions.push({ ...version, visibleAt: Math.max(version.visibleAt, latest) });
  versions.sort((a, b) => a.visibleAt - b.visibleAt);
  // Bounded history that keeps the version visible now (many writes may still be processing).
  if (versions.length > 20) {
    const now = fake.clock.now();
    let visible = 0;
    for (let index = versions.length - 1; index >= 0; index -= 1) {
      if (versions[index]!.visibleAt <= now) {
        visible = index;
        break;
      }
    }
    versions.splice(0, Math.min(visible, versions.length - 20));
  }
  fake.inputs.set(`${dataSourceId}|${key}`, versions);
}

function settle(fake: FakeGoogle): void {
  const now = fake.clock.now();
  fake.timers.sort((a, b) => a.at - b.at);
  while (fake.timers.length > 0 && fake.timers[0]!.at <= now) fake.timers.shift()!.run();
}

function latest(fake: FakeGoogle, dataSourceId: string, key: string, now?: number): InputVersion | undefined {
  const versions = fake.inputs.get(`${dataSourceId}|${key}`) ?? [];
  for (let index = versions.length - 1; index >= 0; index -= 1) {
    if (now === undefined || versions[index]!.visibleAt <= now) return versions[index];
  }
  return undefined;
}

/** Merges inputs the way the default rule says: the first source in the list that sets an attribute wins. */
function processed(fake: FakeGoogle, key: string, now?: number) {
  for (const primary of fake.dataSources.values()) {
    if (primary.type !== "primary") continue;
    const own = latest(fake, primary.dataSourceId, key, now);
    if (!own) continue;
    const attributes: { availability?: GoogleAvailability; pause?: string } = {};
    for (const reference of primary.takeFromDataSources ?? ["self"]) {
      const version = reference === "self" ? own : latest(fake, reference, key, now);
      if (!version) continue;
      attributes.availability ??= version.attributes.availability;
      attributes.pause ??= version.attributes.pause;
    }
    return { dataSourceId: primary.dataSourceId, attributes };
  }
  return undefined;
}

/** AIP-193: google.rpc.Status with an ErrorInfo detail carrying the reason. */
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

function authenticate(fake: FakeGoogle, req: IncomingMessage): void {
  const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
  const expiry = token ? fake.issuedTokens.get(token) : undefined;
  if (!token || expiry === undefined || expiry <= fake.clock.now()) {
    throw new ApiError(
      401,
      "UNAUTHENTICATED",
      "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
      "ACCESS_TOKEN_INVALID",
    );
  }
}

/** Per-minute and per-day quotas (429 with RetryInfo), then the injected 500 / 503. */
function quota(fake: FakeGoogle): void {
  const { injected, requestTimes } = fake;
  const now = fake.clock.now();
  const kind = injected[0] === "rate_limit" || injected[0] === "daily_limit" ? injected.shift() : undefined;
  while (requestTimes.length > 0 && requestTimes[0]! <= now - 86_400_000) requestTimes.shift();
  const lastMinute = requestTimes.filter((at) => at > now - 60_000).length;
  if (kind === "daily_limit" || requestTimes.length >= fake.requestsPerDay) {
    throw new ApiError(
      429,
      "RESOURCE_EXHAUSTED",
      "Quota exceeded: daily limit for this method.",
      "quota/daily_limit_exceeded",
      fake.retryInfo ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "3600s" }] : [],
    );
  }
  if (kind === "rate_limit" || lastMinute >= fake.requestsPerMinute) {
    const oldest = requestTimes.find((at) => at > now - 60_000) ?? now;
    const seconds = Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000));
    throw new ApiError(
      429,
      "RESOURCE_EXHAUSTED",
      "Quota exceeded: too many requests per minute.",
      "quota/request_rate_too_high",
      fake.retryInfo ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${seconds}s` }] : [],
    );
  }
  requestTimes.push(now);
  const failure = injected[0] === "internal" || injected[0] === "unavailable" ? injected.shift() : undefined;
  if (failure === "internal") throw new ApiError(500, "INTERNAL", "Internal error encountered.");
  if (failure === "unavailable") throw new ApiError(503, "UNAVAILABLE", "The service is currently unavailable.");
}

function parseAvailability(value: unknown): GoogleAvailability | undefined | ApiError {
  if (value === undefined) return undefined;
  // The official REST client sends enum numbers; others send names.
  const name =
    typeof value === "number"
      ? NUMERIC_AVAILABILITY[value]
      : typeof value === "string"
        ? (GOOGLE_AVAILABILITY as readonly string[]).includes(value) && value !== "AVAILABILITY_UNSPECIFIED"
          ? (value as GoogleAvailability)
          : undefined
        : undefined;
  return (
    name ??
    new ApiError(
      400,
      "INVALID_ARGUMENT",
      `Invalid value at 'product_input.product_attributes.availability': ${JSON.stringify(value)}`,
      "INVALID_ARGUMENT",
    )
  );
}

function dataSourceResource(accountId: string, source: FakeDataSource) {
  const name = `accounts/${accountId}/dataSources/${source.dataSourceId}`;
  const base = {
    name,
    dataSourceId: source.dataSourceId,
    displayName: source.displayName ?? name,
    input: source.input ?? "API",
  };
  if (source.type === "primary") {
    return {
      ...base,
      primaryProductDataSource: {
        contentLanguage: source.contentLanguage,
        feedLabel: source.feedLabel,
        defaultRule: {
          takeFromDataSources: (source.takeFromDataSources ?? ["self"]).map((reference) =>
            reference === "self"
              ? { self: true }
              : { supplementalDataSourceName: `accounts/${accountId}/dataSources/${reference}` },
          ),
        },
      },
    };
  }
  return {
    ...base,
    supplementalProductDataSource: { contentLanguage: source.contentLanguage, feedLabel: source.feedLabel },
  };
}

/** The `dataSource` query parameter of an insert: an API data source of this account. */
function insertTarget(fake: FakeGoogle, query: URLSearchParams): FakeDataSource {
  const dataSourceName = query.get("dataSource") ?? "";
  const match = new RegExp(`^accounts/${fake.accountId}/dataSources/([^/]+)$`).exec(dataSourceName);
  if (!match)
    throw new ApiError(
      400,
      "INVALID_ARGUMENT",
      "Required parameter dataSource is missing or malformed.",
      "INVALID_DATA_SOURCE_NAME",
    );
  const source = fake.dataSources.get(match[1]!);
  if (!source)
    throw new ApiError(404, "NOT_FOUND", `Data source ${dataSourceName} not found.`, "DATA_SOURCE_NOT_FOUND");
  if (source.input !== "API")
    throw new ApiError(400, "INVALID_ARGUMENT", "Only API data sources are supported.", "DATA_SOURCE_NOT_API");
  return source;
}

/** The product input of an insert: its identity and the attributes the fake models (availability, pause). */
function readProductInput(body: Record<string, unknown>) {
  const { offerId, contentLanguage, feedLabel } = body;
  if (typeof offerId !== "string" || !offerId || typeof contentLanguage !== "string" || typeof feedLabel !== "string") {
    throw new ApiError(
      400,
      "INVALID_ARGUMENT",
      "offerId, contentLanguage and feedLabel are required.",
      "MISSING_REQUIRED_FIELD",
    );
  }
  const attributesIn = (body.productAttributes ?? {}) as Record<string, unknown>;
  const availability = parseAvailability(attributesIn.availability);
  if (availability instanceof ApiError) throw availability;
  if (attributesIn.pause !== undefined && attributesIn.pause !== "ads" && attributesIn.pause !== "all") {
    throw new ApiError(400, "INVALID_ARGUMENT", 'pause must be "ads" or "all".', "INVALID_ARGUMENT");
  }
  const attributes = {
    ...(availability ? { availability } : {}),
    ...(typeof attributesIn.pause === "string" ? { pause: attributesIn.pause } : {}),
  };
  return { offerId, contentLanguage, feedLabel, attributes };
}

/** The competing writer: `afterMs` after a supplemental insert, the primary feed's writer puts its own figure back. */
function queueCompetingWrite(fake: FakeGoogle, offerId: string, key: string, now: number): void {
  const writer = fake.competingWriter;
  if (!writer) return;
  const at = now + writer.afterMs;
  fake.timers.push({
    at,
    run: () => {
      const primaryAvailability = writer.availabilityFor(offerId);
      const primary = processed(fake, key);
      if (!primaryAvailability || !primary) return;
      write(fake, primary.dataSourceId, key, {
        visibleAt: processedAt(fake, at),
        writtenAt: at,
        attributes: { availability: primaryAvailability },
        writer: "competing_writer",
      });
    },
  });
}

/** POST …/productInputs:insert?dataSource=…: an input that shows after the processing delay. */
function insert(fake: FakeGoogle, query: URLSearchParams, body: Record<string, unknown>): unknown {
  const source = insertTarget(fake, query);
  const { offerId, contentLanguage, feedLabel, attributes } = readProductInput(body);
  const key = productKey(contentLanguage, feedLabel, offerId);
  if (source.type === "primary") {
    if (fake.primaryInsert === "refuse") {
      throw new ApiError(
        400,
        "FAILED_PRECONDITION",
        "This fake refuses inserts into a primary data source: the offer would be moved out of the merchant's feed.",
        "PRIMARY_DATA_SOURCE_INSERT_REFUSED",
      );
    }
    // Documented behaviour: the offer moves to this primary source, leaving the one that held it.
    for (const other of fake.dataSources.values())
      if (other.type === "primary" && other.dataSourceId !== source.dataSourceId)
        fake.inputs.delete(`${other.dataSourceId}|${key}`);
  }
  const now = fake.clock.now();
  write(fake, source.dataSourceId, key, {
    visibleAt: processedAt(fake, now),
    writtenAt: now,
    attributes,
    writer: "api",
  });
  fake.counters.inserts += 1;
  const times = (fake.updateTimes.get(key) ?? []).filter((at) => at > now - 86_400_000);
  times.push(now);
  fake.updateTimes.set(key, times);
  if (source.type === "supplemental") queueCompetingWrite(fake, offerId, key, now);
  const name = /[^A-Za-z0-9_-]/.test(offerId) ? Buffer.from(key).toString("base64url") : key;
  return {
    name: `accounts/${fake.accountId}/productInputs/${name}`,
    product: `accounts/${fake.accountId}/products/${name}`,
    offerId,
    contentLanguage,
    feedLabel,
    productAttributes: attributes,
  };
}

/** GET …/products/{name}: the processed product as shown now (the processing delay applied). */
function getProduct(fake: FakeGoogle, segment: string): unknown {
  const parsed = decodeProductName(decodeURIComponent(segment));
  if (!parsed)
    throw new ApiError(
      400,
      "INVALID_ARGUMENT",
      "Product name must be contentLanguage~feedLabel~offerId, base64url-encoded when the offer id holds reserved characters.",
      "INVALID_NAME",
    );
  const key = productKey(parsed.contentLanguage, parsed.feedLabel, parsed.offerId);
  const product = processed(fake, key, fake.clock.now());
  if (!product) throw new ApiError(404, "NOT_FOUND", `Product ${segment} not found.`, "PRODUCT_NOT_FOUND");
  return {
    name: `accounts/${fake.accountId}/products/${segment}`,
    offerId: parsed.offerId,
    contentLanguage: parsed.contentLanguage,
    feedLabel: parsed.feedLabel,
    dataSource: `accounts/${fake.accountId}/dataSources/${product.dataSourceId}`,
    productAttributes: product.attributes,
    productStatus: { destinationStatuses: [], itemLevelIssues: [] },
  };
}

type TokenAnswer = { status: number; body: unknown };
const refuse = (status: number, error: string, description: string): TokenAnswer => ({
  status,
  body: { error, error_description: description },
});

/** The refresh-token grant: a known client, its secret and its refresh token (until access is revoked). */
function refusedRefresh(fake: FakeGoogle, form: URLSearchParams): TokenAnswer | null {
  const client = fake.oauth?.clients?.find((candidate) => candidate.clientId === form.get("client_id"));
  if (!client || client.clientSecret !== form.get("client_secret"))
    return refuse(401, "invalid_client", "The OAuth client was not found.");
  if (fake.revoked || client.refreshToken !== form.get("refresh_token"))
    return refuse(400, "invalid_grant", "Token has been expired or revoked.");
  return null;
}

/** The service-account grant: a JWT signed with a known account's key, the content scope, not expired. */
function refusedJwt(fake: FakeGoogle, form: URLSearchParams): TokenAnswer | null {
  const [header, payload, signature] = (form.get("assertion") ?? "").split(".");
  if (!header || !payload || !signature) return refuse(400, "invalid_grant", "Invalid JWT.");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
    iss?: string;
    scope?: string;
    exp?: number;
  };
  const account = fake.oauth?.serviceAccounts?.find((candidate) => candidate.clientEmail === claims.iss);
  if (!account || fake.revoked) return refuse(400, "invalid_grant", "Invalid JWT Signature.");
  const verifier = createVerify("RSA-SHA256");
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(account.publicKeyPem, Buffer.from(signature, "base64url")))
    return refuse(400, "invalid_grant", "Invalid JWT Signature.");
  if (!claims.scope?.split(" ").includes("https://www.googleapis.com/auth/content"))
    return refuse(400, "invalid_scope", "Invalid OAuth scope.");
  if (!claims.exp || claims.exp * 1000 < fake.clock.now())
    return refuse(
      400,
      "invalid_grant",
      "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.",
    );
  return null;
}

/** POST /token: refresh-token and JWT-bearer grants. */
function token(fake: FakeGoogle, form: URLSearchParams): TokenAnswer {
  const grant = form.get("grant_type");
  const refused =
    grant === "refresh_token"
      ? refusedRefresh(fake, form)
      : grant === "urn:ietf:params:oauth:grant-type:jwt-bearer"
        ? refusedJwt(fake, form)
        : refuse(400, "unsupported_grant_type", "Invalid grant_type.");
  if (refused) return refused;
  fake.counters.tokenGrants += 1;
  const accessToken = `ya29.fake-${randomBytes(18).toString("base64url")}`;
  fake.issuedTokens.set(accessToken, fake.clock.now() + fake.tokenTtlMs);
  return {
    status: 200,
    body: {
      access_token: accessToken,
      expires_in: fake.tokenTtlMs / 1000,
      token_type: "Bearer",
      scope: "https://www.googleapis.com/auth/content",
    },
  };
}

/** One authenticated Merchant API call: the path's match, the query string and the raw body. */
interface ApiCall {
  match: RegExpExecArray;
  url: URL;
  text: string;
}

interface Route {
  method: "GET" | "POST";
  path: RegExp;
  handle(fake: FakeGoogle, call: ApiCall): unknown;
}

function insertRoute(fake: FakeGoogle, { url, text }: ApiCall): unknown {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text || "{}") as Record<string, unknown>;
  } catch {
    throw new ApiError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
  }
  fake.insertedBodies.push(body);
  return insert(fake, url.searchParams, body);
}

function productRoute(fake: FakeGoogle, { match }: ApiCall): unknown {
  fake.counters.productGets += 1;
  return getProduct(fake, match[1]!);
}

function dataSourceRoute(fake: FakeGoogle, { match }: ApiCall): unknown {
  fake.counters.dataSourceGets += 1;
  if (!match[1])
    return { dataSources: [...fake.dataSources.values()].map((source) => dataSourceResource(fake.accountId, source)) };
  const found = fake.dataSources.get(match[1]);
  if (!found) throw new ApiError(404, "NOT_FOUND", `Data source ${match[1]} not found.`, "DATA_SOURCE_NOT_FOUND");
  return dataSourceResource(fake.accountId, found);
}

/** The Merchant API paths of this account (other accounts' paths are 404, a known path with another method 405). */
function merchantRoutes(accountId: string): Route[] {
  return [
    {
      method: "POST",
      path: new RegExp(`^/products/v1/accounts/${accountId}/productInputs:insert$`),
      handle: insertRoute,
    },
    { method: "GET", path: new RegExp(`^/products/v1/accounts/${accountId}/products/([^/]+)$`), handle: productRoute },
    {
      method: "GET",
      path: new RegExp(`^/datasources/v1/accounts/${accountId}/dataSources(?:/([^/]+))?$`),
      handle: dataSourceRoute,
    },
  ];
}

/** A Merchant API call: routed, authenticated, within quota, then answered by its handler. */
function answerMerchantApi(fake: FakeGoogle, routes: Route[], req: IncomingMessage, url: URL, text: string): unknown {
  const route = routes.find((candidate) => candidate.path.test(url.pathname));
  if (!route)
    throw new ApiError(404, "NOT_FOUND", `No route for ${req.method} ${url.pathname} (wrong account or path).`);
  authenticate(fake, req);
  if (fake.revoked)
    throw new ApiError(
      401,
      "UNAUTHENTICATED",
      "Request had invalid authentication credentials.",
      "ACCESS_TOKEN_INVALID",
    );
  quota(fake);
  if (req.method !== route.method)
    throw new ApiError(405, "METHOD_NOT_ALLOWED", `${req.method} is not supported here.`);
  return route.handle(fake, { match: route.path.exec(url.pathname)!, url, text });
}

async function handleRequest(
  fake: FakeGoogle,
  routes: Route[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = logRequest(req, fake);
  // Token grants always answer at once.
  const pacing = url.pathname === "/token" ? undefined : fake.slow;
  try {
    settle(fake);
    const text = await readText(req);
    if (req.method === "POST" && url.pathname === "/token") {
      const answer = token(fake, new URLSearchParams(text));
      return answerJson(res, answer.status, answer.body, pacing);
    }
    answerJson(res, 200, answerMerchantApi(fake, routes, req, url, text), pacing);
  } catch (error) {
    if (error instanceof ApiError) return answerJson(res, error.httpStatus, errorBody(error), pacing);
    answerJson(
      res,
      500,
      { error: { code: 500, status: "INTERNAL", message: `fake failure: ${String(error)}`, details: [] } },
      pacing,
    );
  }
}

function primaryFor(fake: FakeGoogle, dataSourceId?: string): FakeDataSource {
  const source = dataSourceId
    ? fake.dataSources.get(dataSourceId)
    : [...fake.dataSources.values()].find((candidate) => candidate.type === "primary");
  if (!source || source.type !== "primary") throw new Error(`no primary data source ${dataSourceId ?? ""}`);
  return source;
}

/** What a test or the rehearsal reads and switches in process. */
function googleControl(fake: FakeGoogle): GoogleFakeControl {
  const control: GoogleFakeControl = {
    clock: fake.clock,
    counters: fake.counters,
    requestLines: fake.requestLines,
    insertedBodies: fake.insertedBodies,
    revokeAccess() {
      fake.revoked = true;
      fake.issuedTokens.clear();
    },
    failNext(kind, count = 1) {
      for (let index = 0; index < count; index += 1) fake.injected.push(kind);
    },
    slowNext: (ms, count = 1) => fake.slow.slowNext(ms, count),
    trueProduct(offerId, feed) {
      settle(fake);
      const primary = primaryFor(fake);
      const result = processed(
        fake,
        productKey(feed?.contentLanguage ?? primary.contentLanguage, feed?.feedLabel ?? primary.feedLabel, offerId),
      );
      return result ? { ...result.attributes, dataSourceId: result.dataSourceId } : undefined;
    },
    setPrimaryAvailability(offerId, availability, dataSourceId) {
      const primary = primaryFor(fake, dataSourceId);
      const now = fake.clock.now();
      write(fake, primary.dataSourceId, productKey(primary.contentLanguage, primary.feedLabel, offerId), {
        visibleAt: processedAt(fake, now),
        writtenAt: now,
        attributes: { availability },
        writer: "competing_writer",
      });
    },
    setCompetingWriter(writer) {
      fake.competingWriter = writer;
    },
    setDefaultRule(primaryDataSourceId, takeFromDataSources) {
      primaryFor(fake, primaryDataSourceId).takeFromDataSources = takeFromDataSources;
    },
    setProcessingDelay(ms) {
      fake.processingDelayMs = ms;
    },
    setOutages(outages) {
      fake.outages = [...outages];
    },
    updateCounts() {
      const since = fake.clock.now() - 86_400_000;
      return new Map([...fake.updateTimes].map(([key, times]) => [key, times.filter((at) => at > since).length]));
    },
    productsOverPolicy() {
      return [...control.updateCounts()]
        .filter(([, count]) => count > fake.updatesPerProductPerDay)
        .map(([key]) => key);
    },
  };
  return control;
}

export async function startGoogleFake(options: GoogleFakeOptions = {}): Promise<GoogleFake> {
  const fake = createFakeGoogle(options);
  const routes = merchantRoutes(fake.accountId);
  const server = createServer((req, res) => void handleRequest(fake, routes, req, res));
  const url = await listen(server, options.port);
  return {
    url,
    control: googleControl(fake),
    close: () => {
      fake.slow.cancel();
      return closeServer(server);
    },
  };
}

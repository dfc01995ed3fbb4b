/**
 * Google Merchant Center connector (Merchant API v1; the Content API is shut down).
 * Contract: CHANNELS.md "Google Merchant API v1"; contract tests beside this file.
 *
 * - Writes availability (and `pause: "ads"`) with `productInputs:insert` into a
 *   SUPPLEMENTAL API data source that the primary feed's default rule ranks first. It
 *   refuses to write into a primary source: Google would move the offer out of the
 *   merchant's own feed.
 * - Availability-only: Google shows no online quantity.
 * - Budgets: per-minute quota (429 RESOURCE_EXHAUSTED) stops all calls until the quota
 *   returns; about two updates a product a day (Google's guidance) are tracked in an
 *   update ledger and a wait is reported when it is spent. A move toward safety (out of
 *   stock, paused ads) may overdraw by `safetyOverdraftPerDay`.
 */
import type {
  ChannelCapabilities,
  ChannelConnector,
  HealthResult,
  PushItem,
  PushResult,
  ReadBackResult,
} from "~/channels/types";
import { logger as defaultLogger, type Logger } from "~/logger.server";
import { sendChannelRequest } from "~/channels/http.server";
import { systemClock, TransientRetry, type BackoffPolicy, type ConnectorClock } from "~/channels/backoff.server";
import {
  errorReason,
  fromMerchantAvailability,
  productNameSegment,
  retryDelayMs,
  type GoogleErrorBody,
} from "./merchant-api";
import { GoogleAccessTokens, GoogleAuthError, type GoogleCredentials } from "./oauth.server";
import { DAY_MS, InMemoryUpdateLedger, type GoogleUpdateLedger } from "./update-ledger.server";

export { DatabaseUpdateLedger, InMemoryUpdateLedger, type GoogleUpdateLedger } from "./update-ledger.server";

export interface GoogleConnectorConfig {
  /** `env().GOOGLE_MERCHANT_BASE_URL`: https://merchantapi.googleapis.com in production. */
  merchantBaseUrl: string;
  /** `env().GOOGLE_OAUTH_TOKEN_URL`: https://oauth2.googleapis.com/token in production. */
  tokenUrl: string;
  accountId: string;
  /** The supplemental API data source Ballast writes to. */
  dataSourceId: string;
  contentLanguage: string;
  feedLabel: string;
  credentials: GoogleCredentials;
  logger?: Logger;
  clock?: ConnectorClock;
  random?: () => number;
  /** Default in memory; the factory passes the shop's database ledger (survives restarts). */
  updateLedger?: GoogleUpdateLedger;
  updatesPerProductPerDay?: number;
  safetyOverdraftPerDay?: number;
  /** Parallel requests (the Merchant API has no batch insert). */
  concurrency?: number;
  /**
   * Requests sent per rolling minute, below Google's per-minute quota: past it the connector
   * answers "wait" itself instead of spending requests on 429s. Default 50.
   */
  requestsPerMinute?: number;
  requestTimeoutMs?: number;
  transientRetry?: Partial<BackoffPolicy>;
}

type ApiErrorClass =
  "credentials_revoked" | "quota" | "transient" | "not_found" | "permission_denied" | "invalid_request";

export class GoogleApiError extends Error {
  override name = "GoogleApiError";
  constructor(
    message: string,
    readonly errorClass: ApiErrorClass,
    readonly httpStatus: number,
    readonly reason?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

interface DataSourceResource {
  name?: string;
  input?: string;
  primaryProductDataSource?: {
    defaultRule?: {
      takeFromDataSources?: Array<{
        self?: boolean;
        supplementalDataSourceName?: string;
        primaryDataSourceName?: string;
      }>;
    };
  };
  supplementalProductDataSource?: object;
}

type Refusal =
  { status: "permanent"; code: string; reason: string } | { status: "retryable"; retryAfterMs: number; reason: string };

export class GoogleMerchantConnector implements ChannelConnector {
  readonly capabilities: ChannelCapabilities;
  readonly #config: GoogleConnectorConfig &
    Required<
      Pick<
        GoogleConnectorConfig,
        "updatesPerProductPerDay" | "safetyOverdraftPerDay" | "concurrency" | "requestTimeoutMs" | "requestsPerMinute"
      >
    >;
  readonly #retrying: TransientRetry;
  readonly #log: Logger;
  readonly #clock: ConnectorClock;
  readonly #ledger: GoogleUpdateLedger;
  readonly #tokens: GoogleAccessTokens;
  #quotaBlockedUntil = 0;
  /** When recent requests were sent (the rolling minute). On the connector's clock, which is virtual in a rehearsal: hence no timer-based limiter library. */
  #sentAt: number[] = [];
  #dataSourceChecked: { at: number; refusal: Refusal | null } | null = null;

  constructor(config: GoogleConnectorConfig) {
    this.#config = {
      ...config,
      merchantBaseUrl: config.merchantBaseUrl.replace(/\/+$/, ""),
      updatesPerProductPerDay: config.updatesPerProductPerDay ?? 2,
      safetyOverdraftPerDay: config.safetyOverdraftPerDay ?? 1,
      concurrency: config.concurrency ?? 4,
      requestsPerMinute: config.requestsPerMinute ?? 50,
      requestTimeoutMs: config.requestTimeoutMs ?? 30_000,
    };
    this.#log = (config.logger ?? defaultLogger).child({
      channel: "google",
      accountId: config.accountId,
      dataSourceId: config.dataSourceId,
    });
    this.#clock = config.clock ?? systemClock;
    this.#retrying = new TransientRetry({
      policy: config.transientRetry,
      clock: this.#clock,
      random: config.random,
      isTransient: (error) => error instanceof GoogleApiError && error.errorClass === "transient",
    });
    this.#ledger = config.updateLedger ?? new InMemoryUpdateLedger();
    this.#tokens = new GoogleAccessTokens({
      tokenUrl: config.tokenUrl,
      credentials: config.credentials,
      clock: this.#clock,
      requestTimeoutMs: this.#config.requestTimeoutMs,
    });
    this.capabilities = {
      channel: "google",
      shows: "availability",
      maxBatchSize: 250,
      budget: {
        updatesPerItemPerDay: this.#config.updatesPerProductPerDay,
        summary: `Google shows in stock or out of stock only, takes minutes to process a change, and asks that a product be updated about ${this.#config.updatesPerProductPerDay} times a day at most.`,
      },
    };
  }

  async push(batch: readonly PushItem[], options: { signal?: AbortSignal } = {}): Promise<PushResult[]> {
    const refusal = await this.#checkDataSource(options.signal);
    if (refusal) return batch.map((item) => ({ itemKey: item.itemKey, ...refusal }));

    // One look-up for the whole batch; #pushOne adds what it spends, so a key twice in a batch counts twice.
    const history = await this.#ledger.updatesSince(
      batch.map((item) => item.itemKey),
      this.#clock.now() - DAY_MS,
    );
    const results = new Map<string, PushResult>();
    let stopAll: Refusal | null = null;
    const queue = [...batch];
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        const result: PushResult = stopAll
          ? { itemKey: item.itemKey, ...stopAll }
          : await this.#pushOne(item, history, options.signal);
        if (!stopAll && result.status === "permanent" && result.code === "credentials_revoked")
          stopAll = { status: "permanent", code: result.code, reason: result.reason };
        results.set(item.itemKey, result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#config.concurrency, batch.length) }, worker));
    return batch.map((item) => results.get(item.itemKey)!);
  }

  async readBack(itemKeys: readonly string[], options: { signal?: AbortSignal } = {}): Promise<ReadBackResult[]> {
    const queue = [...new Set(itemKeys)];
    const found = new Map<string, ReadBackResult>();
    let quotaSpent = false;
    const worker = async () => {
      for (let offerId = queue.shift(); offerId !== undefined && !quotaSpent; offerId = queue.shift()) {
        const segment = productNameSegment(this.#config.contentLanguage, this.#config.feedLabel, offerId);
        try {
          const product = (await this.#call(
            "GET",
            `/products/v1/accounts/${this.#config.accountId}/products/${segment}`,
            { signal: options.signal },
          )) as {
            productAttributes?: { availability?: unknown };
          };
          found.set(offerId, {
            itemKey: offerId,
            found: true,
            quantity: null,
            availability: fromMerchantAvailability(product.productAttributes?.availability),
          });
        } catch (error) {
          // Not yet processed (minutes after an insert) or not in the feed: both read as "not shown".
          if (error instanceof GoogleApiError && error.errorClass === "not_found")
            found.set(offerId, { itemKey: offerId, found: false, quantity: null, availability: null });
          // Out of quota for now: what was read stands, the rest is read on a later pass.
          else if (error instanceof GoogleApiError && error.errorClass === "quota") quotaSpent = true;
          else throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#config.concurrency, queue.length) }, worker));
    return itemKeys.filter((itemKey) => found.has(itemKey)).map((itemKey) => found.get(itemKey)!);
  }

  async checkHealth(options: { signal?: AbortSignal } = {}): Promise<HealthResult> {
    const base = `/datasources/v1/accounts/${this.#config.accountId}/dataSources`;
    const ownName = `accounts/${this.#config.accountId}/dataSources/${this.#config.dataSourceId}`;
    try {
      const source = (await this.#call("GET", `${base}/${this.#config.dataSourceId}`, {
        signal: options.signal,
      })) as DataSourceResource;
      const problem = this.#dataSourceProblem(source);
      if (problem) return { ok: false, code: "misconfigured", detail: problem };
      const list = (await this.#call("GET", base, { signal: options.signal })) as {
        dataSources?: DataSourceResource[];
      };
      const primaries = (list.dataSources ?? []).filter((candidate) => candidate.primaryProductDataSource);
      const ranks = primaries.map((primary) => {
        const rule = primary.primaryProductDataSource?.defaultRule?.takeFromDataSources ?? [{ self: true }];
        return {
          primary: primary.name,
          ours: rule.findIndex((reference) => reference.supplementalDataSourceName === ownName),
          self: rule.findIndex((reference) => reference.self),
        };
      });
      const linked = ranks.filter((rank) => rank.ours >= 0);
      if (linked.length === 0) {
        return {
          ok: false,
          code: "misconfigured",
          detail:
            "The supplemental data source is not linked to any primary feed, so Google ignores what Ballast writes. Link it in Merchant Center (Products → Data sources → the primary feed → Default rule → add the supplemental source above the feed).",
        };
      }
      const outranked = linked.filter((rank) => rank.self >= 0 && rank.self < rank.ours);
      if (outranked.length > 0) {
        return {
          ok: false,
          code: "misconfigured",
          detail: `The primary feed ${outranked[0]!.primary} ranks its own data above Ballast's supplemental source, so its availability wins. Move the supplemental source above it in the feed's default rule.`,
        };
      }
      if (this.#quotaBlockedUntil > this.#clock.now()) {
        return {
          ok: false,
          code: "rate_limited",
          detail: `Merchant API quota used up until ${new Date(this.#quotaBlockedUntil).toISOString()}.`,
        };
      }
      return { ok: true, detail: "Supplemental data source reachable and ranked above the primary feed." };
    } catch (error) {
      if (error instanceof GoogleApiError) {
        switch (error.errorClass) {
          case "credentials_revoked":
            return {
              ok: false,
              code: "credentials_revoked",
              detail: "Google refused Ballast's credentials (revoked or expired). Reconnect Merchant Center.",
            };
          case "quota":
            return { ok: false, code: "rate_limited", detail: error.message };
          case "transient":
            return { ok: false, code: "unreachable", detail: `Merchant API did not answer: ${error.message}` };
          default:
            return {
              ok: false,
              code: "misconfigured",
              detail: `${error.message} (check the account and data source ids)`,
            };
        }
      }
      throw error;
    }
  }

  #dataSourceProblem(source: DataSourceResource): string | null {
    if (!source.supplementalProductDataSource) {
      return `Data source ${this.#config.dataSourceId} is ${source.primaryProductDataSource ? "a primary" : "not a products"} source. Ballast writes only to a supplemental API source: inserting into a primary one would move offers out of the merchant's feed.`;
    }
    if (source.input && source.input !== "API")
      return `Data source ${this.#config.dataSourceId} takes ${source.input} input; Ballast needs an API source.`;
    return null;
  }

  /** Checked once every ten minutes: a primary or missing source refuses the whole push. */
  async #checkDataSource(signal?: AbortSignal): Promise<Refusal | null> {
    const now = this.#clock.now();
    if (this.#dataSourceChecked && now - this.#dataSourceChecked.at < 10 * 60_000)
      return this.#dataSourceChecked.refusal;
    let refusal: Refusal | null;
    try {
      const source = (await this.#call(
        "GET",
        `/datasources/v1/accounts/${this.#config.accountId}/dataSources/${this.#config.dataSourceId}`,
        { signal },
      )) as DataSourceResource;
      const problem = this.#dataSourceProblem(source);
      refusal = problem ? { status: "permanent", code: "misconfigured_data_source", reason: problem } : null;
    } catch (error) {
      if (!(error instanceof GoogleApiError)) throw error;
      return this.#refusalFor(error); // not cached: it may be temporary
    }
    this.#dataSourceChecked = { at: now, refusal };
    return refusal;
  }

  async #pushOne(item: PushItem, history: Map<string, number[]>, signal?: AbortSignal): Promise<PushResult> {
    const now = this.#clock.now();
    if (this.#quotaBlockedUntil > now) {
      return {
        itemKey: item.itemKey,
        status: "retryable",
        retryAfterMs: this.#quotaBlockedUntil - now,
        reason: "google_quota: per-minute request quota used up",
      };
    }
    const recent = (history.get(item.itemKey) ?? []).filter((at) => at > now - DAY_MS).sort((a, b) => a - b);
    const towardSafety = item.availability === "out_of_stock" || item.pauseAds === true;
    const allowance = this.#config.updatesPerProductPerDay + (towardSafety ? this.#config.safetyOverdraftPerDay : 0);
    if (recent.length >= allowance) {
      const retryAfterMs = recent[recent.length - allowance]! + DAY_MS - now;
      this.#log.info(
        { offerId: item.itemKey, updatesToday: recent.length, retryAfterMs },
        "google update budget forces a wait",
      );
      return {
        itemKey: item.itemKey,
        status: "retryable",
        retryAfterMs,
        reason: `google_update_budget: updated ${recent.length} times in 24 h (Google asks for about ${this.#config.updatesPerProductPerDay}); next update in ${Math.ceil(retryAfterMs / 60_000)} min`,
      };
    }

    const body = {
      offerId: item.itemKey,
      contentLanguage: this.#config.contentLanguage,
      feedLabel: this.#config.feedLabel,
      // Insert replaces this source's input: leaving `pause` out un-pauses.
      productAttributes: {
        availability: item.availability === "in_stock" ? "IN_STOCK" : "OUT_OF_STOCK",
        ...(item.pauseAds ? { pause: "ads" } : {}),
      },
    };
    try {
      const dataSource = `accounts/${this.#config.accountId}/dataSources/${this.#config.dataSourceId}`;
      await this.#call("POST", `/products/v1/accounts/${this.#config.accountId}/productInputs:insert`, {
        query: { dataSource },
        body,
        signal,
      });
    } catch (error) {
      if (!(error instanceof GoogleApiError)) throw error;
      // Waiting for the rolling minute is routine; anything Google itself refused is worth a warning.
      const level = error.reason === "quota/client_rate_limit" ? "debug" : "warn";
      this.#log[level](
        { offerId: item.itemKey, errorClass: error.errorClass, reason: error.reason, httpStatus: error.httpStatus },
        "google insert failed",
      );
      return { itemKey: item.itemKey, ...this.#refusalFor(error) };
    }
    const at = this.#clock.now();
    await this.#ledger.record(item.itemKey, at);
    history.set(item.itemKey, [...(history.get(item.itemKey) ?? []), at]);
    return { itemKey: item.itemKey, status: "applied", quantity: item.quantity };
  }

  #refusalFor(error: GoogleApiError): Refusal {
    switch (error.errorClass) {
      case "credentials_revoked":
        return {
          status: "permanent",
          code: "credentials_revoked",
          reason: "Google refused Ballast's credentials; reconnect Merchant Center.",
        };
      case "quota": {
        const now = this.#clock.now();
        const wait = error.retryAfterMs ?? (error.reason === "quota/daily_limit_exceeded" ? 3_600_000 : 60_000);
        this.#quotaBlockedUntil = Math.max(this.#quotaBlockedUntil, now + wait);
        return {
          status: "retryable",
          retryAfterMs: this.#quotaBlockedUntil - now,
          reason: `google_quota: ${error.reason ?? error.message}`,
        };
      }
      case "transient":
        return {
          status: "retryable",
          retryAfterMs: this.#retrying.policy.maxDelayMs,
          reason: `google_unavailable: ${error.message}`,
        };
      case "not_found":
        return { status: "permanent", code: "misconfigured_data_source", reason: error.message };
      case "permission_denied":
        return { status: "permanent", code: "permission_denied", reason: error.message };
      case "invalid_request":
        return { status: "permanent", code: error.reason ?? "invalid_request", reason: error.message };
    }
  }

  async #call(
    method: "GET" | "POST",
    path: string,
    options: { query?: Record<string, string>; body?: unknown; signal?: AbortSignal | undefined },
  ): Promise<unknown> {
    const url = new URL(`${this.#config.merchantBaseUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    let refreshedAfter401 = false;
    return this.#retrying.run(async () => {
      const now = this.#clock.now();
      this.#sentAt = this.#sentAt.filter((at) => at > now - 60_000);
      if (this.#sentAt.length >= this.#config.requestsPerMinute) {
        const waitMs = this.#sentAt[0]! + 60_000 - now;
        throw new GoogleApiError(
          `${this.#config.requestsPerMinute} requests sent in the last minute`,
          "quota",
          0,
          "quota/client_rate_limit",
          waitMs,
        );
      }
      this.#sentAt.push(now);
      let token: string;
      try {
        token = await this.#tokens.get(options.signal);
      } catch (error) {
        if (error instanceof GoogleAuthError)
          throw new GoogleApiError(error.message, error.revoked ? "credentials_revoked" : "transient", 0);
        throw error;
      }
      const response = await sendChannelRequest(
        url,
        { method, bearer: token, body: options.body, signal: options.signal, timeoutMs: this.#config.requestTimeoutMs },
        (name) => new GoogleApiError(`no answer from Google (${name})`, "transient", 0),
      );
      const json = (await response.json().catch(() => null)) as { error?: GoogleErrorBody } | null;
      if (response.ok) return json;
      const apiError = json?.error;
      const reason = errorReason(apiError);
      const message = apiError?.message ?? `HTTP ${response.status}`;
      if (response.status === 401) {
        this.#tokens.invalidate();
        // An access token can expire early; one fresh token decides whether access is really gone.
        if (!refreshedAfter401) {
          refreshedAfter401 = true;
          throw new GoogleApiError(message, "transient", 401, reason);
        }
        throw new GoogleApiError(message, "credentials_revoked", 401, reason);
      }
      if (response.status === 429) throw new GoogleApiError(message, "quota", 429, reason, retryDelayMs(apiError));
      if (response.status === 404) throw new GoogleApiError(message, "not_found", 404, reason);
      if (response.status === 403) throw new GoogleApiError(message, "permission_denied", 403, reason);
      if (response.status >= 500) throw new GoogleApiError(message, "transient", response.status, reason);
      throw new GoogleApiError(message, "invalid_request", response.status, reason);
    }, options.signal);
  }
}

export function createGoogleConnector(config: GoogleConnectorConfig): GoogleMerchantConnector {
  return new GoogleMerchantConnector(config);
}

import { ClientError, GraphQLClient } from "graphql-request";
import pRetry, { AbortError } from "p-retry";
import { logger as defaultLogger, type Logger } from "~/logger.server";
import {
  AdminApiError,
  errorForGraphqlErrors,
  errorForHttpStatus,
  parseRetryAfter,
  type GraphqlErrorShape,
} from "./admin-errors";
import { fullJitterDelayMs, readQueryCost, waitForCostMs, type QueryCost, type ThrottleStatus } from "./throttle";

export const ADMIN_API_VERSION = "2026-10";

export interface AdminClientOptions {
  /** The shop's myshopify domain, e.g. "ballast-demo.myshopify.com". */
  shop: string;
  /** A fixed offline access token. Sent only as X-Shopify-Access-Token; never logged. */
  accessToken?: string;
  /**
   * Where the token comes from when it expires (expiring offline tokens): asked before each
   * call, and once after a 401 for a replacement (app/shopify/offline-token.server.ts).
   * Takes the place of `accessToken`.
   */
  tokens?: AccessTokenSource;
  /** Set only in tests and the rehearsal (SHOPIFY_ADMIN_API_BASE_URL): the endpoint becomes `${baseUrl}/admin/api/2026-10/graphql.json`. */
  baseUrl?: string;
  apiVersion?: string;
  /** Retries after the first attempt for retryable failures. */
  retries?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  logger?: Logger;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Supplies a valid access token; errors it throws are AdminApiError (AUTH_FAILED: give up on the shop). */
export interface AccessTokenSource {
  current(): Promise<string>;
  /** Shopify refused `rejected` (401): a new token to retry the call once with, or null when there is none. */
  afterUnauthorized(rejected: string): Promise<string | null>;
}

export interface AdminRequestOptions {
  signal?: AbortSignal;
  /** Expected cost when this document has not been sent yet (later calls reuse the observed cost). */
  estimatedCost?: number;
  /** Overrides the client's retry count for this call (health checks use 0). */
  retries?: number;
}

export interface AdminResponse<TData> {
  data: TData;
  cost: QueryCost | null;
}

export type Variables = Record<string, unknown>;

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function adminEndpoint(shop: string, baseUrl?: string, apiVersion = ADMIN_API_VERSION): string {
  const base = baseUrl ? baseUrl.replace(/\/+$/, "") : `https://${shop}`;
  return `${base}/admin/api/${apiVersion}/graphql.json`;
}

function operationNameOf(document: string): string {
  return /\b(?:query|mutation)\s+([A-Za-z_]\w*)/.exec(document)?.[1] ?? "anonymous";
}

/**
 * One shop's Admin GraphQL client. It paces itself on Shopify's cost bucket (waits
 * before a query that would not fit), retries THROTTLED / 429 / 5xx / network failures
 * with full-jitter exponential backoff, and throws AdminApiError (terminal or not).
 */
export class AdminClient {
  readonly shop: string;
  readonly endpoint: string;
  private readonly gql: GraphQLClient;
  private readonly options: Required<
    Pick<AdminClientOptions, "retries" | "backoffBaseMs" | "backoffCapMs" | "requestTimeoutMs">
  >;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private throttle: { status: ThrottleStatus; observedAt: number } | null = null;
  private readonly costByOperation = new Map<string, number>();
  private readonly tokens: AccessTokenSource;

  constructor(options: AdminClientOptions) {
    this.shop = options.shop;
    this.endpoint = adminEndpoint(options.shop, options.baseUrl, options.apiVersion);
    this.options = {
      retries: options.retries ?? 6,
      backoffBaseMs: options.backoffBaseMs ?? 500,
      backoffCapMs: options.backoffCapMs ?? 30_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    };
    this.log = (options.logger ?? defaultLogger).child({ component: "shopify-admin", shop: options.shop });
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? abortableSleep;
    if (options.tokens) {
      this.tokens = options.tokens;
    } else {
      const accessToken = options.accessToken;
      if (accessToken === undefined) throw new Error("AdminClient needs an accessToken or a token source");
      // A closure keeps the token out of the client's enumerable fields.
      this.tokens = { current: () => Promise.resolve(accessToken), afterUnauthorized: () => Promise.resolve(null) };
    }
    // The token is sent per request (it can change between calls), never kept in the client's config.
    this.gql = new GraphQLClient(this.endpoint, { fetch: options.fetch, errorPolicy: "all" });
  }

  /** The last throttle status Shopify reported, projected to now. */
  lastThrottleStatus(): ThrottleStatus | null {
    return this.throttle ? { ...this.throttle.status } : null;
  }

  async request<TData, TVariables extends Variables = Variables>(
    document: string,
    variables?: TVariables,
    options: AdminRequestOptions = {},
  ): Promise<AdminResponse<TData>> {
    const operationName = operationNameOf(document);
    let retryAfterMs = 0;
    // One new token per call after a 401 (an expired or rotated token), never a loop.
    let unauthorizedRetried = false;
    return pRetry(
      async () => {
        await this.waitForBucket(document, options);
        let token: string | undefined;
        try {
          token = await this.tokens.current();
          return await this.attempt<TData>(document, variables, token, options.signal);
        } catch (error) {
          let classified = this.classify(error, options.signal);
          if (classified.code === "UNAUTHORIZED" && token !== undefined && !unauthorizedRetried) {
            unauthorizedRetried = true;
            try {
              const fresh = await this.tokens.afterUnauthorized(token);
              if (fresh !== null) return await this.attempt<TData>(document, variables, fresh, options.signal);
            } catch (retryError) {
              classified = this.classify(retryError, options.signal);
            }
          }
          // AUTH_FAILED is final for this shop: no backoff, no retry (the caller skips the shop).
          if (!classified.retryable || classified.code === "AUTH_FAILED") throw new AbortError(classified);
          retryAfterMs = classified.details.retryAfterMs ?? 0;
          throw classified;
        }
      },
      {
        retries: options.retries ?? this.options.retries,
        // Delays are ours (full jitter + what the bucket needs), not p-retry's.
        minTimeout: 0,
        maxTimeout: 0,
        factor: 1,
        signal: options.signal,
        onFailedAttempt: async (error) => {
          if (error.retriesLeft <= 0) return;
          const backoff = fullJitterDelayMs(
            error.attemptNumber,
            this.options.backoffBaseMs,
            this.options.backoffCapMs,
            this.random,
          );
          const delayMs = Math.max(backoff, retryAfterMs);
          this.log.warn(
            { operationName, attempt: error.attemptNumber, code: (error as unknown as AdminApiError).code, delayMs },
            "Shopify Admin API call failed; retrying",
          );
          await this.sleep(delayMs, options.signal);
        },
      },
    ).catch((error: unknown) => {
      if (error instanceof AdminApiError) {
        this.log.error(
          { operationName, code: error.code, status: error.details.status },
          "Shopify Admin API call failed",
        );
      }
      throw error;
    });
  }

  private async waitForBucket(document: string, options: AdminRequestOptions): Promise<void> {
    if (!this.throttle) return;
    const cost = this.costByOperation.get(document) ?? options.estimatedCost;
    if (cost === undefined) return;
    const waitMs = waitForCostMs(this.throttle.status, this.throttle.observedAt, this.now(), cost);
    if (waitMs > 0) {
      this.log.debug(
        { operationName: operationNameOf(document), waitMs, cost },
        "waiting for the cost bucket to refill",
      );
      await this.sleep(waitMs, options.signal);
    }
  }

  private remember(cost: QueryCost | null, document: string): void {
    if (!cost) return;
    this.throttle = { status: cost.throttleStatus, observedAt: this.now() };
    if (document && cost.requestedQueryCost > 0) this.costByOperation.set(document, cost.requestedQueryCost);
  }

  private async attempt<TData>(
    document: string,
    variables: Variables | undefined,
    token: string,
    signal?: AbortSignal,
  ): Promise<AdminResponse<TData>> {
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const response = await this.gql.rawRequest<TData, Variables>({
      query: document,
      variables,
      signal: combined,
      requestHeaders: { "X-Shopify-Access-Token": token },
    });
    const cost = readQueryCost(response.extensions);
    this.remember(cost, document);
    const errors = (response as { errors?: GraphqlErrorShape[] }).errors;
    if (errors?.length) {
      const error = errorForGraphqlErrors(errors, this.throttledWait(cost));
      throw error;
    }
    return { data: response.data as TData, cost };
  }

  /** For a THROTTLED answer: the time until the requested cost fits again. */
  private throttledWait(cost: QueryCost | null): number | undefined {
    if (!cost) return undefined;
    return waitForCostMs(cost.throttleStatus, this.now(), this.now(), cost.requestedQueryCost);
  }

  private classify(error: unknown, signal?: AbortSignal): AdminApiError {
    if (error instanceof AdminApiError) return error;
    if (signal?.aborted) return new AdminApiError("Shopify Admin API call aborted", "NETWORK", false);
    if (error instanceof ClientError) {
      const status = error.response.status;
      const headers = error.response.headers as Headers | undefined;
      const retryAfter = parseRetryAfter(headers?.get?.("retry-after"), this.now());
      const body = error.response as { errors?: unknown; extensions?: unknown };
      const cost = readQueryCost(body.extensions);
      this.remember(cost, "");
      if (
        status === 429 ||
        (Array.isArray(body.errors) &&
          (body.errors as GraphqlErrorShape[]).some((entry) => entry.extensions?.code === "THROTTLED"))
      ) {
        return new AdminApiError("Shopify throttled the query", "THROTTLED", true, {
          status,
          retryAfterMs: retryAfter ?? this.throttledWait(cost),
        });
      }
      return errorForHttpStatus(status, retryAfter);
    }
    const name = (error as Error | undefined)?.name;
    if (name === "TimeoutError" || name === "AbortError") {
      return new AdminApiError("Shopify Admin API call timed out", "TIMEOUT", true);
    }
    return new AdminApiError(
      `Network error reaching Shopify: ${(error as Error | undefined)?.message ?? "unknown"}`,
      "NETWORK",
      true,
    );
  }
}

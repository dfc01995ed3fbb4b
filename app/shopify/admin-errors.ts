/**
 * Admin API failures, classed the way the subscriptions reference app does: terminal
 * (401/402/403/404, invalid token, a query Shopify rejects) is not retried; retryable
 * (THROTTLED, 429, 5xx, network, timeout) is retried with backoff.
 */
export type AdminErrorCode =
  | "UNAUTHORIZED"
  | "PAYMENT_REQUIRED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "BAD_REQUEST"
  | "THROTTLED"
  | "MAX_COST_EXCEEDED"
  | "SERVER_ERROR"
  | "NETWORK"
  | "TIMEOUT"
  | "GRAPHQL"
  /** Ballast has no valid access token for the shop any more (refresh refused for good): the client never retries it; callers wait for the merchant to reconnect. */
  | "AUTH_FAILED";

export class AdminApiError extends Error {
  override name = "AdminApiError";
  constructor(
    message: string,
    readonly code: AdminErrorCode,
    readonly retryable: boolean,
    readonly details: { status?: number; retryAfterMs?: number; graphqlCodes?: string[] } = {},
  ) {
    super(message);
  }
}

export function errorForHttpStatus(status: number, retryAfterMs?: number): AdminApiError {
  switch (status) {
    case 401:
      return new AdminApiError(
        "Shopify refused the access token (401): the app was uninstalled or the token revoked",
        "UNAUTHORIZED",
        false,
        { status },
      );
    case 402:
      return new AdminApiError(
        "Shopify answered 402: the shop is frozen or its plan lapsed",
        "PAYMENT_REQUIRED",
        false,
        { status },
      );
    case 403:
      return new AdminApiError("Shopify answered 403: a scope is missing or the shop is locked", "FORBIDDEN", false, {
        status,
      });
    case 404:
      return new AdminApiError("Shopify answered 404: the shop does not exist (any more)", "NOT_FOUND", false, {
        status,
      });
    case 429:
      return new AdminApiError("Shopify answered 429: throttled", "THROTTLED", true, { status, retryAfterMs });
    default:
      if (status >= 500)
        return new AdminApiError(`Shopify answered ${status}`, "SERVER_ERROR", true, { status, retryAfterMs });
      return new AdminApiError(`Shopify answered ${status}`, "BAD_REQUEST", false, { status });
  }
}

export interface GraphqlErrorShape {
  message?: string;
  extensions?: { code?: string };
}

/** Top-level GraphQL `errors`: THROTTLED is retryable, everything else is a bug or a refusal. */
export function errorForGraphqlErrors(errors: readonly GraphqlErrorShape[], retryAfterMs?: number): AdminApiError {
  const codes = errors.map((error) => error.extensions?.code ?? "UNKNOWN");
  if (codes.includes("THROTTLED")) {
    return new AdminApiError("Shopify throttled the query (THROTTLED)", "THROTTLED", true, {
      graphqlCodes: codes,
      retryAfterMs,
    });
  }
  if (codes.includes("MAX_COST_EXCEEDED")) {
    return new AdminApiError("Query cost exceeds Shopify's single query limit (1,000)", "MAX_COST_EXCEEDED", false, {
      graphqlCodes: codes,
    });
  }
  if (codes.includes("INTERNAL_SERVER_ERROR")) {
    return new AdminApiError(`Shopify reported an internal error: ${errors[0]?.message ?? ""}`, "SERVER_ERROR", true, {
      graphqlCodes: codes,
    });
  }
  return new AdminApiError(`GraphQL errors: ${errors.map((error) => error.message).join("; ")}`, "GRAPHQL", false, {
    graphqlCodes: codes,
  });
}

/** Retry-After (seconds or HTTP date) → milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

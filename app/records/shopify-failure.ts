/**
 * Why a read from Shopify failed, as a stable code (and the HTTP status when there was
 * one): what the `shopify_unreachable` alert stores and puts into words in the reader's
 * language (alert-text.ts). The raw message is kept beside it only as `technical`, for
 * the API; it is never shown as the explanation. Pure: errors are recognised by their
 * shape (AdminApiError and BulkOperationError from app/shopify, fetch and socket errors),
 * so the records layer need not import the Shopify layer, and a message stored by an
 * older version can be classified the same way.
 */
export const SHOPIFY_FAILURES = ["timeout", "network", "server_error", "throttled", "other"] as const;
export type ShopifyFailureCode = (typeof SHOPIFY_FAILURES)[number];

export interface ShopifyFailure {
  failure: ShopifyFailureCode;
  /** The HTTP status Shopify answered, when there was one. */
  status?: number;
}

/** What the alert stores: the class, its status, and the raw message for the API only. */
export interface ShopifyFailureDetails extends ShopifyFailure {
  technical: string;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EPIPE",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);
const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** AdminApiError's codes (app/shopify/admin-errors.ts). */
const ADMIN_CODES: Record<string, ShopifyFailureCode> = {
  TIMEOUT: "timeout",
  NETWORK: "network",
  SERVER_ERROR: "server_error",
  THROTTLED: "throttled",
};

type ErrorLike = {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
  reason?: unknown;
  errorCode?: unknown;
  details?: { status?: unknown };
  status?: unknown;
  response?: { status?: unknown };
};

const statusOf = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value) && value >= 100 && value < 600 ? value : undefined;

const withStatus = (failure: ShopifyFailureCode, status: number | undefined): ShopifyFailure =>
  status === undefined ? { failure } : { failure, status };

/** The class of a raw message, for errors of no known shape and for rows stored as text. */
export function classifyShopifyMessage(message: string): ShopifyFailure {
  const status = statusOf(Number(/\b(?:answered|status|HTTP)\D{0,3}([1-5]\d\d)\b/i.exec(message)?.[1]));
  if (status === 429 || /throttl|too many requests|rate.?limit/i.test(message)) return withStatus("throttled", status);
  if (status !== undefined && status >= 500) return withStatus("server_error", status);
  if (/internal (server )?error|service unavailable|bad gateway/i.test(message))
    return withStatus("server_error", status);
  if (/timed? ?out|timeout|ETIMEDOUT/i.test(message)) return withStatus("timeout", status);
  if (
    /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|fetch failed|socket hang up|network|getaddrinfo|connection refused/i.test(
      message,
    )
  )
    return withStatus("network", status);
  return withStatus("other", status);
}

function classifyOne(error: ErrorLike, depth: number): ShopifyFailure | null {
  const name = typeof error.name === "string" ? error.name : "";
  const code = typeof error.code === "string" ? error.code : "";
  if (name === "AdminApiError") {
    const status = statusOf(error.details?.status);
    if (status === 429) return withStatus("throttled", status);
    const known = ADMIN_CODES[code];
    if (known) return withStatus(known, status);
    return withStatus(status !== undefined && status >= 500 ? "server_error" : "other", status);
  }
  if (name === "BulkOperationError") {
    const errorCode = typeof error.errorCode === "string" ? error.errorCode : "";
    if (error.reason === "timeout" || errorCode === "TIMEOUT") return { failure: "timeout" };
    if (errorCode === "INTERNAL_SERVER_ERROR") return { failure: "server_error" };
    return { failure: "other" };
  }
  if (name === "TimeoutError" || TIMEOUT_CODES.has(code)) return { failure: "timeout" };
  if (NETWORK_CODES.has(code)) return { failure: "network" };
  const status = statusOf(error.details?.status) ?? statusOf(error.status) ?? statusOf(error.response?.status);
  if (status === 429) return withStatus("throttled", status);
  if (status !== undefined && status >= 500) return withStatus("server_error", status);
  // fetch wraps the socket's error: "fetch failed" with the real cause beneath.
  if (depth < 3 && typeof error.cause === "object" && error.cause !== null) {
    const cause = classifyOne(error.cause as ErrorLike, depth + 1);
    if (cause && cause.failure !== "other") return cause;
  }
  if (name === "AbortError") return { failure: "timeout" };
  if (typeof error.message === "string") {
    const byMessage = classifyShopifyMessage(error.message);
    return byMessage.status === undefined && status !== undefined ? { ...byMessage, status } : byMessage;
  }
  return withStatus("other", status);
}

/** The class of anything thrown while reading from Shopify. */
export function classifyShopifyFailure(error: unknown): ShopifyFailure {
  if (typeof error === "string") return classifyShopifyMessage(error);
  if (typeof error !== "object" || error === null) return { failure: "other" };
  return classifyOne(error as ErrorLike, 0) ?? { failure: "other" };
}

/** What a `shopify_unreachable` alert records for a failure: its class, and the raw message (bounded) for the API. */
export function shopifyFailureDetails(error: unknown): ShopifyFailureDetails {
  const technical = (error instanceof Error ? error.message : String(error)).slice(0, 300);
  return { ...classifyShopifyFailure(error), technical };
}

/** A stored `shopify_unreachable` detail read back: the new shape, or an older row's `error` text classified. */
export function storedShopifyFailure(details: Record<string, unknown>): ShopifyFailure | null {
  const failure = details.failure;
  if (typeof failure === "string") {
    const code = (SHOPIFY_FAILURES as readonly string[]).includes(failure) ? (failure as ShopifyFailureCode) : "other";
    return withStatus(code, statusOf(details.status));
  }
  const error = details.error;
  return typeof error === "string" && error.length > 0 ? classifyShopifyMessage(error) : null;
}

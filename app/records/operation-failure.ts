import { formatMessage, messagesFor, type Locale, type MessageKey } from "~/i18n";
import {
  SHOPIFY_FAILURES,
  classifyShopifyFailure,
  classifyShopifyMessage,
  type ShopifyFailureCode,
} from "./shopify-failure";

/**
 * Why a long operation the merchant asked for (resync, first catalog read, release all
 * holds: app/worker/operations-job.server.ts) failed, stored as a code with its values in
 * Operation.error (JSON) and put into words in the reader's language where it is shown
 * (app/components/OperationProgress.tsx). The raw message stays beside it as `technical`,
 * for support; it is never shown as the explanation. Rows written before hold the raw
 * message itself: they are classified the same way when read. Pure and isomorphic.
 */
export const OPERATION_FAILURES = [
  /** Shopify failed to answer (`failure`: the class of app/records/shopify-failure.ts, `status`). */
  "shopify",
  /** Ballast has no access to the store any more (no session, or Shopify refused it for good). */
  "shopify_disconnected",
  /** Release all holds: `units` held units are still held (Shopify unreachable, or the levels kept changing). */
  "holds_remaining",
  /** Anything else: a fault of Ballast's own. */
  "internal",
] as const;
export type OperationFailureCode = (typeof OPERATION_FAILURES)[number];

export interface OperationFailure {
  code: OperationFailureCode;
  /** code "shopify": how Shopify failed. */
  failure?: ShopifyFailureCode;
  /** code "shopify": the HTTP status Shopify answered, when there was one. */
  status?: number;
  /** code "holds_remaining": the units still held. */
  units?: number;
  /** The raw message, bounded, for support and the logs; never the explanation. */
  technical: string;
}

const TECHNICAL_LENGTH = 300;

/**
 * A failure an operation met that is not an error thrown by Shopify's client: the worker
 * throws it with its code, so the code does not have to be guessed from a message.
 */
export class OperationFailed extends Error {
  override name = "OperationFailed";
  constructor(
    readonly code: Exclude<OperationFailureCode, "shopify">,
    message: string,
    readonly units?: number,
  ) {
    super(message);
  }
}

const SHOPIFY_SHAPED = new Set(["AdminApiError", "BulkOperationError", "TimeoutError", "AbortError"]);

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, TECHNICAL_LENGTH);
}

/** What an operation that threw `error` records: its class and values, and the raw message as `technical`. */
export function operationFailureOf(error: unknown): OperationFailure {
  const technical = messageOf(error);
  if (error instanceof OperationFailed)
    return error.units === undefined
      ? { code: error.code, technical }
      : { code: error.code, units: error.units, technical };
  const shopify = classifyShopifyFailure(error);
  const name = typeof error === "object" && error !== null ? (error as { name?: unknown }).name : undefined;
  // A failure of Shopify's: a known class, or an error of the Shopify client's own shape.
  if (shopify.failure !== "other" || (typeof name === "string" && SHOPIFY_SHAPED.has(name)))
    return { code: "shopify", ...shopify, technical };
  return { code: "internal", technical };
}

/** The value of Operation.error for a failure. */
export function operationFailureRecord(failure: OperationFailure): string {
  return JSON.stringify(failure);
}

const isCount = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0;

/** A message stored before failures were classified (the raw error), read as one. */
function classifyStoredMessage(message: string): OperationFailure {
  const technical = message.slice(0, TECHNICAL_LENGTH);
  const held = /^(\d+) held units could not be released yet/.exec(message);
  if (held) return { code: "holds_remaining", units: Number(held[1]), technical };
  if (/cannot be reached for this shop|open Ballast in Shopify admin|Online Store cannot be reached/i.test(message))
    return { code: "shopify_disconnected", technical };
  const shopify = classifyShopifyMessage(message);
  return shopify.failure === "other" && shopify.status === undefined
    ? { code: "internal", technical }
    : { code: "shopify", ...shopify, technical };
}

/** Operation.error read back: the stored failure, an older row's message classified, or null when none. */
export function storedOperationFailure(stored: string | null | undefined): OperationFailure | null {
  if (!stored) return null;
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    return classifyStoredMessage(stored);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return classifyStoredMessage(stored);
  const record = value as Record<string, unknown>;
  if (typeof record.code !== "string") return classifyStoredMessage(stored);
  const code = (OPERATION_FAILURES as readonly string[]).includes(record.code)
    ? (record.code as OperationFailureCode)
    : "internal";
  const technical = typeof record.technical === "string" ? record.technical : "";
  const failure: OperationFailure = { code, technical };
  if (code === "shopify") {
    failure.failure = (SHOPIFY_FAILURES as readonly string[]).includes(record.failure as string)
      ? (record.failure as ShopifyFailureCode)
      : "other";
    if (typeof record.status === "number" && Number.isInteger(record.status)) failure.status = record.status;
  }
  if (code === "holds_remaining" && isCount(record.units)) failure.units = record.units;
  return failure;
}

/** Why the operation stopped and what to do, in plain words in `locale`. */
export function operationFailureText(failure: OperationFailure, locale: Locale): string {
  const messages = messagesFor(locale);
  const t = (key: MessageKey, values?: Record<string, string | number>) => formatMessage(messages[key], values);
  switch (failure.code) {
    case "shopify": {
      const kind = failure.failure ?? "other";
      const withStatus = failure.status !== undefined && (kind === "server_error" || kind === "other");
      const why = withStatus
        ? t(`alerts.fact.shopifyFailure.${kind}.status`, { status: failure.status! })
        : t(`alerts.fact.shopifyFailure.${kind}`);
      return `${why} ${t("operation.failed.retryLater")}`;
    }
    case "shopify_disconnected":
      return t("operation.failed.shopify_disconnected");
    case "holds_remaining":
      return failure.units === undefined
        ? t("operation.failed.holds_remaining")
        : t(failure.units === 1 ? "operation.failed.holds_remaining.one" : "operation.failed.holds_remaining.other", {
            count: formatCount(failure.units, locale),
          });
    case "internal":
      return t("operation.failed.internal");
  }
}

const formatCount = (value: number, locale: Locale) =>
  new Intl.NumberFormat(locale === "fr" ? "fr-FR" : "en-GB").format(value);

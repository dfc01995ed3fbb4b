/**
 * Pure pieces of the Merchant API v1 contract: product names, availability values and the
 * AIP-193 error body. Sources: CHANNELS.md "Google Merchant API v1";
 * https://developers.google.com/merchant/api/guides/compatibility/products (name encoding);
 * https://developers.google.com/merchant/api/guides/error-handling (ErrorInfo, REASON).
 */

/**
 * The `{name}` segment of `accounts/{a}/products/{name}` and `…/productInputs/{name}`:
 * `contentLanguage~feedLabel~offerId`, or its unpadded base64url (RFC 4648 §5) when the
 * offer id holds anything but letters, digits, `_` and `-` (Google lists
 * `% . + / : ~ , ( * ! ) & ? = @ # $` as requiring it; encoding more is always allowed).
 */
export function productNameSegment(contentLanguage: string, feedLabel: string, offerId: string): string {
  const plain = `${contentLanguage}~${feedLabel}~${offerId}`;
  return /^[A-Za-z0-9_-]+$/.test(offerId) ? plain : Buffer.from(plain, "utf8").toString("base64url");
}

export type MerchantAvailability = "IN_STOCK" | "OUT_OF_STOCK" | "PREORDER" | "LIMITED_AVAILABILITY" | "BACKORDER";

/** Numeric values the official REST client sends (google.shopping.merchant.products.v1.Availability). */
const BY_NUMBER: Record<number, MerchantAvailability | undefined> = {
  1: "IN_STOCK",
  2: "OUT_OF_STOCK",
  3: "PREORDER",
  4: "LIMITED_AVAILABILITY",
  5: "BACKORDER",
};

/** Whether a buyer can order now, from a name or an enum number; null when unknown. */
export function fromMerchantAvailability(value: unknown): "in_stock" | "out_of_stock" | null {
  const name =
    typeof value === "number"
      ? BY_NUMBER[value]
      : typeof value === "string"
        ? value.toUpperCase().replace(/ /g, "_")
        : undefined;
  switch (name) {
    case "IN_STOCK":
    case "LIMITED_AVAILABILITY":
    case "PREORDER":
    case "BACKORDER":
      return "in_stock";
    case "OUT_OF_STOCK":
      return "out_of_stock";
    default:
      return null;
  }
}

export interface GoogleErrorBody {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<{ "@type"?: string; reason?: string; metadata?: Record<string, string>; retryDelay?: string }>;
}

/** The stable machine reason: ErrorInfo.metadata.REASON, else ErrorInfo.reason. */
export function errorReason(error: GoogleErrorBody | undefined): string | undefined {
  for (const detail of error?.details ?? []) {
    if (detail["@type"]?.endsWith("google.rpc.ErrorInfo")) return detail.metadata?.REASON ?? detail.reason;
  }
  return undefined;
}

/** google.rpc.RetryInfo.retryDelay ("17s", "1.5s") in milliseconds. */
export function retryDelayMs(error: GoogleErrorBody | undefined): number | undefined {
  for (const detail of error?.details ?? []) {
    if (detail["@type"]?.endsWith("google.rpc.RetryInfo") && detail.retryDelay) {
      const seconds = Number.parseFloat(detail.retryDelay);
      if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    }
  }
  return undefined;
}

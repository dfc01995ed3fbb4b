/**
 * Pure pieces of the Meta Graph API contract: the error body, what each code means for
 * Ballast, and the X-Business-Use-Case-Usage header. Source: CHANNELS.md "Meta Graph
 * API v26.0 catalog" and https://developers.facebook.com/docs/graph-api/overview/rate-limiting
 */

export interface GraphErrorBody {
  message: string;
  type?: string;
  code: number;
  error_subcode?: number;
  fbtrace_id?: string;
  is_transient?: boolean;
}

export type GraphErrorClass =
  | "credentials_revoked" // 190: token expired, revoked or invalid
  | "permission_denied" // 10, 200–299: the system user lacks catalog access
  | "rate_limited" // 4, 17, 32, 613, 80009, 80014
  | "transient" // 1, 2, is_transient, 5xx: retry soon
  | "invalid_request" // 100 and the rest: a bug or a bad configuration, retrying will not help
  | "not_found"; // 100/33: the catalog id does not exist for this token

export const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80009, 80014]);

export function classifyGraphError(error: GraphErrorBody | undefined, httpStatus: number): GraphErrorClass {
  if (!error) return httpStatus >= 500 || httpStatus === 429 ? "transient" : "invalid_request";
  if (error.code === 190 || error.code === 102) return "credentials_revoked";
  if (error.code === 10 || (error.code >= 200 && error.code < 300)) return "permission_denied";
  if (RATE_LIMIT_CODES.has(error.code)) return "rate_limited";
  if (error.code === 1 || error.code === 2 || httpStatus >= 500) return "transient";
  if (error.code === 100 && error.error_subcode === 33) return "not_found";
  if (error.is_transient) return "transient";
  return "invalid_request";
}

export interface BusinessUseCaseUsage {
  /** The highest of call_count, total_cputime and total_time over every entry, in percent. */
  percent: number;
  /** From estimated_time_to_regain_access (minutes); 0 when not throttled. */
  regainAccessAfterMs: number;
}

/**
 * `{"<business id>":[{"type":"catalog_batch","call_count":28,"total_cputime":10,
 * "total_time":15,"estimated_time_to_regain_access":0}]}`. Returns null for an absent or
 * malformed header: absence is not zero usage, so callers keep their last reading.
 */
export function parseBusinessUseCaseUsage(header: string | null | undefined): BusinessUseCaseUsage | null {
  if (!header) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== "object") return null;
  let percent = -1;
  let regainMinutes = 0;
  for (const entries of Object.values(parsed as Record<string, unknown>)) {
    if (!Array.isArray(entries)) continue;
    for (const entry of entries as Array<Record<string, unknown>>) {
      for (const key of ["call_count", "total_cputime", "total_time"]) {
        const value = Number(entry[key]);
        if (Number.isFinite(value)) percent = Math.max(percent, value);
      }
      const regain = Number(entry.estimated_time_to_regain_access);
      if (Number.isFinite(regain)) regainMinutes = Math.max(regainMinutes, regain);
    }
  }
  if (percent < 0) return null;
  return { percent, regainAccessAfterMs: regainMinutes * 60_000 };
}

export type MetaAvailabilityValue = "in stock" | "out of stock" | "preorder" | "available for order" | "discontinued";

export function toMetaAvailability(availability: "in_stock" | "out_of_stock"): MetaAvailabilityValue {
  return availability === "in_stock" ? "in stock" : "out of stock";
}

/** Collapses Meta's availability values onto what a buyer can do: order now or not. */
export function fromMetaAvailability(value: unknown): "in_stock" | "out_of_stock" | null {
  if (typeof value !== "string") return null;
  switch (value.toLowerCase().replace(/_/g, " ")) {
    case "in stock":
    case "available for order":
    case "preorder":
      return "in_stock";
    case "out of stock":
    case "discontinued":
      return "out_of_stock";
    default:
      return null;
  }
}

/** An item failure from check_batch_request_status that says the item is not in the catalog. */
export function isUnknownItemMessage(message: string): boolean {
  return /does not exist|not found|no (such )?item|unknown retailer/i.test(message);
}

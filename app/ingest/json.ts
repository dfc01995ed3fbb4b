import { isSafeNumber, parse } from "lossless-json";

/**
 * JSON.parse that never rounds: integers beyond 2^53 (Shopify inventory item ids, for
 * one) come back as decimal strings instead of silently wrong numbers.
 */
export function parseJsonLossless(text: string): unknown {
  return parse(text, null, (digits) => (isSafeNumber(digits) ? Number(digits) : digits));
}

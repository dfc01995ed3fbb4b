import { parse, stringify } from "lossless-json";

/**
 * What a processed webhook keeps of its payload: everything but the customer's personal
 * data (name, contact details, addresses, browser and payment details), removed at any
 * depth. Numbers stay exactly as received (lossless), so ids beyond 2^53 are intact.
 * Pure; an unparseable payload keeps nothing.
 */
export const PERSONAL_KEYS = new Set([
  "customer",
  "email",
  "contact_email",
  "phone",
  "sms_marketing_phone",
  "billing_address",
  "shipping_address",
  "default_address",
  "addresses",
  "destination",
  "first_name",
  "last_name",
  "company",
  "address1",
  "address2",
  "city",
  "zip",
  "province",
  "province_code",
  "latitude",
  "longitude",
  "note",
  "note_attributes",
  "client_details",
  "browser_ip",
  "customer_locale",
  "payment_details",
  "credit_card_bin",
  "credit_card_number",
  "credit_card_name",
  "landing_site",
  "referring_site",
  "order_status_url",
  "cart_token",
  "checkout_token",
  "token",
  "user_id",
  "device_id",
  "email_marketing_consent",
  "sms_marketing_consent",
  "buyer_accepts_marketing",
]);

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === "object" && value.constructor === Object) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => !PERSONAL_KEYS.has(key))
        .map(([key, child]) => [key, strip(child)]),
    );
  }
  return value;
}

export function withoutPersonalData(rawBody: string): string {
  try {
    return stringify(strip(parse(rawBody))) ?? "";
  } catch {
    return "";
  }
}

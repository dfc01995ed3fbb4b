/**
 * What must never appear in a log line, and the scanner that looks for it. Used by the
 * suite-wide log scan (tests/support/log-capture.ts) and by tests that check one flow.
 *
 * Two kinds of needles: shapes of real credentials (a Shopify offline token, a JWT, a PEM
 * private key, a Google refresh token, a Meta system-user token), and the exact values the
 * tests use (the test API secret and encryption key, the fake world's tokens, the
 * customer details written into webhook payloads).
 */
import { TEST_API_SECRET, TEST_ENCRYPTION_KEY } from "./shopify";

/** Customer personal data the tests put into order and compliance payloads. */
export const CUSTOMER = {
  email: "jeanne.leak-check@example.org",
  phone: "+33 6 12 34 56 78",
  firstName: "Jeanne",
  lastName: "Leakcheck-Duval",
  address1: "17 rue des Fuites",
  zip: "75011",
} as const;

/** An order webhook body as Shopify sends it, customer details included. */
export function orderWithCustomer(options: {
  id: number | string;
  variantId: string;
  quantity: number;
  createdAt?: Date;
}): string {
  const customer = {
    id: 8_800_123,
    email: CUSTOMER.email,
    phone: CUSTOMER.phone,
    first_name: CUSTOMER.firstName,
    last_name: CUSTOMER.lastName,
  };
  const address = {
    first_name: CUSTOMER.firstName,
    last_name: CUSTOMER.lastName,
    address1: CUSTOMER.address1,
    zip: CUSTOMER.zip,
    city: "Paris",
    country_code: "FR",
    phone: CUSTOMER.phone,
  };
  return JSON.stringify({
    id: Number(options.id),
    created_at: (options.createdAt ?? new Date()).toISOString(),
    source_name: "web",
    email: CUSTOMER.email,
    phone: CUSTOMER.phone,
    contact_email: CUSTOMER.email,
    customer,
    billing_address: address,
    shipping_address: address,
    line_items: [{ id: 1, variant_id: Number(options.variantId), quantity: options.quantity, title: "Item" }],
  }).replace(`"variant_id":${Number(options.variantId)}`, `"variant_id":${options.variantId}`);
}

interface Needle {
  name: string;
  pattern: RegExp;
}

const escape = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const exact = (name: string, value: string): Needle => ({ name, pattern: new RegExp(escape(value)) });

export const NEEDLES: readonly Needle[] = [
  // Shapes: any credential of these kinds, whoever made it.
  { name: "Shopify access token", pattern: /shp(at|ca|pa|ss)_[A-Za-z0-9_]{6,}/ },
  { name: "Shopify refresh token", pattern: /shprt_[A-Za-z0-9_]{6,}/ },
  { name: "JWT (session token)", pattern: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { name: "PEM private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----|MII[A-Za-z0-9+/]{60,}/ },
  { name: "Google refresh token", pattern: /\b1\/\/[A-Za-z0-9_-]{8,}/ },
  { name: "Google access token", pattern: /\bya29\.[A-Za-z0-9_.-]{8,}/ },
  { name: "Meta access token", pattern: /\bEAA[A-Za-z0-9_-]{10,}/ },
  // Exact values the tests use.
  exact("the app's API secret", TEST_API_SECRET),
  exact("the encryption key (base64)", TEST_ENCRYPTION_KEY),
  exact("the encryption key (hex)", Buffer.from(TEST_ENCRYPTION_KEY, "base64").toString("hex")),
  exact("the fake world's Google client secret", "rehearsal-client-secret"),
  exact("customer email", CUSTOMER.email),
  exact("customer phone", CUSTOMER.phone),
  exact("customer last name", CUSTOMER.lastName),
  exact("customer address", CUSTOMER.address1),
];

export interface Finding {
  needle: string;
  /** Where: a file name or a label. */
  source: string;
  /** The offending line, with the match masked so the report itself leaks nothing. */
  line: string;
}

export function scanForSecrets(text: string, source: string): Finding[] {
  const findings: Finding[] = [];
  for (const line of text.split("\n")) {
    for (const needle of NEEDLES) {
      const match = needle.pattern.exec(line);
      if (match)
        findings.push({ needle: needle.name, source, line: line.replace(match[0], `<${needle.name}>`).slice(0, 300) });
    }
  }
  return findings;
}

export function describeFindings(findings: readonly Finding[]): string {
  return findings.map((finding) => `${finding.source}: ${finding.needle}: ${finding.line}`).join("\n");
}

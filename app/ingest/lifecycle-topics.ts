/**
 * What Ballast reads of the app lifecycle and compliance webhooks' payloads, handled by
 * the routes app/routes/webhooks.app.*.tsx and webhooks.compliance.tsx (recorded nowhere:
 * they act at once). Kept here, next to the stock topics' schemas, so the same tests hold
 * them against Shopify's JSON schemas and example payloads
 * (app/ingest/shopify-payload-schemas.test.ts).
 */
import { z } from "zod";

/** app/scopes_update: the scopes the merchant granted. */
export const scopesUpdatePayload = z.object({ current: z.array(z.string()) });

/** customers/redact: the orders whose records go. */
export const customersRedactPayload = z.object({
  orders_to_redact: z.array(z.union([z.string(), z.number()])).optional(),
});

/** null: the payload is not read (the shop comes from the verified headers). */
export const LIFECYCLE_PAYLOADS = {
  "app/uninstalled": null,
  "app/scopes_update": scopesUpdatePayload,
  "customers/data_request": null,
  "customers/redact": customersRedactPayload,
  "shop/redact": null,
} as const satisfies Record<string, z.ZodTypeAny | null>;

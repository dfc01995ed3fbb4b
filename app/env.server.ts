import path from "node:path";
import { z } from "zod";

/**
 * The one place that reads process.env. Parsed once; a missing or malformed variable
 * stops the app with a single line naming it (see README "Configuration").
 */

const url = z.string().url();
const optionalUrl = z
  .string()
  .url()
  .optional()
  .transform((value) => value?.replace(/\/+$/, ""));

/** `off` runs Prisma without Ballast's speed patches (app/db/prisma-patches.server.ts, docs/decisions/002). */
const prismaPatchesSwitch = z.enum(["on", "off"], { message: 'must be "on" or "off"' }).default("on");

/**
 * `1` lets alert webhooks reach private, loopback and link-local addresses, over plain http too
 * (app/security/webhook-address.ts): for tests, the local rehearsal and a receiver on the
 * operator's own network. Off by default: an App Store shop must not reach internal services.
 */
const privateWebhookHostsSwitch = z.enum(["0", "1"], { message: 'must be "0" or "1"' }).default("0");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SHOPIFY_API_KEY: z.string().min(1, "is required (the app's client id from the Partner Dashboard)"),
  SHOPIFY_API_SECRET: z.string().min(1, "is required (the app's client secret)"),
  SHOPIFY_APP_URL: url,
  SCOPES: z.string().default("read_products,write_products,read_inventory,write_inventory,read_orders,read_locations"),
  /** `file:…` selects SQLite (the default), `postgresql://…` selects PostgreSQL. */
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: or postgresql://")
    .optional(),
  /** 32 bytes, base64 or hex: encrypts channel credentials at rest (AES-256-GCM). */
  BALLAST_ENCRYPTION_KEY: z
    .string()
    .refine((value) => decodeKey(value) !== null, "must be 32 bytes, base64 or hex encoded"),
  /** Keys being rotated out, comma-separated: still decrypt, never encrypt (see README "Key rotation"). */
  BALLAST_ENCRYPTION_KEY_PREVIOUS: z
    .string()
    .optional()
    .refine(
      (value) => value === undefined || value.split(",").every((key) => decodeKey(key.trim()) !== null),
      "must be a comma-separated list of 32-byte keys, base64 or hex encoded",
    ),
  /** Ballast's speed patches to Prisma 6.19.3: on by default, and only ever on that exact version. */
  BALLAST_PRISMA_PATCHES: prismaPatchesSwitch,
  /** Alert webhooks to private addresses and over http: off (0) unless a test or rehearsal says 1. */
  BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS: privateWebhookHostsSwitch,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** in-process worker (one machine) or none here, when `npm run worker` runs apart. */
  WORKER_MODE: z.enum(["inprocess", "external"]).default("inprocess"),
  /**
   * `npm run worker` only: serve the worker's /healthz and /readyz on this port
   * (app/worker/worker-health.server.ts, docs/deploy.md). Unset: no port is opened.
   */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  /** Pause between sync passes. */
  SYNC_IDLE_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
  /**
   * How long a worker's hold on a lane lasts without renewal: after a crash, another
   * worker takes the lane over this much later. Renewed every third of it while held.
   */
  SYNC_LEASE_TTL_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  /**
   * How often each channel may be written, e.g. "online_store=10000,meta=60000,google=300000":
   * longer coalesces more orders into one push; Meta's hourly budget caps it anyway.
   */
  SYNC_PUSH_INTERVALS: z
    .string()
    .regex(
      /^((online_store|meta|google)=\d+)(,(online_store|meta|google)=\d+)*$/,
      "must look like meta=60000,google=300000",
    )
    .optional(),
  /** Base URLs: unset in production. The rehearsal and tests point them at the local fakes. */
  SHOPIFY_ADMIN_API_BASE_URL: optionalUrl,
  META_GRAPH_BASE_URL: url.default("https://graph.facebook.com"),
  META_GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, "must look like v26.0")
    .default("v26.0"),
  GOOGLE_MERCHANT_BASE_URL: url.default("https://merchantapi.googleapis.com"),
  GOOGLE_OAUTH_TOKEN_URL: url.default("https://oauth2.googleapis.com/token"),
});

export type Env = z.infer<typeof envSchema> & {
  DATABASE_URL: string;
  allowPrivateWebhookHosts: boolean;
  encryptionKey: Buffer;
  previousEncryptionKeys: Buffer[];
};

export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

export function decodeKey(value: string): Buffer | null {
  const bytes = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
  return bytes.length === 32 ? bytes : null;
}

/** SQLite path resolved from the working directory: import.meta.url points into build/ once bundled. */
export function defaultDatabaseUrl(cwd = process.cwd()): string {
  return `file:${path.join(cwd, "prisma", "dev.sqlite")}`;
}

/** "meta=60000,google=300000" → { meta: 60000, google: 300000 } */
export function pushIntervals(value: string | undefined): Partial<Record<"online_store" | "meta" | "google", number>> {
  const intervals: Partial<Record<"online_store" | "meta" | "google", number>> = {};
  for (const pair of value?.split(",") ?? []) {
    const [channel, milliseconds] = pair.split("=") as ["online_store" | "meta" | "google", string];
    intervals[channel] = Number(milliseconds);
  }
  return intervals;
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = issue.path.join(".") || "environment";
    const problem = issue.code === "invalid_type" && issue.received === "undefined" ? "is required" : issue.message;
    throw new ConfigurationError(`Configuration error: ${name} ${problem}. See README "Configuration".`);
  }
  const env = result.data;
  return {
    ...env,
    DATABASE_URL: env.DATABASE_URL ?? defaultDatabaseUrl(),
    allowPrivateWebhookHosts: env.BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS === "1",
    encryptionKey: decodeKey(env.BALLAST_ENCRYPTION_KEY)!,
    previousEncryptionKeys: (env.BALLAST_ENCRYPTION_KEY_PREVIOUS ?? "")
      .split(",")
      .filter((key) => key.trim() !== "")
      .map((key) => decodeKey(key.trim())!),
  };
}

/**
 * BALLAST_PRISMA_PATCHES alone: read where a database client is created, which scripts and
 * tests do without the app's full configuration. env() validates it with the rest.
 */
export function prismaPatchesEnabled(source: Record<string, string | undefined> = process.env): boolean {
  const result = prismaPatchesSwitch.safeParse(source.BALLAST_PRISMA_PATCHES);
  if (!result.success)
    throw new ConfigurationError(
      'Configuration error: BALLAST_PRISMA_PATCHES must be "on" or "off". See README "Configuration".',
    );
  return result.data === "on";
}

/**
 * BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS alone: read where an alert webhook is sent (the worker's
 * delivery, a test send), which tests do without the app's full configuration.
 */
export function privateWebhookHostsAllowed(source: Record<string, string | undefined> = process.env): boolean {
  const result = privateWebhookHostsSwitch.safeParse(source.BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS);
  if (!result.success)
    throw new ConfigurationError(
      'Configuration error: BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS must be "0" or "1". See README "Configuration".',
    );
  return result.data === "1";
}

let cached: Env | undefined;

/** The validated environment, parsed on first use. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

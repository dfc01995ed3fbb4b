import pino from "pino";

/**
 * Structured JSON logs. Secrets never reach a log line: known secret-bearing fields are
 * redacted wherever they appear, and callers log ids, never credentials or customer data.
 */
export const REDACTED_KEYS = [
  "accessToken",
  "access_token",
  "token",
  "refreshToken",
  "refresh_token",
  "apiSecret",
  "apiSecretKey",
  "secret",
  "password",
  "authorization",
  "Authorization",
  "x-shopify-access-token",
  "X-Shopify-Access-Token",
  "credentials",
  "privateKey",
  "private_key",
  "client_secret",
  "idToken",
  "id_token",
  "email",
  "phone",
];

const redactPaths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}) {
  return pino(
    {
      level: options.level ?? "info",
      base: { app: "ballast" },
      redact: { paths: redactPaths, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

export const logger = createLogger();
export type Logger = typeof logger;

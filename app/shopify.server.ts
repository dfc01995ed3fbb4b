import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { databaseProvider, db, prepareDatabase } from "./db.server";
import { env } from "./env.server";
import { logger } from "./logger.server";
import { clearShopifyAuthFailure } from "./shopify/offline-token.server";
import { workerFromEnv } from "./worker/from-env.server";
import type { SyncWorker } from "./worker/worker.server";

/** The one place the Shopify app is configured. Reading env() here fails fast at start-up. */
const config = env();
logger.level = config.LOG_LEVEL;

export const database = db(config.DATABASE_URL);
// Not awaited (no top-level await in the server bundle): the pragmas apply within the first queries.
void prepareDatabase(database, databaseProvider(config.DATABASE_URL)).catch((error: unknown) =>
  logger.error({ err: error instanceof Error ? error.message : String(error) }, "could not prepare the database"),
);

export const sessionStorage = new PrismaSessionStorage(database);

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: ApiVersion.October26,
  scopes: config.SCOPES.split(","),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage,
  // Shopify-managed installation + token exchange: no OAuth redirects inside the iframe.
  distribution: AppDistribution.AppStore,
  hooks: {
    // Token exchange just stored a new offline session: background Shopify calls can resume
    // (the worker would also notice the new session on its next call; this is at once).
    afterAuth: async ({ session }) => {
      if (session.isOnline) return;
      await clearShopifyAuthFailure(database, session.shop, new Date()).catch((error: unknown) =>
        logger.warn(
          { shop: session.shop, err: error instanceof Error ? error.message : String(error) },
          "could not clear the Shopify auth failure",
        ),
      );
    },
  },
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    // Offline tokens (used by background sync) expire and refresh themselves.
    expiringOfflineAccessTokens: true,
  },
});

/**
 * One machine by default: the sync worker runs inside the web process. With
 * WORKER_MODE=external it runs as `npm run worker` instead (one or several).
 */
declare global {
  var ballastWorker: SyncWorker | undefined;
}
if (config.WORKER_MODE === "inprocess" && !globalThis.ballastWorker) {
  globalThis.ballastWorker = workerFromEnv(database, config);
  globalThis.ballastWorker.start();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => void globalThis.ballastWorker?.stop());
  }
}

export default shopify;
export const apiVersion = ApiVersion.October26;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;

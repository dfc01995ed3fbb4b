/**
 * The production worker (SyncWorker) on a test database, for tests that only run its
 * ingest lane (`runOnce("ingest")`): recorded webhooks → master record. That lane never
 * calls a channel, so the channel endpoints point at a closed port.
 */
import type { TestDatabase } from "./database";
import { TEST_API_KEY, TEST_API_SECRET, TEST_ENCRYPTION_KEY } from "./shopify";
import { SyncWorker } from "../../app/worker/worker.server";

export function ingestWorker(testDatabase: TestDatabase): SyncWorker {
  const closed = "http://127.0.0.1:9";
  return new SyncWorker({
    database: testDatabase.database,
    provider: testDatabase.provider,
    connectors: {
      database: testDatabase.database,
      env: {
        SHOPIFY_ADMIN_API_BASE_URL: closed,
        SHOPIFY_API_KEY: TEST_API_KEY,
        SHOPIFY_API_SECRET: TEST_API_SECRET,
        META_GRAPH_BASE_URL: closed,
        META_GRAPH_API_VERSION: "v26.0",
        GOOGLE_MERCHANT_BASE_URL: closed,
        GOOGLE_OAUTH_TOKEN_URL: `${closed}/token`,
        encryptionKey: Buffer.from(TEST_ENCRYPTION_KEY, "base64"),
        previousEncryptionKeys: [],
      },
    },
  });
}

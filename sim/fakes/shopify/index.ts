export { startFakeShopify, FAKE_API_VERSION } from "./server";
export type {
  FakeShopify,
  FakeShopifyOptions,
  FakeShopOptions,
  FailureModes,
  SeedProductSpec,
  SeededProduct,
  RequestLogEntry,
} from "./server";
export { jsonWithBigInts, webhookHmac } from "./webhooks";
export type { WebhookTarget, WebhookDelivery } from "./webhooks";
export type { Quantities, StoredQuantityName } from "./store";
export { DEFAULT_FAKE_APP, ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_SECONDS } from "./tokens";
export type { AppCredentials, TokenAnswer, TokenBehaviour, TokenCounters } from "./tokens";

/** The fake Shopify's public shape: its options, failure switches, request log and control API (README.md). */
import type { BulkBehaviour } from "./resolvers";
import type { FakeShopState, Quantities, ShopOptions, StoredQuantityName } from "./store";
import type { AppCredentials, TokenAnswer, TokenBehaviour, TokenCounters } from "./tokens";
import type { WebhookDelivery, WebhookTarget } from "./webhooks";

export interface FailureModes {
  /** Fraction (0..1) of Admin API requests answered 5xx before doing anything. */
  serverErrorRate: number;
  /** The next N Admin API requests are answered 503 before doing anything. */
  serverErrorNext: number;
  /** The next N mutations execute (and commit) and are then answered 503: a lost answer. Queries are not counted. */
  failAfterCommitNext: number;
  /** When set, only mutations whose variables mention this text count towards failAfterCommitNext (a test's own item, not a late request of another). */
  failAfterCommitOnly: string | null;
  /** Every Admin API answer waits this long first. */
  slowMs: number;
  /** The next N requests never answer (the socket stays open until the client gives up). */
  hangNext: number;
  /** The next N requests are THROTTLED whatever the bucket holds. */
  throttleNext: number;
  /** HTTP status of THROTTLED answers: Shopify usually sends 200, sometimes 429. */
  throttleHttpStatus: 200 | 429;
}

export interface FakeShopifyOptions {
  port?: number;
  host?: string;
  /** Clock for buckets and timestamps (ms). Default Date.now. */
  now?: () => number;
  /** Seed for the pseudo-random 5xx rate so runs repeat. */
  seed?: number;
  failures?: Partial<FailureModes>;
  webhooks?: WebhookTarget;
  shops?: FakeShopOptions[];
  /** The app's client credentials the token endpoint accepts (default DEFAULT_FAKE_APP, the tests' app). */
  apps?: AppCredentials[];
}

export interface FakeShopOptions extends ShopOptions {
  /** Points restored per second: 100 (standard), 200 (Advanced), 1000 (Plus), 2000 (Enterprise). */
  restoreRate?: number;
  /** Bucket size; default 20 × restoreRate (2,000 for standard plans). */
  maximumAvailable?: number;
  /** Scopes granted to the app (the `scope` of token answers). */
  scope?: string;
}

export interface RequestLogEntry {
  shop: string | null;
  operationName: string | null;
  operation: "query" | "mutation" | "subscription" | null;
  status: number;
  throttled: boolean;
  requestedQueryCost: number | null;
  variables: Record<string, unknown>;
}

export interface SeedProductSpec {
  title: string;
  status?: "ACTIVE" | "ARCHIVED" | "DRAFT";
  variants: {
    title?: string;
    sku?: string | null;
    tracked?: boolean;
    mutable?: boolean;
    /** Explicit numeric inventory item id, e.g. "271878346596884015" (above 2^53). */
    inventoryItemId?: string;
    /** location GID → quantities. */
    stock?: Record<string, Partial<Quantities>>;
  }[];
}

export interface SeededProduct {
  productId: string;
  variants: { variantId: string; inventoryItemId: string; sku: string | null }[];
}

export interface FakeShopify {
  /** Base URL: the Admin endpoint is `${url}/admin/api/2026-10/graphql.json`; the shop is the one owning the access token. */
  readonly url: string;
  readonly adminUrl: string;
  close(): Promise<void>;

  addShop(options: FakeShopOptions): FakeShopState;
  /** Raw state of one shop, for reads and direct manipulation in tests. */
  shop(domain: string): FakeShopState;
  addLocation(domain: string, input: { name: string; isActive?: boolean }): string;
  addProduct(domain: string, spec: SeedProductSpec): SeededProduct;
  /** A collection (metafield owner; membership is not modelled); returns its GID. */
  addCollection(domain: string, input: { title: string }): string;
  /**
   * The merchant edits a metafield in Shopify admin (default namespace: the app's `$app`);
   * "" removes it, as clearing the field does. `unchecked` skips the admin's JSON check.
   */
  editMetafieldInAdmin(
    domain: string,
    ownerGid: string,
    key: string,
    value: string,
    options?: { namespace?: string; unchecked?: boolean },
  ): void;
  setQuantities(domain: string, inventoryItemId: string, locationId: string, quantities: Partial<Quantities>): void;
  quantities(domain: string, inventoryItemId: string, locationId: string): (Quantities & { on_hand: number }) | null;
  /**
   * The merchant deactivates an item's level at a location: since 2026-04 it keeps its
   * quantities, and reads leave it out unless `includeInactive: true`. `setQuantities`
   * activates it again.
   */
  deactivateLevel(domain: string, inventoryItemId: string, locationId: string): void;
  /** An order: available → committed, plus orders/create and inventory_levels/update webhooks when `webhooks` is on. */
  placeOrder(
    domain: string,
    input: { lines: { inventoryItemId: string; locationId: string; quantity: number }[]; webhooks?: boolean },
  ): Promise<{ orderId: string; deliveries: WebhookDelivery[] }>;
  /** Another writer changes a quantity just before the next inventory mutation runs (read-then-write race). */
  competeOnNextMutation(
    domain: string,
    change: { inventoryItemId: string; locationId: string; delta: number; name?: StoredQuantityName },
  ): void;
  /** A writer that puts `available` back to `available` after each Admin API write on that level (null to stop). */
  setCompetingWriter(
    domain: string,
    writer: { inventoryItemId: string; locationId: string; available: number } | null,
  ): void;
  /** Admin API inventory writes so far (orders and competitors excluded). */
  apiAdjustmentCount(domain: string): number;
  setFailureModes(modes: Partial<FailureModes>): void;
  /** Every Admin API call of the shop is answered 401, whatever the token (refreshes are still granted). */
  revokeToken(domain: string): void;
  restoreToken(domain: string): void;
  /**
   * An expiring offline token pair (60 minutes on the fake's clock, rotating refresh token),
   * as token exchange gives the app on install; `issuedAt` is the fake's time of issue.
   */
  issueOfflineToken(domain: string): TokenAnswer & { issuedAt: number };
  /** Switches for the shop's refreshes: refuse (invalid_grant), omit expires_in, 503 the next N, answer slowly. */
  setTokenBehaviour(domain: string, behaviour: Partial<TokenBehaviour>): void;
  /** Every access token issued to the shop so far expires now. */
  expireAccessTokens(domain: string): void;
  /** Refreshes granted/refused/failed at the token endpoint, and Admin API requests answered 401. */
  tokenStats(): TokenCounters & { unauthorized: number };
  /** Empties the bucket (to `points`), so the next queries are THROTTLED until it refills. */
  drainBucket(domain: string, points?: number): void;
  setRestoreRate(domain: string, restoreRate: number, maximumAvailable?: number): void;
  setBulkBehaviour(behaviour: Partial<BulkBehaviour>): void;
  expireBulkOperation(domain: string, bulkOperationId: string): void;
  /** Sends one event to the app, `duplicates` extra times (same Event-Id), after `delayMs`. */
  sendWebhook(
    domain: string,
    topic: string,
    payload: unknown,
    options?: { duplicates?: number; delayMs?: number; eventId?: string },
  ): Promise<WebhookDelivery[]>;
  /** The payload Shopify sends for inventory_levels/update: only `available`, ids as raw 64-bit numbers. */
  inventoryLevelUpdatePayload(domain: string, inventoryItemId: string, locationId: string): Record<string, unknown>;
  readonly requests: RequestLogEntry[];
  readonly webhookDeliveries: WebhookDelivery[];
}

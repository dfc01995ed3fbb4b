/** What one fake Shopify holds between requests, and the lookups every handler and control shares. */
import type { ServerResponse } from "node:http";
import type { DocumentNode, GraphQLError, GraphQLSchema } from "graphql";
import { seededRandom } from "../seeded-random";
import type { CostBucket } from "./cost";
import { parseGidOf } from "./ids";
import { adminSchema } from "./schema";
import type { BulkBehaviour } from "./resolvers";
import type { FakeShopState } from "./store";
import { DEFAULT_FAKE_APP, FakeTokenIssuer } from "./tokens";
import type { FailureModes, FakeShopifyOptions, RequestLogEntry } from "./types";
import type { WebhookDelivery } from "./webhooks";

const DEFAULT_FAILURES: FailureModes = {
  serverErrorRate: 0,
  serverErrorNext: 0,
  failAfterCommitNext: 0,
  failAfterCommitOnly: null,
  slowMs: 0,
  hangNext: 0,
  throttleNext: 0,
  throttleHttpStatus: 200,
};

const DEFAULT_SCOPES = "read_products,write_products,read_inventory,write_inventory,read_orders,read_locations";

export interface CheckedDocument {
  document: DocumentNode;
  validationErrors: readonly GraphQLError[];
}

export interface ServerState {
  readonly options: FakeShopifyOptions;
  readonly now: () => number;
  readonly schema: GraphQLSchema;
  /** Draws for the 5xx rate, seeded so runs repeat. */
  readonly random: () => number;
  readonly shops: Map<string, FakeShopState>;
  /** Scopes granted per shop when addShop named them. */
  readonly scopes: Map<string, string>;
  readonly tokens: FakeTokenIssuer;
  /** The cost bucket of each shop. */
  readonly buckets: Map<string, CostBucket>;
  /** Parsed and validated documents by text. */
  readonly checkedDocuments: Map<string, CheckedDocument>;
  failures: FailureModes;
  bulkBehaviour: BulkBehaviour;
  readonly requests: RequestLogEntry[];
  readonly webhookDeliveries: WebhookDelivery[];
  /** Requests left unanswered by hangNext, destroyed on close. */
  readonly hanging: Set<ServerResponse>;
  baseUrl: string;
}

export function createServerState(options: FakeShopifyOptions): ServerState {
  const now = options.now ?? Date.now;
  const shops = new Map<string, FakeShopState>();
  const scopes = new Map<string, string>();
  return {
    options,
    now,
    schema: adminSchema(),
    random: seededRandom(options.seed ?? 42),
    shops,
    scopes,
    tokens: new FakeTokenIssuer(
      now,
      () => options.apps ?? [DEFAULT_FAKE_APP],
      (domain) => scopes.get(domain) ?? DEFAULT_SCOPES,
      (domain) => shops.has(domain),
    ),
    buckets: new Map(),
    checkedDocuments: new Map(),
    failures: { ...DEFAULT_FAILURES, ...options.failures },
    bulkBehaviour: { readsUntilDone: 1, failWith: null, partial: false },
    requests: [],
    webhookDeliveries: [],
    hanging: new Set(),
    baseUrl: "",
  };
}

/** The shop owning an access token: an expiring one (expired or superseded ones are unknown), else a fixed one given at addShop; never a revoked shop. */
export function shopByToken(state: ServerState, token: string | undefined): FakeShopState | undefined {
  if (!token) return undefined;
  const domain = state.tokens.shopFor(token);
  if (domain !== undefined) {
    const shop = state.shops.get(domain);
    return shop && !shop.revoked ? shop : undefined;
  }
  for (const shop of state.shops.values())
    if (shop.accessToken !== null && shop.accessToken === token && !shop.revoked) return shop;
  return undefined;
}

export function getShop(state: ServerState, domain: string): FakeShopState {
  const shop = state.shops.get(domain);
  if (!shop) throw new Error(`fake Shopify: unknown shop ${domain}`);
  return shop;
}

/** A numeric id from a GID of the type or from bare digits. */
export function idOf(type: "InventoryItem" | "Location", value: string): bigint {
  const id = parseGidOf(type, value) ?? (/^\d+$/.test(value) ? BigInt(value) : null);
  if (id === null) throw new Error(`fake Shopify: not a ${type} id: ${value}`);
  return id;
}

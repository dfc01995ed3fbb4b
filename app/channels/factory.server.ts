import { createHash } from "node:crypto";
import type { ZodType, ZodTypeDef } from "zod";
import type { Database } from "~/db.server";
import type { ChannelId } from "~/domain";
import type { Env } from "~/env.server";
import { logger } from "~/logger.server";
import { createKeyring, decryptSecret } from "~/security/crypto.server";
import { AdminClient, type AdminClientOptions } from "~/shopify/admin-client.server";
import { offlineTokensFor, type OfflineTokens } from "~/shopify/offline-token.server";
import {
  credentialContext,
  googleConfigSchema,
  googleCredentialsSchema,
  metaConfigSchema,
  metaCredentialsSchema,
} from "./connection-config";
import { createGoogleConnector } from "./google/connector.server";
import { DatabaseUpdateLedger, type GoogleUpdateLedger } from "./google/update-ledger.server";
import type { ConnectorClock } from "./backoff.server";
import { createMetaConnector } from "./meta/connector.server";
import { createOnlineStoreConnector } from "./online-store/connector.server";
import type { ChannelConnector } from "./types";

/**
 * Builds the connector for one shop's channel from what is stored: the offline session
 * (Online Store), or the connection's config and sealed credentials (Meta, Google).
 * Base URLs come from the environment, so the same code reaches Shopify, Meta and
 * Google in production and the local fakes in tests and the rehearsal.
 */
export type ConnectorUnavailable = {
  /** auth_failed: Shopify refused to refresh the shop's offline token for good (Shop.shopifyAuthFailedAt). */
  reason: "not_connected" | "no_session" | "invalid_configuration" | "auth_failed";
  detail: string;
};

export interface ConnectorDependencies {
  database: Database;
  env: Pick<
    Env,
    | "SHOPIFY_ADMIN_API_BASE_URL"
    | "SHOPIFY_API_KEY"
    | "SHOPIFY_API_SECRET"
    | "META_GRAPH_BASE_URL"
    | "META_GRAPH_API_VERSION"
    | "GOOGLE_MERCHANT_BASE_URL"
    | "GOOGLE_OAUTH_TOKEN_URL"
    | "encryptionKey"
    | "previousEncryptionKeys"
  >;
  /** Default: the shop's rows in the database, so spent Google updates survive a restart. */
  googleUpdateLedger?: (shop: string) => GoogleUpdateLedger;
  /** Time for the connectors' waits (batch polling, backoff): a virtual clock in the rehearsal. */
  clock?: ConnectorClock;
  /** Shopify Admin API retry policy, when not the client's default (tests of an outage: no minute-long backoffs). */
  adminRetries?: Pick<AdminClientOptions, "retries" | "backoffBaseMs" | "backoffCapMs">;
  /** The time offline-token expiry is judged by: Shopify's clock (the fake's in tests). Default: `clock`, else the system clock. */
  now?: () => number;
}

/** The keeper of the shops' offline tokens for these dependencies (refresh, single flight, failures). */
export function offlineTokens(deps: ConnectorDependencies): OfflineTokens {
  return offlineTokensFor(deps, () => ({
    database: deps.database,
    env: deps.env,
    now: deps.now ?? (deps.clock ? () => deps.clock!.now() : Date.now),
    // Waiting for another process's refresh: real time, since that process runs on it too
    // (a virtual clock would jump past the wait without giving it any time).
  }));
}

/**
 * The Admin API client of every background call (worker, connectors, reconciliation,
 * metafields, operations): its token comes from the offline-token keeper, refreshed before
 * it expires and after a 401. Unavailable (with the reason) when the shop has no session or
 * its refresh was refused for good: the caller skips the shop at once.
 */
export async function adminClientOrReason(
  deps: ConnectorDependencies,
  shop: string,
): Promise<AdminClient | ConnectorUnavailable> {
  const tokens = offlineTokens(deps);
  const token = await tokens.tokenFor(shop);
  if (!token.ok) {
    if (token.reason === "no_session") return { reason: "no_session", detail: token.detail };
    if (token.reason === "auth_failed") return { reason: "auth_failed", detail: token.detail };
    // Refresh failed for now (5xx, network): the client is built all the same, and its calls
    // fail retryably (Shopify unreachable) until a refresh goes through.
  }
  return new AdminClient({
    shop,
    tokens: tokens.sourceFor(shop),
    baseUrl: deps.env.SHOPIFY_ADMIN_API_BASE_URL,
    logger,
    ...deps.adminRetries,
  });
}

export async function adminClientFor(deps: ConnectorDependencies, shop: string): Promise<AdminClient | null> {
  const client = await adminClientOrReason(deps, shop);
  return client instanceof AdminClient ? client : null;
}

async function buildConnector(
  deps: ConnectorDependencies,
  shop: string,
  channel: ChannelId,
): Promise<ChannelConnector | ConnectorUnavailable> {
  if (channel === "online_store") {
    const client = await adminClientOrReason(deps, shop);
    if (!(client instanceof AdminClient)) return client;
    return createOnlineStoreConnector({ client });
  }

  const connection = await deps.database.channelConnection.findUnique({ where: { shop_channel: { shop, channel } } });
  if (!connection?.encryptedCredentials || connection.state === "disconnected") {
    return { reason: "not_connected", detail: `${channel} is not connected` };
  }
  const keyring = createKeyring(deps.env.encryptionKey, deps.env.previousEncryptionKeys);
  let secret: unknown;
  try {
    secret = decryptSecret(connection.encryptedCredentials, keyring, { context: credentialContext(shop, channel) });
  } catch {
    return {
      reason: "invalid_configuration",
      detail: "stored credentials cannot be decrypted with the configured keys",
    };
  }

  const shared = { logger, ...(deps.clock ? { clock: deps.clock } : {}) };
  if (channel === "meta") {
    const stored = readConnection(metaConfigSchema, metaCredentialsSchema, connection.config, secret, "Meta");
    if (!stored.ok) return stored.unavailable;
    const { META_GRAPH_BASE_URL: graphBaseUrl, META_GRAPH_API_VERSION: apiVersion } = deps.env;
    return createMetaConnector({
      graphBaseUrl,
      apiVersion,
      catalogId: stored.config.catalogId,
      accessToken: stored.credentials.accessToken,
      ...shared,
    });
  }

  const stored = readConnection(googleConfigSchema, googleCredentialsSchema, connection.config, secret, "Google");
  if (!stored.ok) return stored.unavailable;
  return createGoogleConnector({
    merchantBaseUrl: deps.env.GOOGLE_MERCHANT_BASE_URL,
    tokenUrl: deps.env.GOOGLE_OAUTH_TOKEN_URL,
    accountId: stored.config.accountId,
    dataSourceId: stored.config.dataSourceId,
    contentLanguage: stored.config.contentLanguage,
    feedLabel: stored.config.feedLabel,
    credentials: stored.credentials,
    ...shared,
    updateLedger: deps.googleUpdateLedger
      ? deps.googleUpdateLedger(shop)
      : new DatabaseUpdateLedger(deps.database, shop),
  });
}

/** A connection's stored config and decrypted credentials, read with the channel's schemas. */
function readConnection<Config, Credentials>(
  configSchema: ZodType<Config, ZodTypeDef, unknown>,
  credentialsSchema: ZodType<Credentials, ZodTypeDef, unknown>,
  config: unknown,
  secret: unknown,
  label: string,
): { ok: true; config: Config; credentials: Credentials } | { ok: false; unavailable: ConnectorUnavailable } {
  const parsedConfig = configSchema.safeParse(config);
  const parsedCredentials = credentialsSchema.safeParse(secret);
  if (!parsedConfig.success || !parsedCredentials.success) {
    return { ok: false, unavailable: { reason: "invalid_configuration", detail: `${label} connection is incomplete` } };
  }
  return { ok: true, config: parsedConfig.data, credentials: parsedCredentials.data };
}

export function isConnector(value: ChannelConnector | ConnectorUnavailable): value is ChannelConnector {
  return "push" in value;
}

/**
 * Connectors are kept between calls (per set of dependencies): rebuilding one per pass
 * would redo OAuth token grants (Google) and lose the connector's own budget state. A
 * kept connector is replaced as soon as its source changes: the connection row (config,
 * credentials, state) or, for the Online Store, the offline session or the shop's Shopify
 * auth state (the client asks the token keeper for the current token on every call, so a
 * refreshed token does not replace the connector).
 */
const kept = new WeakMap<ConnectorDependencies, Map<string, { version: string; connector: ChannelConnector }>>();

export async function connectorFor(
  deps: ConnectorDependencies,
  shop: string,
  channel: ChannelId,
  /** The connection row when the caller just read it (spares a query per push pass). */
  known?: ConnectionSource | null,
): Promise<ChannelConnector | ConnectorUnavailable> {
  const entries = kept.get(deps) ?? new Map<string, { version: string; connector: ChannelConnector }>();
  kept.set(deps, entries);
  const version =
    channel !== "online_store" && known !== undefined
      ? versionOf(known)
      : await sourceVersion(deps.database, shop, channel);
  const key = `${shop}|${channel}`;
  const cached = entries.get(key);
  if (cached && cached.version === version) return cached.connector;
  const connector = await buildConnector(deps, shop, channel);
  if (isConnector(connector)) entries.set(key, { version, connector });
  else entries.delete(key);
  return connector;
}

async function sourceVersion(database: Database, shop: string, channel: ChannelId): Promise<string> {
  if (channel === "online_store") {
    const [session, shopRow] = await Promise.all([
      database.session.findUnique({ where: { id: `offline_${shop}` }, select: { id: true } }),
      database.shop.findUnique({ where: { shop }, select: { shopifyAuthFailedAt: true } }),
    ]);
    return `${session ? "session" : "none"}|${shopRow?.shopifyAuthFailedAt?.getTime() ?? ""}`;
  }
  // Not updatedAt: every push stamps the row (lastPushAt), which must not evict the connector.
  const connection = await database.channelConnection.findUnique({
    where: { shop_channel: { shop, channel } },
    select: { state: true, config: true, encryptedCredentials: true },
  });
  return versionOf(connection);
}

type ConnectionSource = { state: string; config: unknown; encryptedCredentials: string | null };

function versionOf(connection: ConnectionSource | null): string {
  const source = connection
    ? { state: connection.state, config: connection.config, encryptedCredentials: connection.encryptedCredentials }
    : null;
  return createHash("sha256").update(JSON.stringify(source)).digest("hex");
}

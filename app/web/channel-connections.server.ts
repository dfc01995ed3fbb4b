import type { Database } from "~/db.server";
import { env } from "~/env.server";
import type { ChannelId } from "~/domain";
import {
  credentialContext,
  googleConfigSchema,
  googleCredentialsSchema,
  metaConfigSchema,
  metaCredentialsSchema,
  type GoogleConfig,
  type MetaConfig,
} from "~/channels/connection-config";
import { connectorFor as storedConnectorFor, isConnector } from "~/channels/factory.server";
import { createMetaConnector } from "~/channels/meta/connector.server";
import { createGoogleConnector } from "~/channels/google/connector.server";
import type { ChannelConnector, HealthResult } from "~/channels/types";
import { createKeyring, encryptSecret, type JsonValue } from "~/security/crypto.server";
import { recordActivity } from "~/records/activity.server";
import { requestRecompute } from "~/records/requests.server";

/**
 * Connecting Meta and Google: credentials are checked with the connector's checkHealth
 * before they are stored, sealed with AES-256-GCM bound to `shop|channel`, and never leave
 * the server. Also "Test connection" and disconnecting.
 */
export type ConnectableChannel = Exclude<ChannelId, "online_store">;
export const CONNECTABLE: readonly ConnectableChannel[] = ["meta", "google"];

const keyring = () => createKeyring(env().encryptionKey, env().previousEncryptionKeys);

/** The Online Store always is; Meta and Google while their sealed credentials are stored. */
export function isConnected(
  channel: ChannelId,
  row: { encryptedCredentials: string | null; state: string } | null | undefined,
): boolean {
  return channel === "online_store" || (row?.encryptedCredentials != null && row.state !== "disconnected");
}

export type ConnectInput =
  | { channel: "meta"; config: unknown; credentials: unknown }
  | { channel: "google"; config: unknown; credentials: unknown };

export type ConnectResult =
  | { ok: true; detail: string }
  | { ok: false; code: "invalid"; fields: Record<string, string> }
  | { ok: false; code: "health_failed"; reason: string; detail: string };

function fieldsOf(
  issues: readonly { path: (string | number)[]; message: string }[],
  prefix: string,
): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) fields[`${prefix}.${issue.path.join(".")}`] ??= issue.message;
  return fields;
}

/** A connector for credentials not stored yet: they are checked before anything is saved. */
function unsavedConnector(
  channel: ConnectableChannel,
  config: MetaConfig | GoogleConfig,
  credentials: unknown,
): ChannelConnector {
  const settings = env();
  if (channel === "meta") {
    const meta = config as MetaConfig;
    return createMetaConnector({
      graphBaseUrl: settings.META_GRAPH_BASE_URL,
      apiVersion: settings.META_GRAPH_API_VERSION,
      catalogId: meta.catalogId,
      accessToken: metaCredentialsSchema.parse(credentials).accessToken,
      requestTimeoutMs: 10_000,
    });
  }
  const google = config as GoogleConfig;
  return createGoogleConnector({
    merchantBaseUrl: settings.GOOGLE_MERCHANT_BASE_URL,
    tokenUrl: settings.GOOGLE_OAUTH_TOKEN_URL,
    accountId: google.accountId,
    dataSourceId: google.dataSourceId,
    contentLanguage: google.contentLanguage,
    feedLabel: google.feedLabel,
    credentials: googleCredentialsSchema.parse(credentials),
    requestTimeoutMs: 10_000,
  });
}

async function health(connector: ChannelConnector): Promise<HealthResult> {
  try {
    return await connector.checkHealth({ signal: AbortSignal.timeout(20_000) });
  } catch (error) {
    return { ok: false, code: "unreachable", detail: error instanceof Error ? error.message : String(error) };
  }
}

/** Validates, checks health with the channel, and only then stores (credentials sealed). */
export async function connectChannel(
  database: Database,
  shop: string,
  input: ConnectInput,
  nowMs: number,
): Promise<ConnectResult> {
  const configSchema = input.channel === "meta" ? metaConfigSchema : googleConfigSchema;
  const credentialsSchema = input.channel === "meta" ? metaCredentialsSchema : googleCredentialsSchema;
  const config = configSchema.safeParse(input.config);
  const credentials = credentialsSchema.safeParse(input.credentials);
  if (!config.success || !credentials.success) {
    return {
      ok: false,
      code: "invalid",
      fields: {
        ...(config.success ? {} : fieldsOf(config.error.issues, "config")),
        ...(credentials.success ? {} : fieldsOf(credentials.error.issues, "credentials")),
      },
    };
  }
  const result = await health(unsavedConnector(input.channel, config.data, credentials.data));
  if (!result.ok) return { ok: false, code: "health_failed", reason: result.code, detail: result.detail };
  const sealed = encryptSecret(credentials.data as unknown as JsonValue, keyring(), {
    context: credentialContext(shop, input.channel),
  });
  const now = new Date(nowMs);
  await database.channelConnection.upsert({
    where: { shop_channel: { shop, channel: input.channel } },
    create: {
      shop,
      channel: input.channel,
      state: "active",
      config: config.data,
      encryptedCredentials: sealed,
      lastHealthAt: now,
      lastHealthError: null,
    },
    update: {
      state: "active",
      pausedBy: null,
      config: config.data,
      encryptedCredentials: sealed,
      lastHealthAt: now,
      lastHealthError: null,
    },
  });
  await requestRecompute(database, shop, now);
  await recordActivity(database, {
    shop,
    kind: "channel_connected",
    channel: input.channel,
    at: now,
    details: { config: config.data, detail: result.detail },
  });
  return { ok: true, detail: result.detail };
}

/** The connector built from what is stored (the sync worker's factory); null when not connected. */
export async function storedConnector(
  database: Database,
  shop: string,
  channel: ConnectableChannel,
): Promise<ChannelConnector | null> {
  const connector = await storedConnectorFor({ database, env: env() }, shop, channel);
  return isConnector(connector) ? connector : null;
}

/** "Test connection": checks health with the stored credentials and records the answer. */
export async function testChannel(
  database: Database,
  shop: string,
  channel: ConnectableChannel,
  nowMs: number,
): Promise<HealthResult | null> {
  const stored = await storedConnector(database, shop, channel);
  if (!stored) return null;
  const result = await health(stored);
  await database.channelConnection.update({
    where: { shop_channel: { shop, channel } },
    data: { lastHealthAt: new Date(nowMs), lastHealthError: result.ok ? null : `${result.code}: ${result.detail}` },
  });
  return result;
}

/** Forgets the credentials; the channel then sells nothing new through Ballast. */
export async function disconnectChannel(
  database: Database,
  shop: string,
  channel: ConnectableChannel,
  nowMs: number,
): Promise<boolean> {
  const row = await database.channelConnection.findUnique({ where: { shop_channel: { shop, channel } } });
  if (!row || row.state === "disconnected") return false;
  await database.channelConnection.update({
    where: { shop_channel: { shop, channel } },
    data: { state: "disconnected", encryptedCredentials: null, pausedBy: null },
  });
  await requestRecompute(database, shop, new Date(nowMs));
  await recordActivity(database, {
    shop,
    kind: "channel_disconnected",
    channel,
    at: new Date(nowMs),
    details: { from: row.state },
  });
  return true;
}

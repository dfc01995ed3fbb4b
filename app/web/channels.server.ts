import { decodeMasterRecord } from "~/records/master-records.server";
import type { Database } from "~/db.server";
import { env } from "~/env.server";
import { CHANNELS, channelModeOf, sellableUnits, type ChannelId, type ChannelMode, type ChannelState } from "~/domain";
import { GOOGLE_DEFAULT_TEMPLATES, META_DEFAULT_TEMPLATES, matchCatalogItems, renderItemId, ItemIdTemplateError } from "~/channels/item-ids";
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
import { loadChannelSettings, setChannelState } from "~/channels/connection-store.server";
import { createMetaConnector, MetaCatalogConnector } from "~/channels/meta/connector.server";
import { createGoogleConnector } from "~/channels/google/connector.server";
import type { ChannelConnector, HealthResult } from "~/channels/types";
import { createKeyring, encryptSecret, type JsonValue } from "~/security/crypto.server";
import { recordActivity } from "~/records/activity.server";
import { requestOperation, requestRecompute, type OperationKind } from "~/records/requests.server";
import { logger } from "~/logger.server";
import { holdsReleasedIn, readShopSettings, setHoldsReleased } from "~/records/shop-settings.server";

/**
 * The Channels page and the channel endpoints of /api/v1: state changes, connections and
 * long operations. Credentials are checked with the connector's checkHealth before they
 * are stored, sealed with AES-256-GCM bound to `shop|channel`, and never leave the server.
 */
export type ConnectableChannel = Exclude<ChannelId, "online_store">;
export const CONNECTABLE: readonly ConnectableChannel[] = ["meta", "google"];

const logActivity = recordActivity;

const keyring = () => createKeyring(env().encryptionKey, env().previousEncryptionKeys);

export interface ChannelView {
  channel: ChannelId;
  /** active | paused_stop_selling | paused_freeze | error | disconnected | not_connected */
  state: string;
  pausedBy: string | null;
  connected: boolean;
  /** Non-secret configuration only. */
  config: Record<string, unknown> | null;
  lastHealthAt: string | null;
  lastHealthError: string | null;
  lastPushAt: string | null;
  checkoutOn: "channel" | "store";
  /** observing (not activated: Ballast computes and pushes nothing) or active (since `activatedAt`, ISO); orthogonal to `state`. */
  mode: ChannelMode;
  activatedAt: string | null;
}

export async function loadChannelViews(database: Database, shop: string): Promise<ChannelView[]> {
  const [rows, settings, lastPushes] = await Promise.all([
    database.channelConnection.findMany({ where: { shop } }),
    loadChannelSettings(database, shop),
    database.channelItemState.groupBy({ by: ["channel"], where: { shop }, _max: { pushedAt: true } }),
  ]);
  return CHANNELS.map((channel) => {
    const row = rows.find((candidate) => candidate.channel === channel);
    const connected = channel === "online_store" || (row?.encryptedCredentials != null && row.state !== "disconnected");
    const lastItemPush = lastPushes.find((entry) => entry.channel === channel)?._max.pushedAt ?? null;
    const lastPush = [row?.lastPushAt ?? null, lastItemPush].filter((date): date is Date => date !== null).sort((a, b) => b.getTime() - a.getTime())[0];
    return {
      channel,
      state: connected ? (row?.state ?? "active") : row?.state === "disconnected" ? "disconnected" : "not_connected",
      pausedBy: row?.pausedBy ?? null,
      connected,
      config: (row?.config as Record<string, unknown> | null) ?? null,
      lastHealthAt: row?.lastHealthAt?.toISOString() ?? null,
      lastHealthError: row?.lastHealthError ?? null,
      lastPushAt: lastPush?.toISOString() ?? null,
      checkoutOn: settings[channel].checkoutOn,
      mode: channelModeOf(row),
      activatedAt: row?.activatedAt?.toISOString() ?? null,
    };
  });
}

export type ChannelActionError = { code: "channel_not_connected"; message: string };

/** Pause (stop selling or freeze) or resume; refused for a channel that is not connected. */
export async function changeChannelState(
  database: Database,
  input: { shop: string; channel: ChannelId; state: ChannelState; nowMs: number; source: "admin" | "api"; reason?: string | null },
): Promise<{ ok: true; previous: string } | { ok: false; error: ChannelActionError }> {
  const row = await database.channelConnection.findUnique({ where: { shop_channel: { shop: input.shop, channel: input.channel } } });
  const connected = input.channel === "online_store" || (row?.encryptedCredentials != null && row.state !== "disconnected");
  if (!connected) return { ok: false, error: { code: "channel_not_connected", message: `${input.channel} is not connected; connect it first` } };
  const previous = row?.state ?? "active";
  await setChannelState(database, { shop: input.shop, channel: input.channel, state: input.state, by: "merchant" });
  await requestRecompute(database, input.shop, new Date(input.nowMs));
  await recordActivity(database, {
    shop: input.shop,
    kind: input.state === "active" ? "channel_resumed" : "channel_paused",
    channel: input.channel,
    at: new Date(input.nowMs),
    details: { from: previous, to: input.state, source: input.source, reason: input.reason ?? null },
  });
  return { ok: true, previous };
}

export async function startOperation(
  database: Database,
  input: { shop: string; kind: Exclude<OperationKind, "full_read">; nowMs: number; source: "admin" | "api" },
): Promise<string> {
  const id = await requestOperation(database, input.shop, input.kind);
  await recordActivity(database, {
    shop: input.shop,
    kind: input.kind === "resync" ? "resync_requested" : "holds_released",
    channel: input.kind === "release_holds" ? "online_store" : null,
    at: new Date(input.nowMs),
    details: { operationId: id, source: input.source, requested: true },
  });
  return id;
}

/**
 * The first full catalogue read as a tracked operation, so the pages show its progress:
 * requested when a page opens before the shop has ever been read in full. The worker runs
 * queued operations before its own scheduled reads, so the catalogue is read once. A failed
 * first read is left for the merchant to see (and retry with "Resync now"), not repeated.
 */
export async function trackFirstFullRead(database: Database, shop: string): Promise<void> {
  const row = await database.shop.findUnique({ where: { shop }, select: { lastFullReadAt: true } });
  if (row?.lastFullReadAt) return;
  if (await database.operation.findFirst({ where: { shop, kind: "full_read" }, select: { id: true } })) return;
  await requestOperation(database, shop, "full_read");
}

/** Whether "release all holds" is in force (the Online Store shows every unit). */
export async function holdsAreReleased(database: Database, shop: string): Promise<boolean> {
  return holdsReleasedIn(await readShopSettings(database, shop));
}

/** Ends "release all holds": the Online Store buffer applies again. */
export async function resumeHolds(database: Database, shop: string, nowMs: number): Promise<void> {
  await setHoldsReleased(database, shop, false);
  await requestRecompute(database, shop, new Date(nowMs));
  await recordActivity(database, { shop, kind: "channel_resumed", channel: "online_store", at: new Date(nowMs), details: { holds: "resumed", source: "admin" } });
}

export interface OperationView {
  id: string;
  kind: string;
  state: string;
  done: number;
  total: number | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export async function recentOperations(database: Database, shop: string, take = 5): Promise<OperationView[]> {
  const rows = await database.operation.findMany({ where: { shop }, orderBy: { createdAt: "desc" }, take });
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    state: row.state,
    done: row.done,
    total: row.total,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  }));
}

export interface FreezeRisk {
  /** Items whose last pushed quantity is above what the rules give now. */
  aboveTarget: number;
  /** Items whose last pushed quantity is above what can be sold: a freeze would let them oversell. */
  aboveSellable: number;
}

/** What freezing `channel` now would risk: the channel keeps its last pushed values. */
export async function freezeRisk(database: Database, shop: string, channel: ChannelId): Promise<FreezeRisk> {
  const rows = await database.channelItemState.findMany({
    where: { shop, channel, pushed: { not: null } },
    select: { variantGid: true, desired: true, pushed: true },
  });
  const byVariant = new Map<string, { desired: number; pushed: number }>();
  for (const row of rows) {
    const entry = byVariant.get(row.variantGid) ?? { desired: 0, pushed: 0 };
    entry.desired += row.desired;
    entry.pushed += row.pushed ?? 0;
    byVariant.set(row.variantGid, entry);
  }
  const above = [...byVariant.entries()].filter(([, entry]) => entry.pushed > entry.desired);
  if (above.length === 0) return { aboveTarget: 0, aboveSellable: 0 };
  const [storedRecords, settings] = await Promise.all([
    database.masterRecord.findMany({ where: { shop, variantGid: { in: above.map(([variantGid]) => variantGid) } } }),
    loadChannelSettings(database, shop),
  ]);
  let aboveSellable = 0;
  for (const [variantGid, entry] of above) {
    const stored = storedRecords.find((candidate) => candidate.variantGid === variantGid);
    const sellable = stored ? sellableUnits(decodeMasterRecord(stored), settings[channel].locations) : 0;
    if (entry.pushed > sellable) aboveSellable += 1;
  }
  return { aboveTarget: above.length, aboveSellable };
}

// ---- Connections

export type ConnectInput =
  | { channel: "meta"; config: unknown; credentials: unknown }
  | { channel: "google"; config: unknown; credentials: unknown };

export type ConnectResult =
  | { ok: true; detail: string }
  | { ok: false; code: "invalid"; fields: Record<string, string> }
  | { ok: false; code: "health_failed"; reason: string; detail: string };

function fieldsOf(issues: readonly { path: (string | number)[]; message: string }[], prefix: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) fields[`${prefix}.${issue.path.join(".")}`] ??= issue.message;
  return fields;
}

/** A connector for credentials not stored yet: they are checked before anything is saved. */
function unsavedConnector(channel: ConnectableChannel, config: MetaConfig | GoogleConfig, credentials: unknown): ChannelConnector {
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
export async function connectChannel(database: Database, shop: string, input: ConnectInput, nowMs: number): Promise<ConnectResult> {
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
  const sealed = encryptSecret(credentials.data as unknown as JsonValue, keyring(), { context: credentialContext(shop, input.channel) });
  const now = new Date(nowMs);
  await database.channelConnection.upsert({
    where: { shop_channel: { shop, channel: input.channel } },
    create: { shop, channel: input.channel, state: "active", config: config.data, encryptedCredentials: sealed, lastHealthAt: now, lastHealthError: null },
    update: { state: "active", pausedBy: null, config: config.data, encryptedCredentials: sealed, lastHealthAt: now, lastHealthError: null },
  });
  await requestRecompute(database, shop, now);
  await logActivity(database, { shop, kind: "channel_connected", channel: input.channel, at: now, details: { config: config.data, detail: result.detail } });
  return { ok: true, detail: result.detail };
}

/** The connector built from what is stored (the sync worker's factory); null when not connected. */
async function storedConnector(database: Database, shop: string, channel: ConnectableChannel): Promise<ChannelConnector | null> {
  const connector = await storedConnectorFor({ database, env: env() }, shop, channel);
  return isConnector(connector) ? connector : null;
}

/** "Test connection": checks health with the stored credentials and records the answer. */
export async function testChannel(database: Database, shop: string, channel: ConnectableChannel, nowMs: number): Promise<HealthResult | null> {
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
export async function disconnectChannel(database: Database, shop: string, channel: ConnectableChannel, nowMs: number): Promise<boolean> {
  const row = await database.channelConnection.findUnique({ where: { shop_channel: { shop, channel } } });
  if (!row || row.state === "disconnected") return false;
  await database.channelConnection.update({
    where: { shop_channel: { shop, channel } },
    data: { state: "disconnected", encryptedCredentials: null, pausedBy: null },
  });
  await requestRecompute(database, shop, new Date(nowMs));
  await logActivity(database, { shop, kind: "channel_disconnected", channel, at: new Date(nowMs), details: { from: row.state } });
  return true;
}

// ---- Item-id template preview

export interface TemplatePreview {
  templates: string[];
  /** How the ids were checked: against the whole Meta catalogue, or by reading a sample of Google offers. */
  method: "catalogue" | "read_back" | "rendered_only";
  sampled: number;
  matched: { variantId: string; title: string; itemId: string }[];
  unmatched: { variantId: string; title: string; itemId: string | null; reason: string | null }[];
  /** Meta only: catalogue items no variant claimed. */
  unclaimed: number;
  error: string | null;
}

/** Renders the templates for a sample of variants and checks which items the channel has. */
export async function previewTemplates(
  database: Database,
  shop: string,
  channel: ConnectableChannel,
  input: { template: string; countryCode: string },
  sampleSize = 20,
): Promise<TemplatePreview> {
  // The template typed, else every convention Shopify's own channels have used.
  const templates = input.template.trim() ? [input.template.trim()] : [...(channel === "meta" ? META_DEFAULT_TEMPLATES : GOOGLE_DEFAULT_TEMPLATES)];
  const variants = await database.variant.findMany({
    where: { shop, deletedAt: null, tracked: true },
    orderBy: { updatedAt: "desc" },
    take: sampleSize,
    select: { gid: true, productGid: true, title: true, sku: true },
  });
  const parts = variants.map((variant) => ({
    key: variant.gid,
    parts: { variantId: variant.gid, productId: variant.productGid, countryCode: input.countryCode, sku: variant.sku },
  }));
  const title = (gid: string) => variants.find((variant) => variant.gid === gid)?.title ?? "";
  const rendered = (gid: string): { itemId: string | null; reason: string | null } => {
    const entry = parts.find((part) => part.key === gid);
    for (const template of templates) {
      try {
        return { itemId: renderItemId(template, entry!.parts), reason: null };
      } catch (error) {
        if (!(error instanceof ItemIdTemplateError)) throw error;
        if (template === templates[templates.length - 1]) return { itemId: null, reason: error.message };
      }
    }
    return { itemId: null, reason: null };
  };
  const base = { templates, sampled: variants.length, unclaimed: 0 };
  let stored: Awaited<ReturnType<typeof storedConnector>> = null;
  try {
    stored = await storedConnector(database, shop, channel);
  } catch (error) {
    logger.warn({ shop, channel, err: error }, "stored channel credentials could not be opened");
  }
  try {
    if (stored instanceof MetaCatalogConnector) {
      const retailerIds = await stored.listRetailerIds();
      const report = matchCatalogItems(parts, retailerIds, templates);
      return {
        ...base,
        method: "catalogue",
        unclaimed: report.unclaimedItemIds.length,
        matched: report.matched.map((match) => ({ variantId: match.variantKey, title: title(match.variantKey), itemId: match.itemIds[0] ?? "" })),
        unmatched: report.unmatched.map((gid) => ({ variantId: gid, title: title(gid), ...rendered(gid) })),
        error: null,
      };
    }
    if (stored && channel === "google") {
      const ids = variants.map((variant) => ({ gid: variant.gid, ...rendered(variant.gid) }));
      const keys = ids.flatMap((entry) => (entry.itemId ? [entry.itemId] : []));
      const found = await stored.readBack(keys);
      const seen = new Set(found.filter((result) => result.found).map((result) => result.itemKey));
      return {
        ...base,
        method: "read_back",
        matched: ids.filter((entry) => entry.itemId && seen.has(entry.itemId)).map((entry) => ({ variantId: entry.gid, title: title(entry.gid), itemId: entry.itemId! })),
        unmatched: ids.filter((entry) => !entry.itemId || !seen.has(entry.itemId)).map((entry) => ({ variantId: entry.gid, title: title(entry.gid), itemId: entry.itemId, reason: entry.reason })),
        error: null,
      };
    }
  } catch (error) {
    return { ...base, method: "rendered_only", matched: [], unmatched: variants.map((variant) => ({ variantId: variant.gid, title: variant.title, ...rendered(variant.gid) })), error: error instanceof Error ? error.message : String(error) };
  }
  return { ...base, method: "rendered_only", matched: [], unmatched: variants.map((variant) => ({ variantId: variant.gid, title: variant.title, ...rendered(variant.gid) })), error: null };
}

import type { Database } from "~/db.server";
import { CHANNELS, channelIdSchema, type ChannelId } from "~/domain";
import type { MessageKey } from "~/i18n";
import { actingAs } from "~/records/activity.server";
import { activateChannel, channelModes, observeChannel, onlineStoreThinStockUnits } from "./activation.server";
import {
  connectChannel,
  disconnectChannel,
  testChannel,
  type ConnectableChannel,
  type ConnectInput,
} from "./channel-connections.server";
import { startOperation } from "./channel-operations.server";
import { recentOperations } from "./channel-operations.server";
import {
  changeChannelState,
  channelImpacts,
  freezeRisk,
  heldByBallast,
  holdsAreReleased,
  loadChannelViews,
  resumeHolds,
} from "./channels.server";
import { previewTemplates } from "./template-preview.server";

/**
 * The Channels page (/app/channels): what it shows, and its form posts, each intent parsed
 * and handed to its service: long operations, channel state (mode, pause, resume) and
 * connections (connect, test, disconnect, the item-id preview). The figures each
 * confirmation states (items and units affected, units held) come with the page.
 */

export async function loadChannelsPage(database: Database, shop: string) {
  const [channels, operations, modes, thinStockUnits, impacts, held, ...risks] = await Promise.all([
    loadChannelViews(database, shop),
    recentOperations(database, shop),
    channelModes(database, shop),
    onlineStoreThinStockUnits(database, shop),
    channelImpacts(database, shop),
    heldByBallast(database, shop),
    ...CHANNELS.map((channel) => freezeRisk(database, shop, channel)),
  ]);
  return {
    channels,
    operations,
    modes,
    thinStockUnits,
    impacts,
    held,
    holdsReleased: await holdsAreReleased(database, shop),
    risks: Object.fromEntries(CHANNELS.map((channel, index) => [channel, risks[index]!])) as Record<
      ChannelId,
      (typeof risks)[number]
    >,
  };
}

/** A posted form field as text ("" when absent). */
type Field = (name: string) => string;

/** Why a post did nothing, as a code the page words in the merchant's language. */
export type ChannelsPageFailure =
  "unknown_intent" | "unknown_channel" | "no_connection_needed" | "channel_not_connected";

/** The connect form's refused fields, each with what the merchant should enter (the schemas' own words are English). */
const FIELD_ERRORS: Record<string, MessageKey> = {
  "config.catalogId": "channels.error.catalogId",
  "config.accountId": "channels.error.accountId",
  "config.dataSourceId": "channels.error.dataSourceId",
  "config.contentLanguage": "channels.error.contentLanguage",
  "config.feedLabel": "channels.error.feedLabel",
  "config.countryCode": "channels.error.countryCode",
  "config.itemIdTemplate": "channels.error.template",
  "credentials.accessToken": "channels.error.accessToken",
  "credentials.clientEmail": "channels.error.clientEmail",
};

function fieldErrorKeys(fields: Record<string, string>): Record<string, MessageKey> {
  return Object.fromEntries(Object.keys(fields).map((path) => [path, FIELD_ERRORS[path] ?? "channels.error.required"]));
}

/** The connect form's fields as the connection schemas take them. */
function connectInput(channel: ConnectableChannel, field: Field): ConnectInput {
  // Empty optional fields are left out so the schema's defaults (Shopify's conventions) apply.
  const optional = (name: string, key = name) => (field(name).trim() ? { [key]: field(name).trim() } : {});
  if (channel === "meta") {
    return {
      channel,
      config: {
        catalogId: field("catalogId").trim(),
        ...optional("countryCode"),
        ...optional("template", "itemIdTemplate"),
      },
      credentials: { accessToken: field("accessToken") },
    };
  }
  return {
    channel,
    config: {
      accountId: field("accountId").trim(),
      dataSourceId: field("dataSourceId").trim(),
      ...optional("contentLanguage"),
      ...optional("feedLabel"),
      ...optional("countryCode"),
      ...optional("template", "itemIdTemplate"),
    },
    credentials:
      field("credentialKind") === "service_account"
        ? { kind: "service_account", clientEmail: field("clientEmail"), privateKey: field("privateKey") }
        : {
            kind: "refresh_token",
            clientId: field("clientId"),
            clientSecret: field("clientSecret"),
            refreshToken: field("refreshToken"),
          },
  };
}

/** Activate or observe, pause or resume one channel. */
async function channelStateIntent(
  database: Database,
  shop: string,
  intent: "activate" | "observe" | "pause" | "resume",
  channel: ChannelId,
  field: Field,
  nowMs: number,
) {
  if (intent === "activate" || intent === "observe") {
    const change = { shop, channel, source: "admin" as const, nowMs };
    const result =
      intent === "activate" ? await activateChannel(database, change) : await observeChannel(database, change);
    return result.ok ? { intent, ok: true as const } : { intent, ok: false as const, code: result.error.code };
  }
  const state = intent === "resume" ? "active" : field("mode") === "freeze" ? "paused_freeze" : "paused_stop_selling";
  const result = await changeChannelState(database, { shop, channel, state, nowMs, source: "admin" });
  return result.ok ? { intent, ok: true as const } : { intent, ok: false as const, code: result.error.code };
}

/** Connect, test, disconnect Meta or Google, or preview its item ids. */
async function connectionIntent(
  database: Database,
  shop: string,
  intent: string,
  channel: ConnectableChannel,
  field: Field,
  nowMs: number,
) {
  if (intent === "connect") {
    const result = await connectChannel(database, shop, connectInput(channel, field), nowMs);
    // Never echo credentials back: only field names and the channel's own diagnosis.
    if (result.ok) return { intent, channel, ok: true as const, detail: result.detail };
    if (result.code === "invalid")
      return { intent, channel, ok: false as const, fields: fieldErrorKeys(result.fields) };
    return { intent, channel, ok: false as const, reason: result.reason, detail: result.detail };
  }
  if (intent === "test") {
    const result = await testChannel(database, shop, channel, nowMs);
    return { intent, channel, ok: result?.ok ?? false, health: result };
  }
  if (intent === "disconnect") {
    await disconnectChannel(database, shop, channel, nowMs);
    return { intent, ok: true as const };
  }
  if (intent === "previewTemplates") {
    const preview = await previewTemplates(database, shop, channel, {
      template: field("template"),
      countryCode: field("countryCode").trim() || "US",
    });
    return { intent, channel, ok: true as const, preview };
  }
  return { intent, ok: false as const, code: "unknown_intent" as ChannelsPageFailure };
}

/** A post of the Channels page, on behalf of the staff member who made it (named in Activity). */
export function channelsPageAction(
  database: Database,
  shop: string,
  form: FormData,
  nowMs: number,
  actor: string | null = null,
) {
  return actingAs(actor, () => channelsPagePost(database, shop, form, nowMs));
}

async function channelsPagePost(database: Database, shop: string, form: FormData, nowMs: number) {
  const intent = String(form.get("intent") ?? "");
  const field: Field = (name) => String(form.get(name) ?? "");
  if (intent === "resumeHolds") {
    await resumeHolds(database, shop, nowMs);
    return { intent, ok: true as const };
  }
  if (intent === "resync" || intent === "releaseHolds") {
    await startOperation(database, {
      shop,
      kind: intent === "resync" ? "resync" : "release_holds",
      nowMs,
      source: "admin",
    });
    return { intent, ok: true as const };
  }
  const channel = channelIdSchema.safeParse(form.get("channel"));
  if (!channel.success) return { intent, ok: false as const, code: "unknown_channel" as ChannelsPageFailure };
  if (intent === "activate" || intent === "observe" || intent === "pause" || intent === "resume") {
    return channelStateIntent(database, shop, intent, channel.data, field, nowMs);
  }
  if (channel.data === "online_store")
    return { intent, ok: false as const, code: "no_connection_needed" as ChannelsPageFailure };
  return connectionIntent(database, shop, intent, channel.data, field, nowMs);
}

export type ChannelsPageData = Awaited<ReturnType<typeof loadChannelsPage>>;
export type ChannelsPageResult = Awaited<ReturnType<typeof channelsPageAction>>;

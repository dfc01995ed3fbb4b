import { randomBytes } from "node:crypto";
import type { Database } from "~/db.server";
import { CHANNELS } from "~/domain";
import { env, privateWebhookHostsAllowed } from "~/env.server";
import { formatMessage, messagesFor, resolveLocale, type MessageKey } from "~/i18n";
import { createKeyring, type Keyring } from "~/security/crypto.server";
import type { WebhookUrlPolicy } from "~/security/webhook-address";
import { recordActivity } from "~/records/activity.server";
import {
  alertDeliveryInputSchemaFor,
  type AlertSettings,
  type AlertThresholds,
  type AutoProtectSettings,
} from "~/records/alert-settings";
import { getAlertSettings, setAlertSettings, type AlertSettingsView } from "~/records/alert-settings.server";
import { sendTestNotice, type DeliveryTarget } from "~/monitor/delivery.server";
import { WebhookRefused, type ResolveHost } from "~/monitor/webhook-target.server";
import {
  classifyDeliveryError,
  deliveryProblemText,
  refusalDetails,
  type DeliveryProblem,
} from "~/records/delivery-failure";
import {
  FEED_FORMATS,
  openFeedTokens,
  revokeFeedTokens,
  rotateFeedToken,
  type FeedChannel,
  type FeedFormat,
} from "~/monitor/feeds.server";
import type { IssueLike } from "./buffer-form";
import { SECTION_SCHEMAS } from "./settings-form";

/**
 * Settings a merchant changes without help (the Settings page and /api/v1/settings): where
 * alerts are delivered (email over SMTP, a signed webhook) with a test send for each, when
 * alerts open, what auto-protect does, and fallback feed URLs. Each change is validated with
 * the schemas of app/records/alert-settings.ts, saved whole or not at all, and written to
 * Activity with what changed. Secrets (SMTP password, webhook signing secret, feed tokens)
 * are never read back: a generated one is returned once, to the request that made it. A
 * webhook URL must also be one Ballast may call (app/security/webhook-address.ts, issue #16):
 * https, no user name or password, no private or internal address.
 */
export interface SettingsDependencies {
  keyring: Keyring;
  /** The app's public URL, where fallback feeds are fetched. */
  appUrl: string;
  /** Tests only: the test webhook delivery's transport (the address checks still run first). */
  fetch?: typeof fetch;
  /** Webhooks to private addresses and over http; BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS unless given. */
  allowPrivateWebhookHosts?: boolean;
  /** Tests only: resolves webhook host names in place of the system's DNS. */
  resolve?: ResolveHost;
  /** Per test send; a page waits for it. */
  timeoutMs?: number;
}

export function settingsDependencies(): SettingsDependencies {
  const config = env();
  return {
    keyring: createKeyring(config.encryptionKey, config.previousEncryptionKeys),
    appUrl: config.SHOPIFY_APP_URL.replace(/\/+$/, ""),
    allowPrivateWebhookHosts: config.allowPrivateWebhookHosts,
  };
}

const allowsPrivateHosts = (deps: Pick<SettingsDependencies, "allowPrivateWebhookHosts">) =>
  deps.allowPrivateWebhookHosts ?? privateWebhookHostsAllowed();

/**
 * Which webhook URLs this deployment saves (app/security/webhook-address.ts): the Settings
 * page checks a draft under the same policy the save applies, so it flags as you type exactly
 * what saving would refuse.
 */
export const webhookUrlPolicy = (
  deps: Pick<SettingsDependencies, "allowPrivateWebhookHosts"> = {},
): WebhookUrlPolicy => ({
  allowPrivate: allowsPrivateHosts(deps),
});

export type SettingsSource = "admin" | "api";

export interface DeliveryView {
  email: AlertSettings["email"];
  emailPasswordSet: boolean;
  webhook: AlertSettings["webhook"];
  webhookSecretSet: boolean;
}

export interface FeedView {
  channel: FeedChannel;
  formats: readonly FeedFormat[];
  /** ISO times; null: no open URL. */
  issuedAt: string | null;
  lastFetchedAt: string | null;
}

export interface SettingsView {
  delivery: DeliveryView;
  thresholds: AlertThresholds;
  autoProtect: AutoProtectSettings;
  feeds: FeedView[];
}

function sectionsOf(settings: AlertSettingsView): Omit<SettingsView, "feeds"> {
  const channels = settings.channels;
  const rules = <Keys extends keyof AlertSettings["channels"]["meta"]>(keys: readonly Keys[]) =>
    Object.fromEntries(
      CHANNELS.map((channel) => [channel, Object.fromEntries(keys.map((key) => [key, channels[channel][key]]))]),
    );
  return {
    delivery: {
      email: settings.email,
      emailPasswordSet: settings.emailPasswordSet,
      webhook: settings.webhook,
      webhookSecretSet: settings.webhookSecretSet,
    },
    thresholds: {
      channels: rules(["lagMinutes", "driftItems", "driftMinutes", "errorItems"]) as AlertThresholds["channels"],
      lagWindowMinutes: settings.lagWindowMinutes,
      webhookGapMinutes: settings.webhookGapMinutes,
      webhookGapMinDailyEvents: settings.webhookGapMinDailyEvents,
      competingWriter: settings.competingWriter,
    },
    autoProtect: {
      channels: rules(["autoProtect", "autoProtectMode", "pauseAboveLagMinutes"]) as AutoProtectSettings["channels"],
    },
  };
}

export async function loadSettings(database: Database, shop: string): Promise<SettingsView> {
  const [settings, open] = await Promise.all([getAlertSettings(database, shop), openFeedTokens(database, shop)]);
  const feeds = (Object.keys(FEED_FORMATS) as FeedChannel[]).map((channel) => {
    const token = open.find((entry) => entry.channel === channel);
    return {
      channel,
      formats: FEED_FORMATS[channel],
      issuedAt: token?.createdAt.toISOString() ?? null,
      lastFetchedAt: token?.lastFetchedAt?.toISOString() ?? null,
    };
  });
  return { ...sectionsOf(settings), feeds };
}

// ---------------------------------------------------------------- saving a section

export type SettingsSection = "delivery" | "thresholds" | "autoProtect";

/** One line of an `alert_settings_changed` entry: a value before and after, or a secret set, removed or replaced. */
export type SettingsChange =
  | { field: string; before: unknown; after: unknown }
  | { field: "emailPassword" | "webhookSecret"; change: "set" | "removed" | "replaced" };

export type SaveSettingsResult =
  { ok: true; changed: boolean; generatedWebhookSecret?: string } | { ok: false; issues: IssueLike[] };

interface SaveInput {
  shop: string;
  body: unknown;
  source: SettingsSource;
  nowMs: number;
}

/** Leaves of the settings by path; a target not set up has none. */
function flatten(value: unknown, prefix = "", into: Record<string, unknown> = {}): Record<string, unknown> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into[prefix] = value ?? null;
  }
  return into;
}

/** A webhook URL may carry a secret in its path (Slack's do): the log keeps its origin only. */
const loggedValue = (field: string, value: unknown) =>
  field === "webhook.url" && typeof value === "string" ? `${new URL(value).origin}/…` : value;

export function settingsChanges(before: AlertSettings, after: AlertSettings): SettingsChange[] {
  const leaves = (settings: AlertSettings) =>
    flatten({ ...settings, email: settings.email ?? {}, webhook: settings.webhook ?? {} });
  const old = leaves(before);
  const next = leaves(after);
  const changes: SettingsChange[] = [];
  for (const field of new Set([...Object.keys(old), ...Object.keys(next)])) {
    if (JSON.stringify(old[field] ?? null) === JSON.stringify(next[field] ?? null)) continue;
    changes.push({
      field,
      before: loggedValue(field, old[field] ?? null),
      after: loggedValue(field, next[field] ?? null),
    });
  }
  return changes;
}

const withoutFlags = ({ emailPasswordSet: _p, webhookSecretSet: _s, ...settings }: AlertSettingsView): AlertSettings =>
  settings;

/**
 * Stores `next` (with a secret change, if any) through setAlertSettings, which seals secrets,
 * and records what changed. Nothing is written when nothing changed.
 */
async function store(
  database: Database,
  input: SaveInput & { section: SettingsSection },
  deps: SettingsDependencies,
  current: AlertSettingsView,
  next: AlertSettings,
  secrets: { emailPassword?: string | null; webhookSecret?: string },
): Promise<SaveSettingsResult> {
  const secretChanges: SettingsChange[] = [];
  if (secrets.emailPassword === null && current.emailPasswordSet)
    secretChanges.push({ field: "emailPassword", change: "removed" });
  if (typeof secrets.emailPassword === "string")
    secretChanges.push({ field: "emailPassword", change: current.emailPasswordSet ? "replaced" : "set" });
  if (secrets.webhookSecret)
    secretChanges.push({ field: "webhookSecret", change: current.webhookSecretSet ? "replaced" : "set" });
  const valueChanges = settingsChanges(withoutFlags(current), next);
  if (valueChanges.length === 0 && secretChanges.length === 0) return { ok: true, changed: false };
  const saved = await setAlertSettings(database, input.shop, { ...next, ...secrets }, deps.keyring);
  if (!saved.ok)
    return {
      ok: false,
      issues: saved.issues.map((issue) => ({ code: "custom", path: issue.path.split("."), message: issue.message })),
    };
  // A webhook saved without a secret got one: that is a change too, and the only time it is shown.
  if (saved.generatedWebhookSecret) secretChanges.push({ field: "webhookSecret", change: "set" });
  await recordActivity(database, {
    shop: input.shop,
    kind: "alert_settings_changed",
    at: new Date(input.nowMs),
    details: { source: input.source, section: input.section, changes: [...valueChanges, ...secretChanges] },
  });
  return {
    ok: true,
    changed: true,
    ...(saved.generatedWebhookSecret ? { generatedWebhookSecret: saved.generatedWebhookSecret } : {}),
  };
}

/**
 * Email and webhook delivery (`alertDeliveryInputSchemaFor` this deployment's webhook policy,
 * which refuses a webhook URL Ballast may not call: plain http, a user name or password, a
 * private or internal address; what a name resolves to is checked at delivery). An omitted
 * target keeps what is stored.
 */
export async function saveDelivery(
  database: Database,
  input: SaveInput,
  deps: SettingsDependencies,
): Promise<SaveSettingsResult> {
  const parsed = alertDeliveryInputSchemaFor(webhookUrlPolicy(deps)).safeParse(input.body);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues };
  const current = await getAlertSettings(database, input.shop);
  const { email, webhook, emailPassword } = parsed.data;
  const next: AlertSettings = {
    ...withoutFlags(current),
    ...(email !== undefined ? { email } : {}),
    ...(webhook !== undefined ? { webhook } : {}),
  };
  const secrets = emailPassword === undefined ? {} : { emailPassword };
  return store(database, { ...input, section: "delivery" }, deps, current, next, secrets);
}

export async function saveThresholds(
  database: Database,
  input: SaveInput,
  deps: SettingsDependencies,
): Promise<SaveSettingsResult> {
  const parsed = SECTION_SCHEMAS.thresholds.safeParse(input.body);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues };
  const current = await getAlertSettings(database, input.shop);
  const { channels, ...shopWide } = parsed.data;
  const next: AlertSettings = { ...withoutFlags(current), ...shopWide, channels: { ...current.channels } };
  for (const channel of CHANNELS) next.channels[channel] = { ...current.channels[channel], ...channels[channel] };
  return store(database, { ...input, section: "thresholds" }, deps, current, next, {});
}

export async function saveAutoProtect(
  database: Database,
  input: SaveInput,
  deps: SettingsDependencies,
): Promise<SaveSettingsResult> {
  const parsed = SECTION_SCHEMAS.autoProtect.safeParse(input.body);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues };
  const current = await getAlertSettings(database, input.shop);
  const next: AlertSettings = { ...withoutFlags(current), channels: { ...current.channels } };
  for (const channel of CHANNELS)
    next.channels[channel] = { ...current.channels[channel], ...parsed.data.channels[channel] };
  return store(database, { ...input, section: "autoProtect" }, deps, current, next, {});
}

const SAVES = { delivery: saveDelivery, thresholds: saveThresholds, autoProtect: saveAutoProtect } as const;

/** Validates and saves one section's body: what the Settings page's forms and /api/v1/settings/<section> post. */
export function saveSettingsSection(
  database: Database,
  section: SettingsSection,
  input: SaveInput,
  deps: SettingsDependencies,
): Promise<SaveSettingsResult> {
  return SAVES[section](database, input, deps);
}

export type RotateSecretResult = { ok: true; webhookSecret: string } | { ok: false; error: "webhook_not_configured" };

/** A new webhook signing secret, returned once; the receiver must be given it before the next delivery. */
export async function rotateWebhookSecret(
  database: Database,
  input: Omit<SaveInput, "body">,
  deps: SettingsDependencies,
): Promise<RotateSecretResult> {
  const current = await getAlertSettings(database, input.shop);
  if (!current.webhook) return { ok: false, error: "webhook_not_configured" };
  const webhookSecret = randomBytes(32).toString("base64url");
  const next = withoutFlags(current);
  const saved = await store(database, { ...input, body: null, section: "delivery" }, deps, current, next, {
    webhookSecret,
  });
  if (!saved.ok) throw new Error("stored alert settings no longer validate");
  return { ok: true, webhookSecret };
}

// ---------------------------------------------------------------- test sends

/**
 * A test send's outcome. Not delivered: why as codes (DeliveryProblem: `failure`, with
 * `status`, or `refusal` with `host` and `address` for a webhook Ballast does not call), which
 * the page words in the viewer's language; `message`, the same in the shop's language, for
 * the API; `technical`, what the server or receiver answered (support only, never shown).
 */
export type TestDeliveryResult =
  | { ok: true; target: DeliveryTarget; delivered: true; recipients: string[] }
  | ({ ok: true; target: DeliveryTarget; delivered: false; message: string; technical?: string } & DeliveryProblem)
  | { ok: false; target: DeliveryTarget; error: "not_configured" };

/** The shop's language, the one alert notices (and test notices) use. */
async function shopLocale(database: Database, shop: string) {
  const row = await database.shop.findUnique({ where: { shop }, select: { locale: true } });
  return resolveLocale(row?.locale);
}

/** The test notice's words, in the shop's language. */
async function testNotice(database: Database, shop: string, target: DeliveryTarget, deps: SettingsDependencies) {
  const messages = messagesFor(await shopLocale(database, shop));
  const t = (key: MessageKey) => formatMessage(messages[key], { shop });
  return {
    subject: `[Ballast] ${t("shopSettings.test.subject")} (${shop})`,
    text: [
      t(target === "email" ? "shopSettings.test.bodyEmail" : "shopSettings.test.bodyWebhook"),
      `${deps.appUrl}/app/alerts`,
    ].join("\n"),
  };
}

/**
 * Sends a test notice now through the stored email or webhook settings (saved changes only),
 * the way alert notices go, and records the outcome in Activity (`alert_delivery_tested`:
 * why not delivered as codes, the raw answer as `technical`).
 */
export async function sendTestDelivery(
  database: Database,
  input: { shop: string; target: DeliveryTarget; source: SettingsSource; nowMs: number },
  deps: SettingsDependencies,
): Promise<TestDeliveryResult> {
  const { shop, target } = input;
  const settings = await getAlertSettings(database, shop);
  const configured = target === "email" ? settings.email : settings.webhook;
  if (!configured) return { ok: false, target, error: "not_configured" };
  const now = new Date(input.nowMs);
  let problem: (DeliveryProblem & { technical?: string }) | null = null;
  try {
    await sendTestNotice(database, shop, target, await testNotice(database, shop, target, deps), now, {
      keyring: deps.keyring,
      timeoutMs: deps.timeoutMs ?? 10_000,
      allowPrivateHosts: allowsPrivateHosts(deps),
      ...(deps.resolve ? { resolve: deps.resolve } : {}),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
  } catch (error) {
    // A webhook Ballast will not call (nothing was sent), or what the server or receiver did.
    problem = error instanceof WebhookRefused ? refusalDetails(error.refusal) : classifyDeliveryError(error);
  }
  // As codes, worded by whoever reads the entry; the raw answer (`technical`) for support only.
  await recordActivity(database, {
    shop,
    kind: "alert_delivery_tested",
    at: now,
    details: { source: input.source, target, delivered: problem === null, ...(problem ?? {}) },
  });
  if (!problem) {
    const recipients = settings.email && target === "email" ? settings.email.to : [];
    return { ok: true, target, delivered: true, recipients };
  }
  const { technical, ...cause } = problem;
  const message = deliveryProblemText(cause, target, await shopLocale(database, shop));
  return { ok: true, target, delivered: false, ...cause, message, ...(technical ? { technical } : {}) };
}

// ---------------------------------------------------------------- fallback feeds

export interface IssuedFeed {
  channel: FeedChannel;
  /** One URL per format, shown once: only the token's hash is kept. */
  urls: Partial<Record<FeedFormat, string>>;
  issuedAt: string;
  /** An earlier URL was open and now answers 404. */
  replaced: boolean;
}

export const feedUrl = (appUrl: string, token: string, format: FeedFormat) => `${appUrl}/feeds/${token}/${format}`;

/** Issues the channel's feed URL, closing the one open before (rotation). */
export async function issueFeedUrl(
  database: Database,
  input: { shop: string; channel: FeedChannel; source: SettingsSource; nowMs: number },
  deps: SettingsDependencies,
): Promise<IssuedFeed> {
  const { shop, channel } = input;
  const now = new Date(input.nowMs);
  const replaced = (await openFeedTokens(database, shop)).some((open) => open.channel === channel);
  const token = await rotateFeedToken(database, shop, channel, now);
  await recordActivity(database, {
    shop,
    kind: "fallback_feed_issued",
    channel,
    at: now,
    details: { source: input.source, replaced },
  });
  const urls = Object.fromEntries(FEED_FORMATS[channel].map((format) => [format, feedUrl(deps.appUrl, token, format)]));
  return { channel, urls, issuedAt: now.toISOString(), replaced };
}

/** Closes the channel's feed URL (it answers 404 from now on); false when none was open. */
export async function revokeFeedUrl(
  database: Database,
  input: { shop: string; channel: FeedChannel; source: SettingsSource; nowMs: number },
): Promise<boolean> {
  const { shop, channel } = input;
  const open = (await openFeedTokens(database, shop)).some((entry) => entry.channel === channel);
  if (!open) return false;
  const now = new Date(input.nowMs);
  await revokeFeedTokens(database, shop, channel, now);
  await recordActivity(database, {
    shop,
    kind: "fallback_feed_revoked",
    channel,
    at: now,
    details: { source: input.source },
  });
  return true;
}

export const isFeedChannel = (value: unknown): value is FeedChannel =>
  typeof value === "string" && Object.hasOwn(FEED_FORMATS, value);

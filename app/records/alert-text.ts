import { CHANNEL_NAMES, type ChannelId } from "~/domain";
import { formatMessage, messagesFor, type Locale, type MessageKey } from "~/i18n";
import { ALERT_CATALOG, alertActionChannel, alertActionFor, isAlertKind, type AlertAction } from "./alert-kinds";
import { asRefusedSetting, settingOwnerText, settingProblemsText } from "./setting-problems";
import { storedShopifyFailure } from "./shopify-failure";

/**
 * What a merchant reads about one alert, in their language: its title, what it means,
 * what to do, and its details as plain sentences with units (never a dump of keys). The
 * same words on the Alerts page, in /api/v1/alerts, in alert emails and in webhook bodies.
 * Pure: the caller gives the locale and the shop's time zone (null: UTC, said in the text).
 */

/** An item an alert concerns, named from the Variant table. */
export interface AlertItem {
  /** The variant's GID (its digits make the item page's URL). */
  variantId: string;
  productTitle: string;
  /** null for a product's only variant. */
  variantTitle: string | null;
  sku: string | null;
}

export interface AlertSubject {
  kind: string;
  channel: string | null;
  details: unknown;
}

export interface AlertText {
  title: string;
  meaning: string;
  /** The recommended action, in words. */
  action: string;
  /** The details, one sentence each. */
  facts: string[];
  /** The button the page offers (none: the action happens elsewhere, or needs no one). */
  suggestedAction: AlertAction;
}

export interface AlertTextOptions {
  locale: Locale;
  /** The shop's IANA time zone; null: UTC. */
  timeZone: string | null;
  /** How a time reads; by default `formatAlertTime` in the shop's zone. */
  formatTime?: (iso: string) => string;
}

/** Variant titles are stored as "Product — Variant" (app/ingest/topics.ts). */
export function splitVariantTitle(title: string): { productTitle: string; variantTitle: string | null } {
  const [product, ...rest] = title.split(" — ");
  return { productTitle: product ?? "", variantTitle: rest.length > 0 ? rest.join(" — ") : null };
}

/** "Wool scarf — Red (SKU SCARF-RED)": how an item reads in plain text (emails). */
export function alertItemLabel(item: AlertItem, locale: Locale): string {
  const name = item.variantTitle ? `${item.productTitle} — ${item.variantTitle}` : item.productTitle;
  const t = translator(locale);
  return `${name || t("alerts.item.unnamed")} (${item.sku ? t("alerts.item.sku", { sku: item.sku }) : t("alerts.item.noSku")})`;
}

/** "and 3 more items", for items an alert counts beyond those it names. */
export function moreItemsText(locale: Locale, count: number): string {
  return wordsFor({ locale, timeZone: null }).counted("alerts.items.more", count);
}

export function channelLabel(channel: string, locale: Locale): string {
  return channel in CHANNEL_NAMES ? CHANNEL_NAMES[channel as ChannelId][locale] : channel;
}

/** A time in the shop's zone (named in the text), or in UTC when the zone is unknown. */
export function formatAlertTime(iso: string, locale: Locale, timeZone: string | null): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const tag = locale === "fr" ? "fr-FR" : "en-GB";
  const options: Intl.DateTimeFormatOptions = {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  };
  if (timeZone) {
    try {
      return new Intl.DateTimeFormat(tag, { ...options, timeZone, timeZoneName: "short" }).format(date);
    } catch {
      // an unknown zone: UTC below
    }
  }
  return `${new Intl.DateTimeFormat(tag, { ...options, timeZone: "UTC" }).format(date)} UTC`;
}

type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

function translator(locale: Locale): Translate {
  const messages = messagesFor(locale);
  return (key, values) => formatMessage(messages[key], values);
}

/** Sentence helpers for one locale: counts with their unit, durations, times. */
function wordsFor(options: AlertTextOptions) {
  const t = translator(options.locale);
  const plural = new Intl.PluralRules(options.locale === "fr" ? "fr-FR" : "en-US");
  const numberFormat = new Intl.NumberFormat(options.locale === "fr" ? "fr-FR" : "en-US", {
    maximumFractionDigits: 1,
  });
  /** `<base>.one` or `<base>.other`, with {count}. */
  const counted = (base: string, count: number, values: Record<string, string | number> = {}) =>
    t(`${base}.${plural.select(count) === "one" ? "one" : "other"}` as MessageKey, {
      ...values,
      count: numberFormat.format(count),
    });
  const minutes = (value: number) =>
    value < 1
      ? t("alerts.unit.lessThanMinute")
      : value < 120
        ? counted("alerts.unit.minutes", Math.round(value))
        : counted("alerts.unit.hours", Math.round(value / 6) / 10);
  return {
    t,
    locale: options.locale,
    counted,
    items: (count: number) => counted("alerts.unit.items", count),
    minutes,
    duration: (ms: number) => minutes(ms / 60_000),
    time: (iso: string) => options.formatTime?.(iso) ?? formatAlertTime(iso, options.locale, options.timeZone),
  };
}
type Words = ReturnType<typeof wordsFor>;

/** Detail values as stored (JSON): a number, a string, or nothing usable. */
type Details = Record<string, unknown>;
const num = (details: Details, key: string): number | null => {
  const value = details[key];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
};
const str = (details: Details, key: string): string | null => {
  const value = details[key];
  return typeof value === "string" && value.length > 0 ? value : null;
};

/** Steps beyond the kind's recommended action (which already says to turn off the channel app's own sync). */
const GUIDANCE_FACTS: Record<string, MessageKey> = {
  rank_supplemental_source_first: "alerts.fact.guidance.rank_supplemental_source_first",
};

const PARK_REASONS = new Set([
  "unmatched",
  "UNKNOWN_ITEM",
  "INVALID_ITEM_KEY",
  "ITEM_NOT_STOCKED_AT_LOCATION",
  "catalog_not_found",
  "misconfigured_data_source",
  "permission_denied",
  "rejected_by_meta",
  "invalid_quantity",
  "invalid_request",
]);

function lagFacts(details: Details, { t, duration, counted }: Words): string[] {
  const p95 = num(details, "p95Ms");
  const threshold = num(details, "thresholdMs");
  const oldest = num(details, "oldestUnconfirmedMs");
  const samples = num(details, "samples") ?? 0;
  const facts: string[] = [];
  if (p95 !== null && threshold !== null && samples > 0)
    facts.push(
      t("alerts.fact.lag.p95", {
        duration: duration(p95),
        samples: counted("alerts.unit.updates", samples),
        threshold: duration(threshold),
      }),
    );
  else if (threshold !== null) facts.push(t("alerts.fact.lag.threshold", { threshold: duration(threshold) }));
  if (oldest !== null && oldest > 0) facts.push(t("alerts.fact.lag.oldest", { duration: duration(oldest) }));
  const autoProtect = str(details, "autoProtect");
  if (autoProtect === "off" || autoProtect === "widen_buffers" || autoProtect === "pause_stop_selling")
    facts.push(t(`alerts.fact.autoProtect.${autoProtect}`));
  return facts;
}

function driftFacts(details: Details, { t, counted, items, minutes }: Words): string[] {
  const count = num(details, "items");
  const longest = num(details, "longestMinutes");
  const facts: string[] = [];
  if (count !== null && count > 0) facts.push(counted("alerts.fact.drift", count, { duration: minutes(longest ?? 0) }));
  const thresholdItems = num(details, "thresholdItems");
  const thresholdMinutes = num(details, "thresholdMinutes");
  if (thresholdItems !== null && thresholdMinutes !== null)
    facts.push(t("alerts.fact.drift.threshold", { items: items(thresholdItems), duration: minutes(thresholdMinutes) }));
  return facts;
}

function competingFacts(details: Details, { t, counted, minutes }: Words): string[] {
  const count = num(details, "items");
  const facts: string[] = [];
  if (count !== null && count > 0)
    facts.push(
      counted("alerts.fact.competing", count, {
        times: counted("alerts.unit.times", num(details, "episodes") ?? count),
        duration: minutes(num(details, "minutesAfterPush") ?? 0),
      }),
    );
  const also = Array.isArray(details.alsoGuidance) ? details.alsoGuidance : [];
  for (const code of [str(details, "guidance"), ...also]) {
    const key = typeof code === "string" ? GUIDANCE_FACTS[code] : undefined;
    if (key) facts.push(t(key));
  }
  return facts;
}

/** push_errors, throttled, credentials_revoked, push_parked: a count of items, and what the kind adds. */
function itemCountFacts(kind: string, details: Details, { t, counted, items }: Words): string[] {
  const count = num(details, "items") ?? 0;
  const facts: string[] = [];
  if (kind === "push_errors" && count > 0)
    facts.push(counted("alerts.fact.errors", count, { threshold: items(num(details, "thresholdItems") ?? 1) }));
  if (kind === "throttled" && count > 0) facts.push(counted("alerts.fact.throttled", count));
  if (kind === "credentials_revoked")
    facts.push(count > 0 ? counted("alerts.fact.credentials", count) : t("alerts.fact.credentials.check"));
  if (kind === "push_parked") {
    if (count > 0) facts.push(counted("alerts.fact.parked", count));
    const code = str(details, "code");
    if (code)
      facts.push(
        t("alerts.fact.parked.reason", {
          reason: t(PARK_REASONS.has(code) ? (`alerts.reason.${code}` as MessageKey) : "alerts.reason.other"),
        }),
      );
  }
  return facts;
}

function shopFacts(kind: string, details: Details, words: Words): string[] {
  const { t, counted, minutes, time } = words;
  if (kind === "webhook_gap") {
    const last = str(details, "lastReceivedAt");
    const threshold = num(details, "thresholdMinutes");
    return last && threshold !== null
      ? [t("alerts.fact.webhookGap", { at: time(last), duration: minutes(threshold) })]
      : [];
  }
  if (kind === "reconciliation_difference") {
    const levels = num(details, "levels");
    const mode = str(details, "mode") === "full" ? "full" : "incremental";
    return levels !== null && levels > 0
      ? [counted("alerts.fact.reconciliation", levels, { mode: t(`alerts.fact.reconciliation.mode.${mode}`) })]
      : [];
  }
  if (kind === "invalid_metafield") return refusedSettingFacts(details, words);
  if (kind === "shopify_unreachable") {
    // The plain sentence only: the raw message (`technical`) stays in the details, for the API.
    const failure = storedShopifyFailure(details);
    if (!failure) return [];
    const key = `alerts.fact.shopifyFailure.${failure.failure}` as const;
    return [
      failure.status !== undefined && (failure.failure === "server_error" || failure.failure === "other")
        ? t(`${key}.status` as MessageKey, { status: failure.status })
        : t(key),
    ];
  }
  if (kind === "shopify_auth_failed") {
    const status = num(details, "status") ?? str(details, "status");
    return status !== null ? [t("alerts.fact.authStatus", { status })] : [];
  }
  return [];
}

/**
 * invalid_metafield: one sentence per refused setting, put into words from its problem
 * codes; a row written before those were stored holds sentences, shown as they are.
 */
function refusedSettingFacts(details: Details, { t, locale }: Words): string[] {
  const settings = Array.isArray(details.settings) ? details.settings : [];
  return settings.slice(0, 10).flatMap((value: unknown) => {
    if (typeof value === "string")
      return value.length > 0 ? [t("alerts.fact.invalidSetting", { text: value.replace(/\.$/, "") })] : [];
    const setting = asRefusedSetting(value);
    return setting
      ? [
          t("alerts.fact.refusedSetting", {
            owner: settingOwnerText(setting, locale),
            problems: settingProblemsText(setting, locale),
          }),
        ]
      : [];
  });
}

/** The details of one alert as sentences, ending with when it was last seen. */
export function alertFacts(kind: string, details: unknown, options: AlertTextOptions): string[] {
  const words = wordsFor(options);
  const values: Details = typeof details === "object" && details !== null ? (details as Details) : {};
  const facts =
    kind === "lag_high"
      ? lagFacts(values, words)
      : kind === "drift_high"
        ? driftFacts(values, words)
        : kind === "competing_writer"
          ? competingFacts(values, words)
          : ["push_errors", "throttled", "credentials_revoked", "push_parked"].includes(kind)
            ? itemCountFacts(kind, values, words)
            : shopFacts(kind, values, words);
  const lastSeen = str(values, "lastSeenAt");
  if (lastSeen) facts.push(words.t("alerts.fact.lastSeen", { at: words.time(lastSeen) }));
  return facts;
}

/** Title, meaning, recommended action and details of an alert, in the given language. */
export function describeAlert(alert: AlertSubject, options: AlertTextOptions): AlertText {
  const t = translator(options.locale);
  const facts = alertFacts(alert.kind, alert.details, options);
  if (!isAlertKind(alert.kind)) {
    // A row of a kind this version no longer raises: plain words, never its code.
    return {
      title: t("alerts.kind.unknown.title"),
      meaning: t("alerts.kind.unknown.meaning"),
      action: t("alerts.kind.unknown.action"),
      facts,
      suggestedAction: "none",
    };
  }
  const kind = alert.kind;
  const actionChannel = alertActionChannel(kind, alert.channel);
  return {
    title: t(`alerts.kind.${kind}.title`),
    meaning: t(`alerts.kind.${kind}.meaning`),
    action: actionChannel
      ? t(`alerts.kind.${kind}.action.${actionChannel}` as MessageKey)
      : t(`alerts.kind.${kind}.action`),
    facts,
    suggestedAction: alertActionFor(kind, alert.channel),
  };
}

/** Whether the kind names items (a page shows "Items concerned" for it). */
export const alertConcernsItems = (kind: string): boolean => isAlertKind(kind) && ALERT_CATALOG[kind].concernsItems;

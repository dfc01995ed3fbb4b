import { DEFAULT_THIN_STOCK_UNITS, renderExplanation, type Explanation } from "~/domain";
import { formatMessage, messagesFor, type Locale, type MessageKey } from "~/i18n";
import { asRefusedSetting, settingOwnerText, settingProblemsText } from "~/records/setting-problems";
import { deliveryFailureText, deliveryRefusalText, storedDeliveryFailure } from "~/records/delivery-failure";
import { channelName, formatDateTime, formatDuration } from "./format";
import { SETTINGS_ACTIVITY_FORMATTERS } from "./settings/activity-text";

/**
 * One activity entry as a sentence in the page's language. `details` is what the
 * writer recorded (see app/records/activity.server.ts); unknown shapes fall back to the
 * kind and the raw details rather than inventing text.
 */
type Details = Record<string, unknown>;

const num = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
const str = (value: unknown): string =>
  value === null || value === undefined ? "—" : typeof value === "string" ? value : JSON.stringify(value);

function ruleText(value: unknown, locale: Locale): string {
  const t = (key: MessageKey, values?: Record<string, string | number>) =>
    formatMessage(messagesFor(locale)[key], values);
  if (value === null || value === undefined) return t("activity.rule.none");
  if (typeof value !== "object") return str(value);
  const rule = value as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof rule.fixedUnits === "number") parts.push(t("buffers.summary.fixed", { n: rule.fixedUnits }));
  if (typeof rule.percent === "number") parts.push(t("buffers.summary.percent", { n: rule.percent }));
  if (Array.isArray(rule.tiers)) parts.push(t("buffers.summary.tiers", { n: rule.tiers.length }));
  if (typeof rule.floor === "number") parts.push(t("buffers.summary.floor", { n: rule.floor }));
  if (typeof rule.cap === "number") parts.push(t("buffers.summary.cap", { n: rule.cap }));
  const lag = rule.lagAware as { confidence?: unknown } | undefined;
  if (lag && typeof lag.confidence === "number")
    parts.push(t("buffers.summary.lag", { n: Number((lag.confidence * 100).toFixed(2)) }));
  return parts.length ? parts.join(" · ") : t("buffers.summary.none");
}

/** What a channel settings save changed, field by field (details: before/after as stored). */
function settingsChanges(before: Details, after: Details, locale: Locale): string {
  const t = (key: MessageKey, values?: Record<string, string | number>) =>
    formatMessage(messagesFor(locale)[key], values);
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const locations = (value: unknown) =>
    Array.isArray(value)
      ? t("activity.settings.locationsSome", { count: value.length })
      : t("activity.settings.locationsAll");
  const checkout = (value: unknown) =>
    t(value === "channel" ? "activity.settings.checkout.channel" : "activity.settings.checkout.store");
  const lowStock = (value: unknown) =>
    t(value === "out_of_stock" ? "activity.settings.lowStock.out_of_stock" : "activity.settings.lowStock.pause_ads");
  const damping = (value: unknown) => {
    const entry = (typeof value === "object" && value !== null ? value : {}) as {
      confirmations?: unknown;
      minHoldMs?: unknown;
    };
    return t("activity.settings.dampingValue", {
      confirmations: str(entry.confirmations),
      seconds: typeof entry.minHoldMs === "number" ? entry.minHoldMs / 1000 : "—",
    });
  };
  const parts: string[] = [];
  if (!same(before.locations, after.locations))
    parts.push(
      t("activity.settings.locations", { before: locations(before.locations), after: locations(after.locations) }),
    );
  if (!same(before.checkoutOn, after.checkoutOn))
    parts.push(
      t("activity.settings.checkoutOn", { before: checkout(before.checkoutOn), after: checkout(after.checkoutOn) }),
    );
  if ("lowStock" in after && !same(before.lowStock, after.lowStock))
    parts.push(t("activity.settings.lowStock", { before: lowStock(before.lowStock), after: lowStock(after.lowStock) }));
  if (!same(before.damping, after.damping))
    parts.push(t("activity.settings.damping", { before: damping(before.damping), after: damping(after.damping) }));
  const thinStock = (value: unknown) => {
    const units =
      (typeof value === "object" && value !== null
        ? (value as { keepSellingAtOrBelow?: unknown }).keepSellingAtOrBelow
        : undefined) ?? DEFAULT_THIN_STOCK_UNITS;
    return units === 0
      ? t("activity.settings.thinStockOff")
      : t("activity.settings.thinStockValue", { units: str(units) });
  };
  if (("thinStock" in after || "thinStock" in before) && !same(before.thinStock, after.thinStock)) {
    parts.push(
      t("activity.settings.thinStock", { before: thinStock(before.thinStock), after: thinStock(after.thinStock) }),
    );
  }
  const beforeConfig = (before.config ?? {}) as Details;
  const afterConfig = (after.config ?? {}) as Details;
  for (const field of ["itemIdTemplate", "countryCode", "contentLanguage", "feedLabel"]) {
    if (!same(beforeConfig[field], afterConfig[field]))
      parts.push(
        t("activity.settings.config", { field, before: str(beforeConfig[field]), after: str(afterConfig[field]) }),
      );
  }
  return parts.join("; ");
}

type Entry = { kind: string; channel: string | null; details: Details };
type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

/** What every kind's sentence may use: the entry, its channel named, the page's words. */
interface Context {
  entry: Entry;
  d: Details;
  channel: string;
  locale: Locale;
  /** The shop's time zone for the times a sentence names (null: UTC, said so). */
  timeZone?: string | null;
  t: Translate;
  /** Appends where the change was made (API, Ballast, Shopify admin) when the writer recorded it. */
  withSource: (text: string) => string;
}

const SOURCE_KEYS: Record<string, MessageKey> = {
  api: "activity.source.api",
  admin: "activity.source.admin",
  shopify_admin: "activity.source.shopify_admin",
};

const reasonSuffix = (reason: unknown): string => (typeof reason === "string" && reason ? ` — ${reason}` : "");

function ruleChangedText({ d, channel, locale, t, withSource }: Context): string {
  const scope = d.scope === "product" || d.scope === "collection" || d.scope === "variant" ? d.scope : "shop";
  return withSource(
    t("activity.rule_changed", {
      channel,
      scope: t(`activity.scope.${scope}` as MessageKey),
      target: typeof d.target === "string" ? ` ${d.target.replace(/^gid:\/\/shopify\/\w+\//, "")}` : "",
      before: ruleText(d.before, locale),
      after: ruleText(d.after, locale),
    }),
  );
}

function quantityPushedText({ d, channel, locale, t }: Context): string {
  const explanation = d.explanation as Explanation | undefined;
  if (explanation && Array.isArray(explanation.steps)) {
    try {
      return t("activity.quantity_pushed_explained", { channel, text: renderExplanation(explanation, locale) });
    } catch {
      // fall through to the plain sentence
    }
  }
  return t("activity.quantity_pushed", { channel, quantity: str(d.to ?? d.quantity), from: str(d.from) });
}

/** What auto-protect did (app/monitor/README.md "Activity entries"), in words. */
function autoProtectText({ d, channel, locale, t }: Context): string {
  const figures = {
    channel,
    lag: formatDuration(num(d.lagMs), locale),
    threshold: formatDuration(num(d.thresholdMs), locale),
  };
  if (d.action === "widening")
    return t(
      d.reason === "lag_above_threshold_channel_already_paused"
        ? "activity.auto_protect.widening_paused"
        : "activity.auto_protect.widening",
      figures,
    );
  if (d.action === "paused")
    return t(
      d.reason === "lag_beyond_buffers" ? "activity.auto_protect.paused_beyond" : "activity.auto_protect.paused",
      figures,
    );
  if (d.action === "resumed") return t("activity.auto_protect.resumed", figures);
  if (d.action === "released")
    return t(
      d.reason === "changed_by_hand" ? "activity.auto_protect.released_by_hand" : "activity.auto_protect.released",
      figures,
    );
  return t("activity.auto_protect", { channel, reason: str(d.reason ?? d.cause) });
}

/**
 * A buffer setting refused in Shopify admin: whose it is and each problem, put into words
 * from the codes stored (app/records/setting-problems.ts). Older entries hold a sentence
 * (`error`), shown as it is.
 */
function metafieldRejectedText({ d, locale, t }: Context): string {
  const setting = asRefusedSetting(d);
  if (setting)
    return t("activity.metafield_rejected_problems", {
      owner: settingOwnerText(setting, locale),
      problems: settingProblemsText(setting, locale),
    });
  const old = d.error ?? d.message ?? d.issues;
  const texts = Array.isArray(old) ? old.filter((text): text is string => typeof text === "string") : [];
  return t("activity.metafield_rejected", { error: texts.length > 0 ? texts.join("; ") : str(old) });
}

/**
 * An alert notice that did not reach the merchant (app/monitor/delivery.server.ts): which
 * alert, by which route, and why in plain words — a webhook Ballast refuses to call from its
 * `refusal` code (the words the delivery used, in the reader's language), a delivery that
 * kept failing from the class of its raw `error`, which is never shown itself.
 */
function alertDeliveryFailedText({ d, locale, t }: Context): string {
  const target = d.target === "email" ? "email" : "webhook";
  const titleKey = `alerts.kind.${typeof d.alertKind === "string" ? d.alertKind : "unknown"}.title`;
  const alert = t(
    Object.hasOwn(messagesFor(locale), titleKey) ? (titleKey as MessageKey) : "alerts.kind.unknown.title",
  );
  if (typeof d.refusal === "string")
    return t(`activity.alert_delivery_failed.${target}`, { alert, reason: deliveryRefusalText(d, locale) });
  const reason = deliveryFailureText(storedDeliveryFailure(d), target, locale);
  return `${t(`activity.alert_delivery_failed.${target}`, { alert, reason })} ${t("activity.alert_delivery_failed.gaveUp")}`;
}

/** One sentence per kind the writers record; a kind missing here falls back to its raw details. */
const FORMATTERS: Record<string, (context: Context) => string> = {
  rule_changed: ruleChangedText,
  override_set: ({ d, channel, locale, timeZone, t, withSource }) =>
    withSource(
      t("activity.override_set", {
        channel,
        quantity: str(d.quantity),
        until: formatDateTime(typeof d.expiresAt === "string" ? d.expiresAt : null, locale, timeZone),
        sellable: str(d.sellable),
      }) + reasonSuffix(d.reason),
    ),
  override_cleared: ({ d, channel, t, withSource }) =>
    withSource(t("activity.override_cleared", { channel, quantity: str(d.quantity) })),
  override_expired: ({ d, channel, t }) => t("activity.override_expired", { channel, quantity: str(d.quantity) }),
  channel_paused: ({ d, channel, t, withSource }) =>
    withSource(
      t(d.to === "paused_freeze" ? "activity.channel_frozen" : "activity.channel_paused", { channel }) +
        reasonSuffix(d.reason),
    ),
  channel_resumed: ({ d, channel, t, withSource }) =>
    withSource(t(d.holds === "resumed" ? "activity.holds_resumed" : "activity.channel_resumed", { channel })),
  channel_activated: ({ entry, channel, t, withSource }) =>
    withSource(
      t(entry.channel === "online_store" ? "activity.channel_activated_online_store" : "activity.channel_activated", {
        channel,
      }),
    ),
  channel_observed: ({ entry, channel, t, withSource }) =>
    withSource(
      t(entry.channel === "online_store" ? "activity.channel_observed_online_store" : "activity.channel_observed", {
        channel,
      }),
    ),
  channel_settings_changed: ({ d, channel, locale, t, withSource }) =>
    withSource(
      t("activity.channel_settings_changed", {
        channel,
        changes: settingsChanges((d.before ?? {}) as Details, (d.after ?? {}) as Details, locale),
      }),
    ),
  channel_connected: ({ channel, t }) => t("activity.channel_connected", { channel }),
  channel_disconnected: ({ channel, t }) => t("activity.channel_disconnected", { channel }),
  resync_requested: ({ t, withSource }) => withSource(t("activity.resync_requested")),
  holds_released: ({ d, t, withSource }) =>
    withSource(t(d.requested ? "activity.holds_release_requested" : "activity.holds_released")),
  quantity_pushed: quantityPushedText,
  push_failed: ({ d, channel, t }) => t("activity.push_failed", { channel, error: str(d.reason ?? d.error ?? d.code) }),
  push_parked: ({ d, channel, t }) => t("activity.push_parked", { channel, error: str(d.code ?? d.reason) }),
  credentials_revoked: ({ channel, t }) => t("activity.credentials_revoked", { channel }),
  metafield_rejected: metafieldRejectedText,
  auto_protect: autoProtectText,
  alert_delivery_failed: alertDeliveryFailedText,
  ...SETTINGS_ACTIVITY_FORMATTERS,
};

export function activityText(entry: Entry, locale: Locale, timeZone: string | null = null): string {
  const t: Translate = (key, values) => formatMessage(messagesFor(locale)[key], values);
  const d = entry.details;
  // Own keys only: a kind such as "constructor" must not reach Object.prototype.
  const format = Object.hasOwn(FORMATTERS, entry.kind) ? FORMATTERS[entry.kind] : undefined;
  if (!format) return `${entry.kind}: ${JSON.stringify(d)}`;
  const channel = entry.channel ? channelName(entry.channel, locale) : t("activity.allChannels");
  const sourceKey =
    typeof d.source === "string" && Object.hasOwn(SOURCE_KEYS, d.source) ? SOURCE_KEYS[d.source] : undefined;
  const source = sourceKey ? t(sourceKey) : "";
  const withSource = (text: string) => (source ? `${text} (${source})` : text);
  return format({ entry, d, channel, locale, timeZone, t, withSource });
}

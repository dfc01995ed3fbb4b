import { messagesFor, type Locale, type MessageKey } from "~/i18n";
import { channelName, formatNumber } from "~/components/format";
import { unitOf } from "~/web/settings-form";
import { deliveryProblemText, storedDeliveryProblem } from "~/records/delivery-failure";

/**
 * The Settings page's Activity entries in words (kinds `alert_settings_changed`,
 * `alert_delivery_tested`, `fallback_feed_issued`, `fallback_feed_revoked`), for
 * app/components/activity-text.ts. Details as app/web/settings.server.ts records them.
 */
type Details = Record<string, unknown>;
type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;
interface Context {
  d: Details;
  channel: string;
  locale: Locale;
  t: Translate;
  withSource: (text: string) => string;
}

const CHANNEL_PATH = /^channels\.(online_store|meta|google)\.(.+)$/;

/** "Meta — Lag alert above" for a channel's field, the field's own label otherwise. */
function fieldLabel(field: string, locale: Locale, t: Translate): string {
  const perChannel = CHANNEL_PATH.exec(field);
  const name = perChannel ? perChannel[2]! : field;
  const key = `shopSettings.field.${name}` as MessageKey;
  const label = key in messagesFor(locale) ? t(key) : name;
  return perChannel ? `${channelName(perChannel[1]!, locale)} — ${label}` : label;
}

function valueText(field: string, value: unknown, locale: Locale, t: Translate): string {
  if (value === null || value === undefined)
    return field.endsWith("pauseAboveLagMinutes") ? t("shopSettings.never") : "—";
  if (typeof value === "boolean") return t(value ? "shopSettings.on" : "shopSettings.off");
  if (Array.isArray(value)) return value.length ? value.map(String).join(", ") : t("shopSettings.none");
  if (field.endsWith("autoProtectMode") && (value === "widen_buffers" || value === "pause_stop_selling"))
    return t(`shopSettings.autoProtect.${value}`);
  const unit = unitOf(field);
  if (typeof value === "number")
    return unit ? t(`shopSettings.value.${unit}`, { n: formatNumber(value, locale) }) : String(value);
  return String(value);
}

const SECRET_KEYS: Record<string, MessageKey> = {
  set: "activity.alert_settings.secretSet",
  removed: "activity.alert_settings.secretRemoved",
  replaced: "activity.alert_settings.secretReplaced",
};

function changeText(change: Details, locale: Locale, t: Translate): string {
  const field = typeof change.field === "string" ? change.field : "";
  const label = fieldLabel(field, locale, t);
  if (typeof change.change === "string" && Object.hasOwn(SECRET_KEYS, change.change))
    return t(SECRET_KEYS[change.change]!, { field: label });
  return t("activity.alert_settings.change", {
    field: label,
    before: valueText(field, change.before, locale, t),
    after: valueText(field, change.after, locale, t),
  });
}

export const SETTINGS_ACTIVITY_FORMATTERS: Record<string, (context: Context) => string> = {
  alert_settings_changed: ({ d, locale, t, withSource }) => {
    const changes = Array.isArray(d.changes) ? (d.changes as Details[]) : [];
    return withSource(
      t("activity.alert_settings_changed", {
        changes: changes.map((change) => changeText(change, locale, t)).join("; "),
      }),
    );
  },
  alert_delivery_tested: ({ d, locale, t, withSource }) => {
    const target = d.target === "webhook" ? "webhook" : "email";
    if (d.delivered === true) return withSource(t(`activity.alert_delivery_tested.${target}`));
    // Why, from the codes recorded (entries recorded before them: the class of their raw `reason`).
    const problem = storedDeliveryProblem({ error: d.reason, ...d });
    return withSource(
      t(`activity.alert_delivery_tested.${target}Failed`, { reason: deliveryProblemText(problem, target, locale) }),
    );
  },
  fallback_feed_issued: ({ d, channel, t, withSource }) =>
    withSource(
      t(d.replaced === true ? "activity.fallback_feed_replaced" : "activity.fallback_feed_issued", { channel }),
    ),
  fallback_feed_revoked: ({ channel, t, withSource }) => withSource(t("activity.fallback_feed_revoked", { channel })),
};

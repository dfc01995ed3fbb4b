import { formatMessage, messagesFor, type Locale, type MessageKey } from "~/i18n";
import {
  alertItemLabel,
  channelLabel,
  describeAlert,
  formatAlertTime,
  moreItemsText,
  type AlertItem,
  type AlertText,
} from "~/records/alert-text";
import type { AlertItems } from "~/records/alert-items.server";

/**
 * What an alert's email and webhook say (pure): the Alerts page's words (title, meaning,
 * recommended action, details as sentences, items named) in the shop's language, times in
 * the shop's zone or in UTC, said either way.
 */

export type NoticeEvent = "opened" | "resolved";

export interface NoticeAlert {
  id: string;
  shop: string;
  channel: string | null;
  kind: string;
  severity: string;
  details: unknown;
  openedAt: Date;
  resolvedAt: Date | null;
}

export interface NoticeLanguage {
  locale: Locale;
  /** The shop's IANA zone; null: UTC. */
  timeZone: string | null;
}

export interface AlertNotice extends AlertText {
  subject: string;
  /** The plain-text body (email, and the webhook's Slack block). */
  text: string;
  items: (AlertItem & { url: string | null })[];
  moreItems: number;
}

const digitsOf = (gid: string) => /([0-9]+)$/.exec(gid)?.[1] ?? gid;

export function alertNotice(
  alert: NoticeAlert,
  event: NoticeEvent,
  language: NoticeLanguage,
  concerned: AlertItems,
  appUrl?: string,
): AlertNotice {
  const { locale, timeZone } = language;
  const messages = messagesFor(locale);
  const t = (key: MessageKey, values?: Record<string, string | number>) => formatMessage(messages[key], values);
  const base = appUrl?.replace(/\/$/, "");
  const described = describeAlert(alert, { locale, timeZone });
  const items = concerned.items.map((item) => ({
    ...item,
    url: base ? `${base}/app/items/${digitsOf(item.variantId)}` : null,
  }));
  const at = (date: Date) => formatAlertTime(date.toISOString(), locale, timeZone);
  const prefix = t(
    event === "resolved"
      ? "alerts.email.prefix.resolved"
      : alert.severity === "critical" || alert.severity === "warning"
        ? `alerts.email.prefix.${alert.severity}`
        : "alerts.email.prefix.info",
  );
  const where = alert.channel ? ` - ${channelLabel(alert.channel, locale)}` : "";
  const subject = t("alerts.email.subject", { prefix, title: described.title, where, shop: alert.shop });
  const lines = [
    t("alerts.email.heading", { prefix, title: described.title, where }),
    described.meaning,
    "",
    `${t("alerts.label.action")} ${described.action}`,
    ...(described.facts.length > 0
      ? ["", t("alerts.label.details"), ...described.facts.map((fact) => `- ${fact}`)]
      : []),
    ...(items.length > 0
      ? [
          "",
          t("alerts.label.items"),
          ...items.map((item) => `- ${alertItemLabel(item, locale)}${item.url ? `: ${item.url}` : ""}`),
          ...(concerned.more > 0 ? [`- ${moreItemsText(locale, concerned.more)}`] : []),
        ]
      : []),
    "",
    t("alerts.email.shop", { shop: alert.shop }),
    ...(alert.channel ? [t("alerts.email.channel", { channel: channelLabel(alert.channel, locale) })] : []),
    t("alerts.email.opened", { at: at(alert.openedAt) }),
    ...(alert.resolvedAt ? [t("alerts.email.resolved", { at: at(alert.resolvedAt) })] : []),
    timeZone ? t("alerts.email.timeZone", { zone: timeZone }) : t("alerts.email.timeZoneUtc"),
    ...(base ? [t("alerts.email.link", { url: `${base}/app/alerts` })] : []),
  ];
  return { ...described, subject, text: lines.join("\n"), items, moreItems: concerned.more };
}

/** The webhook's `ballast.alert`: the machine fields as before, and the words beside them. */
export function webhookAlert(alert: NoticeAlert, notice: AlertNotice, locale: Locale) {
  return {
    id: alert.id,
    shop: alert.shop,
    channel: alert.channel,
    kind: alert.kind,
    severity: alert.severity,
    details: alert.details,
    openedAt: alert.openedAt.toISOString(),
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    locale,
    title: notice.title,
    meaning: notice.meaning,
    action: notice.action,
    facts: notice.facts,
    suggestedAction: notice.suggestedAction,
    items: notice.items,
    moreItems: notice.moreItems,
  };
}

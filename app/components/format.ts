import { CHANNEL_NAMES, type ChannelId } from "~/domain";
import type { Locale } from "~/i18n";

/**
 * Display helpers shared by the pages. Times: `formatDateTime` (pure, in app/i18n so the
 * worker's alert emails share it) takes the shop's time zone; pages get it through
 * useDateTime() (~/components/use-date-time), which passes the layout's zone.
 */
export { formatDateTime } from "~/i18n/date-time";

export function channelName(channel: string, locale: Locale): string {
  return channel in CHANNEL_NAMES ? CHANNEL_NAMES[channel as ChannelId][locale] : channel;
}

export function formatDuration(ms: number | null | undefined, locale: Locale): string {
  if (ms === null || ms === undefined) return "—";
  const number = (value: number, digits: number) =>
    new Intl.NumberFormat(locale === "fr" ? "fr-FR" : "en-US", { maximumFractionDigits: digits }).format(value);
  const seconds = ms / 1000;
  if (seconds < 1) return `${number(ms, 0)} ms`;
  if (seconds < 120) return `${number(seconds, 1)} s`;
  const minutes = seconds / 60;
  if (minutes < 120) return `${number(minutes, 1)} min`;
  return `${number(minutes / 60, 1)} h`;
}

/** A number of days in words: "90 days", "90 jours", "1 day". */
export function formatDays(days: number, locale: Locale): string {
  return new Intl.NumberFormat(locale === "fr" ? "fr-FR" : "en-US", {
    style: "unit",
    unit: "day",
    unitDisplay: "long",
  }).format(days);
}

export function formatNumber(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale === "fr" ? "fr-FR" : "en-US").format(value);
}

/** An amount in the shop's currency when known (ISO code), else a plain number with two decimals. */
export function formatMoney(value: number, currency: string | null, locale: Locale): string {
  const tag = locale === "fr" ? "fr-FR" : "en-US";
  if (currency) {
    try {
      return new Intl.NumberFormat(tag, { style: "currency", currency }).format(value);
    } catch {
      // an unknown code: fall through to the plain number
    }
  }
  return new Intl.NumberFormat(tag, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
}

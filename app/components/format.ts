import { CHANNEL_NAMES, type ChannelId } from "~/domain";
import type { Locale } from "~/i18n";

/**
 * Display helpers shared by the pages. Times are shown in the shop's time zone where the
 * page knows it (app/web/shop-profile.server.ts), else in UTC, the zone written out
 * either way: the server renders the page and cannot know the browser's zone, and a
 * number that changed on hydration would be worse than an explicit zone.
 */
export function channelName(channel: string, locale: Locale): string {
  return channel in CHANNEL_NAMES ? CHANNEL_NAMES[channel as ChannelId][locale] : channel;
}

export function formatDateTime(iso: string | null | undefined, locale: Locale, timeZone?: string | null): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (timeZone) {
    // The shop's own zone (Shopify's ianaTimezone), named in the text; an unknown zone falls back to UTC.
    try {
      return new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-GB", {
        timeZone,
        timeZoneName: "short",
        year: "numeric",
        month: "short",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
      }).format(date);
    } catch {
      // fall through to UTC
    }
  }
  const text = new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-GB", {
    timeZone: "UTC",
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).format(date);
  return `${text} UTC`;
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

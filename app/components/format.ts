import { CHANNEL_NAMES, type ChannelId } from "~/domain";
import type { Locale } from "~/i18n";

/**
 * Display helpers shared by the pages. Times are shown in UTC with the zone written out:
 * the server renders the page and cannot know the browser's zone, and a number that
 * changed on hydration would be worse than an explicit zone.
 */
export function channelName(channel: string, locale: Locale): string {
  return channel in CHANNEL_NAMES ? CHANNEL_NAMES[channel as ChannelId][locale] : channel;
}

export function formatDateTime(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return "—";
  const date = new Date(iso);
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

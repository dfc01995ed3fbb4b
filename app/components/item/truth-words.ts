import type { ChannelId } from "~/domain";
import { formatNumber } from "~/components/format";
import type { MessageKey } from "~/i18n";
import type { Locale } from "~/i18n";
import { plainDuration } from "./plain-explanation";

type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

/**
 * A channel's stored number as the merchant reads it: a quantity, or Google's state
 * ("In stock, ads paused near sell-out"), never Google's code (app/channels/item-value.ts).
 */
export function channelValue(channel: ChannelId, value: number | null, t: Translate, locale: Locale): string {
  if (value === null) return t("items.notKnown");
  if (channel === "google" && value >= 0 && value <= 2) return t(`item.google.${value}` as MessageKey);
  return formatNumber(value, locale);
}

/** "3 minutes ago" from the server's clock at render (the loader's `nowMs`), so the page reads the same after hydration. */
export function agoText(iso: string | null, nowMs: number, t: Translate, locale: Locale): string {
  if (!iso) return "";
  return t("item.ago", { duration: plainDuration(Math.max(0, nowMs - Date.parse(iso)), locale) });
}

export function durationSince(iso: string | null, nowMs: number, locale: Locale): string {
  return iso ? plainDuration(Math.max(0, nowMs - Date.parse(iso)), locale) : "";
}

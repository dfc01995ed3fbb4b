/**
 * Merchant-facing text in English and French. Pure and isomorphic: the server picks
 * the locale (Shopify admin passes `locale` to embedded apps), the browser renders.
 */
import en from "~/locales/en.json";
import fr from "~/locales/fr.json";

import { LOCALES, type Locale } from "~/domain/channels";

export { LOCALES, type Locale };
export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

// French must define every English key: the compiler checks it here.
const catalogs: Record<Locale, Messages> = { en, fr: fr satisfies Messages };

/** "fr-CA" → "fr"; anything unsupported → "en". */
export function resolveLocale(requested: string | null | undefined): Locale {
  const language = requested?.toLowerCase().split(/[-_]/)[0];
  return LOCALES.find((locale) => locale === language) ?? "en";
}

export function messagesFor(locale: Locale): Messages {
  return catalogs[locale];
}

/** Replaces `{name}` placeholders; a missing value stays visible rather than vanishing. */
export function formatMessage(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

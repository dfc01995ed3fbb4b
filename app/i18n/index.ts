/**
 * Merchant-facing text in English and French. Pure and isomorphic: the server picks
 * the locale (Shopify admin passes `locale` to embedded apps), the browser renders.
 * Each locale is split by area (app/locales/<locale>/<area>.json) so pages grow their own
 * files; keys stay flat and unique across areas.
 */
import enCommon from "~/locales/en/common.json";
import enAlerts from "~/locales/en/alerts.json";
import enItems from "~/locales/en/items.json";
import enSettings from "~/locales/en/settings.json";
import enConfirm from "~/locales/en/confirm.json";
import enRetention from "~/locales/en/retention.json";
import enRehearsal from "~/locales/en/rehearsal.json";
import frCommon from "~/locales/fr/common.json";
import frAlerts from "~/locales/fr/alerts.json";
import frItems from "~/locales/fr/items.json";
import frSettings from "~/locales/fr/settings.json";
import frConfirm from "~/locales/fr/confirm.json";
import frRetention from "~/locales/fr/retention.json";
import frRehearsal from "~/locales/fr/rehearsal.json";

import { LOCALES, type Locale } from "~/domain/channels";

export { LOCALES, type Locale };

const en = { ...enCommon, ...enAlerts, ...enItems, ...enSettings, ...enConfirm, ...enRetention, ...enRehearsal };
export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

// French must define every English key: the compiler checks it here.
const fr = {
  ...frCommon,
  ...frAlerts,
  ...frItems,
  ...frSettings,
  ...frConfirm,
  ...frRetention,
  ...frRehearsal,
} satisfies Messages;
const catalogs: Record<Locale, Messages> = { en, fr };

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

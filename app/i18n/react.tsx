import { createContext, useCallback, useContext, type ReactNode } from "react";
import { formatMessage, messagesFor, type Locale, type MessageKey } from "./index";

const LocaleContext = createContext<Locale>("en");
/** The shop's IANA time zone (Shopify's `ianaTimezone`); null: times are shown in UTC, said so. */
const TimeZoneContext = createContext<string | null>(null);

export function I18nProvider({
  locale,
  timeZone = null,
  children,
}: {
  locale: Locale;
  timeZone?: string | null;
  children: ReactNode;
}) {
  return (
    <LocaleContext.Provider value={locale}>
      <TimeZoneContext.Provider value={timeZone}>{children}</TimeZoneContext.Provider>
    </LocaleContext.Provider>
  );
}

export function useShopTimeZone(): string | null {
  return useContext(TimeZoneContext);
}

export function useLocale(): Locale {
  return useContext(LocaleContext);
}

/** `const t = useT(); t("nav.overview")` */
export function useT() {
  const locale = useLocale();
  return useCallback(
    (key: MessageKey, values?: Record<string, string | number>) => formatMessage(messagesFor(locale)[key], values),
    [locale],
  );
}

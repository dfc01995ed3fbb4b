import { createContext, useCallback, useContext, type ReactNode } from "react";
import { formatMessage, messagesFor, type Locale, type MessageKey } from "./index";

const LocaleContext = createContext<Locale>("en");

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return <LocaleContext.Provider value={locale}>{children}</LocaleContext.Provider>;
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

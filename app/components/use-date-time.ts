import { useCallback } from "react";
import { useLocale, useShopTimeZone } from "~/i18n/react";
import { formatDateTime } from "./format";

/** `const at = useDateTime(); at(iso)`: a time in the shop's zone and the page's language. */
export function useDateTime(): (iso: string | null | undefined) => string {
  const locale = useLocale();
  const timeZone = useShopTimeZone();
  return useCallback((iso) => formatDateTime(iso, locale, timeZone), [locale, timeZone]);
}

import { Text } from "@shopify/polaris";
import { useLocale, useT } from "~/i18n/react";
import { formatDays } from "~/components/format";

/** How far back the log (and so its export) goes: entries older than this are deleted. */
export function ActivityRetentionNote({ days }: { days: number }) {
  const t = useT();
  return (
    <Text as="p" tone="subdued">
      {t("retention.activity.note", { period: formatDays(days, useLocale()) })}
    </Text>
  );
}

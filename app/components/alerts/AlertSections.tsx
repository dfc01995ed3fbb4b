import { Badge, BlockStack, Box, Button, InlineStack, ResourceItem, Select, Text } from "@shopify/polaris";
import { CHANNELS } from "~/domain";
import type { AlertView } from "~/web/alerts.server";
import { channelName, formatDateTime } from "~/components/format";
import type { MessageKey } from "~/i18n";
import { messagesFor } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { ListOrEmpty } from "~/components/ListOrEmpty";

const TONE: Record<string, "critical" | "warning" | "info"> = {
  critical: "critical",
  warning: "warning",
  info: "info",
};

/** Status, severity and channel filters, kept in the URL. */
export function AlertFilters({ params, set }: { params: URLSearchParams; set: (key: string, value: string) => void }) {
  const t = useT();
  const locale = useLocale();
  return (
    <Box padding="400">
      <InlineStack gap="300">
        <Select
          label={t("alerts.filter.status")}
          options={(["open", "acknowledged", "resolved", "all"] as const).map((value) => ({
            label: t(`alerts.status.${value}`),
            value,
          }))}
          value={params.get("status") ?? "open"}
          onChange={(value) => set("status", value)}
        />
        <Select
          label={t("alerts.filter.severity")}
          options={[
            { label: t("alerts.any"), value: "" },
            ...(["critical", "warning", "info"] as const).map((value) => ({
              label: t(`alerts.severity.${value}`),
              value,
            })),
          ]}
          value={params.get("severity") ?? ""}
          onChange={(value) => set("severity", value)}
        />
        <Select
          label={t("alerts.filter.channel")}
          options={[
            { label: t("alerts.any"), value: "" },
            ...CHANNELS.map((value) => ({ label: channelName(value, locale), value })),
          ]}
          value={params.get("channel") ?? ""}
          onChange={(value) => set("channel", value)}
        />
      </InlineStack>
    </Box>
  );
}

/** The alert kind's name and description in the page's language, where the locale has them. */
function useAlertTexts() {
  const t = useT();
  const locale = useLocale();
  const known = (key: string) => key in messagesFor(locale);
  return {
    kindText: (kind: string) => (known(`alerts.kind.${kind}`) ? t(`alerts.kind.${kind}` as MessageKey) : kind),
    /** What the alert means and what to do, in plain words, where the kind has it. */
    descriptionText: (kind: string) =>
      known(`alerts.description.${kind}`) ? t(`alerts.description.${kind}` as MessageKey) : null,
  };
}

/** When the alert opened, and was acknowledged or resolved. */
function AlertTimes({ alert }: { alert: AlertView }) {
  const t = useT();
  const locale = useLocale();
  return (
    <Text as="p" tone="subdued" variant="bodySm">
      {t("alerts.opened", { at: formatDateTime(alert.openedAt, locale) })}
      {alert.acknowledgedAt
        ? ` · ${t("alerts.acknowledgedAt", { at: formatDateTime(alert.acknowledgedAt, locale) })}`
        : ""}
      {alert.resolvedAt ? ` · ${t("alerts.resolvedAt", { at: formatDateTime(alert.resolvedAt, locale) })}` : ""}
    </Text>
  );
}

function AlertItem({ alert, onAcknowledge }: { alert: AlertView; onAcknowledge: (id: string) => void }) {
  const t = useT();
  const locale = useLocale();
  const { kindText, descriptionText } = useAlertTexts();
  return (
    <ResourceItem id={alert.id} onClick={() => undefined} accessibilityLabel={kindText(alert.kind)}>
      <InlineStack align="space-between" blockAlign="center" wrap={false} gap="400">
        <BlockStack gap="100">
          <InlineStack gap="200" blockAlign="center">
            <Badge tone={TONE[alert.severity]}>
              {t(`alerts.severity.${alert.severity in TONE ? alert.severity : "info"}` as MessageKey)}
            </Badge>
            <Text as="span" fontWeight="semibold">
              {kindText(alert.kind)}
            </Text>
            {alert.channel ? <Text as="span">{channelName(alert.channel, locale)}</Text> : null}
          </InlineStack>
          {descriptionText(alert.kind) ? (
            <Text as="p" breakWord>
              {descriptionText(alert.kind)}
            </Text>
          ) : null}
          {alert.details ? (
            <Text as="p" tone="subdued" variant="bodySm" breakWord>
              {Object.entries(alert.details as Record<string, unknown>)
                .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
                .join(" · ")}
            </Text>
          ) : null}
          <AlertTimes alert={alert} />
        </BlockStack>
        {!alert.acknowledgedAt && !alert.resolvedAt ? (
          <Button onClick={() => onAcknowledge(alert.id)}>{t("alerts.acknowledge")}</Button>
        ) : null}
      </InlineStack>
    </ResourceItem>
  );
}

/** The alerts that match the filters, or "none". */
export function AlertList({ alerts, onAcknowledge }: { alerts: AlertView[]; onAcknowledge: (id: string) => void }) {
  const t = useT();
  return (
    <ListOrEmpty
      items={alerts}
      empty={t("alerts.empty")}
      resourceName={{ singular: t("alerts.alert"), plural: t("alerts.alerts") }}
      renderItem={(alert) => <AlertItem alert={alert} onAcknowledge={onAcknowledge} />}
    />
  );
}

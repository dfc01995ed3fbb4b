import { Banner, BlockStack, Box, Card, InlineStack, Modal, Select, Text } from "@shopify/polaris";
import { CHANNELS } from "~/domain";
import type { AlertView, AlertsPageResult } from "~/web/alerts.server";
import { channelName } from "~/components/format";
import { useLocale, useT } from "~/i18n/react";
import { AlertCard, type AlertActions } from "./AlertCard";

/** Status, severity and channel filters, kept in the URL. */
export function AlertFilters({ params, set }: { params: URLSearchParams; set: (key: string, value: string) => void }) {
  const t = useT();
  const locale = useLocale();
  return (
    <Card>
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
    </Card>
  );
}

/** The alerts that match the filters, one card each, or "none". */
export function AlertList({ alerts, actions }: { alerts: AlertView[]; actions: AlertActions }) {
  const t = useT();
  if (alerts.length === 0)
    return (
      <Card>
        <Box>
          <Text as="p" tone="subdued">
            {t("alerts.empty")}
          </Text>
        </Box>
      </Card>
    );
  return (
    <BlockStack gap="400">
      {alerts.map((alert) => (
        <AlertCard key={alert.id} alert={alert} actions={actions} />
      ))}
    </BlockStack>
  );
}

/** Asked before pausing: what the channel will show, and that only a resume undoes it. */
export function PauseChannelModal(props: { channel: string | null; onCancel: () => void; onConfirm: () => void }) {
  const t = useT();
  const locale = useLocale();
  const name = props.channel ? channelName(props.channel, locale) : "";
  return (
    <Modal
      open={props.channel !== null}
      onClose={props.onCancel}
      title={t("alerts.pause.title", { channel: name })}
      primaryAction={{
        content: t("alerts.pause.confirm", { channel: name }),
        destructive: true,
        onAction: props.onConfirm,
      }}
      secondaryActions={[{ content: t("alerts.cancel"), onAction: props.onCancel }]}
    >
      <Modal.Section>
        <Text as="p">
          {props.channel === "online_store"
            ? t("alerts.pause.body.online_store")
            : t("alerts.pause.body", { channel: name })}
        </Text>
      </Modal.Section>
    </Modal>
  );
}

/** What the last button did: resync started, channel paused, or why it could not be. */
export function AlertsFeedback({ result }: { result: AlertsPageResult | undefined }) {
  const t = useT();
  const locale = useLocale();
  if (!result || result.intent === "acknowledge") return null;
  if (result.intent === "resync") return <Banner tone="success">{t("alerts.done.resync")}</Banner>;
  const channel = result.channel ? channelName(result.channel, locale) : "";
  if (result.ok) return <Banner tone="success">{t("alerts.done.pause", { channel })}</Banner>;
  return <Banner tone="critical">{t(`alerts.failed.${result.error}`, { channel })}</Banner>;
}

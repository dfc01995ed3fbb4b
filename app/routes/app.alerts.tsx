import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate, useSearchParams, useSubmit } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, InlineStack, Page, ResourceItem, ResourceList, Select, Text } from "@shopify/polaris";
import { CHANNELS } from "~/domain";
import { acknowledgeAlert, alertFilterSchema, listAlerts } from "~/web/alerts.server";
import { pageContext } from "~/web/context.server";
import { channelName, formatDateTime } from "~/components/format";
import type { MessageKey } from "~/i18n";
import { messagesFor } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, database } = await pageContext(request);
  const query = Object.fromEntries(new URL(request.url).searchParams);
  const filter = alertFilterSchema.safeParse({ status: query.status, severity: query.severity || undefined, channel: query.channel || undefined });
  const alerts = await listAlerts(database, shop, filter.success ? filter.data : alertFilterSchema.parse({}));
  return { alerts };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, database } = await pageContext(request);
  const form = await request.formData();
  const ok = await acknowledgeAlert(database, shop, String(form.get("id") ?? ""), Date.now());
  return { ok };
};

const TONE: Record<string, "critical" | "warning" | "info"> = { critical: "critical", warning: "warning", info: "info" };

export default function Alerts() {
  const { alerts } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const submit = useSubmit();
  const t = useT();
  const locale = useLocale();
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    navigate(`/app/alerts?${next.toString()}`);
  };
  const kindText = (kind: string) => {
    const key = `alerts.kind.${kind}`;
    return key in messagesFor(locale) ? t(key as MessageKey) : kind;
  };
  /** What the alert means and what to do, in plain words, where the kind has it. */
  const descriptionText = (kind: string) => {
    const key = `alerts.description.${kind}`;
    return key in messagesFor(locale) ? t(key as MessageKey) : null;
  };

  return (
    <Page title={t("alerts.title")} subtitle={t("alerts.subtitle")}>
      <Card padding="0">
        <Box padding="400">
          <InlineStack gap="300">
            <Select
              label={t("alerts.filter.status")}
              options={(["open", "acknowledged", "resolved", "all"] as const).map((value) => ({ label: t(`alerts.status.${value}`), value }))}
              value={params.get("status") ?? "open"}
              onChange={(value) => set("status", value)}
            />
            <Select
              label={t("alerts.filter.severity")}
              options={[{ label: t("alerts.any"), value: "" }, ...(["critical", "warning", "info"] as const).map((value) => ({ label: t(`alerts.severity.${value}`), value }))]}
              value={params.get("severity") ?? ""}
              onChange={(value) => set("severity", value)}
            />
            <Select
              label={t("alerts.filter.channel")}
              options={[{ label: t("alerts.any"), value: "" }, ...CHANNELS.map((value) => ({ label: channelName(value, locale), value }))]}
              value={params.get("channel") ?? ""}
              onChange={(value) => set("channel", value)}
            />
          </InlineStack>
        </Box>
        {alerts.length === 0 ? (
          <Box padding="400">
            <Text as="p" tone="subdued">
              {t("alerts.empty")}
            </Text>
          </Box>
        ) : (
          <ResourceList
            items={alerts}
            resourceName={{ singular: t("alerts.alert"), plural: t("alerts.alerts") }}
            renderItem={(alert) => (
              <ResourceItem id={alert.id} onClick={() => undefined} accessibilityLabel={kindText(alert.kind)}>
                <InlineStack align="space-between" blockAlign="center" wrap={false} gap="400">
                  <BlockStack gap="100">
                    <InlineStack gap="200" blockAlign="center">
                      <Badge tone={TONE[alert.severity]}>{t(`alerts.severity.${alert.severity in TONE ? alert.severity : "info"}` as MessageKey)}</Badge>
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
                    <Text as="p" tone="subdued" variant="bodySm">
                      {t("alerts.opened", { at: formatDateTime(alert.openedAt, locale) })}
                      {alert.acknowledgedAt ? ` · ${t("alerts.acknowledgedAt", { at: formatDateTime(alert.acknowledgedAt, locale) })}` : ""}
                      {alert.resolvedAt ? ` · ${t("alerts.resolvedAt", { at: formatDateTime(alert.resolvedAt, locale) })}` : ""}
                    </Text>
                  </BlockStack>
                  {!alert.acknowledgedAt && !alert.resolvedAt ? (
                    <Button onClick={() => submit({ id: alert.id }, { method: "post" })}>{t("alerts.acknowledge")}</Button>
                  ) : null}
                </InlineStack>
              </ResourceItem>
            )}
          />
        )}
      </Card>
    </Page>
  );
}

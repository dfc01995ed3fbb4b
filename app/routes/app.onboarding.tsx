import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, Divider, InlineStack, Layout, List, Page, Text } from "@shopify/polaris";
import { channelIdSchema, type ChannelId } from "~/domain";
import { pageContext } from "~/web/context.server";
import { activateChannel, observeChannel } from "~/web/activation.server";
import { finishOnboarding, loadOnboarding, type ChannelPreview } from "~/web/onboarding.server";
import { shopProfile } from "~/web/shop-profile.server";
import { releaseStrandedHolds, strandedHolds } from "~/web/stranded.server";
import { ModeBadge, OnlineStoreActivationModal } from "~/components/ChannelMode";
import { StrandedHoldsBanner } from "~/components/StrandedHoldsBanner";
import { OperationProgress } from "~/components/OperationProgress";
import { channelName, formatDateTime, formatMoney, formatNumber } from "~/components/format";
import type { MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, database, accessToken } = await pageContext(request);
  const profile = await shopProfile(shop, accessToken);
  const [data, stranded] = await Promise.all([loadOnboarding(database, shop, Date.now(), profile), strandedHolds(database, shop, accessToken)]);
  return { ...data, stranded };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, database } = await pageContext(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const nowMs = Date.now();
  if (intent === "finish") {
    await finishOnboarding(database, shop, nowMs);
    return redirect("/app");
  }
  if (intent === "releaseStranded") {
    await releaseStrandedHolds(database, shop, nowMs);
    return { intent, ok: true as const, channel: null };
  }
  const channel = channelIdSchema.safeParse(form.get("channel"));
  if (!channel.success || (intent !== "activate" && intent !== "observe")) return { intent, ok: false as const, channel: null, code: "invalid" as const };
  const change = { shop, channel: channel.data, source: "admin" as const, nowMs };
  const result = intent === "activate" ? await activateChannel(database, change) : await observeChannel(database, change);
  return result.ok ? { intent, ok: true as const, channel: channel.data } : { intent, ok: false as const, channel: channel.data, code: result.error.code };
};

function PreviewFigures({ preview, currency, connected }: { preview: ChannelPreview; currency: string | null; connected: boolean }) {
  const t = useT();
  const locale = useLocale();
  const name = channelName(preview.channel, locale);
  if (preview.items === 0) {
    return (
      <Text as="p" tone="subdued">
        {t("onboarding.preview.noItems")}
      </Text>
    );
  }
  // "1 item" / "2 items": the one-form key when the count is 1.
  const plural = (key: MessageKey, count: number, values: Record<string, string | number> = {}) =>
    t((count === 1 ? `${key}.one` : key) as MessageKey, { ...values, count: formatNumber(count, locale) });
  const amount = formatMoney(preview.withheldValue, currency, locale);
  const figures = {
    units: formatNumber(preview.withheldUnits, locale),
    sellable: formatNumber(preview.sellableUnits, locale),
    items: t(preview.items === 1 ? "onboarding.items.one" : "onboarding.items.other", { count: formatNumber(preview.items, locale) }),
    value: currency ? t("onboarding.value", { amount }) : t("onboarding.valueNoCurrency", { amount }),
  };
  return (
    <BlockStack gap="200">
      <Text as="p" variant="bodyLg" fontWeight="semibold">
        <span data-testid={`preview-withheld-${preview.channel}`}>
          {t(`onboarding.preview.${preview.withheldUnits > 0 ? "withheld" : "withheldNone"}.${preview.channel}` as MessageKey, figures)}
        </span>
      </Text>
      {preview.zeroItems > 0 ? (
        <BlockStack gap="100">
          <Text as="p">{plural(preview.channel === "google" ? "onboarding.preview.zero.google" : "onboarding.preview.zero", preview.zeroItems, { channel: name })}</Text>
          <List type="bullet">
            {preview.zeroExamples.map((example, index) => (
              <List.Item key={index}>{t("onboarding.preview.example", { title: example.title, sellable: formatNumber(example.sellable, locale) })}</List.Item>
            ))}
          </List>
        </BlockStack>
      ) : (
        <Text as="p">{t("onboarding.preview.zeroNone")}</Text>
      )}
      {preview.adsPausedItems > 0 ? <Text as="p">{plural("onboarding.preview.adsPaused", preview.adsPausedItems)}</Text> : null}
      {preview.source === "engine" && preview.channel !== "online_store" ? (
        <Text as="p" tone="subdued" variant="bodySm">
          {t(connected ? "onboarding.preview.computing" : "onboarding.preview.estimate")}
        </Text>
      ) : null}
    </BlockStack>
  );
}

export default function Onboarding() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const t = useT();
  const locale = useLocale();
  const [confirmOnlineStore, setConfirmOnlineStore] = useState(false);
  const busy = navigation.state !== "idle";
  const post = (values: Record<string, string>) => submit(values, { method: "post" });
  const allObserving = data.channels.every((channel) => channel.mode === "observing");
  const onlineStorePreview = data.previews.find((preview) => preview.channel === "online_store");
  const running = data.operations.filter((operation) => operation.state === "queued" || operation.state === "running");

  const doneText = (channel: ChannelId, intent: string) =>
    intent === "activate"
      ? channel === "online_store"
        ? t("onboarding.done.activateOnlineStore")
        : t("onboarding.done.activate", { channel: channelName(channel, locale) })
      : t("onboarding.done.observe", { channel: channelName(channel, locale) });

  return (
    <Page
      title={t("onboarding.title")}
      primaryAction={{ content: t("onboarding.finish"), onAction: () => post({ intent: "finish" }), loading: busy && navigation.formData?.get("intent") === "finish" }}
    >
      <Layout>
        {actionData && actionData.ok && actionData.channel ? (
          <Layout.Section>
            <Banner tone="success" title={doneText(actionData.channel, actionData.intent)} />
          </Layout.Section>
        ) : null}
        {actionData && actionData.ok && actionData.intent === "releaseStranded" ? (
          <Layout.Section>
            <Banner tone="success" title={t("stranded.done")} />
          </Layout.Section>
        ) : null}
        {actionData && !actionData.ok ? (
          <Layout.Section>
            <Banner tone="critical" title={t("onboarding.failed")}>
              <p>{actionData.channel ? t("onboarding.notConnected", { channel: channelName(actionData.channel, locale) }) : t("onboarding.failed")}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {data.stranded ? (
          <Layout.Section>
            <StrandedHoldsBanner stranded={data.stranded} onRelease={() => post({ intent: "releaseStranded" })} loading={busy} />
          </Layout.Section>
        ) : null}
        {allObserving && !data.stranded ? (
          <Layout.Section>
            <Banner tone="info" title={t("onboarding.observingBanner")} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {t("onboarding.what.title")}
              </Text>
              <Text as="p">{t("onboarding.what.1")}</Text>
              <Text as="p">{t("onboarding.what.2")}</Text>
              <Text as="p">{t("onboarding.what.3")}</Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("onboarding.connections.title")}
              </Text>
              {data.channels.map((channel, index) => (
                <BlockStack key={channel.channel} gap="200">
                  {index > 0 ? <Divider /> : null}
                  <InlineStack align="space-between" blockAlign="center" gap="200">
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="h3" variant="headingSm">
                        {channelName(channel.channel, locale)}
                      </Text>
                      <ModeBadge mode={channel.mode} />
                      {channel.connected ? null : <Badge>{t("state.not_connected")}</Badge>}
                    </InlineStack>
                    {channel.channel !== "online_store" && !channel.connected ? <Link to="/app/channels">{t("onboarding.connections.link")}</Link> : null}
                  </InlineStack>
                  <Text as="p" tone="subdued">
                    {channel.channel === "online_store"
                      ? t("onboarding.connections.online_store")
                      : channel.connected
                        ? t("onboarding.connections.connected")
                        : t("onboarding.connections.notConnected")}
                  </Text>
                </BlockStack>
              ))}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="300">
            <BlockStack gap="100">
              <Text as="h2" variant="headingLg">
                {t("onboarding.preview.title")}
              </Text>
              <Text as="p" tone="subdued">
                {t("onboarding.preview.intro")}
              </Text>
            </BlockStack>
            {running.length > 0 ? (
              <Card>
                <BlockStack gap="300">
                  {running.map((operation) => (
                    <OperationProgress key={operation.id} operation={operation} />
                  ))}
                </BlockStack>
              </Card>
            ) : null}
            {!data.firstReadDone ? (
              <Banner tone="info">
                <p>{t("onboarding.preview.reading")}</p>
              </Banner>
            ) : null}
            {data.previews.map((preview) => {
              const view = data.channels.find((channel) => channel.channel === preview.channel)!;
              const name = channelName(preview.channel, locale);
              return (
                <Card key={preview.channel}>
                  <BlockStack gap="300">
                    <InlineStack align="space-between" blockAlign="center">
                      <InlineStack gap="200" blockAlign="center">
                        <Text as="h3" variant="headingMd">
                          {name}
                        </Text>
                        <ModeBadge mode={preview.mode} />
                      </InlineStack>
                      {preview.activatedAt ? (
                        <Text as="span" tone="subdued" variant="bodySm">
                          {t("onboarding.activeSince", { at: formatDateTime(preview.activatedAt, locale, data.timeZone) })}
                        </Text>
                      ) : null}
                    </InlineStack>
                    <PreviewFigures preview={preview} currency={data.currency} connected={view.connected} />
                    <Text as="p" tone="subdued">
                      {t(`onboarding.preview.why.${preview.channel}` as MessageKey)}
                    </Text>
                    {preview.channel === "online_store" ? (
                      <Text as="p" tone="subdued">
                        {data.thinStockUnits > 0 ? t("onboarding.thinStock", { units: formatNumber(data.thinStockUnits, locale) }) : t("onboarding.thinStockOff")}{" "}
                        <Link to="/app/channels/online_store">{t("onboarding.thinStockLink")}</Link>
                      </Text>
                    ) : null}
                    <Box>
                      {preview.mode === "active" ? (
                        preview.channel === "online_store" ? (
                          // Back to observe on the Online Store releases holds: confirmed on the Channels page.
                          <Link to="/app/channels">{t("channels.observeOnlineStore")}</Link>
                        ) : (
                          <Button onClick={() => post({ intent: "observe", channel: preview.channel })} disabled={busy}>
                            {t("channels.observe")}
                          </Button>
                        )
                      ) : preview.channel === "online_store" ? (
                        <Button variant="primary" onClick={() => setConfirmOnlineStore(true)} disabled={busy}>
                          {t("onboarding.activateOnlineStore")}
                        </Button>
                      ) : view.connected ? (
                        <Button variant="primary" onClick={() => post({ intent: "activate", channel: preview.channel })} disabled={busy}>
                          {t("onboarding.activate", { channel: name })}
                        </Button>
                      ) : (
                        <Button url="/app/channels">{t("onboarding.connectFirst", { channel: name })}</Button>
                      )}
                    </Box>
                  </BlockStack>
                </Card>
              );
            })}
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <InlineStack align="space-between" blockAlign="center" gap="300">
              <Box maxWidth="70%">
                <Text as="p" tone="subdued">
                  {t("onboarding.finishHelp")}
                </Text>
              </Box>
              <Button variant="primary" onClick={() => post({ intent: "finish" })} disabled={busy}>
                {t("onboarding.finish")}
              </Button>
            </InlineStack>
          </Card>
        </Layout.Section>
      </Layout>
      <OnlineStoreActivationModal
        open={confirmOnlineStore}
        units={onlineStorePreview?.withheldUnits ?? null}
        thinStockUnits={data.thinStockUnits}
        loading={busy}
        onClose={() => setConfirmOnlineStore(false)}
        onConfirm={() => {
          setConfirmOnlineStore(false);
          post({ intent: "activate", channel: "online_store" });
        }}
      />
    </Page>
  );
}

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useEffect } from "react";
import { Link, useActionData, useLoaderData, useNavigation, useRevalidator, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Card, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { pageContext } from "~/web/context.server";
import { loadOverview } from "~/web/overview.server";
import { channelModes } from "~/web/activation.server";
import { needsOnboarding } from "~/web/onboarding.server";
import { releaseStrandedHolds, strandedHolds } from "~/web/stranded.server";
import { ModeBadge } from "~/components/ChannelMode";
import { StrandedHoldsBanner } from "~/components/StrandedHoldsBanner";
import { LagDriftChart } from "~/components/LagDriftChart";
import { OperationProgress } from "~/components/OperationProgress";
import { StateBadge } from "~/components/StateBadge";
import { channelName, formatDateTime, formatDuration, formatNumber } from "~/components/format";
import { DataTable } from "~/components/DataTable";
import { useLocale, useT } from "~/i18n/react";
import { Explained } from "~/components/Explained";

export const links = () => [{ rel: "stylesheet", href: vizStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, database, accessToken } = await pageContext(request);
  // A fresh install (or one that never finished onboarding) starts on the onboarding page.
  if (await needsOnboarding(database, shop)) throw redirect(`/app/onboarding${new URL(request.url).search}`);
  const [overview, modes, stranded] = await Promise.all([loadOverview(database, shop, Date.now()), channelModes(database, shop), strandedHolds(database, shop, accessToken)]);
  return { ...overview, modes, stranded };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, database } = await pageContext(request);
  const form = await request.formData();
  if (form.get("intent") !== "releaseStranded") return { ok: false as const };
  await releaseStrandedHolds(database, shop, Date.now());
  return { ok: true as const };
};

export default function Overview() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const rows = data.channels.map((channel) => [
    channelName(channel.channel, locale),
    channel.connected && data.modes[channel.channel].mode === "observing" ? <ModeBadge key="state" mode="observing" /> : <StateBadge key="state" state={channel.state} />,
    formatDateTime(channel.lastPushAt, locale),
    channel.lag.samples === 0
      ? t("overview.noSamples")
      : t("overview.lagValue", {
          p50: formatDuration(channel.lag.p50Ms, locale),
          p95: formatDuration(channel.lag.p95Ms, locale),
          samples: formatNumber(channel.lag.samples, locale),
        }),
    channel.channel === "online_store"
      ? t("overview.driftNotChecked")
      : channel.confirmed === 0 && channel.drift === 0
      ? t("overview.noReadBack")
      : t("overview.driftValue", { drift: formatNumber(channel.drift, locale), confirmed: formatNumber(channel.confirmed, locale) }),
    t("overview.errorsValue", { errors: formatNumber(channel.errors, locale), parked: formatNumber(channel.parked, locale) }),
  ]);
  // The Online Store is Shopify's own pool, not read back for drift (app/monitor/drift.server.ts).
  const driftChannels = data.channels.filter((channel) => channel.channel !== "online_store" && (channel.confirmed > 0 || channel.drift > 0)).map((channel) => channel.channel);
  const running = data.operations.filter((operation) => operation.state === "queued" || operation.state === "running");
  const revalidator = useRevalidator();
  // Progress of long operations (the first catalogue read, resync, release holds): poll while one is pending.
  useEffect(() => {
    if (running.length === 0) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [running.length, revalidator]);

  const actionData = useActionData<typeof action>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const observing = data.channels.filter((channel) => channel.connected && data.modes[channel.channel].mode === "observing").length;

  return (
    <Page title={t("overview.title")}>
      <Layout>
        {actionData?.ok ? (
          <Layout.Section>
            <Banner tone="success" title={t("stranded.done")} />
          </Layout.Section>
        ) : data.stranded ? (
          <Layout.Section>
            <StrandedHoldsBanner stranded={data.stranded} onRelease={() => submit({ intent: "releaseStranded" }, { method: "post" })} loading={navigation.state !== "idle"} />
          </Layout.Section>
        ) : null}
        {observing > 0 ? (
          <Layout.Section>
            <Banner
              tone="info"
              title={t(observing === 1 ? "overview.observingBanner.one" : "overview.observingBanner", { count: formatNumber(observing, locale) })}
              action={{ content: t("overview.observingAction"), url: "/app/onboarding" }}
            >
              <p>{t(observing === 1 ? "overview.observingBody.one" : "overview.observingBody")}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {data.openAlerts.total > 0 ? (
          <Layout.Section>
            <Banner
              tone={data.openAlerts.critical > 0 ? "critical" : "warning"}
              title={t("overview.alertsBanner", { count: data.openAlerts.total })}
              action={{ content: t("overview.alertsBannerAction"), url: "/app/alerts" }}
            >
              <p>{t("overview.alertsBannerBody", { critical: data.openAlerts.critical, warning: data.openAlerts.warning })}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {running.length > 0 ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                {running.map((operation) => (
                  <OperationProgress key={operation.id} operation={operation} />
                ))}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  <Explained label={t("overview.prevented.title")} help={t("overview.prevented.definition")} />
                </Text>
                <InlineStack gap="800">
                  <BlockStack gap="100">
                    <Text as="p" variant="heading2xl">
                      {formatNumber(data.prevented.oversells, locale)}
                    </Text>
                    <Text as="p" tone="subdued">
                      {t("overview.prevented.oversells")}
                    </Text>
                  </BlockStack>
                  <BlockStack gap="100">
                    <Text as="p" variant="heading2xl">
                      {formatNumber(data.prevented.failedCheckouts, locale)}
                    </Text>
                    <Text as="p" tone="subdued">
                      {t("overview.prevented.failedCheckouts")}
                    </Text>
                  </BlockStack>
                </InlineStack>
                <Text as="p" tone="subdued" variant="bodySm">
                  {t("overview.prevented.examined", { count: formatNumber(data.prevented.selloutsExamined, locale) })}
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("overview.about")}
                </Text>
                <Text as="p">{t("overview.intro")}</Text>
                <Text as="p" tone="subdued">
                  {t("overview.example")}
                </Text>
                <Text as="p" tone="subdued" variant="bodySm">
                  {t("overview.items", { count: formatNumber(data.items, locale) })}
                </Text>
              </BlockStack>
            </Card>
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <DataTable
                label={t("overview.col.channel")}
              columnContentTypes={["text", "text", "text", "text", "text", "text"]}
              headings={[
                t("overview.col.channel"),
                t("overview.col.state"),
                <Explained key="push" label={t("overview.col.lastPush")} help={t("overview.help.lastPush")} />,
                <Explained key="lag" label={t("overview.col.lag")} help={t("overview.help.lag")} />,
                <Explained key="drift" label={t("overview.col.drift")} help={t("overview.help.drift")} />,
                <Explained key="errors" label={t("overview.col.errors")} help={t("overview.help.errors")} />,
              ]}
              rows={rows}
            />
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                <Explained label={t("overview.chart.title")} help={t("overview.chart.help")} />
              </Text>
              <LagDriftChart series={data.series} driftChannels={driftChannels} />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Text as="p" tone="subdued" variant="bodySm">
            <Link to="/app/activity">{t("overview.activityLink")}</Link>
          </Text>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

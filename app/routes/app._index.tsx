import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Layout, Page, Text } from "@shopify/polaris";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { pageContext } from "~/web/context.server";
import { loadOverview } from "~/web/overview.server";
import { channelModes } from "~/web/activation.server";
import { needsOnboarding } from "~/web/onboarding.server";
import { releaseStrandedHolds, strandedHolds } from "~/web/stranded.server";
import { isPending, OperationsCard } from "~/components/OperationProgress";
import { useKeptResult } from "~/components/use-kept-result";
import { useRevalidateWhile } from "~/components/use-revalidate-while";
import { ChannelHealthTable, LagDriftCard, observingConnected } from "~/components/overview/ChannelHealth";
import { ObservingSection, OpenAlertsSection, StrandedSection } from "~/components/overview/OverviewBanners";
import { SummaryCards } from "~/components/overview/SummaryCards";
import { useT } from "~/i18n/react";

export const links = () => [{ rel: "stylesheet", href: vizStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, database, accessToken } = await pageContext(request);
  // A fresh install (or one that never finished onboarding) starts on the onboarding page.
  if (await needsOnboarding(database, shop)) throw redirect(`/app/onboarding${new URL(request.url).search}`);
  const [overview, modes, stranded] = await Promise.all([
    loadOverview(database, shop, Date.now()),
    channelModes(database, shop),
    strandedHolds(database, shop, accessToken),
  ]);
  return { ...overview, modes, stranded };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, database, actor } = await pageContext(request);
  const form = await request.formData();
  if (form.get("intent") !== "releaseStranded") return { ok: false as const };
  await releaseStrandedHolds(database, shop, Date.now(), actor);
  return { ok: true as const };
};

export default function Overview() {
  const data = useLoaderData<typeof loader>();
  // Kept while the page reloads its data for a running operation (the release it just asked for).
  const [actionData] = useKeptResult(useActionData<typeof action>());
  const submit = useSubmit();
  const navigation = useNavigation();
  const t = useT();
  const running = data.operations.filter(isPending);
  useRevalidateWhile(running.length > 0);

  return (
    <Page title={t("overview.title")}>
      <Layout>
        <StrandedSection
          released={actionData?.ok ?? false}
          stranded={data.stranded}
          onRelease={() => submit({ intent: "releaseStranded" }, { method: "post" })}
          loading={navigation.state !== "idle"}
        />
        <ObservingSection
          observing={data.channels.filter((channel) => observingConnected(channel, data.modes)).length}
        />
        <OpenAlertsSection openAlerts={data.openAlerts} />
        {running.length > 0 ? (
          <Layout.Section>
            <OperationsCard operations={running} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <SummaryCards prevented={data.prevented} items={data.items} />
        </Layout.Section>
        <Layout.Section>
          <ChannelHealthTable channels={data.channels} modes={data.modes} />
        </Layout.Section>
        <Layout.Section>
          <LagDriftCard channels={data.channels} series={data.series} />
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

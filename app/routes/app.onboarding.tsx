import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Banner, Layout, Page } from "@shopify/polaris";
import { pageContext } from "~/web/context.server";
import { loadOnboarding, onboardingPageAction } from "~/web/onboarding.server";
import { shopProfile } from "~/web/shop-profile.server";
import { strandedHolds } from "~/web/stranded.server";
import { ChannelsConfirmation } from "~/components/channels/ChannelsConfirmation";
import type { ChannelsConfirm } from "~/components/channels/page";
import { StrandedHoldsBanner } from "~/components/StrandedHoldsBanner";
import { ChannelPreviews, FinishCard, type OnboardingActions } from "~/components/onboarding/ChannelPreviews";
import { ConnectionsCard, WhatBallastDoesCard } from "~/components/onboarding/ConnectionsCard";
import { OnboardingFeedback } from "~/components/onboarding/OnboardingFeedback";
import { useT } from "~/i18n/react";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, database, accessToken } = await pageContext(request);
  const { currency } = await shopProfile(database, shop, accessToken);
  const [data, stranded] = await Promise.all([
    loadOnboarding(database, shop, Date.now(), { currency }),
    strandedHolds(database, shop, accessToken),
  ]);
  return { ...data, stranded };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, database, actor } = await pageContext(request);
  const result = await onboardingPageAction(database, shop, await request.formData(), Date.now(), actor);
  if (result.intent === "finish" && result.ok) throw redirect("/app");
  return result;
};

export default function Onboarding() {
  const data = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const t = useT();
  const [confirm, setConfirm] = useState<ChannelsConfirm>(null);
  const busy = navigation.state !== "idle";
  const actions: OnboardingActions = {
    busy,
    post: (values) => {
      setConfirm(null);
      submit(values, { method: "post" });
    },
    ask: setConfirm,
  };
  const allObserving = data.channels.every((channel) => channel.mode === "observing");

  return (
    <Page
      title={t("onboarding.title")}
      primaryAction={{
        content: t("onboarding.finish"),
        onAction: () => actions.post({ intent: "finish" }),
        loading: busy && navigation.formData?.get("intent") === "finish",
      }}
    >
      <Layout>
        <OnboardingFeedback outcome={outcome} />
        {data.stranded ? (
          <Layout.Section>
            <StrandedHoldsBanner
              stranded={data.stranded}
              onRelease={() => actions.post({ intent: "releaseStranded" })}
              loading={busy}
            />
          </Layout.Section>
        ) : null}
        {allObserving && !data.stranded ? (
          <Layout.Section>
            <Banner tone="info" title={t("onboarding.observingBanner")} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <WhatBallastDoesCard />
        </Layout.Section>
        <Layout.Section>
          <ConnectionsCard channels={data.channels} />
        </Layout.Section>
        <Layout.Section>
          <ChannelPreviews data={data} actions={actions} />
        </Layout.Section>
        <Layout.Section>
          <FinishCard actions={actions} />
        </Layout.Section>
      </Layout>
      <ChannelsConfirmation
        confirm={confirm}
        figures={data}
        thinStockUnits={data.thinStockUnits}
        onlineStoreUnits={data.previews.find((preview) => preview.channel === "online_store")?.withheldUnits ?? null}
        actions={actions}
      />
    </Page>
  );
}

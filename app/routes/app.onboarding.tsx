import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Banner, Layout, Page } from "@shopify/polaris";
import { channelIdSchema } from "~/domain";
import { pageContext } from "~/web/context.server";
import { activateChannel, observeChannel } from "~/web/activation.server";
import { finishOnboarding, loadOnboarding } from "~/web/onboarding.server";
import { shopProfile } from "~/web/shop-profile.server";
import { releaseStrandedHolds, strandedHolds } from "~/web/stranded.server";
import { OnlineStoreActivationModal } from "~/components/ChannelMode";
import { StrandedHoldsBanner } from "~/components/StrandedHoldsBanner";
import { ChannelPreviews, FinishCard, type OnboardingActions } from "~/components/onboarding/ChannelPreviews";
import { ConnectionsCard, WhatBallastDoesCard } from "~/components/onboarding/ConnectionsCard";
import { OnboardingFeedback } from "~/components/onboarding/OnboardingFeedback";
import { useT } from "~/i18n/react";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, database, accessToken } = await pageContext(request);
  const profile = await shopProfile(shop, accessToken);
  const [data, stranded] = await Promise.all([
    loadOnboarding(database, shop, Date.now(), profile),
    strandedHolds(database, shop, accessToken),
  ]);
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
  if (!channel.success || (intent !== "activate" && intent !== "observe"))
    return { intent, ok: false as const, channel: null, code: "invalid" as const };
  const change = { shop, channel: channel.data, source: "admin" as const, nowMs };
  const result =
    intent === "activate" ? await activateChannel(database, change) : await observeChannel(database, change);
  return result.ok
    ? { intent, ok: true as const, channel: channel.data }
    : { intent, ok: false as const, channel: channel.data, code: result.error.code };
};

export default function Onboarding() {
  const data = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const t = useT();
  const [confirmOnlineStore, setConfirmOnlineStore] = useState(false);
  const busy = navigation.state !== "idle";
  const actions: OnboardingActions = {
    busy,
    post: (values) => submit(values, { method: "post" }),
    confirmOnlineStore: () => setConfirmOnlineStore(true),
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
      <OnlineStoreActivationModal
        open={confirmOnlineStore}
        units={data.previews.find((preview) => preview.channel === "online_store")?.withheldUnits ?? null}
        thinStockUnits={data.thinStockUnits}
        loading={busy}
        onClose={() => setConfirmOnlineStore(false)}
        onConfirm={() => {
          setConfirmOnlineStore(false);
          actions.post({ intent: "activate", channel: "online_store" });
        }}
      />
    </Page>
  );
}

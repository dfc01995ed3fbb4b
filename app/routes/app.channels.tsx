import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useSubmit } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import { pageContext } from "~/web/context.server";
import { channelsPageAction, loadChannelsPage } from "~/web/channels-page.server";
import { OnlineStoreActivationModal } from "~/components/ChannelMode";
import { isPending, OperationsCard } from "~/components/OperationProgress";
import { useRevalidateWhile } from "~/components/use-revalidate-while";
import { ChannelCard } from "~/components/channels/ChannelCard";
import { ChannelsFeedback } from "~/components/channels/ChannelsFeedback";
import { LeavingBallastCard, ReleaseHoldsModal } from "~/components/channels/LeavingBallast";
import type { ChannelsConfirm, ChannelsPageActions } from "~/components/channels/page";
import { useT } from "~/i18n/react";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, database, accessToken } = await pageContext(request);
  return loadChannelsPage(database, shop, accessToken);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, database } = await pageContext(request);
  return channelsPageAction(database, shop, await request.formData(), Date.now());
};

export default function Channels() {
  const { channels, operations, risks, holdsReleased, modes, thinStockUnits, timeZone } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const t = useT();
  const [confirm, setConfirm] = useState<ChannelsConfirm>(null);
  useRevalidateWhile(operations.some(isPending));
  const actions: ChannelsPageActions = {
    post: (values) => {
      setConfirm(null);
      submit(values, { method: "post" });
    },
    ask: setConfirm,
  };

  return (
    <Page
      title={t("channels.title")}
      primaryAction={{
        content: t("channels.resync"),
        onAction: () => actions.post({ intent: "resync" }),
        helpText: t("channels.help.resync"),
      }}
    >
      <Layout>
        <ChannelsFeedback result={result} />
        {operations.length > 0 ? (
          <Layout.Section>
            <OperationsCard heading={t("channels.operations")} operations={operations} />
          </Layout.Section>
        ) : null}
        {channels.map((view) => (
          <Layout.Section key={view.channel}>
            <ChannelCard
              view={view}
              mode={modes[view.channel]}
              risk={risks[view.channel]}
              holdsReleased={holdsReleased}
              timeZone={timeZone}
              confirm={confirm}
              actions={actions}
              result={result}
            />
          </Layout.Section>
        ))}
        <Layout.Section>
          <LeavingBallastCard holdsReleased={holdsReleased} actions={actions} />
        </Layout.Section>
      </Layout>
      <OnlineStoreActivationModal
        open={confirm?.kind === "activateOnlineStore"}
        units={null}
        thinStockUnits={thinStockUnits}
        onClose={() => setConfirm(null)}
        onConfirm={() => actions.post({ intent: "activate", channel: "online_store" })}
      />
      <ReleaseHoldsModal confirm={confirm} actions={actions} />
    </Page>
  );
}

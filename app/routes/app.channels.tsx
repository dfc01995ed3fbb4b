import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useSubmit } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import { pageContext } from "~/web/context.server";
import { channelsPageAction, loadChannelsPage } from "~/web/channels-page.server";
import { isPending, OperationsCard } from "~/components/OperationProgress";
import { useKeptResult } from "~/components/use-kept-result";
import { useRevalidateWhile } from "~/components/use-revalidate-while";
import { ChannelCard } from "~/components/channels/ChannelCard";
import { ChannelsConfirmation } from "~/components/channels/ChannelsConfirmation";
import { ChannelsFeedback } from "~/components/channels/ChannelsFeedback";
import { LeavingBallastCard } from "~/components/channels/LeavingBallast";
import type { ChannelsConfirm, ChannelsPageActions } from "~/components/channels/page";
import { useT } from "~/i18n/react";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, database } = await pageContext(request);
  return loadChannelsPage(database, shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, database, actor } = await pageContext(request);
  return channelsPageAction(database, shop, await request.formData(), Date.now(), actor);
};

export default function Channels() {
  const data = useLoaderData<typeof loader>();
  const { channels, operations, holdsReleased, modes } = data;
  // Kept while the page reloads its data for a running operation, until dismissed or replaced.
  const [result, dismissResult] = useKeptResult(useActionData<typeof action>());
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
        <ChannelsFeedback result={result} onDismiss={dismissResult} />
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
              holdsReleased={holdsReleased}
              actions={actions}
              result={result}
            />
          </Layout.Section>
        ))}
        <Layout.Section>
          <LeavingBallastCard holdsReleased={holdsReleased} actions={actions} />
        </Layout.Section>
      </Layout>
      <ChannelsConfirmation confirm={confirm} figures={data} thinStockUnits={data.thinStockUnits} actions={actions} />
    </Page>
  );
}

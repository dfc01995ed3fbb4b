import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page } from "@shopify/polaris";
import { pageContext } from "~/web/context.server";
import { loadRehearsalPage, startRehearsalRequest } from "~/web/rehearsal.server";
import { RehearsalForm } from "~/components/rehearsal/RehearsalForm";
import { RehearsalFailed, RehearsalProgress } from "~/components/rehearsal/RehearsalProgress";
import { RehearsalResult } from "~/components/rehearsal/RehearsalResult";
import { useKeptResult } from "~/components/use-kept-result";
import { useRevalidateWhile } from "~/components/use-revalidate-while";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, database, accessToken } = await pageContext(request);
  return loadRehearsalPage(database, shop, accessToken);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, database } = await pageContext(request);
  return startRehearsalRequest(database, shop, await request.formData());
};

export default function Rehearsal() {
  const page = useLoaderData<typeof loader>();
  const [result, dismiss] = useKeptResult(useActionData<typeof action>());
  const navigation = useNavigation();
  const t = useT();
  const latest = page.latest;
  const pending = latest?.state === "queued" || latest?.state === "running";
  // The page follows a rehearsal in progress: its data reloads every 2 s until it ends.
  useRevalidateWhile(pending);
  return (
    <Page title={t("rehearsal.title")} subtitle={t("rehearsal.subtitle")}>
      <Layout>
        {result ? (
          <Layout.Section>
            <Banner tone={result.ok ? "success" : "critical"} onDismiss={dismiss}>
              <p>{result.ok ? t("rehearsal.started") : t(`rehearsal.refusal.${result.refusal}` as MessageKey)}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            {latest && pending ? <RehearsalProgress rehearsal={latest} /> : null}
            {latest?.state === "failed" ? <RehearsalFailed rehearsal={latest} /> : null}
            {latest?.state === "succeeded" ? <RehearsalResult rehearsal={latest} currency={page.currency} /> : null}
            <RehearsalForm page={page} pending={pending} busy={navigation.state === "submitting"} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

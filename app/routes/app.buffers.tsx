import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import type { RulesDraft } from "~/web/buffer-form";
import { buffersPageAction, loadBuffers } from "~/web/buffers.server";
import { pageContext } from "~/web/context.server";
import { BuffersFeedback } from "~/components/buffers/BuffersFeedback";
import { DefaultsCard } from "~/components/buffers/DefaultsCard";
import { PreviewCard } from "~/components/buffers/PreviewCard";
import { TargetsCard } from "~/components/buffers/TargetsCard";
import { useParsedDrafts, type ServerErrors, type Target } from "~/components/buffers/drafts";
import { useT } from "~/i18n/react";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, database } = await pageContext(request);
  return loadBuffers(database, shop, Date.now());
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, database, accessToken, actor } = await pageContext(request);
  return buffersPageAction(database, { shop, accessToken }, await request.formData(), Date.now(), actor);
};

export default function Buffers() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const t = useT();
  const [drafts, setDrafts] = useState<RulesDraft>(data.defaults);
  const [target, setTarget] = useState<Target | null>(null);
  const parsed = useParsedDrafts(drafts);
  const saving = navigation.state === "submitting";
  const serverErrors: ServerErrors = actionData && !actionData.ok && "errors" in actionData ? actionData.errors : {};

  // After a save: the defaults as stored, or the target editor closed.
  useEffect(() => {
    if (actionData?.ok && actionData.intent === "defaults") setDrafts(data.defaults);
    if (actionData?.ok && actionData.intent !== "defaults") setTarget(null);
  }, [actionData, data.defaults]);

  return (
    <Page title={t("buffers.title")} subtitle={t("buffers.subtitle")}>
      <Layout>
        <BuffersFeedback outcome={actionData} />
        <Layout.Section>
          <DefaultsCard
            drafts={drafts}
            saved={data.defaults}
            onChange={setDrafts}
            parsed={parsed}
            serverErrors={serverErrors}
            saving={saving}
            onSave={() => submit({ intent: "defaults", drafts: JSON.stringify(drafts) }, { method: "post" })}
          />
        </Layout.Section>
        <Layout.Section>
          <PreviewCard data={data} parsed={parsed} />
        </Layout.Section>
        <Layout.Section>
          <TargetsCard
            targets={data.targets}
            defaults={data.defaults}
            target={target}
            onTarget={setTarget}
            serverErrors={serverErrors}
            saving={saving}
          />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

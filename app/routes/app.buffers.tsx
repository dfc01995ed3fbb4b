import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import { CHANNELS } from "~/domain";
import { rulesDraftFromJson, type RulesDraft } from "~/web/buffer-form";
import { loadBuffers, removeTargetRules, saveShopDefaults, saveTargetRules } from "~/web/buffers.server";
import { pageContext } from "~/web/context.server";
import { parseResourceGid } from "~/web/ids";
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
  const { shop, database, accessToken } = await pageContext(request);
  const form = await request.formData();
  const intent = form.get("intent");
  const session = { shop, accessToken };
  const nowMs = Date.now();
  const json = (name: string): unknown => {
    try {
      return JSON.parse(String(form.get(name) ?? "null")) as unknown;
    } catch {
      return null;
    }
  };
  if (intent === "defaults") {
    const drafts = rulesDraftFromJson(json("drafts"));
    if (!drafts) return { intent, ok: false as const, errors: {}, message: "malformed" };
    const result = await saveShopDefaults(database, session, drafts, nowMs);
    return result.ok
      ? { intent, ok: true as const, changed: result.changed, mirror: result.mirror }
      : { intent, ok: false as const, errors: result.errors };
  }
  if (intent === "target") {
    const scope = form.get("scope") === "collection" ? "collection" : "product";
    const gid = parseResourceGid(form.get("gid"), scope === "product" ? "Product" : "Collection");
    const drafts = rulesDraftFromJson(json("drafts"));
    const enabled = json("enabled");
    if (!gid || !drafts || !Array.isArray(enabled))
      return { intent, ok: false as const, errors: {}, message: "malformed" };
    const channels = CHANNELS.filter((channel) => enabled.includes(channel));
    const result = await saveTargetRules(database, session, { scope, gid, drafts, enabled: channels }, nowMs);
    return result.ok
      ? { intent, ok: true as const, changed: result.changed, mirror: result.mirror }
      : { intent, ok: false as const, errors: result.errors };
  }
  if (intent === "removeTarget") {
    const scope = form.get("scope") === "collection" ? "collection" : "product";
    const gid = parseResourceGid(form.get("gid"), scope === "product" ? "Product" : "Collection");
    if (!gid) return { intent, ok: false as const, errors: {}, message: "malformed" };
    const result = await removeTargetRules(database, session, { scope, gid }, nowMs);
    return { intent, ok: true as const, changed: result.removed > 0 ? [...CHANNELS] : [], mirror: result.mirror };
  }
  return { intent, ok: false as const, errors: {}, message: "unknown intent" };
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

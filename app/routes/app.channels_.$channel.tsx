import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Button, InlineStack, Layout, Page } from "@shopify/polaris";
import { channelIdSchema } from "~/domain";
import { actingAs } from "~/records/activity.server";
import { pageContext } from "~/web/context.server";
import { previewTemplates } from "~/web/template-preview.server";
import { loadChannelSettingsPage, saveChannelSettings } from "~/web/channel-settings.server";
import { settingsDraftFromJson, type SettingsFieldError } from "~/web/channel-settings-form";
import {
  CheckoutSection,
  DampingSection,
  LocationsSection,
  LowStockSection,
  ThinStockSection,
} from "~/components/channel-settings/AllocationSections";
import { ConnectorSection } from "~/components/channel-settings/ConnectorSection";
import { SettingsInvalidBanner, SettingsSavedBanner } from "~/components/channel-settings/SettingsFeedback";
import { useSettingsDraft } from "~/components/channel-settings/use-settings-draft";
import { channelName } from "~/components/format";
import { useLocale, useT } from "~/i18n/react";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, database } = await pageContext(request);
  const channel = channelIdSchema.safeParse(params.channel);
  if (!channel.success) throw new Response("Not found", { status: 404 });
  return loadChannelSettingsPage(database, shop, channel.data);
};

/** The posted draft, or null when it is not JSON. */
function postedJson(form: FormData, name: string): unknown {
  try {
    return JSON.parse(String(form.get(name) ?? ""));
  } catch {
    return null;
  }
}

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const context = await pageContext(request);
  // Activity recorded while answering names the staff member who acted.
  return actingAs(context.actor, () => pageAction({ request, params }, context));
};

async function pageAction(
  { request, params }: Pick<ActionFunctionArgs, "request" | "params">,
  { shop, database }: Awaited<ReturnType<typeof pageContext>>,
) {
  const channel = channelIdSchema.safeParse(params.channel);
  if (!channel.success) throw new Response("Not found", { status: 404 });
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "previewTemplates" && channel.data !== "online_store") {
    const preview = await previewTemplates(database, shop, channel.data, {
      template: String(form.get("template") ?? ""),
      countryCode: String(form.get("countryCode") ?? "").trim() || "US",
    });
    return { intent, ok: true as const, preview };
  }
  if (intent !== "save") return { intent, ok: false as const, errors: [] as SettingsFieldError[] };
  const draft = settingsDraftFromJson(postedJson(form, "draft"));
  if (!draft) return { intent, ok: false as const, errors: [] as SettingsFieldError[] };
  const result = await saveChannelSettings(database, {
    shop,
    channel: channel.data,
    draft,
    nowMs: Date.now(),
    source: "admin",
  });
  return result.ok
    ? { intent, ok: true as const, changed: result.changed }
    : { intent, ok: false as const, errors: result.errors };
}

export default function ChannelSettings() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const t = useT();
  const locale = useLocale();
  const form = useSettingsDraft(
    data,
    actionData && actionData.intent === "save" && !actionData.ok ? actionData.errors : [],
  );
  const saving = navigation.state === "submitting" && navigation.formData?.get("intent") === "save";
  const preview =
    actionData && actionData.intent === "previewTemplates" && "preview" in actionData
      ? (actionData.preview ?? null)
      : null;
  const channel = data.channel;

  return (
    <Page
      title={t("settings.title", { channel: channelName(channel, locale) })}
      subtitle={t("settings.subtitle")}
      backAction={{ content: t("nav.channels"), url: "/app/channels" }}
    >
      <Layout>
        {actionData && actionData.intent === "save" && actionData.ok ? (
          <SettingsSavedBanner channel={channel} changed={Boolean(actionData.changed)} />
        ) : null}
        {!form.parsed.ok ? <SettingsInvalidBanner /> : null}
        <LocationsSection channel={channel} locations={data.locations} form={form} />
        <CheckoutSection form={form} />
        {channel === "google" ? <LowStockSection form={form} /> : null}
        <DampingSection form={form} />
        {channel === "online_store" ? (
          <ThinStockSection form={form} />
        ) : (
          <ConnectorSection channel={channel} form={form} preview={preview} />
        )}
        <Layout.Section>
          <InlineStack align="end">
            <Button
              variant="primary"
              onClick={() => submit({ intent: "save", draft: JSON.stringify(form.draft) }, { method: "post" })}
              disabled={!form.parsed.ok}
              loading={saving}
            >
              {t("settings.save")}
            </Button>
          </InlineStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

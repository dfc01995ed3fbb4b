import { useMemo, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, ChoiceList, FormLayout, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { channelIdSchema } from "~/domain";
import { pageContext } from "~/web/context.server";
import { previewTemplates } from "~/web/channels.server";
import { loadChannelSettingsPage, saveChannelSettings } from "~/web/channel-settings.server";
import { parseSettingsDraft, settingsDraftFromJson, type SettingsDraft, type SettingsFieldError } from "~/web/channel-settings-form";
import { TemplatePreview } from "~/components/TemplatePreview";
import { channelName } from "~/components/format";
import { useLocale, useT } from "~/i18n/react";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, database } = await pageContext(request);
  const channel = channelIdSchema.safeParse(params.channel);
  if (!channel.success) throw new Response("Not found", { status: 404 });
  return loadChannelSettingsPage(database, shop, channel.data);
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, database } = await pageContext(request);
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
  let posted: unknown = null;
  try {
    posted = JSON.parse(String(form.get("draft") ?? ""));
  } catch {
    posted = null;
  }
  const draft = settingsDraftFromJson(posted);
  if (!draft) return { intent, ok: false as const, errors: [] as SettingsFieldError[] };
  const result = await saveChannelSettings(database, { shop, channel: channel.data, draft, nowMs: Date.now(), source: "admin" });
  return result.ok ? { intent, ok: true as const, changed: result.changed } : { intent, ok: false as const, errors: result.errors };
};

export default function ChannelSettings() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const t = useT();
  const locale = useLocale();
  const [draft, setDraft] = useState<SettingsDraft>(data.draft);
  const name = channelName(data.channel, locale);
  const knownLocations = useMemo(() => data.locations.map((location) => location.gid), [data.locations]);
  // The same parse the server runs before saving: inline errors as the merchant types.
  const parsed = useMemo(() => parseSettingsDraft(data.channel, draft, data.config, knownLocations), [data.channel, draft, data.config, knownLocations]);
  const serverErrors = actionData && actionData.intent === "save" && !actionData.ok ? actionData.errors : [];
  const errors = parsed.ok ? serverErrors : parsed.errors;
  const errorFor = (field: SettingsFieldError["field"]) => {
    const found = errors.filter((error) => error.field === field);
    return found.length ? found.map((error) => t(error.key, error.values)).join(" ") : undefined;
  };
  const set = (changes: Partial<SettingsDraft>) => setDraft((current) => ({ ...current, ...changes }));
  const setConnector = (changes: Partial<NonNullable<SettingsDraft["connector"]>>) =>
    setDraft((current) => (current.connector ? { ...current, connector: { ...current.connector, ...changes } } : current));
  const saving = navigation.state === "submitting" && navigation.formData?.get("intent") === "save";
  const save = () => submit({ intent: "save", draft: JSON.stringify(draft) }, { method: "post" });
  const preview = actionData && actionData.intent === "previewTemplates" && "preview" in actionData ? actionData.preview : null;

  return (
    <Page
      title={t("settings.title", { channel: name })}
      subtitle={t("settings.subtitle")}
      backAction={{ content: t("nav.channels"), url: "/app/channels" }}
    >
      <Layout>
        {actionData && actionData.intent === "save" && actionData.ok ? (
          <Layout.Section>
            <Banner tone="success" title={t(actionData.changed ? "settings.saved" : "settings.unchanged")}>
              {actionData.changed ? (
                <p>
                  {t("settings.savedBody")} <Link to={`/app/activity?channel=${data.channel}`}>{t("settings.activityLink")}</Link>
                </p>
              ) : null}
            </Banner>
          </Layout.Section>
        ) : null}
        {!parsed.ok ? (
          <Layout.Section>
            <Banner tone="warning" title={t("settings.invalid")} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("settings.locations.title")}
              </Text>
              <Text as="p" tone="subdued">
                {t(data.channel === "online_store" ? "settings.locations.helpOnlineStore" : "settings.locations.help")}
              </Text>
              <ChoiceList
                title={t("settings.locations.title")}
                titleHidden
                choices={[
                  { label: t("settings.locations.all"), value: "all" },
                  { label: t("settings.locations.selected"), value: "selected", disabled: data.locations.length === 0 },
                ]}
                selected={[draft.locationsMode]}
                onChange={([value]) => set({ locationsMode: value === "selected" ? "selected" : "all" })}
              />
              {draft.locationsMode === "selected" ? (
                <ChoiceList
                  allowMultiple
                  title={t("settings.locations.which")}
                  choices={data.locations.map((location) => ({
                    label: location.active ? location.name : t("settings.locations.inactive", { name: location.name }),
                    value: location.gid,
                  }))}
                  selected={draft.locations}
                  onChange={(selected) => set({ locations: selected })}
                  error={errorFor("locations")}
                />
              ) : null}
              {data.locations.length === 0 ? (
                <Text as="p" tone="subdued" variant="bodySm">
                  {t("settings.locations.none")}
                </Text>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <ChoiceList
              title={t("settings.checkout.title")}
              choices={[
                { label: t("settings.checkout.store"), value: "store", helpText: t("settings.checkout.storeHelp") },
                { label: t("settings.checkout.channel"), value: "channel", helpText: t("settings.checkout.channelHelp") },
              ]}
              selected={[draft.checkoutOn]}
              onChange={([value]) => set({ checkoutOn: value === "channel" ? "channel" : "store" })}
            />
          </Card>
        </Layout.Section>
        {data.channel === "google" ? (
          <Layout.Section>
            <Card>
              <ChoiceList
                title={t("settings.lowStock.title")}
                choices={[
                  { label: t("settings.lowStock.pause_ads"), value: "pause_ads", helpText: t("settings.lowStock.pause_adsHelp") },
                  { label: t("settings.lowStock.out_of_stock"), value: "out_of_stock", helpText: t("settings.lowStock.out_of_stockHelp") },
                ]}
                selected={[draft.lowStock]}
                onChange={([value]) => set({ lowStock: value === "out_of_stock" ? "out_of_stock" : "pause_ads" })}
              />
            </Card>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("settings.damping.title")}
              </Text>
              <Text as="p" tone="subdued">
                {t("settings.damping.help")}
              </Text>
              <FormLayout>
                <FormLayout.Group condensed>
                  <TextField
                    label={t("settings.damping.confirmations")}
                    value={draft.dampingConfirmations}
                    onChange={(value) => set({ dampingConfirmations: value })}
                    autoComplete="off"
                    inputMode="numeric"
                    helpText={t("settings.damping.confirmationsHelp")}
                    error={errorFor("dampingConfirmations")}
                  />
                  <TextField
                    label={t("settings.damping.minHold")}
                    value={draft.dampingMinHoldSeconds}
                    onChange={(value) => set({ dampingMinHoldSeconds: value })}
                    autoComplete="off"
                    inputMode="numeric"
                    suffix="s"
                    helpText={t("settings.damping.minHoldHelp")}
                    error={errorFor("dampingMinHoldSeconds")}
                  />
                </FormLayout.Group>
              </FormLayout>
            </BlockStack>
          </Card>
        </Layout.Section>
        {data.channel === "online_store" ? (
          <Layout.Section>
            <Card>
              <FormLayout>
                <TextField
                  label={t("settings.thinStock.label")}
                  value={draft.thinStockAtOrBelow ?? ""}
                  onChange={(value) => set({ thinStockAtOrBelow: value })}
                  autoComplete="off"
                  inputMode="numeric"
                  helpText={t("settings.thinStock.help")}
                  error={errorFor("thinStockAtOrBelow")}
                />
              </FormLayout>
            </Card>
          </Layout.Section>
        ) : null}
        {data.channel !== "online_store" ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("settings.connector.title")}
                </Text>
                {draft.connector ? (
                  <>
                    <FormLayout>
                      <FormLayout.Group condensed>
                        <TextField
                          label={t("channels.field.templates")}
                          value={draft.connector.itemIdTemplate}
                          onChange={(value) => setConnector({ itemIdTemplate: value })}
                          autoComplete="off"
                          helpText={t("settings.connector.templateHelp")}
                          error={errorFor("itemIdTemplate")}
                        />
                        <TextField
                          label={t("channels.field.countryCode")}
                          value={draft.connector.countryCode}
                          onChange={(value) => setConnector({ countryCode: value })}
                          autoComplete="off"
                          helpText={data.channel === "meta" ? t("settings.connector.countryHelpMeta") : undefined}
                          error={errorFor("countryCode")}
                        />
                      </FormLayout.Group>
                      {data.channel === "google" ? (
                        <FormLayout.Group condensed>
                          <TextField
                            label={t("channels.field.contentLanguage")}
                            value={draft.connector.contentLanguage}
                            onChange={(value) => setConnector({ contentLanguage: value })}
                            autoComplete="off"
                            error={errorFor("contentLanguage")}
                          />
                          <TextField
                            label={t("channels.field.feedLabel")}
                            value={draft.connector.feedLabel}
                            onChange={(value) => setConnector({ feedLabel: value })}
                            autoComplete="off"
                            error={errorFor("feedLabel")}
                          />
                        </FormLayout.Group>
                      ) : null}
                    </FormLayout>
                    <InlineStack>
                      <Button
                        onClick={() =>
                          submit({ intent: "previewTemplates", template: draft.connector?.itemIdTemplate ?? "", countryCode: draft.connector?.countryCode ?? "" }, { method: "post" })
                        }
                      >
                        {t("channels.previewTemplates")}
                      </Button>
                    </InlineStack>
                    {preview ? <TemplatePreview preview={preview} /> : null}
                  </>
                ) : (
                  <Text as="p" tone="subdued">
                    {t("settings.connector.notConnected")} <Link to="/app/channels">{t("nav.channels")}</Link>
                  </Text>
                )}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <InlineStack align="end">
            <Button variant="primary" onClick={save} disabled={!parsed.ok} loading={saving}>
              {t("settings.save")}
            </Button>
          </InlineStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

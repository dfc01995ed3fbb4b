import { Link, useSubmit } from "@remix-run/react";
import { Button, FormLayout, InlineStack, Layout, Text, TextField } from "@shopify/polaris";
import type { ConnectableChannel } from "~/web/channel-connections.server";
import type { ConnectorDraft } from "~/web/channel-settings-form";
import type { TemplatePreview as Preview } from "~/web/template-preview.server";
import { TemplatePreview } from "~/components/TemplatePreview";
import { TitledCard } from "~/components/TitledCard";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";
import type { SettingsForm } from "./use-settings-draft";

/** The connector's fields that are not credentials: item-id template and country, and Google's language and feed label. */
function ConnectorFields({
  channel,
  connector,
  form,
}: {
  channel: ConnectableChannel;
  connector: ConnectorDraft;
  form: SettingsForm;
}) {
  const t = useT();
  const field = (name: keyof ConnectorDraft, label: MessageKey, helpText?: string) => (
    <TextField
      label={t(label)}
      value={connector[name]}
      onChange={(value) => form.setConnector({ [name]: value })}
      autoComplete="off"
      helpText={helpText}
      error={form.errorFor(name)}
    />
  );
  return (
    <FormLayout>
      <FormLayout.Group condensed>
        {field("itemIdTemplate", "channels.field.templates", t("settings.connector.templateHelp"))}
        {field(
          "countryCode",
          "channels.field.countryCode",
          channel === "meta" ? t("settings.connector.countryHelpMeta") : undefined,
        )}
      </FormLayout.Group>
      {channel === "google" ? (
        <FormLayout.Group condensed>
          {field("contentLanguage", "channels.field.contentLanguage")}
          {field("feedLabel", "channels.field.feedLabel")}
        </FormLayout.Group>
      ) : null}
    </FormLayout>
  );
}

/** Meta's or Google's connector settings with the item-id preview; a link to connect first where it is not connected. */
export function ConnectorSection({
  channel,
  form,
  preview,
}: {
  channel: ConnectableChannel;
  form: SettingsForm;
  preview: Preview | null;
}) {
  const t = useT();
  const submit = useSubmit();
  const connector = form.draft.connector;
  const requestPreview = () =>
    submit(
      {
        intent: "previewTemplates",
        template: connector?.itemIdTemplate ?? "",
        countryCode: connector?.countryCode ?? "",
      },
      { method: "post" },
    );
  return (
    <Layout.Section>
      <TitledCard title={t("settings.connector.title")} gap="300">
        {connector ? (
          <>
            <ConnectorFields channel={channel} connector={connector} form={form} />
            <InlineStack>
              <Button onClick={requestPreview}>{t("channels.previewTemplates")}</Button>
            </InlineStack>
            {preview ? <TemplatePreview preview={preview} /> : null}
          </>
        ) : (
          <Text as="p" tone="subdued">
            {t("settings.connector.notConnected")} <Link to="/app/channels">{t("nav.channels")}</Link>
          </Text>
        )}
      </TitledCard>
    </Layout.Section>
  );
}

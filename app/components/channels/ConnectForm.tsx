import { useState, type ReactNode } from "react";
import { useNavigation, useSubmit } from "@remix-run/react";
import { Button, Divider, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import type { ConnectableChannel } from "~/web/channel-connections.server";
import type { ChannelView } from "~/web/channels.server";
import type { ChannelsPageResult } from "~/web/channels-page.server";
import { TemplatePreview } from "~/components/TemplatePreview";
import { useDateTime } from "~/components/use-date-time";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";

/** The stored connection settings in words (the form's own labels), not their field names. */
const CONFIG_LABELS: Record<string, MessageKey> = {
  catalogId: "channels.field.catalogId",
  accountId: "channels.field.accountId",
  dataSourceId: "channels.field.dataSourceId",
  contentLanguage: "channels.field.contentLanguage",
  feedLabel: "channels.field.feedLabel",
  countryCode: "channels.field.countryCode",
  itemIdTemplate: "channels.field.templates",
};

interface InputOptions {
  secret?: boolean;
  help?: MessageKey;
  multiline?: boolean;
  /** Where the server reports this field's error ("config.<name>" unless said). */
  path?: string;
}

/** One text field of the form, by its name in the posted values. */
type Input = (name: string, label: MessageKey, options?: InputOptions) => ReactNode;

/** The form's first values: the stored (non-secret) configuration, else Shopify's conventions. */
function initialValues(view: ChannelView): Record<string, string> {
  const config = (view.config ?? {}) as Record<string, unknown>;
  const text = (key: string, fallback = "") => (typeof config[key] === "string" ? (config[key] as string) : fallback);
  return {
    catalogId: text("catalogId"),
    accountId: text("accountId"),
    dataSourceId: text("dataSourceId"),
    contentLanguage: text("contentLanguage", "en"),
    feedLabel: text("feedLabel", "US"),
    countryCode: text("countryCode", "US"),
    template: text("itemIdTemplate"),
    credentialKind: "refresh_token",
  };
}

/** Google: account, data source, language and feed label, then an OAuth refresh token or a service account. */
function GoogleFields({
  input,
  credentialKind,
  onCredentialKind,
}: {
  input: Input;
  credentialKind: string | undefined;
  onCredentialKind: (kind: string) => void;
}) {
  const t = useT();
  return (
    <>
      <FormLayout.Group condensed>
        {input("accountId", "channels.field.accountId")}
        {input("dataSourceId", "channels.field.dataSourceId", { help: "channels.help.dataSourceId" })}
      </FormLayout.Group>
      <FormLayout.Group condensed>
        {input("contentLanguage", "channels.field.contentLanguage")}
        {input("feedLabel", "channels.field.feedLabel")}
      </FormLayout.Group>
      <Select
        label={t("channels.field.credentialKind")}
        options={[
          { label: t("channels.credential.refresh_token"), value: "refresh_token" },
          { label: t("channels.credential.service_account"), value: "service_account" },
        ]}
        value={credentialKind}
        onChange={onCredentialKind}
      />
      {credentialKind === "service_account" ? (
        <>
          {input("clientEmail", "channels.field.clientEmail", { path: "credentials.clientEmail" })}
          {input("privateKey", "channels.field.privateKey", { secret: true, path: "credentials.privateKey" })}
        </>
      ) : (
        <>
          {input("clientId", "channels.field.clientId", { path: "credentials.clientId" })}
          {input("clientSecret", "channels.field.clientSecret", { secret: true, path: "credentials.clientSecret" })}
          {input("refreshToken", "channels.field.refreshToken", { secret: true, path: "credentials.refreshToken" })}
        </>
      )}
    </>
  );
}

/** Connect (or reconnect) Meta or Google; the server checks the credentials with the channel before storing them. */
function ConnectForm({
  channel,
  view,
  fieldErrors,
}: {
  channel: ConnectableChannel;
  view: ChannelView;
  /** The refused fields by path ("config.catalogId"), each with what to enter. */
  fieldErrors: Record<string, MessageKey>;
}) {
  const t = useT();
  const submit = useSubmit();
  const navigation = useNavigation();
  const [values, setValues] = useState<Record<string, string>>(() => initialValues(view));
  const errorText = (key: MessageKey | undefined) => (key ? t(key) : undefined);
  const input: Input = (name, label, options = {}) => (
    <TextField
      label={t(label)}
      value={values[name] ?? ""}
      onChange={(value) => setValues({ ...values, [name]: value })}
      autoComplete="off"
      type={options.secret ? "password" : "text"}
      helpText={options.help ? t(options.help) : undefined}
      multiline={options.multiline ? 2 : undefined}
      error={errorText(fieldErrors[options.path ?? `config.${name}`])}
    />
  );
  const send = (intent: string) => submit({ intent, channel, ...values }, { method: "post" });
  return (
    <FormLayout>
      {channel === "meta" ? (
        <>
          {input("catalogId", "channels.field.catalogId")}
          {input("accessToken", "channels.field.accessToken", {
            secret: true,
            help: "channels.help.accessToken",
            path: "credentials.accessToken",
          })}
        </>
      ) : (
        <GoogleFields
          input={input}
          credentialKind={values.credentialKind}
          onCredentialKind={(value) => setValues({ ...values, credentialKind: value })}
        />
      )}
      <FormLayout.Group condensed>
        {input("countryCode", "channels.field.countryCode")}
        {input("template", "channels.field.templates", {
          help: "channels.help.templates",
          path: "config.itemIdTemplate",
        })}
      </FormLayout.Group>
      <InlineStack gap="200">
        <Button variant="primary" onClick={() => send("connect")} loading={navigation.state === "submitting"}>
          {t(view.connected ? "channels.reconnect" : "channels.connect")}
        </Button>
        <Button onClick={() => send("previewTemplates")}>{t("channels.previewTemplates")}</Button>
      </InlineStack>
    </FormLayout>
  );
}

/** The stored settings as "Catalog ID: 123 · Country: US", with the last health check. */
function ConnectedConfig({ view }: { view: ChannelView }) {
  const t = useT();
  const at = useDateTime();
  const config = Object.entries(view.config ?? {})
    .map(
      ([key, value]) =>
        `${key in CONFIG_LABELS ? t(CONFIG_LABELS[key]!) : key}: ${Array.isArray(value) ? (value as unknown[]).join(" | ") : String(value)}`,
    )
    .join(" · ");
  return (
    <Text as="p" tone="subdued" variant="bodySm">
      {t("channels.connectedConfig", { config, at: at(view.lastHealthAt) })}
    </Text>
  );
}

/** A Meta or Google card's connection part: what is stored, the connect form, and the last template preview for it. */
export function ConnectionSection({
  view,
  channel,
  result,
}: {
  view: ChannelView;
  channel: ConnectableChannel;
  result: ChannelsPageResult | undefined;
}) {
  const mine = result && "channel" in result && result.channel === channel ? result : null;
  const fieldErrors = (mine && "fields" in mine && mine.intent === "connect" ? mine.fields : undefined) ?? {};
  const preview = mine && mine.intent === "previewTemplates" && "preview" in mine ? mine.preview : null;
  return (
    <>
      <Divider />
      {view.connected ? <ConnectedConfig view={view} /> : null}
      <ConnectForm channel={channel} view={view} fieldErrors={fieldErrors} />
      {preview ? <TemplatePreview preview={preview} /> : null}
    </>
  );
}

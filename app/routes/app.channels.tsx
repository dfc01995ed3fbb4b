import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useRevalidator, useSubmit } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  Divider,
  FormLayout,
  InlineStack,
  Layout,
  Modal,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { CHANNELS, channelIdSchema, type ChannelId } from "~/domain";
import {
  changeChannelState,
  connectChannel,
  disconnectChannel,
  freezeRisk,
  loadChannelViews,
  previewTemplates,
  holdsAreReleased,
  recentOperations,
  resumeHolds,
  startOperation,
  testChannel,
  type ChannelView,
} from "~/web/channels.server";
import { pageContext } from "~/web/context.server";
import { activateChannel, channelModes, observeChannel, onlineStoreThinStockUnits } from "~/web/activation.server";
import { shopProfile } from "~/web/shop-profile.server";
import { ModeBadge, OnlineStoreActivationModal } from "~/components/ChannelMode";
import { OperationProgress } from "~/components/OperationProgress";
import { TemplatePreview } from "~/components/TemplatePreview";
import { StateBadge } from "~/components/StateBadge";
import { channelName, formatDateTime } from "~/components/format";
import type { MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, database, accessToken } = await pageContext(request);
  const [channels, operations, modes, thinStockUnits, { timeZone }, ...risks] = await Promise.all([
    loadChannelViews(database, shop),
    recentOperations(database, shop),
    channelModes(database, shop),
    onlineStoreThinStockUnits(database, shop),
    shopProfile(shop, accessToken),
    ...CHANNELS.map((channel) => freezeRisk(database, shop, channel)),
  ]);
  return { channels, operations, modes, thinStockUnits, timeZone, holdsReleased: await holdsAreReleased(database, shop), risks: Object.fromEntries(CHANNELS.map((channel, index) => [channel, risks[index]!])) as Record<ChannelId, (typeof risks)[number]> };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, database } = await pageContext(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const field = (name: string) => String(form.get(name) ?? "");
  const channel = channelIdSchema.safeParse(form.get("channel"));
  const nowMs = Date.now();
  if (intent === "resumeHolds") {
    await resumeHolds(database, shop, nowMs);
    return { intent, ok: true as const };
  }
  if (intent === "resync" || intent === "releaseHolds") {
    await startOperation(database, { shop, kind: intent === "resync" ? "resync" : "release_holds", nowMs, source: "admin" });
    return { intent, ok: true as const };
  }
  if (!channel.success) return { intent, ok: false as const, message: "unknown channel" };
  if (intent === "activate" || intent === "observe") {
    const change = { shop, channel: channel.data, source: "admin" as const, nowMs };
    const result = intent === "activate" ? await activateChannel(database, change) : await observeChannel(database, change);
    return result.ok ? { intent, ok: true as const } : { intent, ok: false as const, message: result.error.message };
  }
  if (intent === "pause" || intent === "resume") {
    const state = intent === "resume" ? "active" : field("mode") === "freeze" ? "paused_freeze" : "paused_stop_selling";
    const result = await changeChannelState(database, { shop, channel: channel.data, state, nowMs, source: "admin" });
    return result.ok ? { intent, ok: true as const } : { intent, ok: false as const, message: result.error.message };
  }
  if (channel.data === "online_store") return { intent, ok: false as const, message: "the Online Store needs no connection" };
  const connectable = channel.data;
  if (intent === "connect") {
    // Empty optional fields are left out so the schema's defaults (Shopify's conventions) apply.
    const optional = (name: string, key = name) => (field(name).trim() ? { [key]: field(name).trim() } : {});
    const config =
      connectable === "meta"
        ? { catalogId: field("catalogId").trim(), ...optional("countryCode"), ...optional("template", "itemIdTemplate") }
        : {
            accountId: field("accountId").trim(),
            dataSourceId: field("dataSourceId").trim(),
            ...optional("contentLanguage"),
            ...optional("feedLabel"),
            ...optional("countryCode"),
            ...optional("template", "itemIdTemplate"),
          };
    const credentials =
      connectable === "meta"
        ? { accessToken: field("accessToken") }
        : field("credentialKind") === "service_account"
          ? { kind: "service_account", clientEmail: field("clientEmail"), privateKey: field("privateKey") }
          : { kind: "refresh_token", clientId: field("clientId"), clientSecret: field("clientSecret"), refreshToken: field("refreshToken") };
    const result = await connectChannel(database, shop, { channel: connectable, config, credentials }, nowMs);
    // Never echo credentials back: only field names and the channel's own diagnosis.
    return { intent, channel: connectable, ...result };
  }
  if (intent === "test") {
    const result = await testChannel(database, shop, connectable, nowMs);
    return { intent, channel: connectable, ok: result?.ok ?? false, health: result };
  }
  if (intent === "disconnect") {
    await disconnectChannel(database, shop, connectable, nowMs);
    return { intent, ok: true as const };
  }
  if (intent === "previewTemplates") {
    const preview = await previewTemplates(database, shop, connectable, { template: field("template"), countryCode: field("countryCode").trim() || "US" });
    return { intent, channel: connectable, ok: true as const, preview };
  }
  return { intent, ok: false as const, message: "unknown intent" };
};

type ActionData = ReturnType<typeof useActionData<typeof action>>;

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

function ConnectForm({ channel, view, actionData }: { channel: "meta" | "google"; view: ChannelView; actionData: ActionData }) {
  const t = useT();
  const submit = useSubmit();
  const navigation = useNavigation();
  const config = (view.config ?? {}) as Record<string, unknown>;
  const text = (key: string, fallback = "") => (typeof config[key] === "string" ? (config[key] as string) : fallback);
  const [values, setValues] = useState<Record<string, string>>({
    catalogId: text("catalogId"),
    accountId: text("accountId"),
    dataSourceId: text("dataSourceId"),
    contentLanguage: text("contentLanguage", "en"),
    feedLabel: text("feedLabel", "US"),
    countryCode: text("countryCode", "US"),
    template: text("itemIdTemplate"),
    credentialKind: "refresh_token",
  });
  const fieldErrors = actionData && "fields" in actionData && actionData.intent === "connect" && actionData.channel === channel ? actionData.fields : {};
  const error = (name: string) => fieldErrors[name];
  const input = (name: string, label: MessageKey, options: { secret?: boolean; help?: MessageKey; multiline?: boolean; path?: string } = {}) => (
    <TextField
      label={t(label)}
      value={values[name] ?? ""}
      onChange={(value) => setValues({ ...values, [name]: value })}
      autoComplete="off"
      type={options.secret ? "password" : "text"}
      helpText={options.help ? t(options.help) : undefined}
      multiline={options.multiline ? 2 : undefined}
      error={error(options.path ?? `config.${name}`)}
    />
  );
  const send = (intent: string) => submit({ intent, channel, ...values }, { method: "post" });
  return (
    <FormLayout>
      {channel === "meta" ? (
        <>
          {input("catalogId", "channels.field.catalogId")}
          {input("accessToken", "channels.field.accessToken", { secret: true, help: "channels.help.accessToken", path: "credentials.accessToken" })}
        </>
      ) : (
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
            value={values.credentialKind}
            onChange={(value) => setValues({ ...values, credentialKind: value })}
          />
          {values.credentialKind === "service_account" ? (
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
      )}
      <FormLayout.Group condensed>
        {input("countryCode", "channels.field.countryCode")}
        {input("template", "channels.field.templates", { help: "channels.help.templates", path: "config.itemIdTemplate" })}
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

function TemplatePreviewResult({ actionData, channel }: { actionData: ActionData; channel: ChannelId }) {
  if (!actionData || actionData.intent !== "previewTemplates" || !("preview" in actionData) || actionData.channel !== channel) return null;
  return actionData.preview ? <TemplatePreview preview={actionData.preview} /> : null;
}

export default function Channels() {
  const { channels, operations, risks, holdsReleased, modes, thinStockUnits, timeZone } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submit = useSubmit();
  const revalidator = useRevalidator();
  const t = useT();
  const locale = useLocale();
  const [confirm, setConfirm] = useState<
    { kind: "freeze"; channel: ChannelId } | { kind: "release" } | { kind: "leave" } | { kind: "activateOnlineStore" } | { kind: "observeOnlineStore" } | null
  >(null);
  const running = operations.some((operation) => operation.state === "queued" || operation.state === "running");

  // Progress of long operations: poll while one is queued or running.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [running, revalidator]);

  const post = (values: Record<string, string>) => {
    setConfirm(null);
    submit(values, { method: "post" });
  };

  return (
    <Page
      title={t("channels.title")}
      primaryAction={{ content: t("channels.resync"), onAction: () => post({ intent: "resync" }), helpText: t("channels.help.resync") }}
    >
      <Layout>
        {actionData && !actionData.ok ? (
          <Layout.Section>
            <Banner tone="critical" title={t("channels.failed")}>
              <p>
                {"reason" in actionData
                  ? t("channels.healthFailed", { reason: String(actionData.reason), detail: String(actionData.detail) })
                  : "fields" in actionData
                    ? t("channels.invalidFields")
                    : "health" in actionData && actionData.health && !actionData.health.ok
                      ? t("channels.healthFailed", { reason: actionData.health.code, detail: actionData.health.detail })
                      : "message" in actionData
                        ? String(actionData.message)
                        : ""}
              </p>
            </Banner>
          </Layout.Section>
        ) : null}
        {actionData && actionData.ok && actionData.intent !== "previewTemplates" ? (
          <Layout.Section>
            <Banner tone="success" title={t(`channels.done.${actionData.intent}` as MessageKey)} />
          </Layout.Section>
        ) : null}
        {operations.length > 0 ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("channels.operations")}
                </Text>
                {operations.map((operation) => (
                  <OperationProgress key={operation.id} operation={operation} />
                ))}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
        {channels.map((view) => {
          const risk = risks[view.channel];
          const paused = view.state === "paused_stop_selling" || view.state === "paused_freeze";
          return (
            <Layout.Section key={view.channel}>
              <Card>
                <BlockStack gap="400">
                  <InlineStack align="space-between" blockAlign="center">
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="h2" variant="headingMd">
                        {channelName(view.channel, locale)}
                      </Text>
                      {/* Observing: Ballast writes nothing, so "Active" (not paused) would mislead; a pause still shows. */}
                      {view.connected && modes[view.channel].mode === "observing" ? <ModeBadge mode="observing" /> : null}
                      {/* After a reinstall the Online Store's row says "disconnected" (the uninstall) until it is activated again. */}
                      {(!view.connected || modes[view.channel].mode === "active" || view.state !== "active") &&
                      !(view.channel === "online_store" && view.state === "disconnected" && modes[view.channel].mode === "observing") ? (
                        <StateBadge state={view.state} />
                      ) : null}
                    </InlineStack>
                    <InlineStack gap="300" blockAlign="center">
                      <Text as="span" tone="subdued" variant="bodySm">
                        {t("channels.lastPush", { at: formatDateTime(view.lastPushAt, locale, timeZone) })}
                      </Text>
                      <Button url={`/app/channels/${view.channel}`} accessibilityLabel={t("settings.linkLabel", { channel: channelName(view.channel, locale) })}>
                        {t("settings.link")}
                      </Button>
                    </InlineStack>
                  </InlineStack>
                  <Text as="p" tone="subdued">
                    {t(`channels.describe.${view.channel}` as MessageKey)}{" "}
                    {t(view.checkoutOn === "channel" ? "channels.checkout.channel" : "channels.checkout.store")}
                  </Text>
                  {view.connected ? (
                    <InlineStack gap="300" blockAlign="center">
                      <Text as="p" tone="subdued">
                        {modes[view.channel].mode === "active"
                          ? t("channels.mode.activeHelp", { at: formatDateTime(modes[view.channel].activatedAt, locale, timeZone) })
                          : t("channels.mode.observingHelp")}
                      </Text>
                      {modes[view.channel].mode === "observing" ? (
                        <Button
                          variant="primary"
                          onClick={() => (view.channel === "online_store" ? setConfirm({ kind: "activateOnlineStore" }) : post({ intent: "activate", channel: view.channel }))}
                        >
                          {t(view.channel === "online_store" ? "channels.activateOnlineStore" : "channels.activate")}
                        </Button>
                      ) : (
                        <Button
                          onClick={() => (view.channel === "online_store" ? setConfirm({ kind: "observeOnlineStore" }) : post({ intent: "observe", channel: view.channel }))}
                        >
                          {t(view.channel === "online_store" ? "channels.observeOnlineStore" : "channels.observe")}
                        </Button>
                      )}
                    </InlineStack>
                  ) : null}
                  {confirm?.kind === "observeOnlineStore" && view.channel === "online_store" ? (
                    <Banner
                      tone="warning"
                      title={t("channels.observeTitle")}
                      action={{ content: t("channels.confirmObserve"), onAction: () => post({ intent: "observe", channel: "online_store" }) }}
                      secondaryAction={{ content: t("buffers.cancel"), onAction: () => setConfirm(null) }}
                    >
                      <p>{t("channels.observeWarning")}</p>
                    </Banner>
                  ) : null}
                  {view.channel === "online_store" && holdsReleased ? (
                    <Banner tone="warning" title={t("channels.holdsReleasedTitle")}>
                      <p>{t("channels.holdsReleasedBody")}</p>
                    </Banner>
                  ) : null}
                  {view.lastHealthError ? (
                    <Banner tone="warning" title={t("channels.lastHealthError")}>
                      <p>{view.lastHealthError}</p>
                    </Banner>
                  ) : null}
                  {view.connected ? (
                    <InlineStack gap="200">
                      {paused ? (
                        <Button variant="primary" onClick={() => post({ intent: "resume", channel: view.channel })}>
                          {t("channels.resume")}
                        </Button>
                      ) : null}
                      {view.state !== "paused_stop_selling" ? (
                        <Button onClick={() => post({ intent: "pause", channel: view.channel, mode: "stop_selling" })}>{t("channels.pauseStop")}</Button>
                      ) : null}
                      {view.state !== "paused_freeze" ? (
                        <Button onClick={() => setConfirm({ kind: "freeze", channel: view.channel })}>{t("channels.pauseFreeze")}</Button>
                      ) : null}
                      {view.channel !== "online_store" ? (
                        <>
                          <Button onClick={() => post({ intent: "test", channel: view.channel })}>{t("channels.test")}</Button>
                          <Button tone="critical" onClick={() => post({ intent: "disconnect", channel: view.channel })}>
                            {t("channels.disconnect")}
                          </Button>
                        </>
                      ) : holdsReleased ? (
                        <Button variant="primary" onClick={() => post({ intent: "resumeHolds" })}>
                          {t("channels.resumeHolds")}
                        </Button>
                      ) : (
                        <Button tone="critical" onClick={() => setConfirm({ kind: "release" })}>
                          {t("channels.releaseHolds")}
                        </Button>
                      )}
                    </InlineStack>
                  ) : null}
                  {confirm?.kind === "freeze" && confirm.channel === view.channel ? (
                    <Banner
                      tone={risk.aboveSellable > 0 ? "critical" : "warning"}
                      title={t("channels.freezeRiskTitle")}
                      action={{ content: t("channels.confirmFreeze"), onAction: () => post({ intent: "pause", channel: view.channel, mode: "freeze" }) }}
                      secondaryAction={{ content: t("buffers.cancel"), onAction: () => setConfirm(null) }}
                    >
                      <p>{t("channels.freezeRisk", { aboveTarget: risk.aboveTarget, aboveSellable: risk.aboveSellable })}</p>
                    </Banner>
                  ) : null}
                  {confirm?.kind === "release" && view.channel === "online_store" ? (
                    <Banner
                      tone="critical"
                      title={t("channels.releaseTitle")}
                      action={{ content: t("channels.confirmRelease"), onAction: () => post({ intent: "releaseHolds" }) }}
                      secondaryAction={{ content: t("buffers.cancel"), onAction: () => setConfirm(null) }}
                    >
                      <p>{t("channels.releaseWarning")}</p>
                    </Banner>
                  ) : null}
                  {view.channel !== "online_store" ? (
                    <>
                      <Divider />
                      {view.connected ? (
                        <Text as="p" tone="subdued" variant="bodySm">
                          {t("channels.connectedConfig", {
                            config: Object.entries(view.config ?? {})
                              .map(([key, value]) => `${key in CONFIG_LABELS ? t(CONFIG_LABELS[key]!) : key}: ${Array.isArray(value) ? (value as unknown[]).join(" | ") : String(value)}`)
                              .join(" · "),
                            at: formatDateTime(view.lastHealthAt, locale, timeZone),
                          })}
                        </Text>
                      ) : null}
                      <ConnectForm channel={view.channel as "meta" | "google"} view={view} actionData={actionData} />
                      <TemplatePreviewResult actionData={actionData} channel={view.channel} />
                    </>
                  ) : null}
                </BlockStack>
              </Card>
            </Layout.Section>
          );
        })}
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {t("channels.leaving.title")}
              </Text>
              <Text as="p">{t("channels.leaving.body")}</Text>
              <InlineStack>
                <Button tone="critical" onClick={() => setConfirm({ kind: "leave" })} disabled={holdsReleased}>
                  {t("channels.releaseHolds")}
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
      <OnlineStoreActivationModal
        open={confirm?.kind === "activateOnlineStore"}
        units={null}
        thinStockUnits={thinStockUnits}
        onClose={() => setConfirm(null)}
        onConfirm={() => post({ intent: "activate", channel: "online_store" })}
      />
      <Modal
        open={confirm?.kind === "leave"}
        onClose={() => setConfirm(null)}
        title={t("channels.releaseTitle")}
        primaryAction={{ content: t("channels.confirmRelease"), destructive: true, onAction: () => post({ intent: "releaseHolds" }) }}
        secondaryActions={[{ content: t("buffers.cancel"), onAction: () => setConfirm(null) }]}
      >
        <Modal.Section>
          <Text as="p">{t("channels.releaseWarning")}</Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

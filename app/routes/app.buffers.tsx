import { useEffect, useMemo, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  ButtonGroup,
  Card,
  Checkbox,
  InlineStack,
  Layout,
  Page,
  Tabs,
  Text,
} from "@shopify/polaris";
import { CHANNELS, type BufferRule, type ChannelId } from "~/domain";
import { EMPTY_DRAFT, parseDraft, rulesDraftFromJson, type FieldError, type RulesDraft } from "~/web/buffer-form";
import { previewRows } from "~/web/buffer-preview";
import { loadBuffers, removeTargetRules, saveShopDefaults, saveTargetRules } from "~/web/buffers.server";
import { pageContext } from "~/web/context.server";
import { numericId, parseResourceGid } from "~/web/ids";
import { RuleEditor, useRuleSummary } from "~/components/RuleEditor";
import { channelName, formatDuration } from "~/components/format";
import { DataTable } from "~/components/DataTable";
import { useLocale, useT } from "~/i18n/react";

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
    return result.ok ? { intent, ok: true as const, changed: result.changed, mirror: result.mirror } : { intent, ok: false as const, errors: result.errors };
  }
  if (intent === "target") {
    const scope = form.get("scope") === "collection" ? "collection" : "product";
    const gid = parseResourceGid(form.get("gid"), scope === "product" ? "Product" : "Collection");
    const drafts = rulesDraftFromJson(json("drafts"));
    const enabled = json("enabled");
    if (!gid || !drafts || !Array.isArray(enabled)) return { intent, ok: false as const, errors: {}, message: "malformed" };
    const channels = CHANNELS.filter((channel) => enabled.includes(channel));
    const result = await saveTargetRules(database, session, { scope, gid, drafts, enabled: channels }, nowMs);
    return result.ok ? { intent, ok: true as const, changed: result.changed, mirror: result.mirror } : { intent, ok: false as const, errors: result.errors };
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

type Target = { scope: "product" | "collection"; gid: string; title: string; drafts: RulesDraft; enabled: ChannelId[] };

function useDraftErrors(drafts: RulesDraft) {
  return useMemo(() => {
    const parsed = {} as Record<ChannelId, { rule: BufferRule | null; errors: FieldError[] }>;
    for (const channel of CHANNELS) {
      const result = parseDraft(drafts[channel]);
      parsed[channel] = result.ok ? { rule: result.rule, errors: [] } : { rule: null, errors: result.errors };
    }
    return parsed;
  }, [drafts]);
}

export default function Buffers() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const shopify = useAppBridge();
  const t = useT();
  const locale = useLocale();
  const summary = useRuleSummary();
  const [drafts, setDrafts] = useState<RulesDraft>(data.defaults);
  const [tab, setTab] = useState(0);
  const [target, setTarget] = useState<Target | null>(null);
  const parsed = useDraftErrors(drafts);
  const targetParsed = useDraftErrors(target?.drafts ?? data.defaults);
  const saving = navigation.state === "submitting";

  useEffect(() => {
    if (actionData?.ok && actionData.intent === "defaults") setDrafts(data.defaults);
    if (actionData?.ok && actionData.intent !== "defaults") setTarget(null);
  }, [actionData, data.defaults]);

  // The preview uses what is typed where it is valid, and the saved rule where it is not.
  const effective = useMemo(() => {
    const rules = {} as Record<ChannelId, BufferRule>;
    for (const channel of CHANNELS) rules[channel] = parsed[channel].rule ?? data.preview.stored.shopDefaults[channel];
    return rules;
  }, [parsed, data.preview.stored.shopDefaults]);
  const rows = useMemo(() => previewRows(data.preview, effective, locale), [data.preview, effective, locale]);
  const invalidChannels = CHANNELS.filter((channel) => parsed[channel].errors.length > 0);
  const serverErrors = actionData && !actionData.ok && "errors" in actionData ? actionData.errors : {};
  const dirty = JSON.stringify(drafts) !== JSON.stringify(data.defaults);

  const pick = async (scope: "product" | "collection") => {
    const selection = await shopify.resourcePicker({ type: scope, multiple: false, action: "select" });
    const chosen = selection?.[0];
    if (!chosen) return;
    const existing = data.targets.find((entry) => entry.gid === chosen.id);
    setTarget({
      scope,
      gid: chosen.id,
      title: "title" in chosen && typeof chosen.title === "string" ? chosen.title : numericId(chosen.id),
      drafts: Object.fromEntries(CHANNELS.map((channel) => [channel, existing?.drafts[channel] ?? data.defaults[channel]])) as RulesDraft,
      enabled: existing ? CHANNELS.filter((channel) => existing.drafts[channel]) : [...CHANNELS],
    });
  };

  const saveDefaults = () => submit({ intent: "defaults", drafts: JSON.stringify(drafts) }, { method: "post" });
  const saveTarget = () =>
    target &&
    submit(
      { intent: "target", scope: target.scope, gid: target.gid, drafts: JSON.stringify(target.drafts), enabled: JSON.stringify(target.enabled) },
      { method: "post" },
    );

  const channel = CHANNELS[tab] ?? "online_store";
  // The sync uses the measured p95 once it has enough samples, else a conservative default.
  const lagNote = CHANNELS.map((entry) =>
    data.lag[entry].samples > 0 && data.preview.timing[entry].measuredLagMs === data.lag[entry].p95Ms
      ? t("buffers.lagMeasured", { channel: channelName(entry, locale), p95: formatDuration(data.lag[entry].p95Ms, locale), samples: data.lag[entry].samples })
      : t("buffers.lagDefault", { channel: channelName(entry, locale), lag: formatDuration(data.preview.timing[entry].measuredLagMs, locale), samples: data.lag[entry].samples }),
  ).join(" ");

  return (
    <Page title={t("buffers.title")} subtitle={t("buffers.subtitle")}>
      <Layout>
        {actionData?.ok ? (
          <Layout.Section>
            <Banner tone={actionData.mirror.ok ? "success" : "warning"} title={actionData.changed.length ? t("buffers.saved") : t("buffers.unchanged")}>
              {actionData.mirror.ok ? null : <p>{t("buffers.mirrorFailed", { detail: actionData.mirror.message })}</p>}
            </Banner>
          </Layout.Section>
        ) : null}
        {actionData && !actionData.ok ? (
          <Layout.Section>
            <Banner tone="critical" title={t("buffers.notSaved")}>
              <p>{t("buffers.notSavedBody")}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                {t("buffers.defaults")}
              </Text>
              <Tabs
                tabs={CHANNELS.map((entry) => ({
                  id: `tab-${entry}`,
                  content: parsed[entry].errors.length ? `${channelName(entry, locale)} ⚠` : channelName(entry, locale),
                  accessibilityLabel: channelName(entry, locale),
                  panelID: `panel-${entry}`,
                }))}
                selected={tab}
                onSelect={setTab}
              >
                <Box paddingBlockStart="400" id={`panel-${channel}`}>
                  <RuleEditor
                    key={channel}
                    idPrefix={`default-${channel}`}
                    draft={drafts[channel]}
                    errors={[...parsed[channel].errors, ...((serverErrors as Partial<Record<ChannelId, FieldError[]>>)[channel] ?? [])]}
                    onChange={(next) => setDrafts({ ...drafts, [channel]: next })}
                  />
                </Box>
              </Tabs>
              {invalidChannels.length ? (
                <Text as="p" tone="critical">
                  {t("buffers.fixErrors", { channels: invalidChannels.map((entry) => channelName(entry, locale)).join(", ") })}
                </Text>
              ) : null}
              <InlineStack gap="200">
                <Button variant="primary" onClick={saveDefaults} loading={saving} disabled={!dirty || invalidChannels.length > 0}>
                  {t("buffers.save")}
                </Button>
                <Button onClick={() => setDrafts(data.defaults)} disabled={!dirty}>
                  {t("buffers.discard")}
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <Box padding="400">
              <BlockStack gap="100">
                <Text as="h2" variant="headingMd">
                  {t("buffers.preview")}
                </Text>
                <Text as="p" tone="subdued" variant="bodySm">
                  {t("buffers.previewHelp")} {lagNote}
                </Text>
                {data.preview.items.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t("buffers.previewNoItems")}
                  </Text>
                ) : null}
              </BlockStack>
            </Box>
            <div data-testid="buffer-preview">
              <DataTable
                label={t("buffers.preview")}
                columnContentTypes={["text", "numeric", "text", "text", "text"]}
                headings={[t("buffers.col.item"), t("buffers.col.sellable"), ...CHANNELS.map((entry) => channelName(entry, locale))]}
                rows={rows.map((row) => [
                  row.seed ? t("buffers.seedItem") : `${row.title || numericId(row.variantId)}${row.sku ? ` (${row.sku})` : ""}`,
                  row.sellable,
                  ...CHANNELS.map((entry) => (
                    <BlockStack key={entry} gap="050">
                      <Text as="span" fontWeight="bold" variant="headingMd">
                        <span data-testid={`preview-${row.seed ? "seed" : numericId(row.variantId)}-${entry}`}>{row.channels[entry].quantity}</span>
                      </Text>
                      <Text as="span" tone="subdued" variant="bodySm" breakWord>
                        {row.channels[entry].explanation}
                      </Text>
                    </BlockStack>
                  )),
                ])}
              />
            </div>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  {t("buffers.targets")}
                </Text>
                <ButtonGroup>
                  <Button onClick={() => void pick("product")}>{t("buffers.addProduct")}</Button>
                  <Button onClick={() => void pick("collection")}>{t("buffers.addCollection")}</Button>
                </ButtonGroup>
              </InlineStack>
              <Text as="p" tone="subdued" variant="bodySm">
                {t("buffers.targetsHelp")}
              </Text>
              {target ? (
                <Box padding="400" background="bg-surface-secondary" borderRadius="200">
                  <BlockStack gap="300">
                    <Text as="h3" variant="headingSm">
                      {t(target.scope === "product" ? "buffers.editingProduct" : "buffers.editingCollection", { title: target.title })}
                    </Text>
                    {CHANNELS.map((entry) => (
                      <BlockStack key={entry} gap="200">
                        <Checkbox
                          label={t("buffers.overrideChannel", { channel: channelName(entry, locale) })}
                          checked={target.enabled.includes(entry)}
                          onChange={(checked) =>
                            setTarget({ ...target, enabled: checked ? [...target.enabled, entry] : target.enabled.filter((value) => value !== entry) })
                          }
                        />
                        {target.enabled.includes(entry) ? (
                          <RuleEditor
                            idPrefix={`target-${entry}`}
                            draft={target.drafts[entry] ?? EMPTY_DRAFT}
                            errors={[...targetParsed[entry].errors, ...((serverErrors as Partial<Record<ChannelId, FieldError[]>>)[entry] ?? [])]}
                            onChange={(next) => setTarget({ ...target, drafts: { ...target.drafts, [entry]: next } })}
                          />
                        ) : null}
                      </BlockStack>
                    ))}
                    <InlineStack gap="200">
                      <Button
                        variant="primary"
                        onClick={saveTarget}
                        loading={saving}
                        disabled={target.enabled.some((entry) => targetParsed[entry].errors.length > 0)}
                      >
                        {t("buffers.saveTarget")}
                      </Button>
                      <Button onClick={() => setTarget(null)}>{t("buffers.cancel")}</Button>
                    </InlineStack>
                  </BlockStack>
                </Box>
              ) : null}
              {data.targets.length === 0 ? (
                <Text as="p" tone="subdued">
                  {t("buffers.noTargets")}
                </Text>
              ) : (
                <DataTable
                label={t("buffers.targets")}
                  columnContentTypes={["text", "text", "text", "text", "text"]}
                  headings={[t("buffers.col.target"), ...CHANNELS.map((entry) => channelName(entry, locale)), ""]}
                  rows={data.targets.map((entry) => [
                    `${t(entry.scope === "product" ? "buffers.product" : "buffers.collection")} ${numericId(entry.gid)}${entry.label ? ` · ${entry.label}` : ""}`,
                    ...CHANNELS.map((value) => summary(entry.drafts[value])),
                    <ButtonGroup key="actions">
                      <Button
                        size="slim"
                        onClick={() =>
                          setTarget({
                            scope: entry.scope,
                            gid: entry.gid,
                            title: entry.label ?? numericId(entry.gid),
                            drafts: Object.fromEntries(CHANNELS.map((value) => [value, entry.drafts[value] ?? data.defaults[value]])) as RulesDraft,
                            enabled: CHANNELS.filter((value) => entry.drafts[value]),
                          })
                        }
                      >
                        {t("buffers.edit")}
                      </Button>
                      <Button size="slim" tone="critical" onClick={() => submit({ intent: "removeTarget", scope: entry.scope, gid: entry.gid }, { method: "post" })}>
                        {t("buffers.remove")}
                      </Button>
                    </ButtonGroup>,
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

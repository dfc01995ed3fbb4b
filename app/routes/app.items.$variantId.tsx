import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, FormLayout, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { channelIdSchema } from "~/domain";
import { pageContext } from "~/web/context.server";
import { numericId, parseVariantId } from "~/web/ids";
import { loadItem, type ItemChannelView } from "~/web/items.server";
import { clearOverride, setOverride } from "~/web/overrides.server";
import { StateBadge } from "~/components/StateBadge";
import { channelName, formatDateTime } from "~/components/format";
import type { MessageKey } from "~/i18n";
import { DataTable } from "~/components/DataTable";
import { useLocale, useT } from "~/i18n/react";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, database, locale } = await pageContext(request);
  const variantGid = parseVariantId(params.variantId);
  if (!variantGid) throw new Response("Not found", { status: 404 });
  const item = await loadItem(database, shop, variantGid, Date.now(), locale);
  if (!item) throw new Response("Not found", { status: 404 });
  return { item, nowMs: Date.now() };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, database } = await pageContext(request);
  const variantGid = parseVariantId(params.variantId);
  if (!variantGid) throw new Response("Not found", { status: 404 });
  const form = await request.formData();
  const channel = channelIdSchema.safeParse(form.get("channel"));
  if (!channel.success) return { ok: false as const, channel: null, code: "invalid_channel", message: "unknown channel" };
  const nowMs = Date.now();
  if (form.get("intent") === "clear") {
    await clearOverride(database, { shop, channel: channel.data, variantGid, nowMs, source: "admin" });
    return { ok: true as const, channel: channel.data, intent: "clear" };
  }
  const quantityText = String(form.get("quantity") ?? "").trim();
  const expiresAtMs = Date.parse(String(form.get("expiresAt") ?? ""));
  const result = await setOverride(database, {
    shop,
    channel: channel.data,
    variantGid,
    quantity: /^[0-9]+$/.test(quantityText) ? Number(quantityText) : quantityText,
    expiresAtMs: Number.isFinite(expiresAtMs) ? expiresAtMs : null,
    reason: String(form.get("reason") ?? "").trim() || null,
    nowMs,
    source: "admin",
  });
  if (!result.ok) return { ok: false as const, channel: channel.data, code: result.error.code, message: result.error.message, ...("sellable" in result.error ? { sellable: result.error.sellable } : {}) };
  return { ok: true as const, channel: channel.data, intent: "set" };
};

/** datetime-local in the browser's zone, with seconds. */
function localInputValue(ms: number): string {
  const date = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 19);
}

function OverrideForm({ view, sellable }: { view: ItemChannelView; sellable: number }) {
  const t = useT();
  const locale = useLocale();
  const submit = useSubmit();
  const navigation = useNavigation();
  const actionData = useActionData<typeof action>();
  const [quantity, setQuantity] = useState(String(view.now.quantity));
  const [expires, setExpires] = useState(() => localInputValue(Date.now() + 3_600_000));
  const [reason, setReason] = useState("");
  const mine = actionData && actionData.channel === view.channel ? actionData : null;
  const error = mine && !mine.ok ? t(`item.error.${mine.code}` as MessageKey, { sellable: "sellable" in mine ? String(mine.sellable) : "", detail: mine.message }) : undefined;
  const send = () => {
    const parsed = new Date(expires);
    submit(
      { intent: "set", channel: view.channel, quantity, expiresAt: Number.isNaN(parsed.getTime()) ? "" : parsed.toISOString(), reason },
      { method: "post" },
    );
  };
  return (
    <FormLayout>
      <FormLayout.Group condensed>
        <TextField
          label={t("item.field.quantity", { channel: channelName(view.channel, locale) })}
          value={quantity}
          onChange={setQuantity}
          autoComplete="off"
          inputMode="numeric"
          helpText={t("item.help.quantity", { sellable })}
          error={mine && !mine.ok && mine.code !== "override_already_expired" ? error : undefined}
        />
        <TextField
          label={t("item.field.expiresAt")}
          type="datetime-local"
          step={1}
          value={expires}
          onChange={setExpires}
          autoComplete="off"
          helpText={t("item.help.expiresAt")}
          error={mine && !mine.ok && mine.code === "override_already_expired" ? error : undefined}
        />
        <TextField label={t("item.field.reason")} value={reason} onChange={setReason} autoComplete="off" />
      </FormLayout.Group>
      <InlineStack gap="200">
        <Button onClick={send} loading={navigation.state === "submitting"}>
          {t("item.setOverride")}
        </Button>
        {view.override?.active ? (
          <Button tone="critical" onClick={() => submit({ intent: "clear", channel: view.channel }, { method: "post" })}>
            {t("item.clearOverride")}
          </Button>
        ) : null}
      </InlineStack>
    </FormLayout>
  );
}

export default function ItemDetail() {
  const { item } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const title = item.title || numericId(item.variantId);
  const quantity = (value: number | null) => (value === null ? "—" : String(value));
  // Google shows availability only: its sync rows hold availability codes (app/sync/recompute.server.ts).
  const shown = (channel: string, value: number | null) =>
    channel === "google" && value !== null && value >= 0 && value <= 2 ? t(`item.googleCode.${value}` as MessageKey) : quantity(value);

  return (
    <Page
      title={title}
      subtitle={`${item.sku ? `${t("item.sku")} ${item.sku} · ` : ""}${t("item.variant")} ${numericId(item.variantId)}`}
      backAction={{ content: t("nav.activity"), url: `/app/activity?item=${numericId(item.variantId)}` }}
      secondaryActions={[{ content: t("item.activity"), url: `/app/activity?item=${numericId(item.variantId)}` }]}
    >
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("item.master")}
              </Text>
              {!item.master.known ? (
                <Banner tone="info" title={t("item.noMaster")} />
              ) : null}
              <Text as="p">
                <span data-testid="item-sellable">
                  {t("item.sellableLine", {
                    sellable: item.master.sellable,
                    available: item.master.available,
                    safety: item.master.ballastSafetyStock,
                    holds: item.master.orderHolds,
                  })}
                </span>
              </Text>
              {item.master.locations.length ? (
                <DataTable
                label={t("item.master")}
                  columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "text"]}
                  headings={[t("item.col.location"), t("item.col.available"), t("item.col.onHand"), t("item.col.committed"), t("item.col.safety"), t("item.col.updated")]}
                  rows={item.master.locations.map((location) => [
                    numericId(location.locationId),
                    quantity(location.available),
                    quantity(location.onHand),
                    quantity(location.committed),
                    quantity(location.ballastSafetyStock),
                    formatDateTime(location.updatedAt, locale),
                  ])}
                />
              ) : null}
              {item.master.holds.length ? (
                <Text as="p" tone="subdued" variant="bodySm">
                  {t("item.holds", { list: item.master.holds.map((hold) => `${numericId(hold.orderId)} × ${hold.units}`).join(", ") })}
                </Text>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>
        {item.channels.map((view) => (
          <Layout.Section key={view.channel}>
            <Card>
              <BlockStack gap="300">
                <InlineStack gap="200" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    {channelName(view.channel, locale)}
                  </Text>
                  <StateBadge state={view.state} />
                  {view.override ? (
                    <Badge tone={view.override.active ? "attention" : undefined}>
                      {view.override.active
                        ? t("item.overrideActive", { quantity: view.override.quantity, until: formatDateTime(view.override.expiresAt, locale) })
                        : t("item.overrideExpired", { quantity: view.override.quantity, at: formatDateTime(view.override.expiresAt, locale) })}
                    </Badge>
                  ) : null}
                </InlineStack>
                <BlockStack gap="100">
                  <Text as="p" variant="headingLg">
                    <span data-testid={`now-${view.channel}`}>{view.now.quantity}</span>
                  </Text>
                  <Text as="p" tone="subdued">
                    <span data-testid={`explanation-${view.channel}`}>{view.now.explanation}</span>
                  </Text>
                  {view.now.risk ? (
                    <Text as="p" tone="critical">
                      {t("channels.freezeRisk", { aboveTarget: view.now.risk.aboveTarget, aboveSellable: view.now.risk.aboveSellable })}
                    </Text>
                  ) : null}
                </BlockStack>
                {view.rows.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t("item.noSyncState")}
                  </Text>
                ) : (
                  <DataTable
                label={channelName(view.channel, locale)}
                    columnContentTypes={["text", "numeric", "numeric", "numeric", "text"]}
                    headings={[t("item.col.itemKey"), t("item.col.desired"), t("item.col.pushed"), t("item.col.confirmed"), t("item.col.why")]}
                    rows={view.rows.map((row) => [
                      row.itemKey,
                      `${shown(view.channel, row.desired)} (${formatDateTime(row.computedAt, locale)})`,
                      `${shown(view.channel, row.pushed)} (${formatDateTime(row.pushedAt, locale)})`,
                      `${shown(view.channel, row.confirmed)} (${formatDateTime(row.confirmedAt, locale)})`,
                      [row.explanation ?? "—", row.pending?.text ?? "", row.lastError ? t("item.lastError", { error: row.lastError, attempts: row.attempts }) : "", row.parked ? t("item.parked") : ""]
                        .filter(Boolean)
                        .join(" · "),
                    ])}
                  />
                )}
                <OverrideForm view={view} sellable={view.now.sellable} />
              </BlockStack>
            </Card>
          </Layout.Section>
        ))}
        <Layout.Section>
          <RemixLink to={`/app/activity?item=${numericId(item.variantId)}`}>{t("item.activity")}</RemixLink>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

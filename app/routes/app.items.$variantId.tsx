import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useActionData, useLoaderData } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import { channelIdSchema } from "~/domain";
import { pageContext } from "~/web/context.server";
import { numericId, parseVariantId } from "~/web/ids";
import { loadItem } from "~/web/items.server";
import { clearOverride, setOverride } from "~/web/overrides.server";
import { ItemChannelCard, MasterCard } from "~/components/item/ItemSections";
import { useT } from "~/i18n/react";

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
  if (!channel.success)
    return { ok: false as const, channel: null, code: "invalid_channel", message: "unknown channel" };
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
  if (!result.ok)
    return {
      ok: false as const,
      channel: channel.data,
      code: result.error.code,
      message: result.error.message,
      ...("sellable" in result.error ? { sellable: result.error.sellable } : {}),
    };
  return { ok: true as const, channel: channel.data, intent: "set" };
};

export default function ItemDetail() {
  const { item } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const t = useT();
  const id = numericId(item.variantId);

  return (
    <Page
      title={item.title || id}
      subtitle={`${item.sku ? `${t("item.sku")} ${item.sku} · ` : ""}${t("item.variant")} ${id}`}
      backAction={{ content: t("nav.activity"), url: `/app/activity?item=${id}` }}
      secondaryActions={[{ content: t("item.activity"), url: `/app/activity?item=${id}` }]}
    >
      <Layout>
        <Layout.Section>
          <MasterCard master={item.master} />
        </Layout.Section>
        {item.channels.map((view) => (
          <Layout.Section key={view.channel}>
            <ItemChannelCard view={view} outcome={outcome} />
          </Layout.Section>
        ))}
        <Layout.Section>
          <RemixLink to={`/app/activity?item=${id}`}>{t("item.activity")}</RemixLink>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useActionData, useLoaderData } from "@remix-run/react";
import { Banner, Layout, Page } from "@shopify/polaris";
import { channelIdSchema } from "~/domain";
import { actingAs } from "~/records/activity.server";
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
  const nowMs = Date.now();
  const item = await loadItem(database, shop, variantGid, nowMs, locale);
  if (!item) throw new Response("Not found", { status: 404 });
  return { item, nowMs };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const context = await pageContext(request);
  // Activity recorded while answering names the staff member who acted.
  return actingAs(context.actor, () => pageAction({ request, params }, context));
};

async function pageAction(
  { request, params }: Pick<ActionFunctionArgs, "request" | "params">,
  { shop, database }: Awaited<ReturnType<typeof pageContext>>,
) {
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
}

export default function ItemDetail() {
  const { item, nowMs } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const t = useT();
  const id = numericId(item.variantId);
  const subtitle = [
    item.sku ? t("item.subtitle.sku", { sku: item.sku }) : null,
    item.barcode ? t("item.subtitle.barcode", { barcode: item.barcode }) : null,
  ]
    .filter(Boolean)
    .join(" · ");

  return (
    <Page
      title={item.title || t("item.untitled")}
      subtitle={subtitle || undefined}
      backAction={{ content: t("nav.items"), url: "/app/items" }}
      secondaryActions={[{ content: t("item.activity"), url: `/app/activity?item=${id}` }]}
    >
      <Layout>
        {item.deleted || !item.tracked ? (
          <Layout.Section>
            <Banner tone="warning" title={t(item.deleted ? "item.deleted" : "item.untracked")} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <MasterCard master={item.master} />
        </Layout.Section>
        {item.channels.map((view) => (
          <Layout.Section key={view.channel}>
            <ItemChannelCard view={view} locations={item.master.locations} nowMs={nowMs} outcome={outcome} />
          </Layout.Section>
        ))}
        <Layout.Section>
          <RemixLink to={`/app/activity?item=${id}`}>{t("item.activity")}</RemixLink>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

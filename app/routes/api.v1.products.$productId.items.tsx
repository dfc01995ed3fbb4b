import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiError, methodNotAllowed, withApi } from "~/web/api.server";
import { loadItem } from "~/web/items.server";
import type { VariantGid } from "~/domain";
import { resolveLocale } from "~/i18n";

/** GET /api/v1/products/{productId}/items: every variant of a product with each channel's quantity (the admin block reads this). */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withApi(request, async ({ shop, database }) => {
    const raw = params.productId ?? "";
    const productGid = /^[0-9]{1,30}$/.test(raw) ? `gid://shopify/Product/${raw}` : raw;
    if (!/^gid:\/\/shopify\/Product\/[0-9]{1,30}$/.test(productGid)) {
      return apiError(400, "invalid_product_id", "productId must be digits or gid://shopify/Product/<digits>");
    }
    const requested = new URL(request.url).searchParams.get("locale");
    const stored = requested ? null : await database.shop.findUnique({ where: { shop }, select: { locale: true } });
    const locale = resolveLocale(requested ?? stored?.locale);
    const variants = await database.variant.findMany({
      where: { shop, productGid, deletedAt: null },
      orderBy: { gid: "asc" },
      take: 100,
      select: { gid: true },
    });
    const nowMs = Date.now();
    const items = [];
    for (const variant of variants) {
      const item = await loadItem(database, shop, variant.gid as VariantGid, nowMs, locale);
      if (!item) continue;
      items.push({
        variantId: item.variantId,
        title: item.title,
        sku: item.sku,
        sellable: item.master.sellable,
        channels: item.channels.map((channel) => ({
          channel: channel.channel,
          state: channel.state,
          quantity: channel.now.quantity,
          availability: channel.now.availability,
          explanation: channel.now.explanation,
          override: channel.override?.active ? channel.override : null,
        })),
      });
    }
    return Response.json({ productId: productGid, items });
  });

// Read-only: any other method gets the API's JSON 405 (Remix's own 405 has no JSON body).
export const action = ({ request }: ActionFunctionArgs) => withApi(request, async () => methodNotAllowed(["GET"]));

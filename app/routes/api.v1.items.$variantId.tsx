import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiError, withApi } from "~/admin/api.server";
import { parseVariantId } from "~/admin/ids";
import { loadItem } from "~/admin/items.server";

/** GET /api/v1/items/{variantId}: quantities per channel with their explanations. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withApi(request, async ({ shop, database }) => {
    const variantGid = parseVariantId(params.variantId);
    if (!variantGid) return apiError(400, "invalid_variant_id", "variantId must be digits or gid://shopify/ProductVariant/<digits>");
    const url = new URL(request.url);
    const locale = url.searchParams.get("locale") === "fr" ? "fr" : "en";
    const item = await loadItem(database, shop, variantGid, Date.now(), locale);
    if (!item) return apiError(404, "item_not_found", "no such item in this shop");
    return Response.json({ item });
  });

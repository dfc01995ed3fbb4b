import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiError, methodNotAllowed, withApi } from "~/web/api.server";
import { parseVariantId } from "~/web/ids";
import { loadItem } from "~/web/items.server";

/** GET /api/v1/items/{variantId}: quantities per channel with their explanations. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withApi(request, async ({ shop, database }) => {
    const variantGid = parseVariantId(params.variantId);
    if (!variantGid)
      return apiError(400, "invalid_variant_id", "variantId must be digits or gid://shopify/ProductVariant/<digits>");
    const url = new URL(request.url);
    const locale = url.searchParams.get("locale") === "fr" ? "fr" : "en";
    const item = await loadItem(database, shop, variantGid, Date.now(), locale);
    if (!item) return apiError(404, "item_not_found", "no such item in this shop");
    return Response.json({ item });
  });

// Read-only: any other method gets the API's JSON 405 (Remix's own 405 has no JSON body).
export const action = ({ request }: ActionFunctionArgs) => withApi(request, async () => methodNotAllowed(["GET"]));

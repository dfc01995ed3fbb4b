import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiError, methodNotAllowed, withApi, zodDetails } from "~/web/api.server";
import { parseItemListQuery } from "~/web/item-list";
import { listItems } from "~/web/item-list.server";

/** GET /api/v1/items?query=&filter=drift|held|overridden|near_sellout&channel=&page=: the item list, 50 a page. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  withApi(request, async ({ shop, database }) => {
    const query = parseItemListQuery(new URL(request.url).searchParams);
    if (!query.success) return apiError(400, "invalid_query", "unknown filter value", zodDetails(query.error.issues));
    return Response.json(await listItems(database, shop, query.data, Date.now()));
  });

// Read-only: any other method gets the API's JSON 405 (Remix's own 405 has no JSON body).
export const action = ({ request }: ActionFunctionArgs) => withApi(request, async () => methodNotAllowed(["GET"]));

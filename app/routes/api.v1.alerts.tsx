import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiError, methodNotAllowed, withApi, zodDetails } from "~/web/api.server";
import { alertFilterSchema, listAlertsForApi } from "~/web/alerts.server";

/** GET /api/v1/alerts?status=open|acknowledged|resolved|all&severity=&channel=&limit=&locale=en|fr: codes, and the words beside them. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  withApi(request, async ({ shop, database }) => {
    const query = Object.fromEntries(new URL(request.url).searchParams);
    const filter = alertFilterSchema.safeParse(query);
    if (!filter.success) return apiError(400, "invalid_query", "unknown filter value", zodDetails(filter.error.issues));
    return Response.json({ alerts: await listAlertsForApi(database, shop, filter.data) });
  });

// Read-only: any other method gets the API's JSON 405 (Remix's own 405 has no JSON body).
export const action = ({ request }: ActionFunctionArgs) => withApi(request, async () => methodNotAllowed(["GET"]));

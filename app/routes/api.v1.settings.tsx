import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { methodNotAllowed, withApi } from "~/web/api.server";
import { loadSettings } from "~/web/settings.server";

/**
 * GET /api/v1/settings: alert delivery (secrets only as "set" flags), alert thresholds,
 * auto-protect per channel and each fallback feed's dates. Changes: /api/v1/settings/{section}
 * and /api/v1/settings/feeds/{channel}.
 */
export const loader = ({ request }: LoaderFunctionArgs) =>
  withApi(request, async ({ shop, database }) => Response.json({ settings: await loadSettings(database, shop) }));

// Read-only: any other method gets the API's JSON 405 (Remix's own 405 has no JSON body).
export const action = ({ request }: ActionFunctionArgs) => withApi(request, async () => methodNotAllowed(["GET"]));

import type { LoaderFunctionArgs } from "@remix-run/node";
import { activityQuery, exportActivity } from "~/web/activity.server";
import { pageContext } from "~/web/context.server";
import { shopProfile } from "~/web/shop-profile.server";
import { activityCsv } from "~/components/activity/activity-csv";
import { sortableDateTime } from "~/i18n/date-time";

/**
 * The Activity log as CSV, with the page's filters (its URL's query): streamed as it is read,
 * so a long log never sits in memory. The page fetches it with its session token and saves it.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, database, locale, accessToken } = await pageContext(request);
  const { timeZone } = await shopProfile(database, shop, accessToken);
  const { filter } = activityQuery(new URL(request.url).searchParams, timeZone);
  const day = sortableDateTime(new Date(), timeZone).slice(0, 10);
  return new Response(activityCsv(exportActivity(database, shop, filter), locale, timeZone), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="ballast-activity-${day}.csv"`,
      "Cache-Control": "no-store",
    },
  });
};

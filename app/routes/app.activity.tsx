import { useState } from "react";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { Banner, Box, Card, InlineStack, Page, Pagination } from "@shopify/polaris";
import { activityItem, activityQuery, listActivity } from "~/web/activity.server";
import { pageContext } from "~/web/context.server";
import { shopProfile } from "~/web/shop-profile.server";
import { activityRetentionDays } from "~/web/retention.server";
import { ActivityFilters, ActivityList } from "~/components/activity/ActivitySections";
import { ActivityRetentionNote } from "~/components/activity/ActivityRetentionNote";
import { useT } from "~/i18n/react";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, database, accessToken } = await pageContext(request);
  const { timeZone } = await shopProfile(database, shop, accessToken);
  const query = activityQuery(new URL(request.url).searchParams, timeZone);
  const [result, item] = await Promise.all([
    listActivity(database, shop, { ...query.filter, page: query.page }),
    activityItem(database, shop, query.filter.variantGid),
  ]);
  return { ...result, invalid: query.invalid, item, retentionDays: activityRetentionDays() };
};

/** Fetches the export with the page's session token (App Bridge adds it) and saves it as a file. */
async function downloadCsv(params: URLSearchParams): Promise<void> {
  const response = await fetch(`/app/activity/csv?${params.toString()}`);
  if (!response.ok) throw new Error(`export answered ${response.status}`);
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? "activity.csv";
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

export default function Activity() {
  const { entries, page, hasNext, invalid, item, retentionDays } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const t = useT();
  const [exporting, setExporting] = useState(false);
  const [exportFailed, setExportFailed] = useState(false);

  // Filters and page live in the URL; a new filter starts again at page 1.
  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!("page" in changes)) next.delete("page");
    navigate(`/app/activity?${next.toString()}`);
  };
  const exportCsv = () => {
    setExporting(true);
    setExportFailed(false);
    downloadCsv(params)
      .catch(() => setExportFailed(true))
      .finally(() => setExporting(false));
  };

  return (
    <Page title={t("activity.title")} subtitle={t("activity.subtitle")}>
      {exportFailed ? (
        <Box paddingBlockEnd="400">
          <Banner tone="critical" title={t("activity.exportFailed")} onDismiss={() => setExportFailed(false)} />
        </Box>
      ) : null}
      <Box paddingBlockEnd="400">
        <ActivityRetentionNote days={retentionDays} />
      </Box>
      <Card padding="0">
        <ActivityFilters state={{ params, invalid, item, go }} onExport={exportCsv} exporting={exporting} />
        <ActivityList entries={entries} />
        <Box padding="400">
          <InlineStack align="center">
            <Pagination
              hasPrevious={page > 1}
              onPrevious={() => go({ page: String(page - 1) })}
              hasNext={hasNext}
              onNext={() => go({ page: String(page + 1) })}
              label={t("activity.page", { page })}
            />
          </InlineStack>
        </Box>
      </Card>
    </Page>
  );
}

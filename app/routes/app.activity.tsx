import { useState } from "react";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { Box, Card, InlineStack, Page, Pagination } from "@shopify/polaris";
import { channelIdSchema } from "~/domain";
import { listActivity } from "~/web/activity.server";
import { pageContext } from "~/web/context.server";
import { parseVariantId } from "~/web/ids";
import { ActivityFilters, ActivityList } from "~/components/activity/ActivitySections";
import { useT } from "~/i18n/react";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, database } = await pageContext(request);
  const url = new URL(request.url);
  const itemText = url.searchParams.get("item") ?? "";
  const variantGid = itemText ? parseVariantId(itemText) : null;
  const channel = channelIdSchema.safeParse(url.searchParams.get("channel"));
  const page = Number.parseInt(url.searchParams.get("page") ?? "1", 10);
  const result = await listActivity(database, shop, {
    variantGid,
    channel: channel.success ? channel.data : null,
    page: Number.isFinite(page) && page > 0 ? page : 1,
  });
  return { ...result, invalidItem: itemText !== "" && variantGid === null };
};

export default function Activity() {
  const { entries, page, hasNext, invalidItem } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const t = useT();
  const [item, setItem] = useState(params.get("item") ?? "");

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

  return (
    <Page title={t("activity.title")} subtitle={t("activity.subtitle")}>
      <Card padding="0">
        <ActivityFilters
          item={item}
          onItem={setItem}
          invalidItem={invalidItem}
          channel={params.get("channel") ?? ""}
          go={go}
        />
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

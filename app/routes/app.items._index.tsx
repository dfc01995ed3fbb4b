import { useCallback } from "react";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Card, Page } from "@shopify/polaris";
import { pageContext } from "~/web/context.server";
import { parseItemListQuery, type ItemListQuery } from "~/web/item-list";
import { listItems } from "~/web/item-list.server";
import { ItemListFilters, ItemListPagination, ItemListTable, type GoTo } from "~/components/item/ItemList";
import { useT } from "~/i18n/react";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, database } = await pageContext(request);
  const parsed = parseItemListQuery(new URL(request.url).searchParams);
  // An address with a filter Ballast does not know shows every item, and says so.
  const query: ItemListQuery = parsed.success ? parsed.data : { query: "", page: 1 };
  const list = await listItems(database, shop, query, Date.now());
  return { list, query, invalidQuery: !parsed.success };
};

export default function Items() {
  const { list, query, invalidQuery } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const t = useT();

  // Search, filters and page live in the URL; a new search or filter starts again at page 1.
  const go: GoTo = useCallback(
    (changes) => {
      const next = new URLSearchParams(params);
      for (const [key, value] of Object.entries(changes)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      if (!("page" in changes)) next.delete("page");
      navigate(`/app/items?${next.toString()}`, { replace: !("page" in changes), preventScrollReset: true });
    },
    [params, navigate],
  );

  const filtered = Boolean(query.query || query.filter || query.channel);
  return (
    <Page title={t("items.title")} subtitle={t("items.subtitle")} fullWidth>
      <BlockStack gap="400">
        {invalidQuery ? <Banner tone="warning" title={t("items.invalidQuery")} /> : null}
        <Card padding="0">
          <ItemListFilters query={query.query} filter={query.filter ?? ""} channel={query.channel ?? ""} go={go} />
          <ItemListTable list={list} filtered={filtered} />
          <ItemListPagination list={list} go={go} />
        </Card>
      </BlockStack>
    </Page>
  );
}

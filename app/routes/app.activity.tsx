import { useState } from "react";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { BlockStack, Box, Button, Card, InlineStack, Page, Pagination, ResourceItem, ResourceList, Select, Text, TextField } from "@shopify/polaris";
import { CHANNELS, channelIdSchema } from "~/domain";
import { listActivity } from "~/web/activity.server";
import { pageContext } from "~/web/context.server";
import { numericId, parseVariantId } from "~/web/ids";
import { activityText } from "~/components/activity-text";
import { channelName, formatDateTime } from "~/components/format";
import { useLocale, useT } from "~/i18n/react";

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
  const locale = useLocale();
  const [item, setItem] = useState(params.get("item") ?? "");
  const channel = params.get("channel") ?? "";

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
        <Box padding="400">
          <InlineStack gap="300" blockAlign="end">
            <div style={{ minWidth: 260 }}>
              <TextField
                label={t("activity.filter.item")}
                value={item}
                onChange={setItem}
                autoComplete="off"
                placeholder="44960469696645"
                error={invalidItem ? t("activity.filter.itemInvalid") : undefined}
                connectedRight={<Button onClick={() => go({ item: item.trim() })}>{t("activity.filter.apply")}</Button>}
              />
            </div>
            <Select
              label={t("activity.filter.channel")}
              options={[{ label: t("activity.filter.anyChannel"), value: "" }, ...CHANNELS.map((value) => ({ label: channelName(value, locale), value }))]}
              value={channel}
              onChange={(value) => go({ channel: value })}
            />
          </InlineStack>
        </Box>
        {entries.length === 0 ? (
          <Box padding="400">
            <Text as="p" tone="subdued">
              {t("activity.empty")}
            </Text>
          </Box>
        ) : (
          <ResourceList
            items={entries}
            resourceName={{ singular: t("activity.entry"), plural: t("activity.entries") }}
            renderItem={(entry) => (
              <ResourceItem id={entry.id} onClick={() => undefined} accessibilityLabel={activityText(entry, locale)}>
                <BlockStack gap="100">
                  <Text as="p">{activityText(entry, locale)}</Text>
                  <Text as="p" tone="subdued" variant="bodySm">
                    {formatDateTime(entry.at, locale)}
                    {entry.variantGid ? (
                      <>
                        {" · "}
                        <Link to={`/app/items/${numericId(entry.variantGid)}`}>{t("activity.viewItem", { id: numericId(entry.variantGid) })}</Link>
                      </>
                    ) : null}
                  </Text>
                </BlockStack>
              </ResourceItem>
            )}
          />
        )}
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

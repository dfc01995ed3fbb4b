import { useEffect, useRef, useState } from "react";
import {
  Badge,
  BlockStack,
  Box,
  IndexTable,
  InlineStack,
  Link,
  Pagination,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { CHANNELS, type ChannelId } from "~/domain";
import { ITEM_FILTERS, type ItemListChannel, type ItemListPage, type ItemListRow } from "~/web/item-list";
import { numericId } from "~/web/ids";
import { channelName, formatNumber } from "~/components/format";
import type { MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { channelValue } from "./truth-words";

/** Changes to the list's URL: a search or filter starts again at page 1. */
export type GoTo = (changes: Record<string, string>) => void;

/** Waiting this long after the last keystroke before searching keeps typing smooth. */
const SEARCH_DELAY_MS = 300;

/** The search field (searches as the merchant types) and the two filters. */
export function ItemListFilters(props: { query: string; filter: string; channel: string; go: GoTo }) {
  const t = useT();
  const locale = useLocale();
  const [query, setQuery] = useState(props.query);
  const { go } = props;
  const sent = useRef(props.query);
  // The address changed by other means (back, a link): the field follows it.
  useEffect(() => {
    if (props.query === sent.current) return;
    sent.current = props.query;
    setQuery(props.query);
  }, [props.query]);
  useEffect(() => {
    if (query.trim() === sent.current.trim()) return;
    const timer = setTimeout(() => {
      sent.current = query.trim();
      go({ query: query.trim() });
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [query, go]);
  return (
    <Box padding="400">
      <InlineStack gap="300" blockAlign="end" wrap>
        <div style={{ flex: "1 1 280px" }}>
          <TextField
            label={t("items.search")}
            value={query}
            onChange={setQuery}
            autoComplete="off"
            placeholder={t("items.searchPlaceholder")}
            clearButton
            onClearButtonClick={() => setQuery("")}
          />
        </div>
        <Select
          label={t("items.filter")}
          options={[
            { label: t("items.filter.all"), value: "" },
            ...ITEM_FILTERS.map((value) => ({ label: t(`items.filter.${value}`), value })),
          ]}
          value={props.filter}
          onChange={(value) => go({ filter: value })}
        />
        <Select
          label={t("items.channel")}
          options={[
            { label: t("items.channel.any"), value: "" },
            ...CHANNELS.map((value) => ({ label: channelName(value, locale), value })),
          ]}
          value={props.channel}
          onChange={(value) => go({ channel: value })}
        />
      </InlineStack>
    </Box>
  );
}

const STATUS_TONES: Partial<Record<ItemListChannel["status"], "critical" | "warning" | "info">> = {
  drift: "warning",
  parked: "critical",
  retrying: "warning",
  differs: "warning",
  waiting_allowance: "info",
};

/** What one channel shows, with a badge when it differs from what Ballast wants or cannot be written. */
function ChannelCell({ entry }: { entry: ItemListChannel }) {
  const t = useT();
  const locale = useLocale();
  const tone = STATUS_TONES[entry.status];
  const value =
    entry.status === "not_connected"
      ? t("items.notConnected")
      : entry.status === "not_synced" && entry.shows.value === null
        ? t("items.notSynced")
        : channelValue(entry.channel, entry.shows.value, t, locale);
  return (
    <BlockStack gap="100" inlineAlign="end">
      <span data-testid={`list-${entry.channel}`}>{value}</span>
      {tone ? <Badge tone={tone}>{t(`items.status.${entry.status}` as MessageKey)}</Badge> : null}
    </BlockStack>
  );
}

/** Long titles wrap inside their cell: the table fits its card. */
const wrap = { whiteSpace: "normal", overflowWrap: "anywhere" } as const;

function ItemRow({ item, position }: { item: ItemListRow; position: number }) {
  const t = useT();
  const locale = useLocale();
  const id = numericId(item.variantId);
  return (
    <IndexTable.Row id={id} position={position}>
      <IndexTable.Cell>
        <div style={{ ...wrap, minWidth: 160 }}>
          <BlockStack gap="100">
            <Link url={`/app/items/${id}`} dataPrimaryLink removeUnderline>
              <Text as="span" fontWeight="semibold">
                {item.title || t("item.untitled")}
              </Text>
            </Link>
            <InlineStack gap="100">
              {item.held > 0 ? <Badge>{t("items.held", { count: formatNumber(item.held, locale) })}</Badge> : null}
              {item.overridden.length > 0 ? <Badge tone="attention">{t("items.overridden")}</Badge> : null}
            </InlineStack>
          </BlockStack>
        </div>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <div style={wrap}>{item.sku ?? "—"}</div>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <div style={wrap}>{item.barcode ?? "—"}</div>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {item.sellable === null ? "—" : formatNumber(item.sellable, locale)}
        </Text>
      </IndexTable.Cell>
      {item.channels.map((entry) => (
        <IndexTable.Cell key={entry.channel}>
          <div style={wrap}>
            <ChannelCell entry={entry} />
          </div>
        </IndexTable.Cell>
      ))}
    </IndexTable.Row>
  );
}

/** The page of items as a table, with an empty state that says what to try next. */
export function ItemListTable({ list, filtered }: { list: ItemListPage; filtered: boolean }) {
  const t = useT();
  const locale = useLocale();
  const channelHeading = (channel: ChannelId) => ({
    title: t("items.col.channel", { channel: channelName(channel, locale) }),
    alignment: "end" as const,
  });
  return (
    <IndexTable
      resourceName={{ singular: t("items.resource.one"), plural: t("items.resource.other") }}
      itemCount={list.items.length}
      selectable={false}
      emptyState={
        <Box padding="600">
          <BlockStack gap="200" inlineAlign="center">
            <Text as="h2" variant="headingMd">
              {filtered ? t("items.empty.title") : t("items.none.title")}
            </Text>
            <Text as="p" tone="subdued">
              {filtered ? t("items.empty.body") : t("items.none.body")}
            </Text>
          </BlockStack>
        </Box>
      }
      headings={[
        { title: t("items.col.item") },
        { title: t("items.col.sku") },
        { title: t("items.col.barcode") },
        { title: t("items.col.sellable"), alignment: "end", tooltipContent: t("items.col.sellableHelp") },
        channelHeading("online_store"),
        channelHeading("meta"),
        channelHeading("google"),
      ]}
    >
      {list.items.map((item, position) => (
        <ItemRow key={item.variantId} item={item} position={position} />
      ))}
    </IndexTable>
  );
}

/** "51–100 of 1,234" and the previous / next buttons. */
export function ItemListPagination({ list, go }: { list: ItemListPage; go: GoTo }) {
  const t = useT();
  const locale = useLocale();
  const from = list.total === 0 ? 0 : (list.page - 1) * list.pageSize + 1;
  const to = (list.page - 1) * list.pageSize + list.items.length;
  return (
    <Box padding="400">
      <InlineStack align="center">
        <Pagination
          hasPrevious={list.page > 1}
          onPrevious={() => go({ page: String(list.page - 1) })}
          hasNext={list.hasNext}
          onNext={() => go({ page: String(list.page + 1) })}
          label={t("items.range", {
            from: formatNumber(from, locale),
            to: formatNumber(to, locale),
            total: formatNumber(list.total, locale),
          })}
        />
      </InlineStack>
    </Box>
  );
}

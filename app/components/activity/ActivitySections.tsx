import { useState, type FormEvent } from "react";
import { Link } from "@remix-run/react";
import { BlockStack, Box, Button, InlineStack, ResourceItem, Select, Tag, Text, TextField } from "@shopify/polaris";
import { CHANNELS } from "~/domain";
import type { ActivityQuery, ActivityView } from "~/web/activity.server";
import { numericId } from "~/web/ids";
import { activityText } from "~/components/activity-text";
import { channelName } from "~/components/format";
import { ListOrEmpty } from "~/components/ListOrEmpty";
import { useDateTime } from "~/components/use-date-time";
import { useLocale, useShopTimeZone, useT } from "~/i18n/react";
import { actorName } from "./activity-csv";

/** The filters as the URL holds them, and the way to change them (a change starts again at page 1). */
export interface ActivityFilterState {
  params: URLSearchParams;
  invalid: ActivityQuery["invalid"];
  /** The item an `item=` filter names (from an item page's link). */
  item: { title: string; sku: string | null } | null;
  go: (changes: Record<string, string>) => void;
}

/** Title or SKU, applied with its button or Enter. */
function SearchField({ params, go }: Pick<ActivityFilterState, "params" | "go">) {
  const t = useT();
  const [search, setSearch] = useState(params.get("q") ?? "");
  const apply = (event?: FormEvent) => {
    event?.preventDefault();
    go({ q: search.trim() });
  };
  return (
    <form onSubmit={apply} style={{ minWidth: 280 }}>
      <TextField
        label={t("activity.filter.search")}
        value={search}
        onChange={setSearch}
        autoComplete="off"
        placeholder={t("activity.filter.searchPlaceholder")}
        connectedRight={<Button onClick={() => apply()}>{t("activity.filter.apply")}</Button>}
      />
    </form>
  );
}

/** A calendar day in the shop's zone, applied as soon as a whole date is picked. */
function DayField({
  name,
  label,
  error,
  state,
}: {
  name: "from" | "to";
  label: string;
  error?: string;
  state: ActivityFilterState;
}) {
  return (
    <TextField
      label={label}
      type="date"
      value={state.params.get(name) ?? ""}
      onChange={(value) => state.go({ [name]: value })}
      autoComplete="off"
      error={error}
    />
  );
}

/** Search, channel, days (in the shop's zone), the item from an item page's link; clear; export. */
export function ActivityFilters({
  state,
  onExport,
  exporting,
}: {
  state: ActivityFilterState;
  onExport: () => void;
  exporting: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  const zone = useShopTimeZone();
  const { params, invalid, go } = state;
  const filtered = ["q", "item", "channel", "from", "to"].some((name) => params.get(name));
  return (
    <Box padding="400">
      <BlockStack gap="300">
        <InlineStack gap="300" blockAlign="end" wrap>
          <SearchField key={params.get("q") ?? ""} params={params} go={go} />
          <Select
            label={t("activity.filter.channel")}
            options={[
              { label: t("activity.filter.anyChannel"), value: "" },
              ...CHANNELS.map((value) => ({ label: channelName(value, locale), value })),
            ]}
            value={params.get("channel") ?? ""}
            onChange={(value) => go({ channel: value })}
          />
          <DayField
            name="from"
            label={t("activity.filter.from")}
            error={invalid.from ? t("activity.filter.dateInvalid") : undefined}
            state={state}
          />
          <DayField
            name="to"
            label={t("activity.filter.to")}
            error={
              invalid.to
                ? t("activity.filter.dateInvalid")
                : invalid.range
                  ? t("activity.filter.rangeInvalid")
                  : undefined
            }
            state={state}
          />
        </InlineStack>
        <Text as="p" tone="subdued" variant="bodySm">
          {zone ? t("activity.filter.zone", { zone }) : t("activity.filter.zoneUtc")}
        </Text>
        <InlineStack gap="300" blockAlign="center" align="space-between">
          <InlineStack gap="200" blockAlign="center">
            {params.get("item") ? (
              <Tag onRemove={() => go({ item: "" })} accessibilityLabel={t("activity.filter.itemRemove")}>
                {t("activity.filter.item", {
                  name: state.item ? state.item.title : t("activity.viewItem", { id: numericId(params.get("item")!) }),
                })}
              </Tag>
            ) : null}
            {invalid.item ? (
              <Text as="span" tone="critical">
                {t("activity.filter.itemInvalid")}
              </Text>
            ) : null}
            {filtered ? (
              <Button variant="plain" onClick={() => go({ q: "", item: "", channel: "", from: "", to: "" })}>
                {t("activity.filter.clear")}
              </Button>
            ) : null}
          </InlineStack>
          <Button onClick={onExport} loading={exporting}>
            {t("activity.export")}
          </Button>
        </InlineStack>
      </BlockStack>
    </Box>
  );
}

function ActivityEntry({ entry }: { entry: ActivityView }) {
  const t = useT();
  const locale = useLocale();
  const zone = useShopTimeZone();
  const at = useDateTime();
  const text = activityText(entry, locale, zone);
  const by = actorName(entry.actor, locale);
  return (
    <ResourceItem id={entry.id} onClick={() => undefined} accessibilityLabel={text}>
      <BlockStack gap="100">
        <Text as="p">{text}</Text>
        <Text as="p" tone="subdued" variant="bodySm">
          {at(entry.at)}
          {entry.variantGid ? (
            <>
              {" · "}
              <Link to={`/app/items/${numericId(entry.variantGid)}`}>
                {entry.item
                  ? `${entry.item.title}${entry.item.sku ? ` (${entry.item.sku})` : ""}`
                  : t("activity.viewItem", { id: numericId(entry.variantGid) })}
              </Link>
            </>
          ) : null}
          {by ? ` · ${t("activity.by", { name: by })}` : null}
        </Text>
      </BlockStack>
    </ResourceItem>
  );
}

/** The entries of this page, each in words, with its item and who acted; or "nothing yet". */
export function ActivityList({ entries }: { entries: ActivityView[] }) {
  const t = useT();
  return (
    <ListOrEmpty
      items={entries}
      empty={t("activity.empty")}
      resourceName={{ singular: t("activity.entry"), plural: t("activity.entries") }}
      renderItem={(entry) => <ActivityEntry entry={entry} />}
    />
  );
}

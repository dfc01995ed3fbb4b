import { Link } from "@remix-run/react";
import { BlockStack, Box, Button, InlineStack, ResourceItem, Select, Text, TextField } from "@shopify/polaris";
import { CHANNELS } from "~/domain";
import type { ActivityView } from "~/web/activity.server";
import { numericId } from "~/web/ids";
import { activityText } from "~/components/activity-text";
import { channelName, formatDateTime } from "~/components/format";
import { useLocale, useT } from "~/i18n/react";
import { ListOrEmpty } from "~/components/ListOrEmpty";

/** The filters: an item id (applied with its button) and a channel. */
export function ActivityFilters(props: {
  item: string;
  onItem: (value: string) => void;
  invalidItem: boolean;
  channel: string;
  go: (changes: Record<string, string>) => void;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <Box padding="400">
      <InlineStack gap="300" blockAlign="end">
        <div style={{ minWidth: 260 }}>
          <TextField
            label={t("activity.filter.item")}
            value={props.item}
            onChange={props.onItem}
            autoComplete="off"
            placeholder="44960469696645"
            error={props.invalidItem ? t("activity.filter.itemInvalid") : undefined}
            connectedRight={
              <Button onClick={() => props.go({ item: props.item.trim() })}>{t("activity.filter.apply")}</Button>
            }
          />
        </div>
        <Select
          label={t("activity.filter.channel")}
          options={[
            { label: t("activity.filter.anyChannel"), value: "" },
            ...CHANNELS.map((value) => ({ label: channelName(value, locale), value })),
          ]}
          value={props.channel}
          onChange={(value) => props.go({ channel: value })}
        />
      </InlineStack>
    </Box>
  );
}

function ActivityEntry({ entry }: { entry: ActivityView }) {
  const t = useT();
  const locale = useLocale();
  return (
    <ResourceItem id={entry.id} onClick={() => undefined} accessibilityLabel={activityText(entry, locale)}>
      <BlockStack gap="100">
        <Text as="p">{activityText(entry, locale)}</Text>
        <Text as="p" tone="subdued" variant="bodySm">
          {formatDateTime(entry.at, locale)}
          {entry.variantGid ? (
            <>
              {" · "}
              <Link to={`/app/items/${numericId(entry.variantGid)}`}>
                {t("activity.viewItem", { id: numericId(entry.variantGid) })}
              </Link>
            </>
          ) : null}
        </Text>
      </BlockStack>
    </ResourceItem>
  );
}

/** The entries of this page, each in words, with a link to its item; or "nothing yet". */
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

import { useId, useState, type ReactNode } from "react";
import { Badge, Banner, BlockStack, Button, Card, Collapsible, InlineStack, Text } from "@shopify/polaris";
import type { Explanation } from "~/domain";
import type { ChannelItemView, ItemChannelView, ItemView } from "~/web/items.server";
import { locationOfItemKey, type RowTruth } from "~/web/channel-truth";
import { numericId } from "~/web/ids";
import { DataTable } from "~/components/DataTable";
import { ModeBadge } from "~/components/ChannelMode";
import { StateBadge } from "~/components/StateBadge";
import { TitledCard } from "~/components/TitledCard";
import { channelName, formatNumber } from "~/components/format";
import { useDateTime } from "~/components/use-date-time";
import type { MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { ChannelTruthPanel } from "./ChannelTruthPanel";
import { OverrideForm, type OverrideOutcome } from "./OverrideForm";
import { plainExplanation } from "./plain-explanation";
import { channelValue } from "./truth-words";

type Locations = ItemView["master"]["locations"];

/** Table cells wrap instead of widening the table past its card. */
const Wrap = ({ children }: { children: ReactNode }) => <span style={{ whiteSpace: "normal" }}>{children}</span>;

function useLocationName(locations: Locations) {
  const t = useT();
  return (locationId: string) =>
    locations.find((location) => location.locationId === locationId)?.name ??
    t("item.location.unnamed", { id: numericId(locationId) });
}

/** The stock Ballast works from: what can be sold, how it is made up, per location by name, and the orders holding units. */
export function MasterCard({ master }: { master: ItemView["master"] }) {
  const t = useT();
  const locale = useLocale();
  const at = useDateTime();
  const locationName = useLocationName(master.locations);
  const count = (value: number | null) => (value === null ? "—" : formatNumber(value, locale));
  return (
    <TitledCard title={t("item.master")} gap="300">
      {!master.known ? <Banner tone="info" title={t("item.noMaster")} /> : null}
      <BlockStack gap="100">
        <Text as="p" variant="headingLg">
          <span data-testid="item-sellable">
            {t("item.sellableHeadline", { sellable: formatNumber(master.sellable, locale) })}
          </span>
        </Text>
        <Text as="p" tone="subdued">
          {t("item.sellable.line", {
            parts: [
              t("item.sellable.available", { available: formatNumber(master.available, locale) }),
              master.ballastSafetyStock
                ? t("item.sellable.safety", { safety: formatNumber(master.ballastSafetyStock, locale) })
                : null,
              master.orderHolds ? t("item.sellable.holds", { holds: formatNumber(master.orderHolds, locale) }) : null,
            ]
              .filter(Boolean)
              .join(", "),
          })}
        </Text>
      </BlockStack>
      {master.locations.length ? (
        <DataTable
          label={t("item.master")}
          columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "text"]}
          headings={[
            t("item.col.location"),
            t("item.col.available"),
            t("item.col.onHand"),
            t("item.col.committed"),
            t("item.col.safety"),
            t("item.col.updated"),
          ]}
          rows={master.locations.map((location) => [
            <Wrap key="name">{locationName(location.locationId)}</Wrap>,
            count(location.available),
            count(location.onHand),
            count(location.committed),
            count(location.ballastSafetyStock),
            <Wrap key="updated">{at(location.updatedAt)}</Wrap>,
          ])}
        />
      ) : null}
      {master.holds.length ? (
        <Text as="p" tone="subdued" variant="bodySm">
          {t("item.holds", {
            list: master.holds
              .map((hold) => t("item.holdEntry", { id: numericId(hold.orderId), units: hold.units }))
              .join(", "),
          })}
        </Text>
      ) : null}
    </TitledCard>
  );
}

/** The channel's name, state, mode and override as badges. */
function ChannelHeading({ view }: { view: ItemChannelView }) {
  const t = useT();
  const locale = useLocale();
  const at = useDateTime();
  return (
    <InlineStack gap="200" blockAlign="center">
      <Text as="h2" variant="headingMd">
        {channelName(view.channel, locale)}
      </Text>
      {/* One badge for the channel: paused, failing or not connected; else observing or active. */}
      {view.state === "active" && view.mode === "observing" ? (
        <ModeBadge mode="observing" />
      ) : (
        <StateBadge state={view.state} />
      )}
      {view.override ? (
        <Badge tone={view.override.active ? "attention" : undefined}>
          {view.override.active
            ? t("item.overrideActive", { quantity: view.override.quantity, until: at(view.override.expiresAt) })
            : t("item.overrideExpired", { quantity: view.override.quantity, at: at(view.override.expiresAt) })}
        </Badge>
      ) : null}
    </InlineStack>
  );
}

/** Each sync row of the channel (a location on the Online Store, the catalog item elsewhere), by name. */
function SyncRowsTable({ view, locations }: { view: ItemChannelView; locations: Locations }) {
  const t = useT();
  const locale = useLocale();
  const at = useDateTime();
  const locationName = useLocationName(locations);
  const name = channelName(view.channel, locale);
  const value = (number: number | null) => channelValue(view.channel, number, t, locale);
  const where = (row: ChannelItemView) =>
    view.channel === "online_store"
      ? locationName(locationOfItemKey(row.itemKey))
      : t("item.catalogItem", {
          channel: name,
          id: row.itemKey.startsWith("gid://") ? numericId(row.itemKey) : row.itemKey,
        });
  const truthOf = (row: ChannelItemView): RowTruth | undefined =>
    view.truth.rows.find((entry) => entry.itemKey === row.itemKey);
  return (
    <DataTable
      label={t("item.rowsCaption", { channel: name })}
      columnContentTypes={["text", "text", "text", "text", "text", "text"]}
      headings={[
        t("item.col.where"),
        t("item.col.shows"),
        t("item.col.wants"),
        t("item.col.sent"),
        t("item.col.readBack"),
        t("item.col.state"),
      ]}
      rows={view.rows.map((row) => [
        <Wrap key="where">{where(row)}</Wrap>,
        <Wrap key="shows">{value(truthOf(row)?.shows.value ?? null)}</Wrap>,
        <Wrap key="wants">{value(row.desired)}</Wrap>,
        <Wrap key="sent">
          {row.pushed === null ? "—" : t("item.valueAt", { value: value(row.pushed), time: at(row.pushedAt) })}
        </Wrap>,
        <Wrap key="read">
          {row.confirmed === null ? "—" : t("item.valueAt", { value: value(row.confirmed), time: at(row.confirmedAt) })}
        </Wrap>,
        <Wrap key="state">{t(`items.status.${truthOf(row)?.status.kind ?? "not_synced"}` as MessageKey)}</Wrap>,
      ])}
    />
  );
}

/** The precise formula and the row-by-row detail, on demand. */
function CalculationDetails({ view, locations }: { view: ItemChannelView; locations: Locations }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const id = useId();
  const failures = view.rows.filter((row) => row.lastError);
  return (
    <BlockStack gap="200">
      <InlineStack>
        <Button variant="plain" disclosure={open ? "up" : "down"} ariaControls={id} onClick={() => setOpen(!open)}>
          {t("item.howCalculated")}
        </Button>
      </InlineStack>
      <Collapsible id={id} open={open}>
        <BlockStack gap="200">
          <Text as="p" tone="subdued">
            <span data-testid={`formula-${view.channel}`}>
              {view.formula ? t("item.formula", { formula: view.formula }) : t("item.noExplanation")}
            </span>
          </Text>
          {view.rows.length > 0 ? <SyncRowsTable view={view} locations={locations} /> : null}
          {failures.map((row) => (
            <Text key={row.itemKey} as="p" tone="subdued" variant="bodySm" breakWord>
              {t("item.technical", { error: row.lastError ?? "" })}
            </Text>
          ))}
        </BlockStack>
      </Collapsible>
    </BlockStack>
  );
}

/**
 * One channel for the item: what it shows now against what Ballast wants, any difference
 * flagged with its duration, why in plain words (the formula on demand), and the override form.
 */
export function ItemChannelCard({
  view,
  locations,
  nowMs,
  outcome,
}: {
  view: ItemChannelView;
  locations: Locations;
  nowMs: number;
  outcome: OverrideOutcome | undefined;
}) {
  const t = useT();
  const locale = useLocale();
  const at = useDateTime();
  const explanation = view.truth.explanation as Explanation | null;
  const plain = explanation
    ? plainExplanation(explanation, { locale, formatTime: (ms) => at(new Date(ms).toISOString()) })
    : t("item.noExplanation");
  return (
    <Card>
      <BlockStack gap="300">
        <ChannelHeading view={view} />
        <ChannelTruthPanel view={view} nowMs={nowMs} />
        <Text as="p">
          <span data-testid={`explanation-${view.channel}`}>{plain}</span>
        </Text>
        {view.now.risk ? (
          <Text as="p" tone="critical">
            {t("channels.freezeRisk", {
              aboveTarget: view.now.risk.aboveTarget,
              aboveSellable: view.now.risk.aboveSellable,
            })}
          </Text>
        ) : null}
        <CalculationDetails view={view} locations={locations} />
        <OverrideForm view={view} sellable={view.now.sellable} outcome={outcome} />
      </BlockStack>
    </Card>
  );
}

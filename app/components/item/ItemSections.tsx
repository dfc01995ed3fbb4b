import { Badge, Banner, BlockStack, Card, InlineStack, Text } from "@shopify/polaris";
import type { ItemChannelView, ItemView } from "~/web/items.server";
import { numericId } from "~/web/ids";
import { DataTable } from "~/components/DataTable";
import { StateBadge } from "~/components/StateBadge";
import { TitledCard } from "~/components/TitledCard";
import { channelName, formatDateTime } from "~/components/format";
import type { MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { OverrideForm, type OverrideOutcome } from "./OverrideForm";

const quantity = (value: number | null) => (value === null ? "—" : String(value));

/** The master record: sellable and how it is made up, per location, and the orders holding units. */
export function MasterCard({ master }: { master: ItemView["master"] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <TitledCard title={t("item.master")} gap="300">
      {!master.known ? <Banner tone="info" title={t("item.noMaster")} /> : null}
      <Text as="p">
        <span data-testid="item-sellable">
          {t("item.sellableLine", {
            sellable: master.sellable,
            available: master.available,
            safety: master.ballastSafetyStock,
            holds: master.orderHolds,
          })}
        </span>
      </Text>
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
            numericId(location.locationId),
            quantity(location.available),
            quantity(location.onHand),
            quantity(location.committed),
            quantity(location.ballastSafetyStock),
            formatDateTime(location.updatedAt, locale),
          ])}
        />
      ) : null}
      {master.holds.length ? (
        <Text as="p" tone="subdued" variant="bodySm">
          {t("item.holds", {
            list: master.holds.map((hold) => `${numericId(hold.orderId)} × ${hold.units}`).join(", "),
          })}
        </Text>
      ) : null}
    </TitledCard>
  );
}

/** The channel's sync rows: desired, pushed and confirmed, each with its time, and why. */
function SyncRowsTable({ view }: { view: ItemChannelView }) {
  const t = useT();
  const locale = useLocale();
  // Google shows availability only: its sync rows hold availability codes (app/sync/recompute.server.ts).
  const shown = (value: number | null) =>
    view.channel === "google" && value !== null && value >= 0 && value <= 2
      ? t(`item.googleCode.${value}` as MessageKey)
      : quantity(value);
  return (
    <DataTable
      label={channelName(view.channel, locale)}
      columnContentTypes={["text", "numeric", "numeric", "numeric", "text"]}
      headings={[
        t("item.col.itemKey"),
        t("item.col.desired"),
        t("item.col.pushed"),
        t("item.col.confirmed"),
        t("item.col.why"),
      ]}
      rows={view.rows.map((row) => [
        row.itemKey,
        `${shown(row.desired)} (${formatDateTime(row.computedAt, locale)})`,
        `${shown(row.pushed)} (${formatDateTime(row.pushedAt, locale)})`,
        `${shown(row.confirmed)} (${formatDateTime(row.confirmedAt, locale)})`,
        [
          row.explanation ?? "—",
          row.pending?.text ?? "",
          row.lastError ? t("item.lastError", { error: row.lastError, attempts: row.attempts }) : "",
          row.parked ? t("item.parked") : "",
        ]
          .filter(Boolean)
          .join(" · "),
      ])}
    />
  );
}

/** The channel's name, state and override as badges. */
function ChannelHeading({ view }: { view: ItemChannelView }) {
  const t = useT();
  const locale = useLocale();
  return (
    <InlineStack gap="200" blockAlign="center">
      <Text as="h2" variant="headingMd">
        {channelName(view.channel, locale)}
      </Text>
      <StateBadge state={view.state} />
      {view.override ? (
        <Badge tone={view.override.active ? "attention" : undefined}>
          {view.override.active
            ? t("item.overrideActive", {
                quantity: view.override.quantity,
                until: formatDateTime(view.override.expiresAt, locale),
              })
            : t("item.overrideExpired", {
                quantity: view.override.quantity,
                at: formatDateTime(view.override.expiresAt, locale),
              })}
        </Badge>
      ) : null}
    </InlineStack>
  );
}

/** One channel for the item: what it shows now and why, its sync rows, and the override form. */
export function ItemChannelCard({ view, outcome }: { view: ItemChannelView; outcome: OverrideOutcome | undefined }) {
  const t = useT();
  return (
    <Card>
      <BlockStack gap="300">
        <ChannelHeading view={view} />
        <BlockStack gap="100">
          <Text as="p" variant="headingLg">
            <span data-testid={`now-${view.channel}`}>{view.now.quantity}</span>
          </Text>
          <Text as="p" tone="subdued">
            <span data-testid={`explanation-${view.channel}`}>{view.now.explanation}</span>
          </Text>
          {view.now.risk ? (
            <Text as="p" tone="critical">
              {t("channels.freezeRisk", {
                aboveTarget: view.now.risk.aboveTarget,
                aboveSellable: view.now.risk.aboveSellable,
              })}
            </Text>
          ) : null}
        </BlockStack>
        {view.rows.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("item.noSyncState")}
          </Text>
        ) : (
          <SyncRowsTable view={view} />
        )}
        <OverrideForm view={view} sellable={view.now.sellable} outcome={outcome} />
      </BlockStack>
    </Card>
  );
}

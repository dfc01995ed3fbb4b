import { Card } from "@shopify/polaris";
import type { ChannelId } from "~/domain";
import type { channelModes } from "~/web/activation.server";
import type { ChannelHealth, OverviewData } from "~/web/overview.server";
import { DataTable } from "~/components/DataTable";
import { Explained } from "~/components/Explained";
import { LagDriftChart } from "~/components/LagDriftChart";
import { ModeBadge } from "~/components/ChannelMode";
import { StateBadge } from "~/components/StateBadge";
import { TitledCard } from "~/components/TitledCard";
import { channelName, formatDuration, formatNumber } from "~/components/format";
import { useDateTime } from "~/components/use-date-time";
import { useLocale, useT } from "~/i18n/react";

type Modes = Awaited<ReturnType<typeof channelModes>>;

/** Observing while connected and not activated; otherwise the channel's state. */
export const observingConnected = (channel: ChannelHealth, modes: Modes) =>
  channel.connected && modes[channel.channel].mode === "observing";

/** Per channel: state, last push, lag, drift and push errors, each explained on hover. */
export function ChannelHealthTable({ channels, modes }: { channels: ChannelHealth[]; modes: Modes }) {
  const t = useT();
  const locale = useLocale();
  const at = useDateTime();
  const rows = channels.map((channel) => [
    channelName(channel.channel, locale),
    observingConnected(channel, modes) ? (
      <ModeBadge key="state" mode="observing" />
    ) : (
      <StateBadge key="state" state={channel.state} />
    ),
    at(channel.lastPushAt),
    channel.lag.samples === 0
      ? t("overview.noSamples")
      : t("overview.lagValue", {
          p50: formatDuration(channel.lag.p50Ms, locale),
          p95: formatDuration(channel.lag.p95Ms, locale),
          samples: formatNumber(channel.lag.samples, locale),
        }),
    channel.channel === "online_store"
      ? t("overview.driftNotChecked")
      : channel.confirmed === 0 && channel.drift === 0
        ? t("overview.noReadBack")
        : t("overview.driftValue", {
            drift: formatNumber(channel.drift, locale),
            confirmed: formatNumber(channel.confirmed, locale),
          }),
    t("overview.errorsValue", {
      errors: formatNumber(channel.errors, locale),
      parked: formatNumber(channel.parked, locale),
    }),
  ]);
  return (
    <Card padding="0">
      <DataTable
        label={t("overview.col.channel")}
        columnContentTypes={["text", "text", "text", "text", "text", "text"]}
        headings={[
          t("overview.col.channel"),
          t("overview.col.state"),
          <Explained key="push" label={t("overview.col.lastPush")} help={t("overview.help.lastPush")} />,
          <Explained key="lag" label={t("overview.col.lag")} help={t("overview.help.lag")} />,
          <Explained key="drift" label={t("overview.col.drift")} help={t("overview.help.drift")} />,
          <Explained key="errors" label={t("overview.col.errors")} help={t("overview.help.errors")} />,
        ]}
        rows={rows}
      />
    </Card>
  );
}

/** Lag and drift over the last 24 h; drift only for channels whose read-back has run. */
export function LagDriftCard({ channels, series }: { channels: ChannelHealth[]; series: OverviewData["series"] }) {
  const t = useT();
  // The Online Store is Shopify's own pool, not read back for drift (app/monitor/drift.server.ts).
  const driftChannels: ChannelId[] = channels
    .filter((channel) => channel.channel !== "online_store" && (channel.confirmed > 0 || channel.drift > 0))
    .map((channel) => channel.channel);
  return (
    <TitledCard title={<Explained label={t("overview.chart.title")} help={t("overview.chart.help")} />} gap="300">
      <LagDriftChart series={series} driftChannels={driftChannels} />
    </TitledCard>
  );
}

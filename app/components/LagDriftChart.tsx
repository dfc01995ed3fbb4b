import { lazy, Suspense, useEffect, useState, type ReactNode } from "react";
import { BlockStack, Box, Text } from "@shopify/polaris";
import type { ChannelId } from "~/domain";
import type { SeriesPoint } from "~/monitor/stats";
import { clockTime, knownTimeZone } from "~/i18n/date-time";
import { useLocale, useShopTimeZone, useT } from "~/i18n/react";
import { channelName, formatDuration, formatNumber } from "./format";
import { Explained } from "./Explained";

/**
 * Lag (p95 per hour) and items in drift (at the end of each hour) over the last 24 h, with
 * Shopify's Polaris Viz. Two panels on one time axis: a line chart has one y-axis, and
 * durations and item counts do not share a scale. Charts measure the DOM, so they render
 * in the browser only; each panel keeps its height meanwhile (no layout shift) and the
 * library is loaded on demand (it is not needed for the first paint). Hours are the shop's
 * (the hourly buckets are UTC hours: in a zone a whole number of hours off UTC, its own hours).
 */
const LineChart = lazy(async () => {
  const viz = await import("@shopify/polaris-viz");
  return {
    default: (props: Parameters<typeof viz.LineChart>[0]) => (
      // Straight segments: a smoothed curve would draw values between hours that were never measured.
      <viz.PolarisVizProvider themes={{ Light: { line: { hasSpline: false } } }}>
        <viz.LineChart {...props} />
      </viz.PolarisVizProvider>
    ),
  };
});

const HEIGHT = 220;
// One colour per channel in both panels, so a channel's lag and drift read together.
const COLORS: Record<ChannelId, string> = { online_store: "#2c6ecb", meta: "#8051e6", google: "#c05717" };

interface Line {
  name: string;
  color: string;
  data: { key: string; value: number | null }[];
}

interface PanelSpec {
  id: string;
  title: string;
  help: string;
  lines: Line[];
  empty: string;
  format: (value: number) => string;
}

function Panel({ id, title, help, lines, empty, format, mounted }: PanelSpec & { mounted: boolean }) {
  let body: ReactNode;
  if (lines.length === 0) {
    body = (
      <Box minHeight={`${HEIGHT}px`} padding="400" background="bg-surface-secondary" borderRadius="200">
        <Text as="p" tone="subdued">
          {empty}
        </Text>
      </Box>
    );
  } else {
    // Polaris Viz's SVG is not accessible (unlabelled point images, focusable points inside
    // images): it is hidden from assistive technology and kept out of the tab order; the same
    // numbers are in the table read to screen readers.
    body = (
      <div style={{ height: HEIGHT }} aria-hidden="true" data-chart-panel={id} {...{ inert: "" }}>
        {mounted ? (
          <Suspense fallback={null}>
            <LineChart
              data={lines}
              theme="Light"
              isAnimated={false}
              xAxisOptions={{ labelFormatter: (value) => String(value) }}
              yAxisOptions={{ labelFormatter: (value) => format(Number(value)), integersOnly: id === "drift" }}
            />
          </Suspense>
        ) : null}
      </div>
    );
  }
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingSm">
        <Explained label={title} help={help} />
      </Text>
      {body}
    </BlockStack>
  );
}

/** The charts' numbers as a table, for screen readers (the charts themselves are hidden from them). */
function ChartTable({
  caption,
  buckets,
  panels,
  hour,
  zone,
}: {
  caption: string;
  buckets: SeriesPoint[];
  panels: PanelSpec[];
  hour: (iso: string) => string;
  /** The zone the hours are on, named in the first column's heading. */
  zone: string;
}) {
  return (
    <Box visuallyHidden>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{zone}</th>
            {panels
              .flatMap((panel) => panel.lines)
              .map((line) => (
                <th scope="col" key={line.name}>
                  {line.name}
                </th>
              ))}
          </tr>
        </thead>
        <tbody>
          {buckets.map((bucket, index) => (
            <tr key={bucket.at}>
              <th scope="row">{hour(bucket.at)}</th>
              {panels.flatMap((panel) =>
                panel.lines.map((line) => {
                  const value = line.data[index]?.value ?? null;
                  return <td key={line.name}>{value === null ? "—" : panel.format(value)}</td>;
                }),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </Box>
  );
}

export function LagDriftChart({
  series,
  driftChannels,
}: {
  series: Record<ChannelId, SeriesPoint[]>;
  driftChannels: readonly ChannelId[];
}) {
  const t = useT();
  const locale = useLocale();
  const zone = knownTimeZone(useShopTimeZone()) ?? "UTC";
  const hour = (iso: string) => clockTime(iso, zone);
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const channels = Object.keys(series) as ChannelId[];
  const lag: Line[] = channels
    .filter((channel) => series[channel].some((point) => point.lagSamples > 0))
    .map((channel) => ({
      name: t("overview.chart.lagSeries", { channel: channelName(channel, locale) }),
      color: COLORS[channel],
      data: series[channel].map((point) => ({
        key: hour(point.at),
        value: point.lagP95Ms === null ? null : point.lagP95Ms / 1000,
      })),
    }));
  // Drift only for channels whose read-back runs: a flat zero for a channel never checked
  // would claim "no drift" where nothing was looked at.
  const drift: Line[] = driftChannels.map((channel) => ({
    name: t("overview.chart.driftSeries", { channel: channelName(channel, locale) }),
    color: COLORS[channel],
    data: series[channel].map((point) => ({ key: hour(point.at), value: point.driftItems })),
  }));
  const panels: PanelSpec[] = [
    {
      id: "lag",
      title: t("overview.chart.lagTitle"),
      help: t("overview.chart.lagHelp"),
      lines: lag,
      empty: t("overview.chart.empty"),
      format: (seconds) => formatDuration(seconds * 1000, locale),
    },
    {
      id: "drift",
      title: t("overview.chart.driftTitle"),
      help: t("overview.chart.driftHelp"),
      lines: drift,
      empty: t("overview.chart.driftEmpty"),
      format: (items) => formatNumber(items, locale),
    },
  ];
  return (
    <BlockStack gap="400">
      <ChartTable
        caption={t("overview.chart.label")}
        buckets={series[channels[0]!] ?? []}
        panels={panels}
        hour={hour}
        zone={zone}
      />
      {panels.map((panel) => (
        <Panel key={panel.id} {...panel} mounted={mounted} />
      ))}
    </BlockStack>
  );
}

import { lazy, Suspense, useEffect, useState } from "react";
import { Box, Text } from "@shopify/polaris";
import { CHANNELS, type ChannelId } from "~/domain";
import type { LagBucket } from "~/admin/stats";
import { useLocale, useT } from "~/i18n/react";
import { channelName, formatDuration } from "./format";

/**
 * Measured lag (p95 per hour, last 24 h) with Shopify's Polaris Viz. Charts measure the
 * DOM, so they render in the browser only; the box keeps its height meanwhile (no layout
 * shift) and the library is loaded on demand (it is not needed for the first paint).
 */
const LineChart = lazy(async () => {
  const viz = await import("@shopify/polaris-viz");
  return {
    default: (props: Parameters<typeof viz.LineChart>[0]) => (
      <viz.PolarisVizProvider>
        <viz.LineChart {...props} />
      </viz.PolarisVizProvider>
    ),
  };
});

const HEIGHT = 260;

export function LagChart({ series }: { series: Record<ChannelId, LagBucket[]> }) {
  const t = useT();
  const locale = useLocale();
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const hasData = CHANNELS.some((channel) => series[channel].some((bucket) => bucket.samples > 0));
  if (!hasData) {
    return (
      <Box minHeight={`${HEIGHT}px`} padding="400" background="bg-surface-secondary" borderRadius="200">
        <Text as="p" tone="subdued">
          {t("overview.chart.empty")}
        </Text>
      </Box>
    );
  }
  const hour = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  const data = CHANNELS.filter((channel) => series[channel].some((bucket) => bucket.samples > 0)).map((channel) => ({
    name: `${channelName(channel, locale)} p95`,
    data: series[channel].map((bucket) => ({ key: hour(bucket.startMs), value: bucket.p95 === null ? null : bucket.p95 / 1000 })),
  }));
  // Polaris Viz's SVG is not accessible (unlabelled point images, focusable points inside
  // images): it is hidden from assistive technology and kept out of the tab order, and the
  // same numbers are given as a table for screen readers.
  return (
    <div>
      <Box visuallyHidden>
      <table>
        <caption>{t("overview.chart.label")}</caption>
        <thead>
          <tr>
            <th scope="col">UTC</th>
            {data.map((line) => (
              <th scope="col" key={line.name}>
                {line.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(series.online_store ?? []).map((bucket, index) => (
            <tr key={bucket.startMs}>
              <th scope="row">{hour(bucket.startMs)}</th>
              {data.map((line) => (
                <td key={line.name}>{line.data[index]?.value === null || line.data[index] === undefined ? "—" : formatDuration((line.data[index]?.value ?? 0) * 1000, locale)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      </Box>
      <div style={{ height: HEIGHT }} aria-hidden="true" {...{ inert: "" }}>
        {mounted ? (
        <Suspense fallback={null}>
          <LineChart
            data={data}
            theme="Light"
            isAnimated={false}
            xAxisOptions={{ labelFormatter: (value) => `${String(value)} UTC` }}
            yAxisOptions={{ labelFormatter: (value) => formatDuration(Number(value) * 1000, locale) }}
          />
        </Suspense>
        ) : null}
      </div>
    </div>
  );
}

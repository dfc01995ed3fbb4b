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
  return (
    <div style={{ height: HEIGHT }} role="img" aria-label={t("overview.chart.label")}>
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
  );
}

import { useId, useState } from "react";
import { BlockStack, Box, InlineStack, Select, Text } from "@shopify/polaris";
import { clockTime, knownTimeZone } from "~/i18n/date-time";
import { useLocale, useShopTimeZone, useT } from "~/i18n/react";
import type { Locale } from "~/i18n";
import { SUMMARY_STRATEGIES, type ChartPoint, type RehearsalSummary, type SummaryStrategy } from "~/rehearsal/summary";
import { formatNumber } from "../format";
import { strategyName } from "./words";

const WIDTH = 640;
const HEIGHT = 200;
const MARGIN = { top: 12, right: 12, bottom: 28, left: 52 };
const HOUR_MS = 3_600_000;

interface Series {
  label: string;
  color: string;
  /** Dashed: the reference (what the shop had), drawn under what the channels showed. */
  dashed?: boolean;
  value: (point: ChartPoint) => number;
}

/** A time on the chart's axis: the clock in the shop's zone, or the weekday and hour for a week. */
function axisLabel(atMs: number, spanHours: number, locale: Locale, timeZone: string | null): string {
  if (spanHours <= 36) return clockTime(new Date(atMs), timeZone);
  return new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-GB", {
    weekday: "short",
    hour: "2-digit",
    timeZone: knownTimeZone(timeZone) ?? "UTC",
  }).format(new Date(atMs));
}

/** Whole steps of time along the axis (every half hour, hour, 2, 3, 6, 12 or 24 hours), at most 6 of them. */
function hourTicks(lastHour: number): number[] {
  const step = [0.25, 0.5, 1, 2, 3, 6, 12, 24].find((candidate) => lastHour / candidate <= 6) ?? 48;
  return Array.from({ length: Math.floor(lastHour / step) + 1 }, (_, index) => index * step);
}

/** The lines' names beside their colours. */
function Legend({ series }: { series: readonly Series[] }) {
  return (
    <InlineStack gap="400">
      {series.map((line) => (
        <InlineStack key={line.label} gap="100" blockAlign="center">
          <span
            aria-hidden="true"
            style={{ display: "inline-block", width: 14, height: 4, borderRadius: 2, background: line.color }}
          />
          <Text as="span" variant="bodySm">
            {line.label}
          </Text>
        </InlineStack>
      ))}
    </InlineStack>
  );
}

/** One panel: lines over the day, with its axes, described in words for screen readers. */
function Panel({
  title,
  points,
  series,
  startMs,
}: {
  title: string;
  points: readonly ChartPoint[];
  series: readonly Series[];
  startMs: number;
}) {
  const t = useT();
  const locale = useLocale();
  const timeZone = useShopTimeZone();
  const titleId = useId();
  const descriptionId = useId();
  const lastHour = Math.max(1, points.at(-1)?.hour ?? 1);
  const max = Math.max(1, ...points.flatMap((point) => series.map((line) => line.value(point))));
  const x = (hour: number) => MARGIN.left + (hour / lastHour) * (WIDTH - MARGIN.left - MARGIN.right);
  const y = (value: number) => MARGIN.top + (1 - value / max) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  const at = (hour: number) => axisLabel(startMs + hour * HOUR_MS, lastHour, locale, timeZone);
  const ticks = hourTicks(lastHour);
  const describe = series
    .map((line) => {
      const values = points.map(line.value);
      return t("rehearsal.chart.describe", {
        series: line.label,
        start: at(0),
        end: at(lastHour),
        from: formatNumber(values[0] ?? 0, locale),
        to: formatNumber(values.at(-1) ?? 0, locale),
        max: formatNumber(Math.max(0, ...values), locale),
      });
    })
    .join(" ");
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm" id={titleId}>
        {title}
      </Text>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-labelledby={titleId}
        aria-describedby={descriptionId}
        style={{ maxWidth: `${WIDTH}px`, display: "block" }}
      >
        <desc id={descriptionId}>{describe}</desc>
        <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(0)} y2={y(0)} stroke="#8a8a8a" />
        <line x1={MARGIN.left} x2={MARGIN.left} y1={MARGIN.top} y2={y(0)} stroke="#8a8a8a" />
        {[0, max / 2, max].map((value) => (
          <text key={value} x={MARGIN.left - 6} y={y(value) + 4} fontSize="11" textAnchor="end" fill="#616161">
            {formatNumber(Math.round(value), locale)}
          </text>
        ))}
        {ticks.map((hour) => (
          <text key={hour} x={x(hour)} y={HEIGHT - 8} fontSize="11" textAnchor="middle" fill="#616161">
            {at(hour)}
          </text>
        ))}
        {series.map((line) => (
          <polyline
            key={line.label}
            fill="none"
            stroke={line.color}
            strokeWidth={line.dashed ? 2 : 2.5}
            strokeDasharray={line.dashed ? "6 4" : undefined}
            points={points.map((point) => `${x(point.hour).toFixed(1)},${y(line.value(point)).toFixed(1)}`).join(" ")}
          />
        ))}
      </svg>
      <Legend series={series} />
    </BlockStack>
  );
}

/**
 * What each channel showed against the stock over the rehearsed day, for one strategy at a
 * time (your settings first): Online Store and Meta in units beside the stock, Google's
 * offers in stock beside the products that had stock (Google shows availability only).
 * Inline SVG: rendered on the server as in the browser, no library to load.
 */
export function RehearsalChart({ summary }: { summary: RehearsalSummary }) {
  const t = useT();
  const [strategy, setStrategy] = useState<SummaryStrategy>("settings");
  const points = summary.timeline[strategy];
  const units: Series[] = [
    { label: t("rehearsal.chart.stock"), color: "#4a4a4a", dashed: true, value: (point) => point.stock },
    { label: t("rehearsal.chart.onlineStore"), color: "#2c6ecb", value: (point) => point.onlineStore },
    { label: t("rehearsal.chart.meta"), color: "#8051e6", value: (point) => point.meta },
  ];
  const products: Series[] = [
    { label: t("rehearsal.chart.itemsInStock"), color: "#4a4a4a", dashed: true, value: (point) => point.itemsInStock },
    { label: t("rehearsal.chart.googleInStock"), color: "#c05717", value: (point) => point.googleInStock },
  ];
  return (
    <BlockStack gap="400">
      <Text as="h2" variant="headingMd">
        {t("rehearsal.chart.title")}
      </Text>
      <Text as="p" tone="subdued">
        {t("rehearsal.chart.help")}
      </Text>
      <Box maxWidth="320px">
        <Select
          label={t("rehearsal.chart.strategy")}
          options={SUMMARY_STRATEGIES.map((id) => ({ label: t(strategyName(id)), value: id }))}
          value={strategy}
          onChange={(value) => setStrategy(value as SummaryStrategy)}
        />
      </Box>
      <Panel title={t("rehearsal.chart.units")} points={points} series={units} startMs={summary.startMs} />
      <Panel title={t("rehearsal.chart.products")} points={points} series={products} startMs={summary.startMs} />
    </BlockStack>
  );
}

import { BlockStack, Card, Text } from "@shopify/polaris";
import { useLocale, useT } from "~/i18n/react";
import type { RehearsalSummary } from "~/rehearsal/summary";
import type { RehearsalView } from "~/web/rehearsal.server";
import { formatMoney, formatNumber } from "../format";
import { useDateTime } from "../use-date-time";
import { CostTable } from "./CostTable";
import { RehearsalChart } from "./RehearsalChart";
import { familyName, placeWords, strategyName } from "./words";

const HOUR_MS = 3_600_000;

/** What was rehearsed: when, on how much, from when, where buyers checked out, what was left out. */
function About({ rehearsal, summary }: { rehearsal: RehearsalView; summary: RehearsalSummary }) {
  const t = useT();
  const locale = useLocale();
  const at = useDateTime();
  const notes = [
    t("rehearsal.result.about", {
      at: at(rehearsal.finishedAt ?? rehearsal.createdAt),
      variants: formatNumber(summary.variants, locale),
      orders: formatNumber(summary.orders, locale),
      hours: formatNumber(summary.durationHours, locale),
      start: at(new Date(summary.startMs).toISOString()),
      meta: t(placeWords(summary.checkout.meta)),
      google: t(placeWords(summary.checkout.google)),
    }),
    ...summary.outages.map((outage) =>
      t("rehearsal.result.outage", {
        minutes: formatNumber(outage.minutes, locale),
        at: at(new Date(summary.startMs + outage.atHour * HOUR_MS).toISOString()),
      }),
    ),
    ...(summary.leftOut > 0 ? [t("rehearsal.result.leftOut", { count: formatNumber(summary.leftOut, locale) })] : []),
    ...(summary.demandCut ? [t("rehearsal.result.demandCut", { orders: formatNumber(summary.orders, locale) })] : []),
  ];
  return (
    <BlockStack gap="100">
      {notes.map((note) => (
        <Text as="p" tone="subdued" key={note}>
          {note}
        </Text>
      ))}
    </BlockStack>
  );
}

/** The rehearsal's outcome: the cost table, one sentence naming the cheapest, the chart. */
export function RehearsalResult({ rehearsal, currency }: { rehearsal: RehearsalView; currency: string | null }) {
  const t = useT();
  const locale = useLocale();
  const summary = rehearsal.result;
  if (!summary) return null;
  const money = (value: number) => formatMoney(value, currency, locale);
  return (
    <BlockStack gap="400">
      <Card>
        <BlockStack gap="400">
          <Text as="h2" variant="headingMd">
            {t("rehearsal.result.title", { family: t(familyName(summary.family)) })}
          </Text>
          <About rehearsal={rehearsal} summary={summary} />
          <CostTable summary={summary} currency={currency} />
          <div data-testid="rehearsal-cheapest">
            <Text as="p" fontWeight="semibold">
              {t("rehearsal.cheapest", {
                strategy: t(strategyName(summary.cheapest)),
                money: money(summary.strategies[summary.cheapest].cost.total),
                limit: money(summary.strategies.oracle.cost.total),
              })}
            </Text>
          </div>
        </BlockStack>
      </Card>
      <Card>
        <RehearsalChart summary={summary} />
      </Card>
    </BlockStack>
  );
}

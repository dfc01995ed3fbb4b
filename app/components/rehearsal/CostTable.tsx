import type { ReactNode } from "react";
import { BlockStack, Text } from "@shopify/polaris";
import { useLocale, useT } from "~/i18n/react";
import type { MessageKey } from "~/i18n";
import { SUMMARY_STRATEGIES, type CostRow, type RehearsalSummary } from "~/rehearsal/summary";
import { DataTable } from "../DataTable";
import { formatMoney, formatNumber } from "../format";
import { strategyHelp, strategyName } from "./words";

/** A label in plain words with its short explanation under it. */
function Labelled({ label, help }: { label: string; help: string }) {
  return (
    <BlockStack gap="050">
      <Text as="span" fontWeight="semibold">
        {label}
      </Text>
      <Text as="span" variant="bodySm" tone="subdued">
        {help}
      </Text>
    </BlockStack>
  );
}

/** What each column is, in one sentence each. */
function StrategyNotes() {
  const t = useT();
  return (
    <BlockStack gap="100">
      {SUMMARY_STRATEGIES.map((id) => (
        <Text as="p" variant="bodySm" tone="subdued" key={id}>
          <Text as="span" fontWeight="semibold">
            {t(strategyName(id))}
          </Text>
          {" — "}
          {t(strategyHelp(id))}
        </Text>
      ))}
    </BlockStack>
  );
}

type Cell = (row: CostRow) => ReactNode;

/** Headings wrap like the cells (Polaris keeps them on one line): the table fits its card. */
const WRAP = { whiteSpace: "normal" } as const;

/** Each row: its label, its explanation, and what a strategy's cell says. */
function useCostRows(currency: string | null): [MessageKey, MessageKey, Cell][] {
  const t = useT();
  const locale = useLocale();
  const money = (value: number) => formatMoney(value, currency, locale);
  const count = (value: number) => formatNumber(value, locale);
  // "1 unit", "2 units"; French says "0 unité" and "1 unité" alike (Intl's plural rules).
  const plural = new Intl.PluralRules(locale === "fr" ? "fr-FR" : "en-US");
  const form = (value: number) => (plural.select(value) === "one" ? "one" : "other");
  const hours = (minutes: number) =>
    new Intl.NumberFormat(locale === "fr" ? "fr-FR" : "en-US", { maximumFractionDigits: 1 }).format(minutes / 60);
  return [
    ["rehearsal.row.total", "rehearsal.row.total.help", (row) => <strong>{money(row.cost.total)}</strong>],
    [
      "rehearsal.row.oversold",
      "rehearsal.row.oversold.help",
      (row) =>
        t(`rehearsal.cell.unitsMoney.${form(row.oversoldUnits)}`, {
          units: count(row.oversoldUnits),
          money: money(row.cost.oversold),
        }),
    ],
    [
      "rehearsal.row.failed",
      "rehearsal.row.failed.help",
      (row) =>
        t(`rehearsal.cell.buyersMoney.${form(row.failedCheckoutBuyers)}`, {
          buyers: count(row.failedCheckoutBuyers),
          money: money(row.cost.failedCheckouts),
        }),
    ],
    [
      "rehearsal.row.withheld",
      "rehearsal.row.withheld.help",
      (row) =>
        t(`rehearsal.cell.unitsMoney.${form(row.lostSalesUnits)}`, {
          units: count(row.lostSalesUnits),
          money: money(row.cost.withheld),
        }),
    ],
    [
      "rehearsal.row.advertised",
      "rehearsal.row.advertised.help",
      (row) =>
        t("rehearsal.cell.hoursMoney", {
          hours: hours(row.advertisedSoldOutItemMinutes),
          money: money(row.cost.advertisedSoldOut),
        }),
    ],
    [
      "rehearsal.row.hidden",
      "rehearsal.row.hidden.help",
      (row) =>
        t("rehearsal.cell.hoursMoney", {
          hours: hours(row.lostExposureItemMinutes),
          money: money(row.cost.lostExposure),
        }),
    ],
    [
      "rehearsal.row.sold",
      "rehearsal.row.sold.help",
      (row) => t("rehearsal.cell.soldOf", { sold: count(row.soldUnits), wanted: count(row.demandUnits) }),
    ],
    ["rehearsal.row.calls", "rehearsal.row.calls.help", (row) => count(row.apiCalls)],
  ];
}

/**
 * The strategies as columns (native sync, fixed buffers, your settings, the physical limit;
 * the cheapest in bold), each harm as a row in plain words with a short explanation, money in
 * the shop's currency when known; what each strategy is, in one sentence under the table.
 */
export function CostTable({ summary, currency }: { summary: RehearsalSummary; currency: string | null }) {
  const t = useT();
  const rows = useCostRows(currency);
  return (
    <BlockStack gap="300">
      <DataTable
        label={t("rehearsal.table.label")}
        columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
        headings={[
          t("rehearsal.table.what"),
          ...SUMMARY_STRATEGIES.map((id) => (
            <span key={id} style={WRAP}>
              {id === summary.cheapest ? <strong>{t(strategyName(id))}</strong> : t(strategyName(id))}
            </span>
          )),
        ]}
        rows={rows.map(([label, help, cell]) => [
          <Labelled key={label} label={t(label)} help={t(help)} />,
          ...SUMMARY_STRATEGIES.map((id) => cell(summary.strategies[id])),
        ])}
      />
      <StrategyNotes />
    </BlockStack>
  );
}

import { BlockStack, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import type { PreventedSales } from "~/web/overview.server";
import { Explained } from "~/components/Explained";
import { TitledCard } from "~/components/TitledCard";
import { formatNumber } from "~/components/format";
import { useLocale, useT } from "~/i18n/react";

/** One large number with what it counts below it. */
function Figure({ value, label }: { value: number; label: string }) {
  const locale = useLocale();
  return (
    <BlockStack gap="100">
      <Text as="p" variant="heading2xl">
        {formatNumber(value, locale)}
      </Text>
      <Text as="p" tone="subdued">
        {label}
      </Text>
    </BlockStack>
  );
}

/** Sales prevented this week (oversells and failed checkouts), out of the sell-outs examined. */
function PreventedCard({ prevented }: { prevented: PreventedSales }) {
  const t = useT();
  const locale = useLocale();
  return (
    <TitledCard
      title={<Explained label={t("overview.prevented.title")} help={t("overview.prevented.definition")} />}
      gap="200"
    >
      <InlineStack gap="800">
        <Figure value={prevented.oversells} label={t("overview.prevented.oversells")} />
        <Figure value={prevented.failedCheckouts} label={t("overview.prevented.failedCheckouts")} />
      </InlineStack>
      <Text as="p" tone="subdued" variant="bodySm">
        {t("overview.prevented.examined", { count: formatNumber(prevented.selloutsExamined, locale) })}
      </Text>
    </TitledCard>
  );
}

/** What Ballast is for, with an example and how many items it looks after. */
function AboutCard({ items }: { items: number }) {
  const t = useT();
  const locale = useLocale();
  return (
    <TitledCard title={t("overview.about")} gap="200">
      <Text as="p">{t("overview.intro")}</Text>
      <Text as="p" tone="subdued">
        {t("overview.example")}
      </Text>
      <Text as="p" tone="subdued" variant="bodySm">
        {t("overview.items", { count: formatNumber(items, locale) })}
      </Text>
    </TitledCard>
  );
}

export function SummaryCards({ prevented, items }: { prevented: PreventedSales; items: number }) {
  return (
    <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
      <PreventedCard prevented={prevented} />
      <AboutCard items={items} />
    </InlineGrid>
  );
}

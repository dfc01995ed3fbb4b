import { Card, DescriptionList, Layout } from "@shopify/polaris";
import { useLocale, useT } from "~/i18n/react";
import type { RetentionPeriod } from "~/web/retention.server";
import { formatDays } from "~/components/format";

/** How long each kind of record is kept before Ballast deletes it, in words ("90 days"). */
export function RetentionSection({ periods }: { periods: RetentionPeriod[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <Layout.AnnotatedSection title={t("retention.title")} description={t("retention.description")}>
      <Card>
        <DescriptionList
          items={periods.map(({ row, days }) => ({
            term: t(`retention.row.${row}`),
            description: formatDays(days, locale),
          }))}
        />
      </Card>
    </Layout.AnnotatedSection>
  );
}

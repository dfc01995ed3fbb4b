import { Banner, Layout } from "@shopify/polaris";
import type { OverviewData } from "~/web/overview.server";
import type { StrandedHolds } from "~/web/stranded.server";
import { StrandedHoldsBanner } from "~/components/StrandedHoldsBanner";
import { formatNumber } from "~/components/format";
import { useLocale, useT } from "~/i18n/react";

/** Stranded holds from a previous install: offered for release, then "released". */
export function StrandedSection({
  released,
  stranded,
  onRelease,
  loading,
}: {
  released: boolean;
  stranded: StrandedHolds | null;
  onRelease: () => void;
  loading: boolean;
}) {
  const t = useT();
  if (released) {
    return (
      <Layout.Section>
        <Banner tone="success" title={t("stranded.done")} />
      </Layout.Section>
    );
  }
  if (!stranded) return null;
  return (
    <Layout.Section>
      <StrandedHoldsBanner stranded={stranded} onRelease={onRelease} loading={loading} />
    </Layout.Section>
  );
}

/** Connected channels still observing: Ballast changes nothing on them yet. */
export function ObservingSection({ observing }: { observing: number }) {
  const t = useT();
  const locale = useLocale();
  if (observing === 0) return null;
  return (
    <Layout.Section>
      <Banner
        tone="info"
        title={t(observing === 1 ? "overview.observingBanner.one" : "overview.observingBanner", {
          count: formatNumber(observing, locale),
        })}
        action={{ content: t("overview.observingAction"), url: "/app/onboarding" }}
      >
        <p>{t(observing === 1 ? "overview.observingBody.one" : "overview.observingBody")}</p>
      </Banner>
    </Layout.Section>
  );
}

/** Open alerts, critical ones first in tone, with the way to the Alerts page. */
export function OpenAlertsSection({ openAlerts }: { openAlerts: OverviewData["openAlerts"] }) {
  const t = useT();
  if (openAlerts.total === 0) return null;
  return (
    <Layout.Section>
      <Banner
        tone={openAlerts.critical > 0 ? "critical" : "warning"}
        title={t("overview.alertsBanner", { count: openAlerts.total })}
        action={{ content: t("overview.alertsBannerAction"), url: "/app/alerts" }}
      >
        <p>{t("overview.alertsBannerBody", { critical: openAlerts.critical, warning: openAlerts.warning })}</p>
      </Banner>
    </Layout.Section>
  );
}

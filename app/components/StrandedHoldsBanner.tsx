import { useState } from "react";
import { Banner } from "@shopify/polaris";
import type { StrandedHolds } from "~/web/stranded.server";
import type { MessageKey } from "~/i18n";
import { ConfirmAction, useCounted } from "./ConfirmAction";
import { formatNumber } from "./format";
import { useLocale, useT } from "~/i18n/react";

/**
 * On reinstall: units Ballast left held in safety stock at the last uninstall, offered for
 * release after a confirmation that counts them. The page's action handles `intent=releaseStranded`.
 */
export function StrandedHoldsBanner({
  stranded,
  onRelease,
  loading,
}: {
  stranded: StrandedHolds | null;
  onRelease: () => void;
  loading?: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  const counted = useCounted();
  const [confirming, setConfirming] = useState(false);
  if (!stranded || stranded.units <= 0) return null;
  const units = formatNumber(stranded.units, locale);
  // "1 unit" / "3 units": the one-form key when there is a single unit.
  const unitsKey = (key: MessageKey) => t((stranded.units === 1 ? `${key}.one` : key) as MessageKey, { units });
  return (
    <>
      <Banner
        tone="warning"
        title={unitsKey("stranded.title")}
        action={{ content: unitsKey("stranded.action"), onAction: () => setConfirming(true) }}
      >
        <p>
          {t("stranded.body", {
            items: t(stranded.items === 1 ? "onboarding.items.one" : "onboarding.items.other", {
              count: formatNumber(stranded.items, locale),
            }),
          })}
        </p>
      </Banner>
      <ConfirmAction
        open={confirming}
        title={unitsKey("stranded.confirmTitle")}
        consequences={[
          t("confirm.stranded.units", {
            units: counted("units", stranded.units),
            items: counted("items", stranded.items),
            locations: counted("locations", stranded.locations),
          }),
          t("stranded.confirmBody"),
          ...(stranded.checked ? [] : [t("confirm.stranded.unchecked")]),
        ]}
        confirmLabel={t("stranded.confirm")}
        destructive={false}
        loading={loading}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          onRelease();
        }}
      />
    </>
  );
}

import { useState } from "react";
import { Banner, Modal, Text } from "@shopify/polaris";
import type { StrandedHolds } from "~/web/stranded.server";
import type { MessageKey } from "~/i18n";
import { formatNumber } from "./format";
import { useLocale, useT } from "~/i18n/react";

/**
 * On reinstall: units Ballast left held in safety stock at the last uninstall, offered for
 * release (after a confirmation). The page's action handles `intent=releaseStranded`.
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
  const [confirming, setConfirming] = useState(false);
  if (!stranded || stranded.units <= 0) return null;
  const units = formatNumber(stranded.units, locale);
  // "1 unit" / "3 units": the one-form key when there is a single unit.
  const counted = (key: MessageKey) => t((stranded.units === 1 ? `${key}.one` : key) as MessageKey, { units });
  return (
    <>
      <Banner
        tone="warning"
        title={counted("stranded.title")}
        action={{ content: counted("stranded.action"), onAction: () => setConfirming(true) }}
      >
        <p>
          {t("stranded.body", {
            items: t(stranded.items === 1 ? "onboarding.items.one" : "onboarding.items.other", {
              count: formatNumber(stranded.items, locale),
            }),
          })}
        </p>
      </Banner>
      <Modal
        open={confirming}
        onClose={() => setConfirming(false)}
        title={counted("stranded.confirmTitle")}
        primaryAction={{
          content: t("stranded.confirm"),
          loading,
          onAction: () => {
            setConfirming(false);
            onRelease();
          },
        }}
        secondaryActions={[{ content: t("onboarding.cancel"), onAction: () => setConfirming(false) }]}
      >
        <Modal.Section>
          <Text as="p">{t("stranded.confirmBody")}</Text>
        </Modal.Section>
      </Modal>
    </>
  );
}

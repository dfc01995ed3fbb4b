import { Badge, Banner, BlockStack, Modal, Text } from "@shopify/polaris";
import type { ChannelMode } from "~/domain";
import { formatNumber } from "./format";
import { useLocale, useT } from "~/i18n/react";

/** Observing (Ballast changes nothing) or Active (Ballast writes to the channel), as a badge. */
export function ModeBadge({ mode }: { mode: ChannelMode }) {
  const t = useT();
  return (
    <Badge tone={mode === "active" ? "success" : "info"}>
      {t(mode === "active" ? "mode.active" : "mode.observing")}
    </Badge>
  );
}

/**
 * The Online Store hold is activated on its own, after this confirmation: holding units
 * lowers what every Shopify channel at the location sells, POS included.
 */
export function OnlineStoreActivationModal(props: {
  open: boolean;
  /** Units the preview says would be held; left out where the page has no preview. */
  units: number | null;
  thinStockUnits: number | null;
  loading?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <Modal
      open={props.open}
      onClose={props.onClose}
      title={t("onboarding.confirm.title")}
      primaryAction={{
        content: t("onboarding.confirm.action"),
        destructive: true,
        onAction: props.onConfirm,
        loading: props.loading,
      }}
      secondaryActions={[{ content: t("onboarding.cancel"), onAction: props.onClose }]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          {props.units !== null ? (
            <Text as="p">{t("onboarding.confirm.units", { units: formatNumber(props.units, locale) })}</Text>
          ) : null}
          <Banner tone="warning">
            <p>{t("onboarding.confirm.everyChannel")}</p>
          </Banner>
          {props.thinStockUnits !== null ? (
            <Text as="p">
              {props.thinStockUnits > 0
                ? t("onboarding.thinStock", { units: formatNumber(props.thinStockUnits, locale) })
                : t("onboarding.thinStockOff")}
            </Text>
          ) : null}
          <Text as="p" tone="subdued">
            {t("onboarding.confirm.undo")}
          </Text>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

import { Badge } from "@shopify/polaris";
import type { ChannelMode } from "~/domain";
import { ConfirmAction } from "./ConfirmAction";
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
  const consequences = [
    ...(props.units !== null ? [t("onboarding.confirm.units", { units: formatNumber(props.units, locale) })] : []),
    ...(props.thinStockUnits !== null
      ? [
          props.thinStockUnits > 0
            ? t("onboarding.thinStock", { units: formatNumber(props.thinStockUnits, locale) })
            : t("onboarding.thinStockOff"),
        ]
      : []),
  ];
  return (
    <ConfirmAction
      open={props.open}
      title={t("onboarding.confirm.title")}
      consequences={consequences}
      warning={t("onboarding.confirm.everyChannel")}
      undo={t("onboarding.confirm.undo")}
      confirmLabel={t("onboarding.confirm.action")}
      loading={props.loading}
      onConfirm={props.onConfirm}
      onCancel={props.onClose}
    />
  );
}

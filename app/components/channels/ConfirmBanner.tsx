import type { ReactNode } from "react";
import { Banner } from "@shopify/polaris";
import { useT } from "~/i18n/react";

/** A warning asked in place, with its confirm and cancel buttons. */
export function ConfirmBanner(props: {
  tone: "warning" | "critical";
  title: string;
  confirm: string;
  onConfirm: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  const t = useT();
  return (
    <Banner
      tone={props.tone}
      title={props.title}
      action={{ content: props.confirm, onAction: props.onConfirm }}
      secondaryAction={{ content: t("buffers.cancel"), onAction: props.onCancel }}
    >
      <p>{props.children}</p>
    </Banner>
  );
}

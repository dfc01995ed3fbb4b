import { useCallback, type ReactNode } from "react";
import { Banner, BlockStack, Modal, Text } from "@shopify/polaris";
import type { MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { formatNumber } from "./format";

/**
 * The one confirmation every destructive or store-wide action asks first: a Polaris Modal
 * (rendered in the page, so it works the same embedded in Shopify admin and in the tests)
 * that says what will happen in numbers, sets the wider consequence apart, says how to undo
 * it, and names the action on its button. Cancel changes nothing.
 */
export interface ConfirmActionProps {
  open: boolean;
  title: string;
  /** What will happen, in numbers: one sentence a line. */
  consequences: readonly ReactNode[];
  /** A consequence beyond the page (every Shopify channel, POS included), set apart. */
  warning?: ReactNode;
  /** How to undo it, or that it cannot be undone. */
  undo?: ReactNode;
  /** The button that does it, named for what it does ("Disconnect Meta"). */
  confirmLabel: string;
  /** Red for what removes or stops something (the default); a plain primary button for what only starts something. */
  destructive?: boolean;
  loading?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmAction(props: ConfirmActionProps) {
  const t = useT();
  return (
    <Modal
      open={props.open}
      onClose={props.onCancel}
      title={props.title}
      primaryAction={{
        content: props.confirmLabel,
        destructive: props.destructive ?? true,
        loading: props.loading,
        onAction: props.onConfirm,
      }}
      secondaryActions={[{ content: t("confirm.cancel"), onAction: props.onCancel }]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          {props.consequences.map((consequence, index) => (
            <Text as="p" key={index}>
              {consequence}
            </Text>
          ))}
          {props.warning ? (
            <Banner tone="warning">
              <p>{props.warning}</p>
            </Banner>
          ) : null}
          {props.undo ? (
            <Text as="p" tone="subdued">
              {props.undo}
            </Text>
          ) : null}
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

/** `counted("items", 3)` → "3 items" (and "1 item"), in the page's language: the numbers a confirmation states. */
export function useCounted() {
  const t = useT();
  const locale = useLocale();
  return useCallback(
    (what: "items" | "units" | "channels" | "locations", count: number) =>
      t((count === 1 ? `confirm.count.${what}.one` : `confirm.count.${what}`) as MessageKey, {
        count: formatNumber(count, locale),
      }),
    [t, locale],
  );
}

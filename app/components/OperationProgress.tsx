import { useId, type ReactNode } from "react";
import { BlockStack, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import type { OperationView } from "~/web/channel-operations.server";
import type { MessageKey } from "~/i18n";
import { operationFailureText, storedOperationFailure } from "~/records/operation-failure";
import { useLocale, useT } from "~/i18n/react";
import { formatNumber } from "./format";
import { useDateTime } from "./use-date-time";

/** Queued or running: the worker has not finished it yet. */
export const isPending = (operation: OperationView) => operation.state === "queued" || operation.state === "running";

/** A long operation (full read, resync, release holds) with the worker's done/total. */
export function OperationProgress({ operation }: { operation: OperationView }) {
  const t = useT();
  const locale = useLocale();
  const at = useDateTime();
  const labelId = useId();
  const percent =
    operation.total && operation.total > 0 ? Math.min(100, Math.round((operation.done / operation.total) * 100)) : null;
  const label = t(`operation.${operation.kind}` as MessageKey);
  // Why it stopped, in words: the stored code, never the raw error (kept for support).
  const failure = storedOperationFailure(operation.error);
  return (
    <BlockStack gap="100">
      <InlineStack align="space-between">
        <Text as="span" fontWeight="semibold" id={labelId}>
          {label}
        </Text>
        <Text as="span" tone="subdued">
          {t(`operation.state.${operation.state}` as MessageKey)} ·{" "}
          {operation.total === null
            ? t("operation.doneUnknownTotal", { done: formatNumber(operation.done, locale) })
            : t("operation.doneOfTotal", {
                done: formatNumber(operation.done, locale),
                total: formatNumber(operation.total, locale),
              })}
        </Text>
      </InlineStack>
      {isPending(operation) ? (
        <ProgressBar progress={percent ?? 0} size="small" animated={percent === null} ariaLabelledBy={labelId} />
      ) : null}
      <Text as="span" tone="subdued" variant="bodySm">
        {t("operation.requestedAt", { at: at(operation.createdAt) })}
        {failure ? ` · ${operationFailureText(failure, locale)}` : ""}
      </Text>
    </BlockStack>
  );
}

/** Several operations in one card, under an optional heading. */
export function OperationsCard({ operations, heading }: { operations: OperationView[]; heading?: ReactNode }) {
  return (
    <Card>
      <BlockStack gap="300">
        {heading ? (
          <Text as="h2" variant="headingMd">
            {heading}
          </Text>
        ) : null}
        {operations.map((operation) => (
          <OperationProgress key={operation.id} operation={operation} />
        ))}
      </BlockStack>
    </Card>
  );
}

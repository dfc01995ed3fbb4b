import { BlockStack, Box, List, Text } from "@shopify/polaris";
import type { TemplatePreview as Preview } from "~/web/template-preview.server";
import { numericId } from "~/web/ids";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";

/** Matched and unmatched item ids for a template (Channels page and channel settings). */
export function TemplatePreview({ preview }: { preview: Preview }) {
  const t = useT();
  return (
    <Box padding="300" background="bg-surface-secondary" borderRadius="200">
      <BlockStack gap="200">
        <Text as="h4" variant="headingSm">
          {t("channels.preview.title", {
            matched: preview.matched.length,
            unmatched: preview.unmatched.length,
            sampled: preview.sampled,
          })}
        </Text>
        <Text as="p" tone="subdued" variant="bodySm">
          {t(`channels.preview.method.${preview.method}` as MessageKey)}{" "}
          {preview.error ? t("channels.preview.error", { detail: preview.error }) : ""}
          {preview.unclaimed ? ` ${t("channels.preview.unclaimed", { count: preview.unclaimed })}` : ""}
        </Text>
        <List type="bullet">
          {preview.matched.map((entry) => (
            <List.Item key={entry.variantId}>
              ✓ {entry.title || numericId(entry.variantId)} → {entry.itemId}
            </List.Item>
          ))}
          {preview.unmatched.map((entry) => (
            <List.Item key={entry.variantId}>
              {preview.method === "rendered_only" ? "·" : "✗"} {entry.title || numericId(entry.variantId)} →{" "}
              {entry.itemId ?? entry.reason ?? "—"}
            </List.Item>
          ))}
        </List>
      </BlockStack>
    </Box>
  );
}

import { useMemo } from "react";
import { BlockStack, Box, Card, Text } from "@shopify/polaris";
import { CHANNELS, type BufferRule, type ChannelId } from "~/domain";
import type { BuffersData } from "~/web/buffers.server";
import { previewRows, type PreviewRow } from "~/web/buffer-preview";
import { numericId } from "~/web/ids";
import { DataTable } from "~/components/DataTable";
import { channelName, formatDuration } from "~/components/format";
import { useLocale, useT } from "~/i18n/react";
import type { ParsedDrafts } from "./drafts";

/** The lag each channel's buffer allows for: the measured p95 once there are samples, else a conservative default. */
function useLagNote(data: BuffersData): string {
  const t = useT();
  const locale = useLocale();
  return CHANNELS.map((entry) =>
    data.lag[entry].samples > 0 && data.preview.timing[entry].measuredLagMs === data.lag[entry].p95Ms
      ? t("buffers.lagMeasured", {
          channel: channelName(entry, locale),
          p95: formatDuration(data.lag[entry].p95Ms, locale),
          samples: data.lag[entry].samples,
        })
      : t("buffers.lagDefault", {
          channel: channelName(entry, locale),
          lag: formatDuration(data.preview.timing[entry].measuredLagMs, locale),
          samples: data.lag[entry].samples,
        }),
  ).join(" ");
}

/** One item's row: its name, sellable units, and per channel the quantity shown with its explanation. */
function useRowCells() {
  const t = useT();
  return (row: PreviewRow) => [
    row.seed ? t("buffers.seedItem") : `${row.title || numericId(row.variantId)}${row.sku ? ` (${row.sku})` : ""}`,
    row.sellable,
    ...CHANNELS.map((entry) => (
      <BlockStack key={entry} gap="050">
        <Text as="span" fontWeight="bold" variant="headingMd">
          <span data-testid={`preview-${row.seed ? "seed" : numericId(row.variantId)}-${entry}`}>
            {row.channels[entry].quantity}
          </span>
        </Text>
        <Text as="span" tone="subdued" variant="bodySm" breakWord>
          {row.channels[entry].explanation}
        </Text>
      </BlockStack>
    )),
  ];
}

/** What each channel would show for a few real items and the seed example, with the rules as typed. */
export function PreviewCard({ data, parsed }: { data: BuffersData; parsed: ParsedDrafts }) {
  const t = useT();
  const locale = useLocale();
  // The preview uses what is typed where it is valid, and the saved rule where it is not.
  const effective = useMemo(() => {
    const rules = {} as Record<ChannelId, BufferRule>;
    for (const channel of CHANNELS) rules[channel] = parsed[channel].rule ?? data.preview.stored.shopDefaults[channel];
    return rules;
  }, [parsed, data.preview.stored.shopDefaults]);
  const rows = useMemo(() => previewRows(data.preview, effective, locale), [data.preview, effective, locale]);
  const cells = useRowCells();
  const lagNote = useLagNote(data);
  return (
    <Card padding="0">
      <Box padding="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {t("buffers.preview")}
          </Text>
          <Text as="p" tone="subdued" variant="bodySm">
            {t("buffers.previewHelp")} {lagNote}
          </Text>
          {data.preview.items.length === 0 ? (
            <Text as="p" tone="subdued">
              {t("buffers.previewNoItems")}
            </Text>
          ) : null}
        </BlockStack>
      </Box>
      <div data-testid="buffer-preview">
        <DataTable
          label={t("buffers.preview")}
          columnContentTypes={["text", "numeric", "text", "text", "text"]}
          headings={[
            t("buffers.col.item"),
            t("buffers.col.sellable"),
            ...CHANNELS.map((entry) => channelName(entry, locale)),
          ]}
          rows={rows.map(cells)}
        />
      </div>
    </Card>
  );
}

import { BlockStack, List, Text } from "@shopify/polaris";
import type { ChannelPreview } from "~/web/onboarding.server";
import { channelName, formatMoney, formatNumber } from "~/components/format";
import type { MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";

/** What activating the channel would change: units withheld and their value, items shown as 0, ads paused. */
export function PreviewFigures({
  preview,
  currency,
  connected,
}: {
  preview: ChannelPreview;
  currency: string | null;
  connected: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  const name = channelName(preview.channel, locale);
  if (preview.items === 0) {
    return (
      <Text as="p" tone="subdued">
        {t("onboarding.preview.noItems")}
      </Text>
    );
  }
  // "1 item" / "2 items": the one-form key when the count is 1.
  const plural = (key: MessageKey, count: number, values: Record<string, string | number> = {}) =>
    t((count === 1 ? `${key}.one` : key) as MessageKey, { ...values, count: formatNumber(count, locale) });
  const amount = formatMoney(preview.withheldValue, currency, locale);
  const figures = {
    units: formatNumber(preview.withheldUnits, locale),
    sellable: formatNumber(preview.sellableUnits, locale),
    items: t(preview.items === 1 ? "onboarding.items.one" : "onboarding.items.other", {
      count: formatNumber(preview.items, locale),
    }),
    value: currency ? t("onboarding.value", { amount }) : t("onboarding.valueNoCurrency", { amount }),
  };
  return (
    <BlockStack gap="200">
      <Text as="p" variant="bodyLg" fontWeight="semibold">
        <span data-testid={`preview-withheld-${preview.channel}`}>
          {t(
            `onboarding.preview.${preview.withheldUnits > 0 ? "withheld" : "withheldNone"}.${preview.channel}` as MessageKey,
            figures,
          )}
        </span>
      </Text>
      {preview.zeroItems > 0 ? (
        <BlockStack gap="100">
          <Text as="p">
            {plural(
              preview.channel === "google" ? "onboarding.preview.zero.google" : "onboarding.preview.zero",
              preview.zeroItems,
              { channel: name },
            )}
          </Text>
          <List type="bullet">
            {preview.zeroExamples.map((example, index) => (
              <List.Item key={index}>
                {t("onboarding.preview.example", {
                  title: example.title,
                  sellable: formatNumber(example.sellable, locale),
                })}
              </List.Item>
            ))}
          </List>
        </BlockStack>
      ) : (
        <Text as="p">{t("onboarding.preview.zeroNone")}</Text>
      )}
      {preview.adsPausedItems > 0 ? (
        <Text as="p">{plural("onboarding.preview.adsPaused", preview.adsPausedItems)}</Text>
      ) : null}
      {preview.source === "engine" && preview.channel !== "online_store" ? (
        <Text as="p" tone="subdued" variant="bodySm">
          {t(connected ? "onboarding.preview.computing" : "onboarding.preview.estimate")}
        </Text>
      ) : null}
    </BlockStack>
  );
}

import { BlockStack, Card, FormLayout, Layout, Text, TextField } from "@shopify/polaris";
import { CHANNELS } from "~/domain";
import type { MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { channelName } from "~/components/format";
import type { AlertThresholds } from "~/records/alert-settings";
import {
  THRESHOLD_CHANNEL_FIELDS,
  THRESHOLD_SHOP_FIELDS,
  checkThresholds,
  thresholdsBody,
  thresholdsDraftFrom,
  unitOf,
  type ThresholdsDraft,
} from "~/web/settings-form";
import { SaveFeedback, SectionActions } from "./SectionFeedback";
import { useSectionForm } from "./use-section-form";

const checkDraft = (draft: ThresholdsDraft) => checkThresholds(thresholdsBody(draft));

type ThresholdsForm = ReturnType<typeof useSectionForm<ThresholdsDraft, unknown>>;

/** One threshold: its label, its unit written out beside the number, and what it means. */
function ThresholdField({ form, path, name }: { form: ThresholdsForm; path: string; name: string }) {
  const t = useT();
  const unit = unitOf(path);
  return (
    <TextField
      label={t(`shopSettings.field.${name}` as MessageKey)}
      value={form.draft[path] ?? ""}
      onChange={(value) => form.set({ [path]: value })}
      autoComplete="off"
      inputMode="decimal"
      suffix={unit ? t(`shopSettings.unit.${unit}`) : undefined}
      helpText={t(`shopSettings.field.${name}Help` as MessageKey)}
      error={form.errorFor(path)}
    />
  );
}

/** When alerts open: per channel, then for the whole shop. */
export function ThresholdsSection({ thresholds }: { thresholds: AlertThresholds }) {
  const t = useT();
  const locale = useLocale();
  const form = useSectionForm({
    intent: "saveThresholds",
    initial: thresholdsDraftFrom(thresholds),
    check: checkDraft,
  });
  return (
    <Layout.AnnotatedSection
      title={t("shopSettings.thresholds.title")}
      description={t("shopSettings.thresholds.description")}
    >
      <Card>
        <BlockStack gap="500">
          <SaveFeedback result={form.result} />
          {CHANNELS.map((channel) => (
            <BlockStack gap="200" key={channel}>
              <Text as="h3" variant="headingSm">
                {channelName(channel, locale)}
              </Text>
              <FormLayout>
                <FormLayout.Group>
                  {THRESHOLD_CHANNEL_FIELDS.slice(0, 2).map((field) => (
                    <ThresholdField key={field} form={form} path={`channels.${channel}.${field}`} name={field} />
                  ))}
                </FormLayout.Group>
                <FormLayout.Group>
                  {THRESHOLD_CHANNEL_FIELDS.slice(2).map((field) => (
                    <ThresholdField key={field} form={form} path={`channels.${channel}.${field}`} name={field} />
                  ))}
                </FormLayout.Group>
              </FormLayout>
            </BlockStack>
          ))}
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              {t("shopSettings.thresholds.shopWide")}
            </Text>
            <FormLayout>
              {THRESHOLD_SHOP_FIELDS.map((path) => (
                <ThresholdField key={path} form={form} path={path} name={path} />
              ))}
            </FormLayout>
          </BlockStack>
          <SectionActions onSave={form.save} saving={form.saving} disabled={!form.valid || !form.dirty} />
        </BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}

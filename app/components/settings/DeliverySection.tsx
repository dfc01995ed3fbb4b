import { useFetcher } from "@remix-run/react";
import { BlockStack, Button, Card, Checkbox, FormLayout, Layout, Text } from "@shopify/polaris";
import { useT } from "~/i18n/react";
import type { SettingsPageResult } from "~/web/settings-page.server";
import { SaveFeedback, SectionActions, TestFeedback } from "./SectionFeedback";
import type { SectionForm } from "./use-section-form";

/**
 * What alert emails and the alert webhook share: the on/off switch and the target's own
 * fields, what the last save came to, Save, and a test send through the saved settings (held
 * back, and said so, while the form has unsaved changes).
 */
export function DeliverySection({
  target,
  form,
  configured,
  children,
  afterFields,
}: {
  target: "email" | "webhook";
  form: SectionForm<{ enabled: boolean }>;
  /** Saved settings exist to test. */
  configured: boolean;
  /** The target's fields, after the switch. */
  children: React.ReactNode;
  /** Shown between the fields and the test's outcome (the webhook's signing secret). */
  afterFields?: React.ReactNode;
}) {
  const t = useT();
  const intent = target === "email" ? "testEmail" : "testWebhook";
  const tester = useFetcher<SettingsPageResult>({ key: intent });
  const test =
    tester.state === "idle" && tester.data?.intent === intent && "test" in tester.data ? tester.data.test : null;
  return (
    <Layout.AnnotatedSection
      title={t(`shopSettings.${target}.title`)}
      description={t(`shopSettings.${target}.description`)}
    >
      <Card>
        <BlockStack gap="400">
          <SaveFeedback result={form.result} />
          <FormLayout>
            <Checkbox
              label={t(`shopSettings.${target}.enabled`)}
              checked={form.draft.enabled}
              onChange={(enabled) => form.set({ enabled })}
            />
            {children}
          </FormLayout>
          {afterFields}
          <TestFeedback test={test} />
          <SectionActions onSave={form.save} saving={form.saving} disabled={!form.valid || !form.dirty}>
            <Button
              onClick={() => tester.submit({ intent }, { method: "post" })}
              loading={tester.state !== "idle"}
              disabled={form.dirty || !configured}
            >
              {t(`shopSettings.${target}.test`)}
            </Button>
            {form.dirty ? (
              <Text as="span" tone="subdued">
                {t("shopSettings.unsaved")}
              </Text>
            ) : null}
          </SectionActions>
        </BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}

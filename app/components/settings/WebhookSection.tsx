import { useCallback, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineStack, Modal, Text, TextField } from "@shopify/polaris";
import { useT } from "~/i18n/react";
import { checkDelivery, webhookBody, webhookDraftFrom, type WebhookDraft } from "~/web/settings-form";
import type { SettingsPageResult } from "~/web/settings-page.server";
import type { DeliveryView } from "~/web/settings.server";
import type { WebhookUrlPolicy } from "~/security/webhook-address";
import { DeliverySection } from "./DeliverySection";
import { CopyField } from "./SectionFeedback";
import { useSectionForm } from "./use-section-form";

/** The signed alert webhook: its address, its signing secret (shown once, replaced after a confirmation) and a test delivery. */
export function WebhookSection({ delivery, policy }: { delivery: DeliveryView; policy: WebhookUrlPolicy }) {
  const t = useT();
  const { allowPrivate } = policy;
  const check = useCallback(
    (draft: WebhookDraft) => checkDelivery(webhookBody(draft), { allowPrivate }),
    [allowPrivate],
  );
  const form = useSectionForm({ intent: "saveWebhook", initial: webhookDraftFrom(delivery.webhook), check });
  const savedSecret =
    form.result && form.result.ok && "generatedWebhookSecret" in form.result
      ? form.result.generatedWebhookSecret
      : null;
  return (
    <DeliverySection
      target="webhook"
      form={form}
      configured={Boolean(delivery.webhook)}
      afterFields={
        <SigningSecret
          secretSet={delivery.webhookSecretSet}
          configured={delivery.webhook !== null}
          generated={savedSecret}
        />
      }
    >
      <TextField
        label={t("shopSettings.webhook.url")}
        type="url"
        value={form.draft.url}
        onChange={(url) => form.set({ url })}
        autoComplete="off"
        placeholder="https://"
        helpText={t("shopSettings.webhook.urlHelp")}
        error={form.errorFor("webhook.url")}
      />
    </DeliverySection>
  );
}

/** Whether a secret is saved (never the secret itself), a new one shown once, and "replace" behind a confirmation. */
function SigningSecret({
  secretSet,
  configured,
  generated,
}: {
  secretSet: boolean;
  configured: boolean;
  generated: string | null;
}) {
  const t = useT();
  const rotator = useFetcher<SettingsPageResult>({ key: "rotateWebhookSecret" });
  const [asking, setAsking] = useState(false);
  const rotated = rotator.data?.intent === "rotateWebhookSecret" && rotator.data.ok ? rotator.data.webhookSecret : null;
  const shown = rotated ?? generated;
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingSm">
        {t("shopSettings.webhook.secret")}
      </Text>
      <Text as="p" tone="subdued">
        {t(secretSet ? "shopSettings.webhook.secretSet" : "shopSettings.webhook.secretUnset")}
      </Text>
      {shown ? (
        <Banner tone="warning" title={t("shopSettings.webhook.newSecretNote")}>
          <CopyField label={t("shopSettings.webhook.newSecret")} value={shown} />
        </Banner>
      ) : null}
      {configured && secretSet ? (
        <InlineStack>
          <Button onClick={() => setAsking(true)} loading={rotator.state !== "idle"}>
            {t("shopSettings.webhook.rotate")}
          </Button>
        </InlineStack>
      ) : null}
      <Modal
        open={asking}
        onClose={() => setAsking(false)}
        title={t("shopSettings.webhook.rotateTitle")}
        primaryAction={{
          content: t("shopSettings.webhook.rotateConfirm"),
          destructive: true,
          onAction: () => {
            setAsking(false);
            rotator.submit({ intent: "rotateWebhookSecret" }, { method: "post" });
          },
        }}
        secondaryActions={[{ content: t("shopSettings.cancel"), onAction: () => setAsking(false) }]}
      >
        <Modal.Section>
          <Text as="p">{t("shopSettings.webhook.rotateBody")}</Text>
        </Modal.Section>
      </Modal>
    </BlockStack>
  );
}

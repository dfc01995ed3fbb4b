import { useCallback } from "react";
import { Checkbox, FormLayout, TextField } from "@shopify/polaris";
import { useT } from "~/i18n/react";
import { checkDelivery, emailBody, emailDraftFrom, type EmailDraft } from "~/web/settings-form";
import type { DeliveryView } from "~/web/settings.server";
import { DeliverySection } from "./DeliverySection";
import { useSectionForm, type SectionForm } from "./use-section-form";

/** Alert emails: on or off, recipients, the merchant's SMTP server, and a test email through it. */
export function EmailSection({ delivery }: { delivery: DeliveryView }) {
  const t = useT();
  const passwordSet = delivery.emailPasswordSet;
  const check = useCallback((draft: EmailDraft) => checkDelivery(emailBody(draft, passwordSet)), [passwordSet]);
  const form = useSectionForm({ intent: "saveEmail", initial: emailDraftFrom(delivery.email), check });
  const { draft, set, errorFor } = form;
  return (
    <DeliverySection target="email" form={form} configured={Boolean(delivery.email)}>
      <TextField
        label={t("shopSettings.email.to")}
        value={draft.to}
        onChange={(to) => set({ to })}
        multiline={2}
        autoComplete="off"
        helpText={t("shopSettings.email.toHelp")}
        error={errorFor("email.to")}
      />
      <TextField
        label={t("shopSettings.email.from")}
        type="email"
        value={draft.from}
        onChange={(from) => set({ from })}
        autoComplete="off"
        helpText={t("shopSettings.email.fromHelp")}
        error={errorFor("email.from")}
      />
      <SmtpFields form={form} passwordSet={passwordSet} />
    </DeliverySection>
  );
}

function SmtpFields({ form, passwordSet }: { form: SectionForm<EmailDraft>; passwordSet: boolean }) {
  const t = useT();
  const { draft, set, errorFor } = form;
  return (
    <>
      <FormLayout.Group>
        <TextField
          label={t("shopSettings.email.host")}
          value={draft.host}
          onChange={(host) => set({ host })}
          autoComplete="off"
          placeholder="smtp.example.com"
          helpText={t("shopSettings.email.hostHelp")}
          error={errorFor("email.host")}
        />
        <TextField
          label={t("shopSettings.email.port")}
          value={draft.port}
          onChange={(port) => set({ port })}
          autoComplete="off"
          inputMode="numeric"
          helpText={t("shopSettings.email.portHelp")}
          error={errorFor("email.port")}
        />
      </FormLayout.Group>
      <Checkbox
        label={t("shopSettings.email.secure")}
        helpText={t("shopSettings.email.secureHelp")}
        checked={draft.secure}
        onChange={(secure) => set({ secure })}
      />
      <FormLayout.Group>
        <TextField
          label={t("shopSettings.email.user")}
          value={draft.user}
          onChange={(user) => set({ user })}
          autoComplete="off"
          helpText={t("shopSettings.email.userHelp")}
          error={errorFor("email.user")}
        />
        <TextField
          label={t("shopSettings.email.password")}
          type="password"
          value={draft.password}
          onChange={(password) => set({ password })}
          autoComplete="new-password"
          disabled={draft.user.trim() === ""}
          helpText={t(passwordSet ? "shopSettings.email.passwordSet" : "shopSettings.email.passwordHelp")}
          error={errorFor("emailPassword")}
        />
      </FormLayout.Group>
    </>
  );
}

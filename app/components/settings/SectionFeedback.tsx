import { Link } from "@remix-run/react";
import { Banner, Button, InlineStack, TextField } from "@shopify/polaris";
import { useState } from "react";
import { useLocale, useT } from "~/i18n/react";
import { deliveryProblemText } from "~/records/delivery-failure";
import type { SettingsPageResult } from "~/web/settings-page.server";
import type { TestDeliveryResult } from "~/web/settings.server";

/** After a save: saved (with the way to Activity), nothing changed, or refused with the fields marked. */
export function SaveFeedback({ result }: { result: SettingsPageResult | null }) {
  const t = useT();
  if (!result) return null;
  if (!result.ok) return <Banner tone="critical" title={t("shopSettings.invalid")} />;
  if (!("changed" in result)) return null;
  return (
    <Banner
      tone={result.changed ? "success" : "info"}
      title={t(result.changed ? "shopSettings.saved" : "shopSettings.unchanged")}
    >
      {result.changed ? <Link to="/app/activity">{t("shopSettings.activityLink")}</Link> : null}
    </Banner>
  );
}

/** Save, and beside it what else the section offers (a test send). */
export function SectionActions({
  onSave,
  saving,
  disabled,
  children,
}: {
  onSave: () => void;
  saving: boolean;
  disabled: boolean;
  children?: React.ReactNode;
}) {
  const t = useT();
  return (
    <InlineStack gap="200" blockAlign="center">
      <Button variant="primary" onClick={onSave} loading={saving} disabled={disabled}>
        {t("shopSettings.save")}
      </Button>
      {children}
    </InlineStack>
  );
}

/** A value shown once (a secret, a feed URL), ready to copy. */
export function CopyField({ label, value }: { label: string; value: string }) {
  const t = useT();
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = () =>
    (navigator.clipboard?.writeText(value) ?? Promise.reject(new Error("no clipboard"))).then(
      () => setState("copied"),
      () => setState("failed"),
    );
  return (
    <TextField
      label={label}
      value={value}
      readOnly
      autoComplete="off"
      selectTextOnFocus
      monospaced
      helpText={state === "failed" ? t("shopSettings.copyFailed") : undefined}
      connectedRight={
        <Button onClick={() => void copy()} accessibilityLabel={`${t("shopSettings.copy")}: ${label}`}>
          {t(state === "copied" ? "shopSettings.copied" : "shopSettings.copy")}
        </Button>
      }
    />
  );
}

/**
 * What a test send came to: delivered (to whom), not delivered (why, worded from its codes in
 * the viewer's language: never the server's raw answer), or not set up yet.
 */
export function TestFeedback({ test }: { test: TestDeliveryResult | null }) {
  const t = useT();
  const locale = useLocale();
  if (!test) return null;
  if (!test.ok) return <Banner tone="warning" title={t("shopSettings.test.notConfigured")} />;
  if (!test.delivered)
    return (
      <Banner
        tone="critical"
        title={t("shopSettings.test.failed", { reason: deliveryProblemText(test, test.target, locale) })}
      />
    );
  return (
    <Banner
      tone="success"
      title={
        test.target === "email"
          ? t("shopSettings.test.emailDelivered", { recipients: test.recipients.join(", ") })
          : t("shopSettings.test.webhookDelivered")
      }
    />
  );
}

import { Banner, Layout } from "@shopify/polaris";
import type { ChannelsPageResult } from "~/web/channels-page.server";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";

const HEALTH_CODES = ["credentials_revoked", "unreachable", "misconfigured", "rate_limited"];

/** A channel's health code ("credentials_revoked") in words. */
export function healthReason(code: string, t: ReturnType<typeof useT>): string {
  return t((HEALTH_CODES.includes(code) ? `channels.health.${code}` : "channels.health.other") as MessageKey);
}

/** Why the last post failed, in the merchant's language, with the channel's own words where it gave them. */
function failureText(result: ChannelsPageResult, t: ReturnType<typeof useT>): string {
  if ("reason" in result)
    return t("channels.healthFailed", {
      reason: healthReason(String(result.reason), t),
      detail: String(result.detail),
    });
  if ("fields" in result) return t("channels.invalidFields");
  if ("health" in result && result.health && !result.health.ok)
    return t("channels.healthFailed", { reason: healthReason(result.health.code, t), detail: result.health.detail });
  if ("health" in result) return t("channels.error.channel_not_connected");
  return "code" in result ? t(`channels.error.${result.code}` as MessageKey) : "";
}

/**
 * The outcome of the last post: what failed, or what was done (a template preview shows in
 * its channel's card instead). It stays until dismissed or replaced by the next outcome.
 */
export function ChannelsFeedback({
  result,
  onDismiss,
}: {
  result: ChannelsPageResult | undefined;
  onDismiss: () => void;
}) {
  const t = useT();
  if (!result) return null;
  if (!result.ok) {
    return (
      <Layout.Section>
        <Banner tone="critical" title={t("channels.failed")} onDismiss={onDismiss}>
          <p>{failureText(result, t)}</p>
        </Banner>
      </Layout.Section>
    );
  }
  if (result.intent === "previewTemplates") return null;
  return (
    <Layout.Section>
      <Banner tone="success" title={t(`channels.done.${result.intent}` as MessageKey)} onDismiss={onDismiss} />
    </Layout.Section>
  );
}

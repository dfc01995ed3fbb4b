import { Banner, Layout } from "@shopify/polaris";
import type { ChannelsPageResult } from "~/web/channels-page.server";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";

/** Why the last post failed, in the channel's own words where it gave them. */
function failureText(result: ChannelsPageResult, t: ReturnType<typeof useT>): string {
  if ("reason" in result)
    return t("channels.healthFailed", { reason: String(result.reason), detail: String(result.detail) });
  if ("fields" in result) return t("channels.invalidFields");
  if ("health" in result && result.health && !result.health.ok)
    return t("channels.healthFailed", { reason: result.health.code, detail: result.health.detail });
  return "message" in result ? String(result.message) : "";
}

/** The outcome of the last post: what failed, or what was done (a template preview shows in its channel's card instead). */
export function ChannelsFeedback({ result }: { result: ChannelsPageResult | undefined }) {
  const t = useT();
  if (!result) return null;
  if (!result.ok) {
    return (
      <Layout.Section>
        <Banner tone="critical" title={t("channels.failed")}>
          <p>{failureText(result, t)}</p>
        </Banner>
      </Layout.Section>
    );
  }
  if (result.intent === "previewTemplates") return null;
  return (
    <Layout.Section>
      <Banner tone="success" title={t(`channels.done.${result.intent}` as MessageKey)} />
    </Layout.Section>
  );
}

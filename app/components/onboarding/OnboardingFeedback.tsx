import { Banner, Layout } from "@shopify/polaris";
import type { ChannelId } from "~/domain";
import { channelName } from "~/components/format";
import { useLocale, useT } from "~/i18n/react";

/** What the onboarding page's last post did: a channel activated or observed, stranded holds released, or why it failed. */
export interface OnboardingOutcome {
  intent: string;
  ok: boolean;
  channel: ChannelId | null;
}

export function OnboardingFeedback({ outcome }: { outcome: OnboardingOutcome | undefined }) {
  const t = useT();
  const locale = useLocale();
  if (!outcome) return null;
  const done = (channel: ChannelId) =>
    outcome.intent === "activate"
      ? channel === "online_store"
        ? t("onboarding.done.activateOnlineStore")
        : t("onboarding.done.activate", { channel: channelName(channel, locale) })
      : t("onboarding.done.observe", { channel: channelName(channel, locale) });
  return (
    <>
      {outcome.ok && outcome.channel ? (
        <Layout.Section>
          <Banner tone="success" title={done(outcome.channel)} />
        </Layout.Section>
      ) : null}
      {outcome.ok && outcome.intent === "releaseStranded" ? (
        <Layout.Section>
          <Banner tone="success" title={t("stranded.done")} />
        </Layout.Section>
      ) : null}
      {!outcome.ok ? (
        <Layout.Section>
          <Banner tone="critical" title={t("onboarding.failed")}>
            <p>
              {outcome.channel
                ? t("onboarding.notConnected", { channel: channelName(outcome.channel, locale) })
                : t("onboarding.failed")}
            </p>
          </Banner>
        </Layout.Section>
      ) : null}
    </>
  );
}

import { Link } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, InlineStack, Text } from "@shopify/polaris";
import type { ChannelPreview, OnboardingData } from "~/web/onboarding.server";
import { ModeBadge } from "~/components/ChannelMode";
import { isPending, OperationsCard } from "~/components/OperationProgress";
import { channelName, formatNumber } from "~/components/format";
import { useDateTime } from "~/components/use-date-time";
import type { ChannelsPageActions } from "~/components/channels/page";
import type { MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { PreviewFigures } from "./PreviewFigures";

/** What the preview cards do with the merchant's clicks: post, or open a confirmation first. */
export interface OnboardingActions extends ChannelsPageActions {
  /** A post is under way: buttons wait. */
  busy: boolean;
}

/**
 * Activate, observe, or connect first. Activating the Online Store and going back to observe
 * ask first; the Online Store is observed from the Channels page.
 */
function PreviewAction({
  preview,
  connected,
  actions,
}: {
  preview: ChannelPreview;
  connected: boolean;
  actions: OnboardingActions;
}) {
  const t = useT();
  const locale = useLocale();
  const name = channelName(preview.channel, locale);
  const onlineStore = preview.channel === "online_store";
  if (preview.mode === "active") {
    // Back to observe on the Online Store releases holds: confirmed on the Channels page.
    if (onlineStore) return <Link to="/app/channels">{t("channels.observeOnlineStore")}</Link>;
    return (
      <Button onClick={() => actions.ask({ kind: "observe", channel: preview.channel })} disabled={actions.busy}>
        {t("channels.observe")}
      </Button>
    );
  }
  if (onlineStore) {
    return (
      <Button variant="primary" onClick={() => actions.ask({ kind: "activateOnlineStore" })} disabled={actions.busy}>
        {t("onboarding.activateOnlineStore")}
      </Button>
    );
  }
  if (!connected) return <Button url="/app/channels">{t("onboarding.connectFirst", { channel: name })}</Button>;
  return (
    <Button
      variant="primary"
      onClick={() => actions.post({ intent: "activate", channel: preview.channel })}
      disabled={actions.busy}
    >
      {t("onboarding.activate", { channel: name })}
    </Button>
  );
}

type PreviewCardProps = {
  preview: ChannelPreview;
  connected: boolean;
  data: OnboardingData;
  actions: OnboardingActions;
};

/** One channel's preview: its mode, what activating it would change and why, and the button to do it. */
function ChannelPreviewCard({ preview, connected, data, actions }: PreviewCardProps) {
  const t = useT();
  const locale = useLocale();
  const at = useDateTime();
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h3" variant="headingMd">
              {channelName(preview.channel, locale)}
            </Text>
            <ModeBadge mode={preview.mode} />
          </InlineStack>
          {preview.activatedAt ? (
            <Text as="span" tone="subdued" variant="bodySm">
              {t("onboarding.activeSince", { at: at(preview.activatedAt) })}
            </Text>
          ) : null}
        </InlineStack>
        <PreviewFigures preview={preview} currency={data.currency} connected={connected} />
        <Text as="p" tone="subdued">
          {t(`onboarding.preview.why.${preview.channel}` as MessageKey)}
        </Text>
        {preview.channel === "online_store" ? (
          <Text as="p" tone="subdued">
            {data.thinStockUnits > 0
              ? t("onboarding.thinStock", { units: formatNumber(data.thinStockUnits, locale) })
              : t("onboarding.thinStockOff")}{" "}
            <Link to="/app/channels/online_store">{t("onboarding.thinStockLink")}</Link>
          </Text>
        ) : null}
        <Box>
          <PreviewAction preview={preview} connected={connected} actions={actions} />
        </Box>
      </BlockStack>
    </Card>
  );
}

/** The preview of every channel, with the first catalog read's progress until it is done. */
export function ChannelPreviews({ data, actions }: { data: OnboardingData; actions: OnboardingActions }) {
  const t = useT();
  const running = data.operations.filter(isPending);
  return (
    <BlockStack gap="300">
      <BlockStack gap="100">
        <Text as="h2" variant="headingLg">
          {t("onboarding.preview.title")}
        </Text>
        <Text as="p" tone="subdued">
          {t("onboarding.preview.intro")}
        </Text>
      </BlockStack>
      {running.length > 0 ? <OperationsCard operations={running} /> : null}
      {!data.firstReadDone ? (
        <Banner tone="info">
          <p>{t("onboarding.preview.reading")}</p>
        </Banner>
      ) : null}
      {data.previews.map((preview) => (
        <ChannelPreviewCard
          key={preview.channel}
          preview={preview}
          connected={data.channels.find((channel) => channel.channel === preview.channel)!.connected}
          data={data}
          actions={actions}
        />
      ))}
    </BlockStack>
  );
}

/** "Finish" at the foot of the page as well as in the title bar. */
export function FinishCard({ actions }: { actions: OnboardingActions }) {
  const t = useT();
  return (
    <Card>
      <InlineStack align="space-between" blockAlign="center" gap="300">
        <Box maxWidth="70%">
          <Text as="p" tone="subdued">
            {t("onboarding.finishHelp")}
          </Text>
        </Box>
        <Button variant="primary" onClick={() => actions.post({ intent: "finish" })} disabled={actions.busy}>
          {t("onboarding.finish")}
        </Button>
      </InlineStack>
    </Card>
  );
}

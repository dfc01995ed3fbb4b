import { Banner, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import type { ChannelView } from "~/web/channels.server";
import type { ChannelsPageData, ChannelsPageResult } from "~/web/channels-page.server";
import { ModeBadge } from "~/components/ChannelMode";
import { StateBadge } from "~/components/StateBadge";
import { channelName } from "~/components/format";
import { useDateTime } from "~/components/use-date-time";
import type { MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { healthReason } from "./ChannelsFeedback";
import { ConnectionSection } from "./ConnectForm";
import type { ChannelsPageActions } from "./page";

type ModeView = ChannelsPageData["modes"][ChannelView["channel"]];

/** The stored "code: detail" of the last failed test, its code in words and the channel's own detail kept. */
function healthErrorText(stored: string, t: ReturnType<typeof useT>): string {
  const separator = stored.indexOf(": ");
  if (separator < 0) return stored;
  return `${healthReason(stored.slice(0, separator), t)}: ${stored.slice(separator + 2)}`;
}

/** The channel's name, mode and state badges, last push, and the link to its settings. */
function ChannelHeader({ view, mode }: { view: ChannelView; mode: ModeView }) {
  const t = useT();
  const locale = useLocale();
  const at = useDateTime();
  return (
    <InlineStack align="space-between" blockAlign="center">
      <InlineStack gap="200" blockAlign="center">
        <Text as="h2" variant="headingMd">
          {channelName(view.channel, locale)}
        </Text>
        {/* Observing: Ballast writes nothing, so "Active" (not paused) would mislead; a pause still shows. */}
        {view.connected && mode.mode === "observing" ? <ModeBadge mode="observing" /> : null}
        {/* After a reinstall the Online Store's row says "disconnected" (the uninstall) until it is activated again. */}
        {(!view.connected || mode.mode === "active" || view.state !== "active") &&
        !(view.channel === "online_store" && view.state === "disconnected" && mode.mode === "observing") ? (
          <StateBadge state={view.state} />
        ) : null}
      </InlineStack>
      <InlineStack gap="300" blockAlign="center">
        <Text as="span" tone="subdued" variant="bodySm">
          {t("channels.lastPush", { at: at(view.lastPushAt) })}
        </Text>
        <Button
          url={`/app/channels/${view.channel}`}
          accessibilityLabel={t("settings.linkLabel", { channel: channelName(view.channel, locale) })}
        >
          {t("settings.link")}
        </Button>
      </InlineStack>
    </InlineStack>
  );
}

/** Observing or active since when, and the button to switch (activating the Online Store and going back to observe ask first). */
function ModeRow({ view, mode, actions }: { view: ChannelView; mode: ModeView; actions: ChannelsPageActions }) {
  const t = useT();
  const at = useDateTime();
  const onlineStore = view.channel === "online_store";
  return (
    <InlineStack gap="300" blockAlign="center">
      <Text as="p" tone="subdued">
        {mode.mode === "active"
          ? t("channels.mode.activeHelp", { at: at(mode.activatedAt) })
          : t("channels.mode.observingHelp")}
      </Text>
      {mode.mode === "observing" ? (
        <Button
          variant="primary"
          onClick={() =>
            onlineStore
              ? actions.ask({ kind: "activateOnlineStore" })
              : actions.post({ intent: "activate", channel: view.channel })
          }
        >
          {t(onlineStore ? "channels.activateOnlineStore" : "channels.activate")}
        </Button>
      ) : (
        <Button onClick={() => actions.ask({ kind: "observe", channel: view.channel })}>
          {t(onlineStore ? "channels.observeOnlineStore" : "channels.observe")}
        </Button>
      )}
    </InlineStack>
  );
}

/** Resume, pause (stop selling or freeze), and per channel: test and disconnect, or release/resume the Online Store's holds; all but resume and test ask first. */
function StateActions({
  view,
  holdsReleased,
  actions,
}: {
  view: ChannelView;
  holdsReleased: boolean;
  actions: ChannelsPageActions;
}) {
  const t = useT();
  const paused = view.state === "paused_stop_selling" || view.state === "paused_freeze";
  return (
    <InlineStack gap="200">
      {paused ? (
        <Button variant="primary" onClick={() => actions.post({ intent: "resume", channel: view.channel })}>
          {t("channels.resume")}
        </Button>
      ) : null}
      {view.state !== "paused_stop_selling" ? (
        <Button onClick={() => actions.ask({ kind: "pause", channel: view.channel })}>{t("channels.pauseStop")}</Button>
      ) : null}
      {view.state !== "paused_freeze" ? (
        <Button onClick={() => actions.ask({ kind: "freeze", channel: view.channel })}>
          {t("channels.pauseFreeze")}
        </Button>
      ) : null}
      {view.channel !== "online_store" ? (
        <>
          <Button onClick={() => actions.post({ intent: "test", channel: view.channel })}>{t("channels.test")}</Button>
          <Button tone="critical" onClick={() => actions.ask({ kind: "disconnect", channel: view.channel })}>
            {t("channels.disconnect")}
          </Button>
        </>
      ) : holdsReleased ? (
        <Button variant="primary" onClick={() => actions.ask({ kind: "resumeHolds" })}>
          {t("channels.resumeHolds")}
        </Button>
      ) : (
        <Button tone="critical" onClick={() => actions.ask({ kind: "release" })}>
          {t("channels.releaseHolds")}
        </Button>
      )}
    </InlineStack>
  );
}

export interface ChannelCardProps {
  view: ChannelView;
  mode: ModeView;
  holdsReleased: boolean;
  actions: ChannelsPageActions;
  result: ChannelsPageResult | undefined;
}

/** One channel on the Channels page: its state, mode, pause and connection (the page holds the confirmations). */
export function ChannelCard({ view, mode, holdsReleased, actions, result }: ChannelCardProps) {
  const t = useT();
  const onlineStore = view.channel === "online_store";
  return (
    <Card>
      <BlockStack gap="400">
        <ChannelHeader view={view} mode={mode} />
        <Text as="p" tone="subdued">
          {t(`channels.describe.${view.channel}` as MessageKey)}{" "}
          {t(view.checkoutOn === "channel" ? "channels.checkout.channel" : "channels.checkout.store")}
        </Text>
        {view.connected ? <ModeRow view={view} mode={mode} actions={actions} /> : null}
        {onlineStore && holdsReleased ? (
          <Banner tone="warning" title={t("channels.holdsReleasedTitle")}>
            <p>{t("channels.holdsReleasedBody")}</p>
          </Banner>
        ) : null}
        {view.lastHealthError ? (
          <Banner tone="warning" title={t("channels.lastHealthError")}>
            <p>{healthErrorText(view.lastHealthError, t)}</p>
          </Banner>
        ) : null}
        {view.connected ? <StateActions view={view} holdsReleased={holdsReleased} actions={actions} /> : null}
        {view.channel !== "online_store" ? (
          <ConnectionSection view={view} channel={view.channel} result={result} />
        ) : null}
      </BlockStack>
    </Card>
  );
}

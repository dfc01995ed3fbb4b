import { Banner, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import type { ChannelView, FreezeRisk } from "~/web/channels.server";
import type { ChannelsPageData, ChannelsPageResult } from "~/web/channels-page.server";
import { ModeBadge } from "~/components/ChannelMode";
import { StateBadge } from "~/components/StateBadge";
import { channelName, formatDateTime } from "~/components/format";
import type { MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";
import { ConfirmBanner } from "./ConfirmBanner";
import { ConnectionSection } from "./ConnectForm";
import type { ChannelsConfirm, ChannelsPageActions } from "./page";

type ModeView = ChannelsPageData["modes"][ChannelView["channel"]];

/** The channel's name, mode and state badges, last push, and the link to its settings. */
function ChannelHeader({ view, mode, timeZone }: { view: ChannelView; mode: ModeView; timeZone: string | null }) {
  const t = useT();
  const locale = useLocale();
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
          {t("channels.lastPush", { at: formatDateTime(view.lastPushAt, locale, timeZone) })}
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

/** Observing or active since when, and the button to switch (the Online Store asks first). */
function ModeRow({
  view,
  mode,
  timeZone,
  actions,
}: {
  view: ChannelView;
  mode: ModeView;
  timeZone: string | null;
  actions: ChannelsPageActions;
}) {
  const t = useT();
  const locale = useLocale();
  const onlineStore = view.channel === "online_store";
  return (
    <InlineStack gap="300" blockAlign="center">
      <Text as="p" tone="subdued">
        {mode.mode === "active"
          ? t("channels.mode.activeHelp", { at: formatDateTime(mode.activatedAt, locale, timeZone) })
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
        <Button
          onClick={() =>
            onlineStore
              ? actions.ask({ kind: "observeOnlineStore" })
              : actions.post({ intent: "observe", channel: view.channel })
          }
        >
          {t(onlineStore ? "channels.observeOnlineStore" : "channels.observe")}
        </Button>
      )}
    </InlineStack>
  );
}

/** Resume, pause (stop selling, or freeze after a warning), and per channel: test and disconnect, or release/resume the Online Store's holds. */
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
        <Button onClick={() => actions.post({ intent: "pause", channel: view.channel, mode: "stop_selling" })}>
          {t("channels.pauseStop")}
        </Button>
      ) : null}
      {view.state !== "paused_freeze" ? (
        <Button onClick={() => actions.ask({ kind: "freeze", channel: view.channel })}>
          {t("channels.pauseFreeze")}
        </Button>
      ) : null}
      {view.channel !== "online_store" ? (
        <>
          <Button onClick={() => actions.post({ intent: "test", channel: view.channel })}>{t("channels.test")}</Button>
          <Button tone="critical" onClick={() => actions.post({ intent: "disconnect", channel: view.channel })}>
            {t("channels.disconnect")}
          </Button>
        </>
      ) : holdsReleased ? (
        <Button variant="primary" onClick={() => actions.post({ intent: "resumeHolds" })}>
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
  risk: FreezeRisk;
  holdsReleased: boolean;
  timeZone: string | null;
  confirm: ChannelsConfirm;
  actions: ChannelsPageActions;
  result: ChannelsPageResult | undefined;
}

/** One channel on the Channels page: its state, mode, pause and connection, with their confirmations. */
export function ChannelCard({ view, mode, risk, holdsReleased, timeZone, confirm, actions, result }: ChannelCardProps) {
  const t = useT();
  const onlineStore = view.channel === "online_store";
  const cancel = () => actions.ask(null);
  return (
    <Card>
      <BlockStack gap="400">
        <ChannelHeader view={view} mode={mode} timeZone={timeZone} />
        <Text as="p" tone="subdued">
          {t(`channels.describe.${view.channel}` as MessageKey)}{" "}
          {t(view.checkoutOn === "channel" ? "channels.checkout.channel" : "channels.checkout.store")}
        </Text>
        {view.connected ? <ModeRow view={view} mode={mode} timeZone={timeZone} actions={actions} /> : null}
        {confirm?.kind === "observeOnlineStore" && onlineStore ? (
          <ConfirmBanner
            tone="warning"
            title={t("channels.observeTitle")}
            confirm={t("channels.confirmObserve")}
            onConfirm={() => actions.post({ intent: "observe", channel: "online_store" })}
            onCancel={cancel}
          >
            {t("channels.observeWarning")}
          </ConfirmBanner>
        ) : null}
        {onlineStore && holdsReleased ? (
          <Banner tone="warning" title={t("channels.holdsReleasedTitle")}>
            <p>{t("channels.holdsReleasedBody")}</p>
          </Banner>
        ) : null}
        {view.lastHealthError ? (
          <Banner tone="warning" title={t("channels.lastHealthError")}>
            <p>{view.lastHealthError}</p>
          </Banner>
        ) : null}
        {view.connected ? <StateActions view={view} holdsReleased={holdsReleased} actions={actions} /> : null}
        {confirm?.kind === "freeze" && confirm.channel === view.channel ? (
          <ConfirmBanner
            tone={risk.aboveSellable > 0 ? "critical" : "warning"}
            title={t("channels.freezeRiskTitle")}
            confirm={t("channels.confirmFreeze")}
            onConfirm={() => actions.post({ intent: "pause", channel: view.channel, mode: "freeze" })}
            onCancel={cancel}
          >
            {t("channels.freezeRisk", { aboveTarget: risk.aboveTarget, aboveSellable: risk.aboveSellable })}
          </ConfirmBanner>
        ) : null}
        {confirm?.kind === "release" && onlineStore ? (
          <ConfirmBanner
            tone="critical"
            title={t("channels.releaseTitle")}
            confirm={t("channels.confirmRelease")}
            onConfirm={() => actions.post({ intent: "releaseHolds" })}
            onCancel={cancel}
          >
            {t("channels.releaseWarning")}
          </ConfirmBanner>
        ) : null}
        {view.channel !== "online_store" ? (
          <ConnectionSection view={view} channel={view.channel} timeZone={timeZone} result={result} />
        ) : null}
      </BlockStack>
    </Card>
  );
}

import { Link } from "@remix-run/react";
import { Badge, BlockStack, Divider, InlineStack, Text } from "@shopify/polaris";
import type { OnboardingData } from "~/web/onboarding.server";
import { ModeBadge } from "~/components/ChannelMode";
import { TitledCard } from "~/components/TitledCard";
import { channelName } from "~/components/format";
import { useLocale, useT } from "~/i18n/react";

/** What Ballast does, in three sentences. */
export function WhatBallastDoesCard() {
  const t = useT();
  return (
    <TitledCard title={t("onboarding.what.title")} gap="200">
      <Text as="p">{t("onboarding.what.1")}</Text>
      <Text as="p">{t("onboarding.what.2")}</Text>
      <Text as="p">{t("onboarding.what.3")}</Text>
    </TitledCard>
  );
}

type OnboardingChannel = OnboardingData["channels"][number];

function ConnectionRow({ channel, first }: { channel: OnboardingChannel; first: boolean }) {
  const t = useT();
  const locale = useLocale();
  return (
    <BlockStack gap="200">
      {first ? null : <Divider />}
      <InlineStack align="space-between" blockAlign="center" gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {channelName(channel.channel, locale)}
          </Text>
          <ModeBadge mode={channel.mode} />
          {channel.connected ? null : <Badge>{t("state.not_connected")}</Badge>}
        </InlineStack>
        {channel.channel !== "online_store" && !channel.connected ? (
          <Link to="/app/channels">{t("onboarding.connections.link")}</Link>
        ) : null}
      </InlineStack>
      <Text as="p" tone="subdued">
        {channel.channel === "online_store"
          ? t("onboarding.connections.online_store")
          : channel.connected
            ? t("onboarding.connections.connected")
            : t("onboarding.connections.notConnected")}
      </Text>
    </BlockStack>
  );
}

/** Each channel's mode and connection, with a link to connect the ones that are not. */
export function ConnectionsCard({ channels }: { channels: OnboardingChannel[] }) {
  const t = useT();
  return (
    <TitledCard title={t("onboarding.connections.title")} gap="300">
      {channels.map((channel, index) => (
        <ConnectionRow key={channel.channel} channel={channel} first={index === 0} />
      ))}
    </TitledCard>
  );
}

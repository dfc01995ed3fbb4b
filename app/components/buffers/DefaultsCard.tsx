import { useState } from "react";
import { Box, Button, InlineStack, Tabs, Text } from "@shopify/polaris";
import { CHANNELS } from "~/domain";
import type { RulesDraft } from "~/web/buffer-form";
import { RuleEditor } from "~/components/RuleEditor";
import { TitledCard } from "~/components/TitledCard";
import { channelName } from "~/components/format";
import { useLocale, useT } from "~/i18n/react";
import { channelErrors, type ParsedDrafts, type ServerErrors } from "./drafts";

export interface DefaultsCardProps {
  drafts: RulesDraft;
  /** As saved: what "Discard" goes back to. */
  saved: RulesDraft;
  onChange: (drafts: RulesDraft) => void;
  parsed: ParsedDrafts;
  serverErrors: ServerErrors;
  saving: boolean;
  onSave: () => void;
}

/** The shop's default rule per channel, one tab each (a tab with errors is marked). */
export function DefaultsCard({ drafts, saved, onChange, parsed, serverErrors, saving, onSave }: DefaultsCardProps) {
  const t = useT();
  const locale = useLocale();
  const [tab, setTab] = useState(0);
  const channel = CHANNELS[tab] ?? "online_store";
  const invalidChannels = CHANNELS.filter((entry) => parsed[entry].errors.length > 0);
  const dirty = JSON.stringify(drafts) !== JSON.stringify(saved);
  return (
    <TitledCard title={t("buffers.defaults")} gap="400">
      <Tabs
        tabs={CHANNELS.map((entry) => ({
          id: `tab-${entry}`,
          content: parsed[entry].errors.length ? `${channelName(entry, locale)} ⚠` : channelName(entry, locale),
          accessibilityLabel: channelName(entry, locale),
          panelID: `panel-${entry}`,
        }))}
        selected={tab}
        onSelect={setTab}
      >
        <Box paddingBlockStart="400" id={`panel-${channel}`}>
          <RuleEditor
            key={channel}
            idPrefix={`default-${channel}`}
            draft={drafts[channel]}
            errors={channelErrors(parsed, serverErrors, channel)}
            onChange={(next) => onChange({ ...drafts, [channel]: next })}
          />
        </Box>
      </Tabs>
      {invalidChannels.length ? (
        <Text as="p" tone="critical">
          {t("buffers.fixErrors", { channels: invalidChannels.map((entry) => channelName(entry, locale)).join(", ") })}
        </Text>
      ) : null}
      <InlineStack gap="200">
        <Button variant="primary" onClick={onSave} loading={saving} disabled={!dirty || invalidChannels.length > 0}>
          {t("buffers.save")}
        </Button>
        <Button onClick={() => onChange(saved)} disabled={!dirty}>
          {t("buffers.discard")}
        </Button>
      </InlineStack>
    </TitledCard>
  );
}

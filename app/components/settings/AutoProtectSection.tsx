import { useCallback } from "react";
import { BlockStack, Card, ChoiceList, Layout, TextField } from "@shopify/polaris";
import { CHANNELS, type ChannelId } from "~/domain";
import { useLocale, useT } from "~/i18n/react";
import { channelName } from "~/components/format";
import type { AutoProtectSettings } from "~/records/alert-settings";
import {
  autoProtectBody,
  autoProtectDraftFrom,
  checkAutoProtect,
  type AutoProtectChoice,
  type AutoProtectDraft,
} from "~/web/settings-form";
import { SaveFeedback, SectionActions } from "./SectionFeedback";
import { useSectionForm } from "./use-section-form";

type AutoProtectForm = ReturnType<typeof useSectionForm<AutoProtectDraft, unknown>>;

/** One channel: off, widen buffers (then perhaps pause beyond a second threshold), or pause; each said plainly. */
function ChannelAutoProtect({ channel, form }: { channel: ChannelId; form: AutoProtectForm }) {
  const t = useT();
  const locale = useLocale();
  const name = channelName(channel, locale);
  const current = form.draft[channel];
  const update = (changes: Partial<AutoProtectDraft[ChannelId]>) => form.set({ [channel]: { ...current, ...changes } });
  return (
    <BlockStack gap="200">
      <ChoiceList
        title={name}
        choices={[
          { label: t("shopSettings.autoProtect.off"), value: "off", helpText: t("shopSettings.autoProtect.offHelp") },
          {
            label: t("shopSettings.autoProtect.widen_buffers"),
            value: "widen_buffers",
            helpText: t("shopSettings.autoProtect.widen_buffersHelp"),
          },
          {
            label: t("shopSettings.autoProtect.pause_stop_selling"),
            value: "pause_stop_selling",
            helpText:
              channel === "online_store"
                ? t("shopSettings.autoProtect.pauseHelpOnlineStore")
                : t("shopSettings.autoProtect.pauseHelp", { channel: name }),
          },
        ]}
        selected={[current.choice]}
        onChange={([choice]) => update({ choice: (choice ?? "off") as AutoProtectChoice })}
      />
      {current.choice === "widen_buffers" ? (
        <TextField
          label={t("shopSettings.field.pauseAboveLagMinutes")}
          value={current.pauseAbove}
          onChange={(pauseAbove) => update({ pauseAbove })}
          autoComplete="off"
          inputMode="decimal"
          suffix={t("shopSettings.unit.minutes")}
          helpText={t("shopSettings.autoProtect.pauseAboveHelp")}
          error={form.errorFor(`channels.${channel}.pauseAboveLagMinutes`)}
        />
      ) : null}
    </BlockStack>
  );
}

/** What Ballast does on its own when a channel's lag passes its alert threshold. */
export function AutoProtectSection({ autoProtect }: { autoProtect: AutoProtectSettings }) {
  const t = useT();
  const check = useCallback(
    (draft: AutoProtectDraft) => checkAutoProtect(autoProtectBody(draft, autoProtect)),
    [autoProtect],
  );
  const form = useSectionForm({ intent: "saveAutoProtect", initial: autoProtectDraftFrom(autoProtect), check });
  return (
    <Layout.AnnotatedSection
      title={t("shopSettings.autoProtect.title")}
      description={t("shopSettings.autoProtect.description")}
    >
      <Card>
        <BlockStack gap="500">
          <SaveFeedback result={form.result} />
          {CHANNELS.map((channel) => (
            <ChannelAutoProtect key={channel} channel={channel} form={form} />
          ))}
          <SectionActions onSave={form.save} saving={form.saving} disabled={!form.valid || !form.dirty} />
        </BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}

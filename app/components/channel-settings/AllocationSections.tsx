import type { ComponentProps } from "react";
import { Card, ChoiceList, FormLayout, Layout, Text, TextField } from "@shopify/polaris";
import type { ChannelId } from "~/domain";
import type { ChannelSettingsData } from "~/web/channel-settings.server";
import type { SettingsDraft } from "~/web/channel-settings-form";
import { TitledCard } from "~/components/TitledCard";
import { useT } from "~/i18n/react";
import type { SettingsForm } from "./use-settings-draft";

/**
 * The allocation settings every channel has (locations, where checkout happens, damping),
 * and those of one channel (Google's low-stock mode, the Online Store's thin stock).
 */

/** A whole number typed into the settings form (kept as text until it parses). */
function WholeNumberField(props: Omit<ComponentProps<typeof TextField>, "autoComplete" | "inputMode">) {
  return <TextField {...props} autoComplete="off" inputMode="numeric" />;
}

/** Which locations' stock the channel sells: all, or the ones picked. */
export function LocationsSection({
  channel,
  locations,
  form,
}: {
  channel: ChannelId;
  locations: ChannelSettingsData["locations"];
  form: SettingsForm;
}) {
  const t = useT();
  const { draft, set, errorFor } = form;
  return (
    <Layout.Section>
      <TitledCard title={t("settings.locations.title")} gap="300">
        <Text as="p" tone="subdued">
          {t(channel === "online_store" ? "settings.locations.helpOnlineStore" : "settings.locations.help")}
        </Text>
        <ChoiceList
          title={t("settings.locations.title")}
          titleHidden
          choices={[
            { label: t("settings.locations.all"), value: "all" },
            { label: t("settings.locations.selected"), value: "selected", disabled: locations.length === 0 },
          ]}
          selected={[draft.locationsMode]}
          onChange={([value]) => set({ locationsMode: value === "selected" ? "selected" : "all" })}
        />
        {draft.locationsMode === "selected" ? (
          <ChoiceList
            allowMultiple
            title={t("settings.locations.which")}
            choices={locations.map((location) => ({
              label: location.active ? location.name : t("settings.locations.inactive", { name: location.name }),
              value: location.gid,
            }))}
            selected={draft.locations}
            onChange={(selected) => set({ locations: selected })}
            error={errorFor("locations")}
          />
        ) : null}
        {locations.length === 0 ? (
          <Text as="p" tone="subdued" variant="bodySm">
            {t("settings.locations.none")}
          </Text>
        ) : null}
      </TitledCard>
    </Layout.Section>
  );
}

/** One of two choices, each with its explanation, in a card of its own. */
function ChoiceSection<Value extends string>(props: {
  title: string;
  choices: { label: string; value: Value; helpText: string }[];
  selected: Value;
  onChange: (value: string | undefined) => void;
}) {
  return (
    <Layout.Section>
      <Card>
        <ChoiceList
          title={props.title}
          choices={props.choices}
          selected={[props.selected]}
          onChange={([value]) => props.onChange(value)}
        />
      </Card>
    </Layout.Section>
  );
}

/** Where checkout happens: on the store (Shopify refuses what it cannot fill) or on the channel. */
export function CheckoutSection({ form }: { form: SettingsForm }) {
  const t = useT();
  return (
    <ChoiceSection<SettingsDraft["checkoutOn"]>
      title={t("settings.checkout.title")}
      choices={[
        { label: t("settings.checkout.store"), value: "store", helpText: t("settings.checkout.storeHelp") },
        { label: t("settings.checkout.channel"), value: "channel", helpText: t("settings.checkout.channelHelp") },
      ]}
      selected={form.draft.checkoutOn}
      onChange={(value) => form.set({ checkoutOn: value === "channel" ? "channel" : "store" })}
    />
  );
}

/** Google near a sell-out: pause the offer's ads, or mark it out of stock. */
export function LowStockSection({ form }: { form: SettingsForm }) {
  const t = useT();
  return (
    <ChoiceSection<SettingsDraft["lowStock"]>
      title={t("settings.lowStock.title")}
      choices={[
        { label: t("settings.lowStock.pause_ads"), value: "pause_ads", helpText: t("settings.lowStock.pause_adsHelp") },
        {
          label: t("settings.lowStock.out_of_stock"),
          value: "out_of_stock",
          helpText: t("settings.lowStock.out_of_stockHelp"),
        },
      ]}
      selected={form.draft.lowStock}
      onChange={(value) => form.set({ lowStock: value === "out_of_stock" ? "out_of_stock" : "pause_ads" })}
    />
  );
}

/** Increase damping: confirmations and the minimum hold before a channel is shown more. */
export function DampingSection({ form }: { form: SettingsForm }) {
  const t = useT();
  const { draft, set, errorFor } = form;
  return (
    <Layout.Section>
      <TitledCard title={t("settings.damping.title")} gap="300">
        <Text as="p" tone="subdued">
          {t("settings.damping.help")}
        </Text>
        <FormLayout>
          <FormLayout.Group condensed>
            <WholeNumberField
              label={t("settings.damping.confirmations")}
              value={draft.dampingConfirmations}
              onChange={(value) => set({ dampingConfirmations: value })}
              helpText={t("settings.damping.confirmationsHelp")}
              error={errorFor("dampingConfirmations")}
            />
            <WholeNumberField
              label={t("settings.damping.minHold")}
              value={draft.dampingMinHoldSeconds}
              onChange={(value) => set({ dampingMinHoldSeconds: value })}
              suffix="s"
              helpText={t("settings.damping.minHoldHelp")}
              error={errorFor("dampingMinHoldSeconds")}
            />
          </FormLayout.Group>
        </FormLayout>
      </TitledCard>
    </Layout.Section>
  );
}

/** The Online Store's thin stock: items with this many units or fewer are never held back. */
export function ThinStockSection({ form }: { form: SettingsForm }) {
  const t = useT();
  return (
    <Layout.Section>
      <Card>
        <FormLayout>
          <WholeNumberField
            label={t("settings.thinStock.label")}
            value={form.draft.thinStockAtOrBelow ?? ""}
            onChange={(value) => form.set({ thinStockAtOrBelow: value })}
            helpText={t("settings.thinStock.help")}
            error={form.errorFor("thinStockAtOrBelow")}
          />
        </FormLayout>
      </Card>
    </Layout.Section>
  );
}

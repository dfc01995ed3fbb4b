import { useState } from "react";
import { useNavigation, useSubmit } from "@remix-run/react";
import { Button, FormLayout, InlineStack, TextField } from "@shopify/polaris";
import type { ChannelId } from "~/domain";
import type { ItemChannelView } from "~/web/items.server";
import { channelName } from "~/components/format";
import type { MessageKey } from "~/i18n";
import { useLocale, useT } from "~/i18n/react";

/** What the item page's last post did to one channel's override. */
export type OverrideOutcome =
  | { ok: true; channel: ChannelId; intent: string }
  | { ok: false; channel: ChannelId | null; code: string; message: string; sellable?: number };

/** datetime-local in the browser's zone, with seconds. */
function localInputValue(ms: number): string {
  const date = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 19);
}

/** Set a manual quantity on the channel until a time (an hour from now by default), or clear the active one. */
export function OverrideForm({
  view,
  sellable,
  outcome,
}: {
  view: ItemChannelView;
  sellable: number;
  outcome: OverrideOutcome | undefined;
}) {
  const t = useT();
  const locale = useLocale();
  const submit = useSubmit();
  const navigation = useNavigation();
  const [quantity, setQuantity] = useState(String(view.now.quantity));
  const [expires, setExpires] = useState(() => localInputValue(Date.now() + 3_600_000));
  const [reason, setReason] = useState("");
  const failed = outcome && outcome.channel === view.channel && !outcome.ok ? outcome : null;
  const error = failed
    ? t(`item.error.${failed.code}` as MessageKey, {
        sellable: "sellable" in failed ? String(failed.sellable) : "",
        detail: failed.message,
      })
    : undefined;
  const send = () => {
    const parsed = new Date(expires);
    submit(
      {
        intent: "set",
        channel: view.channel,
        quantity,
        expiresAt: Number.isNaN(parsed.getTime()) ? "" : parsed.toISOString(),
        reason,
      },
      { method: "post" },
    );
  };
  return (
    <FormLayout>
      <FormLayout.Group condensed>
        <TextField
          label={t("item.field.quantity", { channel: channelName(view.channel, locale) })}
          value={quantity}
          onChange={setQuantity}
          autoComplete="off"
          inputMode="numeric"
          helpText={t("item.help.quantity", { sellable })}
          error={failed && failed.code !== "override_already_expired" ? error : undefined}
        />
        <TextField
          label={t("item.field.expiresAt")}
          type="datetime-local"
          step={1}
          value={expires}
          onChange={setExpires}
          autoComplete="off"
          helpText={t("item.help.expiresAt")}
          error={failed && failed.code === "override_already_expired" ? error : undefined}
        />
        <TextField label={t("item.field.reason")} value={reason} onChange={setReason} autoComplete="off" />
      </FormLayout.Group>
      <InlineStack gap="200">
        <Button onClick={send} loading={navigation.state === "submitting"}>
          {t("item.setOverride")}
        </Button>
        {view.override?.active ? (
          <Button
            tone="critical"
            onClick={() => submit({ intent: "clear", channel: view.channel }, { method: "post" })}
          >
            {t("item.clearOverride")}
          </Button>
        ) : null}
      </InlineStack>
    </FormLayout>
  );
}

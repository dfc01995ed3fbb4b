import type { ChannelId } from "~/domain";
import type { ChannelsPageData } from "~/web/channels-page.server";
import { ConfirmAction, useCounted, type ConfirmActionProps } from "~/components/ConfirmAction";
import { OnlineStoreActivationModal } from "~/components/ChannelMode";
import { channelName } from "~/components/format";
import { useLocale, useT } from "~/i18n/react";
import type { ChannelsConfirm, ChannelsPageActions } from "./page";

/** The figures the confirmations state, as the page loaded them. */
type Figures = Pick<ChannelsPageData, "impacts" | "held" | "risks">;

/** The modal's words and its action, without open/cancel (the same for every confirmation). */
type Confirmation = Omit<ConfirmActionProps, "open" | "onCancel">;

interface Words {
  t: ReturnType<typeof useT>;
  counted: ReturnType<typeof useCounted>;
  name: (channel: ChannelId) => string;
  post: ChannelsPageActions["post"];
}

/** Stop selling: the whole Shopify store (POS included) for the Online Store, one channel otherwise. */
function pause(channel: ChannelId, figures: Figures, { t, counted, name, post }: Words): Confirmation {
  const impact = figures.impacts[channel];
  const onlineStore = channel === "online_store";
  const numbers = { items: counted("items", impact.itemsOnSale), units: counted("units", impact.unitsOnSale) };
  return {
    title: onlineStore ? t("confirm.pause.onlineStoreTitle") : t("confirm.pause.title", { channel: name(channel) }),
    consequences: [
      onlineStore
        ? t("confirm.pause.onlineStore", numbers)
        : t("confirm.pause.channel", { ...numbers, channel: name(channel) }),
    ],
    warning: onlineStore ? t("confirm.pause.onlineStoreWarning") : undefined,
    undo: t("confirm.pause.undo"),
    confirmLabel: t("confirm.pause.action", { channel: name(channel) }),
    onConfirm: () => post({ intent: "pause", channel, mode: "stop_selling" }),
  };
}

/** Items left at their last quantity (freeze, disconnect, observe), and how many of them can oversell. */
function leftAsTheyAre(channel: ChannelId, figures: Figures, words: Words, key: "freeze" | "disconnect" | "observe") {
  const { t, counted, name } = words;
  const risk = figures.risks[channel];
  const items = t(`confirm.${key}.items`, {
    items: counted("items", figures.impacts[channel].items),
    channel: name(channel),
  });
  if (key === "freeze") {
    return [
      items,
      risk.aboveTarget > 0
        ? t("confirm.freeze.risk", {
            items: counted("items", risk.aboveTarget),
            oversell: counted("items", risk.aboveSellable),
          })
        : t("confirm.freeze.safe"),
    ];
  }
  return risk.aboveSellable > 0
    ? [items, t("confirm.disconnect.risk", { oversell: counted("items", risk.aboveSellable), channel: name(channel) })]
    : [items];
}

function freeze(channel: ChannelId, figures: Figures, words: Words): Confirmation {
  const { t, name, post } = words;
  return {
    title: t("confirm.freeze.title", { channel: name(channel) }),
    consequences: leftAsTheyAre(channel, figures, words, "freeze"),
    undo: t("confirm.pause.undo"),
    confirmLabel: t("confirm.freeze.action", { channel: name(channel) }),
    onConfirm: () => post({ intent: "pause", channel, mode: "freeze" }),
  };
}

function disconnect(channel: ChannelId, figures: Figures, words: Words): Confirmation {
  const { t, name, post } = words;
  return {
    title: t("confirm.disconnect.title", { channel: name(channel) }),
    consequences: [
      t("confirm.disconnect.credentials", { channel: name(channel) }),
      ...leftAsTheyAre(channel, figures, words, "disconnect"),
    ],
    confirmLabel: t("confirm.disconnect.action", { channel: name(channel) }),
    onConfirm: () => post({ intent: "disconnect", channel }),
  };
}

/** Back to observe: the Online Store releases what Ballast holds; Meta and Google keep their last quantities. */
function observe(channel: ChannelId, figures: Figures, words: Words): Confirmation {
  const { t, counted, name, post } = words;
  const onConfirm = () => post({ intent: "observe", channel });
  if (channel === "online_store") {
    return {
      title: t("channels.observeTitle"),
      consequences: [
        figures.held.units > 0
          ? t("confirm.observe.onlineStore", {
              units: counted("units", figures.held.units),
              items: counted("items", figures.held.items),
            })
          : t("confirm.observe.onlineStoreNone"),
      ],
      warning: t("confirm.release.warning"),
      undo: t("confirm.observe.undo"),
      confirmLabel: t("channels.confirmObserve"),
      onConfirm,
    };
  }
  return {
    title: t("confirm.observe.title", { channel: name(channel) }),
    consequences: leftAsTheyAre(channel, figures, words, "observe"),
    undo: t("confirm.observe.undo"),
    confirmLabel: t("confirm.observe.action", { channel: name(channel) }),
    onConfirm,
  };
}

/** "Release all holds" (also before uninstalling): every unit Ballast moved to safety stock goes back. */
function release(figures: Figures, { t, counted, post }: Words): Confirmation {
  const { units, items } = figures.held;
  return {
    title: t("confirm.release.title"),
    consequences: [
      units > 0
        ? t("confirm.release.units", { units: counted("units", units), items: counted("items", items) })
        : t("confirm.release.none"),
    ],
    warning: t("confirm.release.warning"),
    undo: t("confirm.release.undo"),
    confirmLabel:
      units > 0 ? t("confirm.release.action", { units: counted("units", units) }) : t("channels.confirmRelease"),
    onConfirm: () => post({ intent: "releaseHolds" }),
  };
}

function resumeHolds({ t, post }: Words): Confirmation {
  return {
    title: t("confirm.resumeHolds.title"),
    consequences: [t("confirm.resumeHolds.body")],
    warning: t("onboarding.confirm.everyChannel"),
    confirmLabel: t("confirm.resumeHolds.action"),
    destructive: false,
    onConfirm: () => post({ intent: "resumeHolds" }),
  };
}

function confirmationFor(confirm: NonNullable<ChannelsConfirm>, figures: Figures, words: Words): Confirmation | null {
  switch (confirm.kind) {
    case "pause":
      return pause(confirm.channel, figures, words);
    case "freeze":
      return freeze(confirm.channel, figures, words);
    case "disconnect":
      return disconnect(confirm.channel, figures, words);
    case "observe":
      return observe(confirm.channel, figures, words);
    case "release":
      return release(figures, words);
    case "resumeHolds":
      return resumeHolds(words);
    case "activateOnlineStore":
      return null;
  }
}

/** The open confirmation of the Channels page (and the onboarding page's), with the figures of what it would change. */
export function ChannelsConfirmation({
  confirm,
  figures,
  thinStockUnits,
  onlineStoreUnits = null,
  actions,
}: {
  confirm: ChannelsConfirm;
  figures: Figures;
  thinStockUnits: number;
  /** Units activating the Online Store would hold, where the page has a preview (onboarding). */
  onlineStoreUnits?: number | null;
  actions: ChannelsPageActions;
}) {
  const t = useT();
  const locale = useLocale();
  const counted = useCounted();
  const words: Words = { t, counted, name: (channel) => channelName(channel, locale), post: actions.post };
  const close = () => actions.ask(null);
  const confirmation = confirm ? confirmationFor(confirm, figures, words) : null;
  return (
    <>
      <OnlineStoreActivationModal
        open={confirm?.kind === "activateOnlineStore"}
        units={onlineStoreUnits}
        thinStockUnits={thinStockUnits}
        onClose={close}
        onConfirm={() => actions.post({ intent: "activate", channel: "online_store" })}
      />
      {confirmation ? <ConfirmAction open {...confirmation} onCancel={close} /> : null}
    </>
  );
}

import type { ChannelId } from "~/domain";

/**
 * Every kind of alert Ballast can raise, the single list the rest derives from: `raiseAlert`
 * accepts only these, the monitor's rules name them, and the catalog below (with the words
 * in app/locales/<locale>/alerts.json) says for each what a merchant reads and can do.
 * Pure: imported by the monitor (delivery), the web services and the pages alike.
 */
export const ALERT_KINDS = [
  "lag_high",
  "drift_high",
  "competing_writer",
  "push_errors",
  "throttled",
  "credentials_revoked",
  "push_parked",
  "webhook_gap",
  "reconciliation_difference",
  "invalid_metafield",
  "shopify_unreachable",
  /** Shopify refused to refresh the offline token for good: the shop's Shopify calls stop until the merchant opens Ballast. */
  "shopify_auth_failed",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const isAlertKind = (value: string): value is AlertKind => (ALERT_KINDS as readonly string[]).includes(value);

/**
 * What the Alerts page offers beside an alert: resync (a full read of Shopify, then every
 * channel recomputed), pause the channel (stop selling, asked first), a link to the
 * Channels page to reconnect, to the channel's settings, to the first item concerned, or
 * nothing where the recommended action happens outside Ballast or needs no one.
 */
export const ALERT_ACTIONS = ["resync", "pause_channel", "reconnect", "channel_settings", "open_item", "none"] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

export interface AlertKindEntry {
  /** The button offered for the alert. */
  action: AlertAction;
  /**
   * Channels where another button (and another recommended action, under
   * `alerts.kind.<kind>.action.<channel>`) applies: pausing the Online Store for lag would
   * stop the store itself, and pausing Google marks every offer out of stock.
   */
  byChannel?: Partial<Record<ChannelId, AlertAction>>;
  /** The alert is about particular items, which it names (details.variants). */
  concernsItems: boolean;
}

export const ALERT_CATALOG: Readonly<Record<AlertKind, AlertKindEntry>> = {
  lag_high: { action: "pause_channel", byChannel: { online_store: "none", google: "none" }, concernsItems: false },
  drift_high: { action: "resync", concernsItems: true },
  competing_writer: { action: "none", concernsItems: true },
  push_errors: { action: "channel_settings", concernsItems: true },
  throttled: { action: "none", concernsItems: true },
  credentials_revoked: { action: "reconnect", concernsItems: true },
  push_parked: { action: "open_item", concernsItems: true },
  webhook_gap: { action: "resync", concernsItems: false },
  reconciliation_difference: { action: "none", concernsItems: true },
  invalid_metafield: { action: "none", concernsItems: true },
  shopify_unreachable: { action: "none", concernsItems: false },
  shopify_auth_failed: { action: "none", concernsItems: false },
};

/** At most this many variant ids are recorded in an alert's `details.variants` (the page names them). */
export const ALERT_VARIANT_LIMIT = 10;

/** The button for this alert on this channel. */
export function alertActionFor(kind: AlertKind, channel: string | null): AlertAction {
  const entry = ALERT_CATALOG[kind];
  return (channel && entry.byChannel?.[channel as ChannelId]) || entry.action;
}

/** The channel whose own recommended action replaces the kind's, or null. */
export function alertActionChannel(kind: AlertKind, channel: string | null): ChannelId | null {
  const byChannel = ALERT_CATALOG[kind].byChannel;
  return channel && byChannel && channel in byChannel ? (channel as ChannelId) : null;
}

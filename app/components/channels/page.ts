import type { ChannelId } from "~/domain";

/** The confirmation the Channels page has open, if any. */
export type ChannelsConfirm =
  | { kind: "freeze"; channel: ChannelId }
  | { kind: "release" }
  | { kind: "leave" }
  | { kind: "activateOnlineStore" }
  | { kind: "observeOnlineStore" }
  | null;

/** What the Channels page's sections do with the merchant's clicks. */
export interface ChannelsPageActions {
  /** Posts a form intent (and closes any confirmation). */
  post: (values: Record<string, string>) => void;
  /** Opens a confirmation, or closes it (null). */
  ask: (confirm: ChannelsConfirm) => void;
}

import type { ChannelId } from "~/domain";

/**
 * The confirmation the Channels page has open, if any: every action that stops, deletes or
 * releases something, or changes what the whole store sells, asks first.
 */
export type ChannelsConfirm =
  | { kind: "pause" | "freeze" | "disconnect" | "observe"; channel: ChannelId }
  | { kind: "release" }
  | { kind: "resumeHolds" }
  | { kind: "activateOnlineStore" }
  | null;

/** What the Channels page's sections do with the merchant's clicks. */
export interface ChannelsPageActions {
  /** Posts a form intent (and closes any confirmation). */
  post: (values: Record<string, string>) => void;
  /** Opens a confirmation, or closes it (null). */
  ask: (confirm: ChannelsConfirm) => void;
}

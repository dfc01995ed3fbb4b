import type { Availability, ChannelId } from "~/domain";

/**
 * ChannelItemState keeps one number per item and channel (desired, pushed, shown). On the
 * Online Store and Meta it is the quantity. Google shows availability, never a quantity, so
 * its number is one of these codes: a quantity change that does not change what Google
 * shows spends none of its ~2 updates a day. This is the only place the codes are written
 * or read.
 */
export const GOOGLE_CODE = { out_of_stock: 0, in_stock: 1, in_stock_ads_paused: 2 } as const;

/** What one stored number means to the channel. */
export interface ItemValue {
  availability: Availability;
  /** Google: in stock but ads paused (the low-stock mode that keeps the product page honest). */
  pauseAds: boolean;
}

/** The number to store for what a channel should show. */
export function encodeItemValue(
  channel: ChannelId,
  shows: { quantity: number; availability: Availability; pauseAds?: boolean },
): number {
  if (channel !== "google") return shows.quantity;
  if (shows.availability === "out_of_stock") return GOOGLE_CODE.out_of_stock;
  return shows.pauseAds ? GOOGLE_CODE.in_stock_ads_paused : GOOGLE_CODE.in_stock;
}

export function decodeItemValue(channel: ChannelId, value: number): ItemValue {
  if (channel !== "google") return { availability: value > 0 ? "in_stock" : "out_of_stock", pauseAds: false };
  return {
    availability: value === GOOGLE_CODE.out_of_stock ? "out_of_stock" : "in_stock",
    pauseAds: value === GOOGLE_CODE.in_stock_ads_paused,
  };
}

/**
 * The number for what a channel was read showing. Google's read-back says in or out of
 * stock but not whether ads are paused, so an in-stock read keeps the pause of `expected`.
 * Null when the read carries no value for this channel.
 */
export function observedItemValue(
  channel: ChannelId,
  shown: { quantity: number | null; availability: Availability | string | null },
  expected: number,
): number | null {
  if (channel !== "google") return shown.quantity;
  if (shown.availability === null) return null;
  if (shown.availability === "out_of_stock") return GOOGLE_CODE.out_of_stock;
  return expected === GOOGLE_CODE.in_stock_ads_paused ? GOOGLE_CODE.in_stock_ads_paused : GOOGLE_CODE.in_stock;
}

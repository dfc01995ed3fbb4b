import { z } from "zod";
import { channelIdSchema, type ChannelId } from "~/domain";
import type { Shown, TruthStatusKind } from "./channel-truth";

/**
 * The item list's query and answer, shared by the service (item-list.server.ts), the page
 * and GET /api/v1/items.
 */

export const ITEM_FILTERS = ["drift", "held", "overridden", "near_sellout"] as const;
export type ItemFilter = (typeof ITEM_FILTERS)[number];
export const ITEMS_PER_PAGE = 50;

/** The list's query as it arrives in a URL: `?query=&filter=&channel=&page=`. Unknown values are refused. */
export const itemListQuerySchema = z.object({
  query: z
    .string()
    .max(200)
    .optional()
    .transform((value) => value?.trim() ?? ""),
  filter: z.enum(ITEM_FILTERS).optional(),
  channel: channelIdSchema.optional(),
  page: z.coerce.number().int().min(1).max(100_000).optional().default(1),
});
export type ItemListQuery = z.infer<typeof itemListQuerySchema>;

/** `?filter=` and `?channel=` left empty mean "any". */
export function parseItemListQuery(params: URLSearchParams) {
  const raw = Object.fromEntries(
    [...params].filter(([key, value]) => value !== "" && key in itemListQuerySchema.shape),
  );
  return itemListQuerySchema.safeParse(raw);
}

export interface ItemListChannel {
  channel: ChannelId;
  /** What the channel shows now (Google: its availability code); null when unknown. */
  shows: Shown;
  wants: number | null;
  status: TruthStatusKind;
  /** Since when the status holds, where it has a start (drift, a wait). */
  since: string | null;
}

export interface ItemListRow {
  variantId: string;
  title: string;
  sku: string | null;
  barcode: string | null;
  /** Null until the first catalog read reached the item. */
  sellable: number | null;
  /** Units Ballast holds back on the Online Store (safety stock it moved). */
  held: number;
  /** Channels with a manual override in force. */
  overridden: ChannelId[];
  channels: ItemListChannel[];
}

export interface ItemListPage {
  items: ItemListRow[];
  page: number;
  pageSize: number;
  total: number;
  hasNext: boolean;
}

/**
 * The one small interface every channel connector implements.
 *
 * Connectors translate "make this channel show N for this item" into the channel's own
 * API calls, and report what the channel shows now. They hold no stock logic: the
 * domain engine decides N, the sync workers decide when to push.
 */

import type { Availability, ChannelId } from "~/domain";

export type { Availability, ChannelId };

export interface ChannelCapabilities {
  channel: ChannelId;
  /** "availability" channels (Google) cannot show a quantity, only in/out of stock. */
  shows: "quantity" | "availability";
  /** Most items one push call may carry. */
  maxBatchSize: number;
  /** The update budget the channel imposes, used to size lag-aware buffers. */
  budget: {
    /** Write calls allowed per rolling hour (Meta: ~100 batch calls per catalog). */
    writeCallsPerHour?: number;
    /** Updates a single item may receive per day (Google: about 2). */
    updatesPerItemPerDay?: number;
    /** Plain-language summary shown to merchants. */
    summary: string;
  };
}

/**
 * One item to push. `itemKey` is the channel's own id for the thing being written:
 * - online_store: `${inventoryItemGid}|${locationGid}` — `quantity` is the `available`
 *   figure wanted at that location; the rest is held in `safety_stock`;
 * - meta: the catalog item's retailer id;
 * - google: the offer id.
 */
export interface PushItem {
  itemKey: string;
  quantity: number;
  availability: Availability;
  /** Google only: prefer pausing ads over a false "out of stock" near sell-out. */
  pauseAds?: boolean;
  /**
   * Online Store only: units Ballast itself moved into safety_stock at this level (its
   * HeldStock record). Only these are ever released; the rest of safety_stock is the
   * merchant's. Omitted: none.
   */
  ownHeld?: number;
}

export type PushResult =
  | {
      itemKey: string;
      status: "applied";
      /** What the channel accepted (the Online Store may reach less than asked: see its README). */
      quantity: number;
      /** Online Store: units in safety_stock at the location after the write, as Shopify counted them (the merchant's included). */
      held?: number;
      /** Online Store: Ballast's own units in safety_stock after the write (never more than `held`). */
      ownHeld?: number;
      /** Online Store: `available` as read just before the write, the state the move started from. */
      availableBefore?: number;
    }
  | { itemKey: string; status: "retryable"; retryAfterMs: number; reason: string }
  | { itemKey: string; status: "permanent"; code: string; reason: string };

export interface ReadBackResult {
  itemKey: string;
  /** null when the channel has no such item (unmatched) or shows no quantity. */
  quantity: number | null;
  availability: Availability | null;
  found: boolean;
}

export type HealthResult =
  | { ok: true; detail: string }
  | { ok: false; code: "credentials_revoked" | "unreachable" | "misconfigured" | "rate_limited"; detail: string };

/**
 * Online Store: one inventoryMoveQuantities, journalled (HoldMove) before it is sent so a
 * crash between Shopify applying it and Ballast recording it loses nothing: the move is
 * sent again with the same idempotency key and Shopify replays its answer.
 */
export interface JournalledMove {
  idempotencyKey: string;
  /** The inventoryMoveQuantities input exactly as sent. */
  input: { reason: string; referenceDocumentUri: string; changes: unknown[] };
  /** Each change's effect on Ballast's own units at its level (itemKey): + held, − released. */
  effects: { itemKey: string; delta: number }[];
}

export interface MoveJournal {
  /** Durably records the move before it is sent; if this throws, the move is not sent. */
  record(move: JournalledMove): Promise<void>;
  /** Shopify answered: applied (moved) or refused (the mutation is atomic: nothing moved). Unsettled moves stay journalled. */
  settle(idempotencyKey: string, outcome: "applied" | "refused"): void;
}

export interface PushOptions {
  signal?: AbortSignal;
  /** Online Store: where each move is journalled before it is sent (app/sync/holds.server.ts). */
  journal?: MoveJournal;
}

export interface ChannelConnector {
  readonly capabilities: ChannelCapabilities;
  push(batch: readonly PushItem[], options?: PushOptions): Promise<PushResult[]>;
  /** What the channel shows for these items; an item it could not be asked about now (quota) is left out and asked again later. */
  readBack(itemKeys: readonly string[], options?: { signal?: AbortSignal }): Promise<ReadBackResult[]>;
  checkHealth(options?: { signal?: AbortSignal }): Promise<HealthResult>;
}

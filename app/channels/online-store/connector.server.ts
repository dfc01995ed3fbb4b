import { randomUUID } from "node:crypto";
import type {
  ChannelCapabilities,
  ChannelConnector,
  HealthResult,
  JournalledMove,
  MoveJournal,
  PushItem,
  PushOptions,
  PushResult,
  ReadBackResult,
} from "~/channels/types";
import type { AdminClient } from "~/shopify/admin-client.server";
import { AdminApiError } from "~/shopify/admin-errors";
import { gidNumericId } from "~/shopify/gid";
import {
  MAX_CHANGES_PER_MOVE,
  moveQuantities,
  readItemLevels,
  type ItemLevel,
  type MoveOutcome,
} from "~/shopify/inventory.server";
import type { BallastShopHealthQuery, BallastShopHealthQueryVariables } from "~/shopify/generated/admin-types";
import { SHOP_HEALTH_QUERY } from "~/shopify/operations/shop";
import type { InventoryMoveUserError, MoveChangeInput } from "~/shopify/operations/inventory-move";
import { logger } from "~/logger.server";
import {
  changeIndexOf,
  idempotencyKeyFor,
  itemKeyOf,
  moveChange,
  moveErrorVerdict,
  ownEffectOf,
  parseItemKey,
  planMove,
  type ItemKeyParts,
  type MovePlan,
} from "./plan";

export interface OnlineStoreConnectorOptions {
  client: AdminClient;
  /** Read → move rounds when another writer changes a level in between (CAS conflict). */
  maxConflictRounds?: number;
  /** Suggested delay for results that failed for a passing reason. */
  retryAfterMs?: number;
  /** The ledger document for units Ballast holds in safety_stock (must not be gid://shopify/…). */
  ledgerDocumentUri?: (locationId: string) => string;
  referenceDocumentUri?: string;
}

interface Entry {
  itemKey: string;
  parts: ItemKeyParts;
  quantity: number;
  /** Ballast's own units in safety_stock here, as recorded (HeldStock). */
  ownHeld: number;
}

interface PlannedMove {
  entry: Entry;
  plan: Exclude<MovePlan, { kind: "none" }>;
  /** safety_stock after the move. */
  held: number;
  ownHeld: number;
  /** `available` as read when the move was planned. */
  availableBefore: number;
  change: MoveChangeInput;
}

/**
 * Settles the moves a refused mutation cannot simply send again (a user error on their
 * change, or on the whole move; plan.ts MOVE_ERROR_VERDICTS): refused for good → permanent,
 * "try again later" → retryable. Returns their positions; the other moves (stale
 * quantities, idempotency errors, or another change's error) are re-read and tried again.
 */
function settleRefusedMoves(
  moves: readonly PlannedMove[],
  userErrors: readonly InventoryMoveUserError[],
  results: Map<string, PushResult>,
  retryAfterMs: number,
): Set<number> {
  const settled = new Set<number>();
  const refusedForGood = new Set<number>();
  for (const error of userErrors) {
    const verdict = moveErrorVerdict(error.code);
    if (verdict === "reread") continue;
    const code = error.code ?? "UNKNOWN";
    const index = changeIndexOf(error.field);
    const targets = index === null ? moves.map((_, position) => position) : [index];
    for (const position of targets) {
      const move = moves[position];
      if (!move) continue;
      settled.add(position);
      if (verdict === "refused") {
        refusedForGood.add(position);
        results.set(move.entry.itemKey, refusal(move.entry.itemKey, code, error.message));
      } else if (!refusedForGood.has(position)) {
        results.set(move.entry.itemKey, {
          itemKey: move.entry.itemKey,
          status: "retryable",
          retryAfterMs,
          reason: `${code}: ${error.message}`,
        });
      }
    }
  }
  return settled;
}

/** What became of a journalled move sent again (see resendMove). */
export type ResendOutcome = "applied" | "refused" | "unknown";

/** A result the channel will never accept as it is: not retried. */
function refusal(itemKey: string, code: string, reason: string): PushResult {
  return { itemKey, status: "permanent", code, reason };
}

const CAPABILITIES: ChannelCapabilities = {
  channel: "online_store",
  shows: "quantity",
  maxBatchSize: MAX_CHANGES_PER_MOVE,
  budget: {
    summary:
      "Shopify's GraphQL cost bucket (100–2,000 points/s by plan). A push of up to 250 items costs one read and one 10-point move; " +
      "the hold applies to every Shopify channel selling from that location.",
  },
};

/**
 * The Online Store as a channel. Shopify has one sellable pool per location, so the
 * "buffer" is units moved from `available` to `safety_stock` (and back): every Shopify
 * sales channel at that location sees the lower figure.
 */
export class OnlineStoreConnector implements ChannelConnector {
  readonly capabilities = CAPABILITIES;
  private readonly client: AdminClient;
  private readonly maxConflictRounds: number;
  private readonly retryAfterMs: number;
  private readonly ledgerDocumentUri: (locationId: string) => string;
  private readonly referenceDocumentUri: string;
  private readonly log = logger.child({ component: "online-store-connector" });

  constructor(options: OnlineStoreConnectorOptions) {
    this.client = options.client;
    this.maxConflictRounds = options.maxConflictRounds ?? 4;
    this.retryAfterMs = options.retryAfterMs ?? 30_000;
    this.ledgerDocumentUri =
      options.ledgerDocumentUri ??
      ((locationId) => `gid://ballast/OnlineStoreBuffer/${gidNumericId(locationId) ?? "unknown"}`);
    this.referenceDocumentUri = options.referenceDocumentUri ?? "gid://ballast/ChannelSync/online_store";
  }

  async push(batch: readonly PushItem[], options: PushOptions = {}): Promise<PushResult[]> {
    const results = new Map<string, PushResult>();
    // One intended value per level: the last one in the batch wins.
    const entries = new Map<string, Entry>();
    for (const item of batch) {
      const parts = parseItemKey(item.itemKey);
      if (!parts) {
        results.set(
          item.itemKey,
          refusal(item.itemKey, "INVALID_ITEM_KEY", "expected `${inventoryItemGid}|${locationGid}`"),
        );
        continue;
      }
      entries.set(item.itemKey, {
        itemKey: item.itemKey,
        parts,
        quantity: item.quantity,
        ownHeld: Math.max(0, item.ownHeld ?? 0),
      });
    }
    const all = [...entries.values()];
    for (let start = 0; start < all.length; start += MAX_CHANGES_PER_MOVE) {
      await this.pushChunk(all.slice(start, start + MAX_CHANGES_PER_MOVE), results, options.signal, options.journal);
    }
    return batch.map((item) => results.get(item.itemKey)!);
  }

  private async pushChunk(
    chunk: Entry[],
    results: Map<string, PushResult>,
    signal?: AbortSignal,
    journal?: MoveJournal,
  ): Promise<void> {
    let pending = chunk;
    let generation = 0;
    // One per send: a later move that happens to equal an earlier one must not be taken for its replay.
    const nonce = randomUUID();
    for (let round = 0; round < this.maxConflictRounds && pending.length; round += 1) {
      let levels: Map<string, ItemLevel>;
      try {
        levels = await readItemLevels(
          this.client,
          pending.map((entry) => entry.parts),
          { signal },
        );
      } catch (error) {
        for (const entry of pending) results.set(entry.itemKey, this.failure(entry.itemKey, error));
        return;
      }
      const moves = this.planMoves(pending, levels, results);
      if (!moves.length) return;
      const outcome = await this.sendMoves(
        moves,
        idempotencyKeyFor(
          this.client.shop,
          moves.map((move) => move.change),
          generation,
          nonce,
        ),
        results,
        signal,
        journal,
      );
      if (!outcome) return;
      if (outcome.ok) {
        for (const move of moves) {
          results.set(move.entry.itemKey, {
            itemKey: move.entry.itemKey,
            status: "applied",
            quantity: move.plan.reached,
            held: move.held,
            ownHeld: move.ownHeld,
            availableBefore: move.availableBefore,
          });
        }
        return;
      }

      // The mutation is atomic: nothing moved. Settle items Shopify refuses for good or asks to
      // send later, re-read and retry the rest.
      generation += 1;
      const refused = settleRefusedMoves(moves, outcome.userErrors, results, this.retryAfterMs);
      this.log.info(
        { shop: this.client.shop, round, codes: outcome.userErrors.map((error) => error.code) },
        "inventoryMoveQuantities refused; re-reading and retrying",
      );
      pending = moves.filter((_, position) => !refused.has(position)).map((move) => move.entry);
    }
    for (const entry of pending) {
      results.set(entry.itemKey, {
        itemKey: entry.itemKey,
        status: "retryable",
        retryAfterMs: this.retryAfterMs,
        reason: `quantities kept changing between read and write (${this.maxConflictRounds} rounds)`,
      });
    }
  }

  /** The move each entry needs at the levels just read; entries settled without one get their result here. */
  private planMoves(
    pending: readonly Entry[],
    levels: Map<string, ItemLevel>,
    results: Map<string, PushResult>,
  ): PlannedMove[] {
    const moves: PlannedMove[] = [];
    for (const entry of pending) {
      const level = levels.get(entry.itemKey);
      if (!level || level.status === "unknown_item") {
        results.set(entry.itemKey, refusal(entry.itemKey, "UNKNOWN_ITEM", "Shopify has no such inventory item"));
        continue;
      }
      // Ballast's own verdict from its read (no level here at all), not a Shopify userError:
      // since 2026-10 Shopify would accept the move and keep the units on an inactive level.
      if (level.status === "not_stocked") {
        results.set(
          entry.itemKey,
          refusal(entry.itemKey, "ITEM_NOT_STOCKED_AT_LOCATION", "the item is not stocked at this location"),
        );
        continue;
      }
      const current = { available: level.available, safetyStock: level.safetyStock, own: entry.ownHeld };
      const plan = planMove(current, entry.quantity);
      // A level the merchant deactivated keeps its quantities (since 2026-04): Ballast's own
      // units there are released as anywhere else, but no new hold is ever placed on it.
      if (!level.active && plan.kind === "hold") {
        results.set(
          entry.itemKey,
          refusal(
            entry.itemKey,
            "ITEM_NOT_STOCKED_AT_LOCATION",
            "the item's level at this location is inactive: Ballast holds nothing new there",
          ),
        );
        continue;
      }
      if (plan.kind === "none") {
        results.set(entry.itemKey, {
          itemKey: entry.itemKey,
          status: "applied",
          quantity: plan.reached,
          held: current.safetyStock,
          ownHeld: plan.ownAfter,
          availableBefore: current.available,
        });
        continue;
      }
      const held = plan.kind === "hold" ? current.safetyStock + plan.quantity : current.safetyStock - plan.quantity;
      moves.push({
        entry,
        plan,
        held,
        ownHeld: plan.ownAfter,
        availableBefore: current.available,
        change: moveChange(entry.parts, current, plan, this.ledgerDocumentUri(entry.parts.locationId)),
      });
    }
    return moves;
  }

  /**
   * Journals the move, then sends it. Null when it failed before an answer (every move's
   * result is then the failure): journalled, it is sent again with the same key.
   */
  private async sendMoves(
    moves: readonly PlannedMove[],
    idempotencyKey: string,
    results: Map<string, PushResult>,
    signal?: AbortSignal,
    journal?: MoveJournal,
  ): Promise<MoveOutcome | null> {
    const variables = {
      input: {
        reason: "safety_stock",
        referenceDocumentUri: this.referenceDocumentUri,
        changes: moves.map((move) => move.change),
      },
      idempotencyKey,
    };
    let outcome: MoveOutcome;
    try {
      // Journalled first: if the process dies after Shopify applied the move, the next pass
      // sends it again with this key and records Shopify's replayed answer once.
      await journal?.record({
        idempotencyKey,
        input: variables.input,
        effects: moves.map((move) => ({ itemKey: move.entry.itemKey, delta: ownEffectOf(move.change) })),
      });
      // Not settled if this throws: Shopify may have applied it. The journal sends it again with the same key.
      outcome = await moveQuantities(this.client, variables, { signal });
    } catch (error) {
      for (const move of moves) results.set(move.entry.itemKey, this.failure(move.entry.itemKey, error));
      return null;
    }
    // A request with this key still in flight (IDEMPOTENCY_CONCURRENT_REQUEST) may yet apply
    // it: left journalled, its answer is asked for again with the same key next pass.
    if (outcome.ok || !outcome.userErrors.some((error) => error.code === "IDEMPOTENCY_CONCURRENT_REQUEST")) {
      journal?.settle(idempotencyKey, outcome.ok ? "applied" : "refused");
    }
    return outcome;
  }

  /**
   * Sends a journalled move again with its own idempotency key: Shopify replays the answer
   * of a move it already applied, or applies it now. "refused": nothing moved (userErrors;
   * the mutation is atomic), "unknown": no answer (try again later).
   */
  async resendMove(
    move: Pick<JournalledMove, "idempotencyKey" | "input">,
    options: { signal?: AbortSignal } = {},
  ): Promise<ResendOutcome> {
    try {
      const outcome = await moveQuantities(
        this.client,
        {
          input: move.input as { reason: string; referenceDocumentUri: string; changes: MoveChangeInput[] },
          idempotencyKey: move.idempotencyKey,
        },
        options,
      );
      if (outcome.ok) return "applied";
      if (outcome.userErrors.some((error) => error.code === "IDEMPOTENCY_CONCURRENT_REQUEST")) return "unknown";
      this.log.info(
        { shop: this.client.shop, codes: outcome.userErrors.map((error) => error.code) },
        "journalled move refused: nothing moved",
      );
      return "refused";
    } catch (error) {
      // A request Shopify rejects as a whole (bad input) moved nothing either.
      if (
        error instanceof AdminApiError &&
        (error.code === "GRAPHQL" || error.code === "BAD_REQUEST" || error.code === "MAX_COST_EXCEEDED")
      )
        return "refused";
      this.log.warn(
        { shop: this.client.shop, err: (error as Error).message },
        "journalled move not answered; sent again next pass",
      );
      return "unknown";
    }
  }

  /**
   * Shopify's available and safety_stock now, per itemKey (levels not found are left out;
   * inactive levels are in: Ballast's own units may still be held there).
   */
  async readLevels(
    itemKeys: readonly string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<Map<string, { available: number; safetyStock: number }>> {
    const parts = itemKeys.map(parseItemKey).filter((entry): entry is ItemKeyParts => entry !== null);
    const levels = await readItemLevels(this.client, parts, options);
    const found = new Map<string, { available: number; safetyStock: number }>();
    for (const [key, level] of levels)
      if (level.status === "found") found.set(key, { available: level.available, safetyStock: level.safetyStock });
    return found;
  }

  private failure(itemKey: string, error: unknown): PushResult {
    if (error instanceof AdminApiError && !error.retryable) {
      return refusal(itemKey, error.code, error.message);
    }
    const retryAfterMs =
      error instanceof AdminApiError ? (error.details.retryAfterMs ?? this.retryAfterMs) : this.retryAfterMs;
    return { itemKey, status: "retryable", retryAfterMs, reason: (error as Error).message };
  }

  async readBack(itemKeys: readonly string[], options: { signal?: AbortSignal } = {}): Promise<ReadBackResult[]> {
    const parsed = itemKeys.map((itemKey) => ({ itemKey, parts: parseItemKey(itemKey) }));
    const valid = parsed.filter((entry): entry is { itemKey: string; parts: ItemKeyParts } => entry.parts !== null);
    const levels = await readItemLevels(
      this.client,
      valid.map((entry) => entry.parts),
      options,
    );
    return parsed.map(({ itemKey, parts }) => {
      const level = parts ? levels.get(itemKeyOf(parts)) : undefined;
      // An inactive level sells nothing: the channel does not show it.
      if (!level || level.status !== "found" || !level.active)
        return { itemKey, quantity: null, availability: null, found: false };
      return {
        itemKey,
        quantity: level.available,
        availability: level.available > 0 ? "in_stock" : "out_of_stock",
        found: true,
      };
    });
  }

  async checkHealth(options: { signal?: AbortSignal } = {}): Promise<HealthResult> {
    try {
      const { data } = await this.client.request<BallastShopHealthQuery, BallastShopHealthQueryVariables>(
        SHOP_HEALTH_QUERY,
        {},
        { signal: options.signal, retries: 1 },
      );
      return { ok: true, detail: `connected to ${data.shop.myshopifyDomain}` };
    } catch (error) {
      if (!(error instanceof AdminApiError))
        return { ok: false, code: "unreachable", detail: (error as Error).message };
      switch (error.code) {
        case "UNAUTHORIZED":
          return {
            ok: false,
            code: "credentials_revoked",
            detail: "Shopify refused the access token: reinstall or re-authorise the app",
          };
        case "PAYMENT_REQUIRED":
        case "FORBIDDEN":
        case "NOT_FOUND":
        case "GRAPHQL":
        case "BAD_REQUEST":
        case "MAX_COST_EXCEEDED":
          return { ok: false, code: "misconfigured", detail: error.message };
        case "THROTTLED":
          return { ok: false, code: "rate_limited", detail: error.message };
        default:
          return { ok: false, code: "unreachable", detail: error.message };
      }
    }
  }
}

export function createOnlineStoreConnector(options: OnlineStoreConnectorOptions): OnlineStoreConnector {
  return new OnlineStoreConnector(options);
}

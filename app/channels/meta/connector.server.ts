/**
 * Meta catalog connector: writes `quantity_to_sell_on_facebook` and `availability` with
 * the Catalog Batch API and reads them back from the products edge.
 * Contract: CHANNELS.md "Meta Graph API v26.0 catalog"; contract tests beside this file.
 *
 * - Both fields in every UPDATE, never contradicting each other: the quantity decides
 *   (0 → "out of stock"). Meta's ads and shop pages go by `availability`; the quantity only
 *   counted for Meta's own checkout, gone since 2025 (README.md beside this file).
 * - Read back, an item Meta shows "out of stock" counts as 0, whatever its quantity says.
 * - UPDATE only, `allow_upsert=false`: Ballast never creates catalog items.
 * - At most 3,000 items a call; about 100 calls an hour per catalog, so callers coalesce.
 * - Results are asynchronous: poll `check_batch_request_status` for each handle.
 * - `X-Business-Use-Case-Usage` is read on every batch answer: from `slowDownAtPercent`
 *   calls are paced to the hourly budget, at 100% (or error 80014) pushing stops until
 *   `estimated_time_to_regain_access`.
 */
import type {
  ChannelCapabilities,
  ChannelConnector,
  HealthResult,
  PushItem,
  PushResult,
  ReadBackResult,
} from "~/channels/types";
import { logger as defaultLogger, type Logger } from "~/logger.server";
import { sendChannelRequest } from "~/channels/http.server";
import { systemClock, TransientRetry, type BackoffPolicy, type ConnectorClock } from "~/channels/backoff.server";
import {
  classifyGraphError,
  fromMetaAvailability,
  isUnknownItemMessage,
  parseBusinessUseCaseUsage,
  toMetaAvailability,
  type GraphErrorBody,
  type GraphErrorClass,
} from "./graph-api";

export interface MetaConnectorConfig {
  /** `env().META_GRAPH_BASE_URL`: https://graph.facebook.com in production. */
  graphBaseUrl: string;
  /** `env().META_GRAPH_API_VERSION`, e.g. "v26.0". */
  apiVersion: string;
  catalogId: string;
  /** System-user token, decrypted just before use; sent only in the Authorization header. */
  accessToken: string;
  logger?: Logger;
  clock?: ConnectorClock;
  random?: () => number;
  /** Meta accepts 5,000 and advises 3,000. */
  maxItemsPerCall?: number;
  /** The catalog's batch budget per rolling hour (commerce guidance: about 100). */
  batchCallsPerHour?: number;
  /** Usage (percent) from which calls are spaced to the hourly budget. */
  slowDownAtPercent?: number;
  requestTimeoutMs?: number;
  poll?: { initialIntervalMs?: number; maxIntervalMs?: number; timeoutMs?: number };
  transientRetry?: Partial<BackoffPolicy>;
  /** When Meta fails one item in a finished batch without saying it is unknown. */
  itemFailureRetryAfterMs?: number;
  /** Used when a rate-limit answer carries no estimated_time_to_regain_access. */
  rateLimitedRetryAfterMs?: number;
}

export class MetaApiError extends Error {
  override name = "MetaApiError";
  constructor(
    message: string,
    readonly errorClass: GraphErrorClass,
    readonly httpStatus: number,
    readonly graphError?: GraphErrorBody,
  ) {
    super(message);
  }
}

interface BatchStatus {
  handle: string;
  status: "scheduled" | "dispatched" | "started" | "finished" | "canceled" | "error" | string;
  errors?: Array<{ line?: number; id?: string; message?: string }>;
  errors_total_count?: number;
  ids_of_invalid_requests?: string[];
}

interface SentChunk {
  handle: string;
  items: PushItem[];
}

const PRODUCT_FIELDS = "retailer_id,availability,quantity_to_sell_on_facebook";
const HOUR_MS = 3_600_000;

export class MetaCatalogConnector implements ChannelConnector {
  readonly capabilities: ChannelCapabilities;
  readonly #config: Required<Omit<MetaConnectorConfig, "poll" | "transientRetry" | "logger" | "clock" | "random">>;
  readonly #poll: { initialIntervalMs: number; maxIntervalMs: number; timeoutMs: number };
  readonly #retrying: TransientRetry;
  readonly #log: Logger;
  readonly #clock: ConnectorClock;
  #usage: { percent: number; regainAccessAfterMs: number; at: number } | null = null;
  #blockedUntil = 0;
  #lastBatchCallAt = -Infinity;
  #revoked = false;

  constructor(config: MetaConnectorConfig) {
    this.#config = {
      graphBaseUrl: config.graphBaseUrl.replace(/\/+$/, ""),
      apiVersion: config.apiVersion,
      catalogId: config.catalogId,
      accessToken: config.accessToken,
      maxItemsPerCall: Math.min(5000, config.maxItemsPerCall ?? 3000),
      batchCallsPerHour: config.batchCallsPerHour ?? 100,
      slowDownAtPercent: config.slowDownAtPercent ?? 75,
      requestTimeoutMs: config.requestTimeoutMs ?? 30_000,
      itemFailureRetryAfterMs: config.itemFailureRetryAfterMs ?? 5 * 60_000,
      rateLimitedRetryAfterMs: config.rateLimitedRetryAfterMs ?? 5 * 60_000,
    };
    this.#poll = { initialIntervalMs: 2_000, maxIntervalMs: 30_000, timeoutMs: 10 * 60_000, ...config.poll };
    this.#log = (config.logger ?? defaultLogger).child({ channel: "meta", catalogId: config.catalogId });
    this.#clock = config.clock ?? systemClock;
    this.#retrying = new TransientRetry({
      policy: config.transientRetry,
      clock: this.#clock,
      random: config.random,
      isTransient: (error) => error instanceof MetaApiError && error.errorClass === "transient",
    });
    this.capabilities = {
      channel: "meta",
      shows: "quantity",
      maxBatchSize: this.#config.maxItemsPerCall,
      budget: {
        writeCallsPerHour: this.#config.batchCallsPerHour,
        summary: `Meta accepts about ${this.#config.batchCallsPerHour} catalog batch calls an hour of up to ${this.#config.maxItemsPerCall} items each; changes are grouped and may take minutes to show.`,
      },
    };
  }

  /** The last business-use-case reading, for the dashboard. */
  get usage(): { percent: number; blockedUntil: number | null } {
    return {
      percent: this.#usage?.percent ?? 0,
      blockedUntil: this.#blockedUntil > this.#clock.now() ? this.#blockedUntil : null,
    };
  }

  async push(batch: readonly PushItem[], options: { signal?: AbortSignal } = {}): Promise<PushResult[]> {
    const results = new Map<string, PushResult>();
    const toSend: PushItem[] = [];
    for (const item of batch) {
      if (!Number.isInteger(item.quantity) || item.quantity < 0) {
        results.set(item.itemKey, {
          itemKey: item.itemKey,
          status: "permanent",
          code: "invalid_quantity",
          reason: `quantity ${item.quantity} is not a whole number ≥ 0`,
        });
      } else {
        toSend.push(item);
      }
    }
    // One value per item per call: the last one asked for wins, as it would on Meta's side.
    const latest = new Map(toSend.map((item) => [item.itemKey, item]));
    const items = [...latest.values()];

    const sent: SentChunk[] = [];
    for (let start = 0; start < items.length; start += this.#config.maxItemsPerCall) {
      const chunk = items.slice(start, start + this.#config.maxItemsPerCall);
      const stop = this.#gate();
      if (stop) {
        for (const item of items.slice(start)) results.set(item.itemKey, { itemKey: item.itemKey, ...stop });
        break;
      }
      try {
        const { handle, rejected } = await this.#sendChunk(chunk, options.signal);
        for (const [itemKey, reason] of rejected) {
          results.set(itemKey, { itemKey, status: "permanent", code: "rejected_by_meta", reason });
        }
        sent.push({ handle, items: chunk.filter((item) => !rejected.has(item.itemKey)) });
      } catch (error) {
        const outcome = this.#outcomeForCallError(error);
        const affected = outcome.scope === "chunk" ? chunk : items.slice(start);
        for (const item of affected) results.set(item.itemKey, { itemKey: item.itemKey, ...outcome.result });
        if (outcome.scope === "rest") break;
      }
    }

    if (sent.length > 0) {
      for (const [itemKey, result] of await this.#awaitBatches(sent, options.signal)) results.set(itemKey, result);
    }
    return batch.map((item) => results.get(item.itemKey)!);
  }

  async readBack(itemKeys: readonly string[], options: { signal?: AbortSignal } = {}): Promise<ReadBackResult[]> {
    const found = new Map<string, { quantity: number | null; availability: ReadBackResult["availability"] }>();
    const unique = [...new Set(itemKeys)];
    for (let start = 0; start < unique.length; start += 100) {
      const ids = unique.slice(start, start + 100);
      for await (const row of this.#products(
        { filter: JSON.stringify({ retailer_id: { is_any: ids } }) },
        options.signal,
      )) {
        const retailerId = String(row.retailer_id ?? "");
        const quantity = Number(row.quantity_to_sell_on_facebook);
        const availability = fromMetaAvailability(row.availability);
        const counted = row.quantity_to_sell_on_facebook === undefined || !Number.isFinite(quantity) ? null : quantity;
        // Marked out of stock (by another writer, or in Commerce Manager), the item is out of
        // the ads and shows as sold out, whatever its quantity: for Ballast it shows 0.
        found.set(retailerId, { quantity: availability === "out_of_stock" ? 0 : counted, availability });
      }
    }
    return itemKeys.map((itemKey) => {
      const row = found.get(itemKey);
      return row ? { itemKey, found: true, ...row } : { itemKey, found: false, quantity: null, availability: null };
    });
  }

  /** Every retailer id in the catalog, to match against item id templates (see item-ids.ts). */
  async listRetailerIds(options: { signal?: AbortSignal } = {}): Promise<string[]> {
    const ids: string[] = [];
    for await (const row of this.#products({ fields: "retailer_id" }, options.signal)) {
      if (typeof row.retailer_id === "string") ids.push(row.retailer_id);
    }
    return ids;
  }

  async checkHealth(options: { signal?: AbortSignal } = {}): Promise<HealthResult> {
    try {
      const { json } = await this.#call("GET", `/${this.#config.catalogId}`, {
        query: { fields: "id,name" },
        signal: options.signal,
      });
      this.#revoked = false;
      const name =
        typeof (json as { name?: unknown }).name === "string"
          ? (json as { name: string }).name
          : this.#config.catalogId;
      if (this.#blockedUntil > this.#clock.now()) {
        return {
          ok: false,
          code: "rate_limited",
          detail: `Catalog "${name}" is reachable, but Meta's batch limit is used up until ${new Date(this.#blockedUntil).toISOString()}.`,
        };
      }
      return {
        ok: true,
        detail: `Catalog "${name}" is reachable; batch usage ${this.#usage?.percent ?? 0}% of the hourly limit.`,
      };
    } catch (error) {
      if (!(error instanceof MetaApiError)) throw error;
      switch (error.errorClass) {
        case "credentials_revoked":
          return {
            ok: false,
            code: "credentials_revoked",
            detail:
              "Meta refused the access token (revoked or expired). Reconnect the catalog with a new system-user token.",
          };
        case "permission_denied":
          return {
            ok: false,
            code: "misconfigured",
            detail: "The token has no catalog_management permission on this catalog.",
          };
        case "not_found":
          return {
            ok: false,
            code: "misconfigured",
            detail: `Catalog ${this.#config.catalogId} does not exist or is not shared with this token.`,
          };
        case "rate_limited":
          return {
            ok: false,
            code: "rate_limited",
            detail: "Meta is rate limiting this app; try again in a few minutes.",
          };
        case "transient":
          return { ok: false, code: "unreachable", detail: `Meta did not answer: ${error.message}` };
        case "invalid_request":
          return { ok: false, code: "misconfigured", detail: error.message };
      }
    }
  }

  /** null when a batch call may go now; otherwise the retryable answer for everything unsent. */
  #gate():
    | { status: "retryable"; retryAfterMs: number; reason: string }
    | { status: "permanent"; code: string; reason: string }
    | null {
    if (this.#revoked) {
      return {
        status: "permanent",
        code: "credentials_revoked",
        reason: "Meta revoked the access token; reconnect the catalog.",
      };
    }
    const now = this.#clock.now();
    if (this.#blockedUntil > now) {
      return {
        status: "retryable",
        retryAfterMs: this.#blockedUntil - now,
        reason: "meta_rate_limited: catalog batch limit reached",
      };
    }
    const percent = this.#usage?.percent ?? 0;
    if (percent >= this.#config.slowDownAtPercent) {
      // Spacing calls at the hourly budget lets old calls leave the rolling window as fast as new ones enter.
      const spacing = HOUR_MS / this.#config.batchCallsPerHour;
      const wait = this.#lastBatchCallAt + spacing - now;
      if (wait > 0) {
        return {
          status: "retryable",
          retryAfterMs: Math.ceil(wait),
          reason: `meta_slowing_down: catalog batch usage at ${percent}%`,
        };
      }
    }
    return null;
  }

  async #sendChunk(
    chunk: PushItem[],
    signal?: AbortSignal,
  ): Promise<{ handle: string; rejected: Map<string, string> }> {
    const body = {
      item_type: "PRODUCT_ITEM",
      allow_upsert: false,
      requests: chunk.map((item) => ({
        method: "UPDATE",
        data: {
          id: item.itemKey,
          quantity_to_sell_on_facebook: item.quantity,
          // From the quantity, so the two never contradict (see the header).
          availability: toMetaAvailability(item.quantity > 0 ? "in_stock" : "out_of_stock"),
        },
      })),
    };
    const { json } = await this.#call("POST", `/${this.#config.catalogId}/items_batch`, {
      body,
      signal,
      countsAsBatchCall: true,
    });
    const answer = json as {
      handles?: string[];
      validation_status?: Array<{ retailer_id?: string; errors?: Array<{ message?: string }> }>;
    };
    const handle = answer.handles?.[0];
    if (!handle) throw new MetaApiError("items_batch answered without a handle", "transient", 200);
    const rejected = new Map<string, string>();
    for (const entry of answer.validation_status ?? []) {
      if (entry.retailer_id && entry.errors && entry.errors.length > 0) {
        rejected.set(entry.retailer_id, entry.errors.map((error) => error.message ?? "invalid").join("; "));
      }
    }
    this.#log.info(
      { handle, items: chunk.length, rejected: rejected.size, usagePercent: this.#usage?.percent },
      "meta batch sent",
    );
    return { handle, rejected };
  }

  #outcomeForCallError(error: unknown): {
    scope: "chunk" | "rest";
    result:
      | { status: "retryable"; retryAfterMs: number; reason: string }
      | { status: "permanent"; code: string; reason: string };
  } {
    if (!(error instanceof MetaApiError)) throw error;
    this.#log.warn(
      {
        errorClass: error.errorClass,
        code: error.graphError?.code,
        fbtraceId: error.graphError?.fbtrace_id,
        httpStatus: error.httpStatus,
      },
      "meta batch call failed",
    );
    switch (error.errorClass) {
      case "credentials_revoked":
        this.#revoked = true;
        return {
          scope: "rest",
          result: {
            status: "permanent",
            code: "credentials_revoked",
            reason: "Meta revoked the access token; reconnect the catalog.",
          },
        };
      case "permission_denied":
        return { scope: "rest", result: { status: "permanent", code: "permission_denied", reason: error.message } };
      case "not_found":
        return { scope: "rest", result: { status: "permanent", code: "catalog_not_found", reason: error.message } };
      case "rate_limited": {
        const now = this.#clock.now();
        const wait =
          this.#usage && this.#usage.regainAccessAfterMs > 0
            ? this.#usage.regainAccessAfterMs
            : this.#config.rateLimitedRetryAfterMs;
        this.#blockedUntil = Math.max(this.#blockedUntil, now + wait);
        return {
          scope: "rest",
          result: {
            status: "retryable",
            retryAfterMs: this.#blockedUntil - now,
            reason: `meta_rate_limited: ${error.message}`,
          },
        };
      }
      case "transient":
        return {
          scope: "chunk",
          result: {
            status: "retryable",
            retryAfterMs: this.#retrying.policy.maxDelayMs,
            reason: `meta_unavailable: ${error.message}`,
          },
        };
      case "invalid_request":
        return { scope: "chunk", result: { status: "permanent", code: "invalid_request", reason: error.message } };
    }
  }

  async #awaitBatches(sent: SentChunk[], signal?: AbortSignal): Promise<Map<string, PushResult>> {
    const results = new Map<string, PushResult>();
    const pending = new Map(sent.map((chunk) => [chunk.handle, chunk]));
    const deadline = this.#clock.now() + this.#poll.timeoutMs;
    let interval = this.#poll.initialIntervalMs;

    while (pending.size > 0) {
      await this.#clock.sleep(interval, signal);
      for (const chunk of [...pending.values()]) {
        let status: BatchStatus | undefined;
        try {
          status = await this.#batchStatus(chunk.handle, signal);
        } catch (error) {
          if (!(error instanceof MetaApiError)) throw error;
          if (error.errorClass === "rate_limited") break; // 80009: wait for the next round
          if (error.errorClass !== "transient") {
            const reason = `meta status check failed: ${error.message}`;
            for (const item of chunk.items) {
              results.set(
                item.itemKey,
                error.errorClass === "credentials_revoked"
                  ? { itemKey: item.itemKey, status: "permanent", code: "credentials_revoked", reason }
                  : {
                      itemKey: item.itemKey,
                      status: "retryable",
                      retryAfterMs: this.#config.itemFailureRetryAfterMs,
                      reason,
                    },
              );
            }
            pending.delete(chunk.handle);
          }
          continue;
        }
        if (status.status === "finished") {
          for (const [itemKey, result] of await this.#itemResults(chunk, status, signal)) results.set(itemKey, result);
          pending.delete(chunk.handle);
        } else if (status.status === "error" || status.status === "canceled") {
          this.#log.warn({ handle: chunk.handle, status: status.status }, "meta batch did not finish");
          for (const item of chunk.items) {
            results.set(item.itemKey, {
              itemKey: item.itemKey,
              status: "retryable",
              retryAfterMs: this.#poll.initialIntervalMs,
              reason: `meta batch ${status.status}`,
            });
          }
          pending.delete(chunk.handle);
        }
      }
      if (pending.size > 0 && this.#clock.now() >= deadline) {
        // The write may still land: the retry is safe because values are absolute.
        for (const chunk of pending.values()) {
          this.#log.warn({ handle: chunk.handle }, "meta batch still running at poll timeout");
          for (const item of chunk.items) {
            results.set(item.itemKey, {
              itemKey: item.itemKey,
              status: "retryable",
              retryAfterMs: this.#poll.maxIntervalMs,
              reason: "meta batch still processing; outcome unknown",
            });
          }
        }
        pending.clear();
      }
      interval = Math.min(this.#poll.maxIntervalMs, Math.round(interval * 1.5));
    }
    return results;
  }

  async #batchStatus(handle: string, signal?: AbortSignal): Promise<BatchStatus> {
    const { json } = await this.#call("GET", `/${this.#config.catalogId}/check_batch_request_status`, {
      query: { handle, load_ids_of_invalid_requests: "true" },
      signal,
    });
    const status = (json as { data?: BatchStatus[] }).data?.[0];
    if (!status) throw new MetaApiError("check_batch_request_status answered without data", "transient", 200);
    return status;
  }

  async #itemResults(chunk: SentChunk, status: BatchStatus, signal?: AbortSignal): Promise<Map<string, PushResult>> {
    const results = new Map<string, PushResult>();
    const sample = new Map(
      (status.errors ?? []).filter((error) => error.id).map((error) => [error.id!, error.message ?? ""]),
    );
    const invalid = new Set([...(status.ids_of_invalid_requests ?? []), ...sample.keys()]);
    // `errors` is only a sample: an invalid id without a message may be unknown or just failed. Ask the catalog.
    const unexplained = [...invalid].filter((id) => !sample.has(id));
    const exists = new Set<string>();
    if (unexplained.length > 0) {
      for (const row of await this.readBack(unexplained, signal ? { signal } : {}))
        if (row.found) exists.add(row.itemKey);
    }
    for (const item of chunk.items) {
      if (!invalid.has(item.itemKey)) {
        results.set(item.itemKey, { itemKey: item.itemKey, status: "applied", quantity: item.quantity });
        continue;
      }
      const message = sample.get(item.itemKey);
      const unknown = message !== undefined ? isUnknownItemMessage(message) : !exists.has(item.itemKey);
      results.set(
        item.itemKey,
        unknown
          ? {
              itemKey: item.itemKey,
              status: "permanent",
              code: "unmatched",
              reason: `No catalog item has retailer id ${item.itemKey}; check the item id template.`,
            }
          : {
              itemKey: item.itemKey,
              status: "retryable",
              retryAfterMs: this.#config.itemFailureRetryAfterMs,
              reason: `meta_item_failed: ${message || "no detail given"}`,
            },
      );
    }
    this.#log.info(
      {
        handle: chunk.handle,
        items: chunk.items.length,
        invalid: invalid.size,
        errorsTotal: status.errors_total_count,
      },
      "meta batch finished",
    );
    return results;
  }

  async *#products(query: Record<string, string>, signal?: AbortSignal): AsyncGenerator<Record<string, unknown>> {
    let after: string | undefined;
    do {
      const { json } = await this.#call("GET", `/${this.#config.catalogId}/products`, {
        query: { fields: PRODUCT_FIELDS, limit: "500", ...query, ...(after ? { after } : {}) },
        signal,
      });
      const page = json as {
        data?: Array<Record<string, unknown>>;
        paging?: { next?: string; cursors?: { after?: string } };
      };
      for (const row of page.data ?? []) yield row;
      // Follow the cursor, not `paging.next`: Meta puts the access token into that URL.
      after = page.paging?.next ? page.paging.cursors?.after : undefined;
    } while (after);
  }

  async #call(
    method: "GET" | "POST",
    path: string,
    options: {
      query?: Record<string, string>;
      body?: unknown;
      signal?: AbortSignal | undefined;
      countsAsBatchCall?: boolean;
    },
  ): Promise<{ json: unknown }> {
    const url = new URL(`${this.#config.graphBaseUrl}/${this.#config.apiVersion}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    return this.#retrying.run(async () => {
      const response = await sendChannelRequest(
        url,
        {
          method,
          bearer: this.#config.accessToken,
          body: options.body,
          signal: options.signal,
          timeoutMs: this.#config.requestTimeoutMs,
        },
        (name) => new MetaApiError(`no answer from Meta (${name})`, "transient", 0),
      );
      if (options.countsAsBatchCall) {
        this.#lastBatchCallAt = this.#clock.now();
        const usage = parseBusinessUseCaseUsage(response.headers.get("x-business-use-case-usage"));
        if (usage) this.#usage = { ...usage, at: this.#clock.now() };
      }
      const text = await response.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        // Edge proxies answer HTML on 5xx.
      }
      if (response.ok) return { json };
      const graphError = (json as { error?: GraphErrorBody } | null)?.error;
      const errorClass = classifyGraphError(graphError, response.status);
      throw new MetaApiError(graphError?.message ?? `HTTP ${response.status}`, errorClass, response.status, graphError);
    }, options.signal);
  }
}

export function createMetaConnector(config: MetaConnectorConfig): MetaCatalogConnector {
  return new MetaCatalogConnector(config);
}

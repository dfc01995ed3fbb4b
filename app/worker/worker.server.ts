import { randomUUID } from "node:crypto";
import { adminClientFor, connectorFor, isConnector, type ConnectorDependencies } from "~/channels/factory.server";
import type { Database, DatabaseProvider } from "~/db.server";
import { CHANNELS, channelModeOf, DEFAULT_CHANNEL_TIMING, type ChannelId } from "~/domain";
import { processPendingEvents } from "~/ingest/process-events.server";
import { logger } from "~/logger.server";
import { recordActivity } from "~/records/activity.server";
import { raiseAlert, resolveAlert } from "~/records/alerts.server";
import { setHoldsReleased } from "~/records/shop-settings.server";
import { monitorShop } from "~/monitor/monitor.server";
import { confirmPushed } from "~/sync/read-back.server";
import { withLease, type LeaseRequest } from "~/records/lease.server";
import { forgetPushed } from "~/sync/observe.server";
import { pushChannel, type PushSummary } from "~/sync/push.server";
import { releaseOwnHolds, type ReleaseSummary } from "~/sync/release-holds.server";
import { reconcileShop } from "~/sync/reconcile.server";
import { pruneExpired } from "~/sync/retention.server";
import { recomputeShop, type RecomputeContext } from "~/sync/recompute.server";

/**
 * The loop that protects stock. Each pass, for every installed shop: apply recorded
 * webhooks to the master record, recompute what changed, run queued operations, push
 * each channel's differences and read them back. Every step is level-triggered and
 * resumable, so a pass interrupted at any point (crash, kill -9, deploy) is simply
 * redone by the next one, in this process or another.
 */
export interface WorkerOptions {
  database: Database;
  provider: DatabaseProvider;
  connectors: ConnectorDependencies;
  clock?: () => Date;
  random?: () => number;
  /** Pause between passes. */
  idleMs?: number;
  /** How often each channel may be written (coalesces many orders into one push). */
  pushIntervalMs?: Partial<Record<ChannelId, number>>;
  /** Incremental read of Shopify (heals lost webhooks), and the daily full bulk read. */
  reconcileEveryMs?: number;
  fullReadEveryMs?: number;
  /** Recompute everything this often: sales speed decays with time, not only with events. */
  fullRecomputeEveryMs?: number;
  leaseTtlMs?: number;
  readBackSample?: number;
  /**
   * Read each channel back at most this often (default: its push interval). Reading every
   * pass re-asks a slow channel (Google: an hour to process) about the same rows hundreds
   * of times; the lag measured this way is at most one interval longer, never shorter.
   * Default: the channel's push interval.
   */
  readBackEveryMs?: Partial<Record<ChannelId, number>>;
  /** Run the monitor at most this often per shop in `runOnce` (default: every pass). */
  monitorEveryMs?: number;
  /** Wall time spent per phase (ingest, recompute:all, recompute:dirty, maintenance, push:<channel>, readback:<channel>, monitor); filled when given. */
  phaseTimings?: Map<string, { ms: number; count: number }>;
  /** Told when a timed phase starts and ends (the phase, then the enclosing one or null): lets a profiler attribute work. */
  onPhase?: (phase: string | null) => void;
}

export interface PassReport {
  shops: number;
  eventsProcessed: number;
  rowsWritten: number;
  pushes: Partial<Record<ChannelId, PushSummary>>;
}

const META_WRITE_CALLS_PER_HOUR = 100;
/**
 * Items read back per pass. Google reads one product per request against a per-minute
 * quota shared with inserts: a large sample was refused whole and confirmed nothing.
 */
const READ_BACK_SAMPLE: Record<ChannelId, number> = { online_store: 250, meta: 250, google: 25 };
/**
 * Google takes 30 minutes to 2 hours to process an update and counts every request against
 * one daily quota: reading each pending offer every 5 minutes spent it by evening (over
 * 10,000 requests in the rehearsal). Every 15 minutes measures its lag closely enough.
 */
const READ_BACK_EVERY_MS: Partial<Record<ChannelId, number>> = { google: 15 * 60_000 };
/** An observed Online Store whose holds could not all be released tries again after this long. */
const OBSERVED_RELEASE_RETRY_MS = 60_000;
/** Sell-outs go out at once, but no more often than this (Meta's budget is per hour). */
const URGENT_PUSH_GAP_MS = 15_000;

export class SyncWorker {
  readonly owner = `worker-${randomUUID()}`;
  private readonly clock: () => Date;
  private readonly random: () => number;
  private readonly lastFullRecompute = new Map<string, number>();
  /** Per shop, what the last recompute decided with (see recompute). */
  private readonly contexts = new Map<string, RecomputeContext | undefined>();
  private readonly lastReadBack = new Map<string, number>();
  /** `${shop}|${channel}` seen in observe mode since it was last active (see observe). */
  private readonly observed = new Set<string>();
  /** Per shop, when an observed Online Store's release that left units held may be tried again. */
  private readonly releaseRetryAt = new Map<string, number>();
  private readonly lastMonitor = new Map<string, number>();
  /** The phase `timed` is in, for `onPhase`. */
  private activePhase: string | null = null;
  private readonly lastPrune = new Map<string, number>();
  /** Per shop, when reconciliation is next due as last read from the shop row (see maintenanceDue). */
  private readonly reconcileDueAt = new Map<string, number>();
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly options: WorkerOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.random = options.random ?? Math.random;
  }

  /**
   * Runs the lanes as independent loops, so a slow channel never delays another one nor
   * the decisions: ingest + recompute (what channels should show, within a second of a
   * webhook), one push + read-back loop per channel, and maintenance (operations,
   * reconciliation with Shopify, monitoring) at its own pace.
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    const idleMs = this.options.idleMs ?? 1_000;
    this.loops = [
      this.repeat("ingest", idleMs, (shop) => this.ingestLane(shop)),
      ...CHANNELS.map((channel) => this.repeat(channel, idleMs, (shop) => this.pushLane(shop, channel).then(() => undefined))),
      this.repeat("maintenance", Math.max(idleMs, 2_000), (shop) => this.maintenanceLane(shop)),
    ];
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const wake of this.sleepers) wake();
    await Promise.all(this.loops);
  }

  private async repeat(name: string, pauseMs: number, work: (shop: string) => Promise<unknown>): Promise<void> {
    while (this.running) {
      try {
        for (const shop of await this.installedShops()) {
          if (!this.running) break;
          await work(shop);
        }
      } catch (error) {
        logger.error({ lane: name, err: error instanceof Error ? error.message : String(error) }, "sync lane failed; retrying");
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pauseMs);
        // The pause alone must not keep a stopping process alive.
        timer.unref();
        const sleepers = this.sleepers;
        function done() {
          clearTimeout(timer);
          sleepers.delete(done);
          resolve();
        }
        sleepers.add(done);
      });
    }
  }

  private async installedShops(): Promise<string[]> {
    const sessions = await this.options.database.session.findMany({ where: { isOnline: false }, select: { shop: true } });
    return sessions.map((session) => session.shop);
  }

  /**
   * One pass of every lane over every installed shop, in order. Tests and the rehearsal call
   * it directly. `part` splits the pass in two: "ingest" (recorded webhooks → master record
   * → desired quantities) and "rest" (operations, reconciliation, pushes, read-backs,
   * monitor), so a caller can let new webhooks arrive while the rest runs.
   */
  async runOnce(part: "all" | "ingest" | "rest" = "all"): Promise<PassReport> {
    const report: PassReport = { shops: 0, eventsProcessed: 0, rowsWritten: 0, pushes: {} };
    for (const shop of await this.installedShops()) {
      report.shops += 1;
      if (part !== "rest") {
        const ingested = await this.ingestLane(shop);
        if (ingested) {
          report.eventsProcessed += ingested.eventsProcessed;
          report.rowsWritten += ingested.rowsWritten;
        }
      }
      if (part === "ingest") continue;
      await this.timed("maintenance", () => this.maintenanceLane(shop, { monitor: false }));
      for (const channel of CHANNELS) {
        const summary = await this.pushLane(shop, channel);
        if (summary) report.pushes[channel] = summary;
      }
      const nowMs = this.clock().getTime();
      const lastMonitor = this.lastMonitor.get(shop);
      if (lastMonitor === undefined || nowMs - lastMonitor >= (this.options.monitorEveryMs ?? 0)) {
        this.lastMonitor.set(shop, nowMs);
        await this.timed("monitor", () => this.monitorLane(shop));
      }
    }
    return report;
  }

  private async timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const { phaseTimings: timings, onPhase } = this.options;
    if (!timings && !onPhase) return work();
    const enclosing = this.activePhase;
    this.activePhase = phase;
    onPhase?.(phase);
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.activePhase = enclosing;
      onPhase?.(enclosing);
      if (timings) {
        const entry = timings.get(phase) ?? { ms: 0, count: 0 };
        entry.ms += performance.now() - started;
        entry.count += 1;
        timings.set(phase, entry);
      }
    }
  }

  /** Each loop of this worker is its own holder: two loops never share one lease. */
  private lease(shop: string, lane: string, holder = lane): LeaseRequest {
    return { shop, lane, owner: `${this.owner}/${holder}`, now: this.clock(), ttlMs: this.options.leaseTtlMs ?? 60_000 };
  }

  /** Holds the lease while `work` runs (renewed on this worker's clock); null when another worker holds it. */
  private withLease<T>(request: LeaseRequest, work: (signal: AbortSignal) => Promise<T>): Promise<T | null> {
    return withLease(this.options.database, this.options.provider, request, work, { clock: this.clock });
  }

  /** Recorded webhooks → master record → desired quantities. Holds the shop's stored lease. */
  private ingestLane(shop: string) {
    const { database, provider } = this.options;
    return this.withLease(this.lease(shop, "stored", "ingest"), async () => {
      const events = await this.timed("ingest", () => processPendingEvents(database, shop, { now: this.clock(), provider }));
      await this.expireOverrides(shop);
      const rowsWritten = await this.recompute(shop);
      return { eventsProcessed: events.processed, rowsWritten };
    });
  }

  /** Operations and reconciliation write the master record too: same lease as ingest. */
  private async maintenanceLane(shop: string, options: { monitor: boolean } = { monitor: true }): Promise<void> {
    if (await this.maintenanceDue(shop)) {
      await this.withLease(this.lease(shop, "stored", "maintenance"), async () => {
        await this.runOperations(shop);
        await this.reconcileIfDue(shop);
        await this.pruneIfDue(shop);
      });
    }
    if (options.monitor) await this.monitorLane(shop);
  }

  /**
   * Whether maintenance has anything to do, known without the lease: most passes have
   * nothing, and claiming and releasing the lease to find that out cost two statements.
   * Reconciliation is due by the time last read from the shop row (another worker
   * reconciling meanwhile only makes it later: it is then read again and found not due).
   */
  private async maintenanceDue(shop: string): Promise<boolean> {
    const nowMs = this.clock().getTime();
    if (nowMs - (this.lastPrune.get(shop) ?? 0) >= 3_600_000) return true;
    if (nowMs >= (this.reconcileDueAt.get(shop) ?? 0)) return true;
    const queued = await this.options.database.operation.findFirst({ where: { shop, state: { in: ["queued", "running"] } }, select: { id: true } });
    return queued !== null;
  }

  /** Retention (app/sync/retention.server.ts), hourly per shop. */
  private async pruneIfDue(shop: string): Promise<void> {
    const nowMs = this.clock().getTime();
    if (nowMs - (this.lastPrune.get(shop) ?? 0) < 3_600_000) return;
    this.lastPrune.set(shop, nowMs);
    await pruneExpired(this.options.database, shop, this.clock());
  }

  private pushLane(shop: string, channel: ChannelId) {
    return this.withLease(this.lease(shop, channel), (signal) => this.pushAndConfirm(shop, channel, signal));
  }

  /** Lag, drift, alerts, auto-protect and alert delivery (app/monitor). */
  private async monitorLane(shop: string): Promise<void> {
    const { database } = this.options;
    await this.withLease(this.lease(shop, "monitor"), () =>
      monitorShop(database, shop, this.clock(), { connectors: this.options.connectors, reconcileEveryMs: this.options.reconcileEveryMs }),
    ).catch((error: unknown) => logger.error({ shop, err: error instanceof Error ? error.message : String(error) }, "monitor pass failed"));
  }

  private async recompute(shop: string): Promise<number> {
    const { database } = this.options;
    const now = this.clock();
    const shopRow = await database.shop.findUnique({ where: { shop }, select: { recomputeRequestedAt: true, updatedAt: true } });
    const everyMs = this.options.fullRecomputeEveryMs ?? 5 * 60_000;
    const fullDue = now.getTime() - (this.lastFullRecompute.get(shop) ?? 0) >= everyMs;
    const options = { now, provider: this.options.provider, pushIntervalMs: this.options.pushIntervalMs };
    if (shopRow?.recomputeRequestedAt || fullDue) {
      const result = await this.timed("recompute:all", () => recomputeShop(database, shop, { ...options, scope: "all" }));
      this.lastFullRecompute.set(shop, now.getTime());
      this.contexts.set(shop, result.context);
      if (result.rowsRetired > 0) logger.info({ shop, rows: result.rowsRetired }, "catalogue rows under old item ids retired");
      // Cleared only if no newer request arrived meanwhile.
      if (shopRow?.recomputeRequestedAt) {
        await database.shop.updateMany({
          where: { shop, recomputeRequestedAt: { lte: shopRow.recomputeRequestedAt } },
          data: { recomputeRequestedAt: null },
        });
      }
      return result.rowsWritten;
    }
    // The few items changed since the last pass are decided with the context of the last full
    // recompute (at most its interval old): loading rules and timing again each pass cost
    // more than deciding the items. Any change of rules, settings or connections updates the
    // shop row and so forces a fresh load, whichever worker or page made it.
    const cached = this.contexts.get(shop);
    const context = cached && cached.shopVersion === (shopRow?.updatedAt.getTime() ?? null) && now.getTime() - cached.loadedAtMs < everyMs ? cached : undefined;
    const result = await this.timed("recompute:dirty", () => recomputeShop(database, shop, { ...options, scope: "dirty", context }));
    if (result.context) this.contexts.set(shop, result.context);
    return result.rowsWritten;
  }

  private async expireOverrides(shop: string): Promise<void> {
    const { database } = this.options;
    const now = this.clock();
    const expired = await database.override.findMany({ where: { shop, expiresAt: { lte: now } } });
    for (const override of expired) {
      await database.$transaction([
        database.override.delete({ where: { id: override.id } }),
        database.masterRecord.updateMany({ where: { shop, variantGid: override.variantGid }, data: { dirty: true } }),
      ]);
      await recordActivity(database, {
        shop,
        kind: "override_expired",
        channel: override.channel as ChannelId,
        variantGid: override.variantGid,
        details: { quantity: override.quantity, expiresAt: override.expiresAt.toISOString() },
        at: now,
      });
    }
  }

  private async reconcileIfDue(shop: string): Promise<void> {
    const { database } = this.options;
    const now = this.clock();
    const shopRow = await database.shop.findUnique({ where: { shop }, select: { lastReconciledAt: true, lastFullReadAt: true } });
    const reconcileEvery = this.options.reconcileEveryMs ?? 10 * 60_000;
    const fullEvery = this.options.fullReadEveryMs ?? 24 * 3_600_000;
    const fullDue = !shopRow?.lastFullReadAt || now.getTime() - shopRow.lastFullReadAt.getTime() >= fullEvery;
    const incrementalDue = !shopRow?.lastReconciledAt || now.getTime() - shopRow.lastReconciledAt.getTime() >= reconcileEvery;
    if (!fullDue && !incrementalDue) {
      this.reconcileDueAt.set(shop, Math.min(shopRow!.lastReconciledAt!.getTime() + reconcileEvery, shopRow!.lastFullReadAt!.getTime() + fullEvery));
      return;
    }
    // Read the row again next pass: whether this succeeded or not, it says when the next is due.
    this.reconcileDueAt.delete(shop);
    await this.reconcile(shop, fullDue ? "full" : "incremental", null);
  }

  private async reconcile(shop: string, mode: "full" | "incremental", operationId: string | null): Promise<void> {
    const { database } = this.options;
    // Null without a session, or once Shopify refused the token for good (shopify_auth_failed
    // is open): the shop is skipped at once, nothing waits. A queued operation says why.
    const client = await adminClientFor(this.options.connectors, shop);
    if (!client) {
      if (operationId) throw new Error("Shopify cannot be reached for this shop: open Ballast in Shopify admin to reconnect");
      return;
    }
    try {
      const result = await reconcileShop(database, shop, client, {
        now: this.clock(),
        mode,
        provider: this.options.provider,
        onProgress: operationId
          ? async (done, total) => {
              await database.operation.update({ where: { id: operationId }, data: { done, total } });
            }
          : undefined,
      });
      await resolveAlert(database, { shop, kind: "shopify_unreachable", at: this.clock() });
      if (result.differences > 0) {
        await raiseAlert(database, {
          shop,
          kind: "reconciliation_difference",
          severity: "warning",
          details: { levels: result.differences, mode },
          at: this.clock(),
        });
      }
    } catch (error) {
      // Outage mode: the stored keeps protecting (order holds still lower what channels show).
      await raiseAlert(database, {
        shop,
        kind: "shopify_unreachable",
        severity: "critical",
        details: { error: error instanceof Error ? error.message.slice(0, 300) : String(error) },
        at: this.clock(),
      });
      if (operationId) throw error;
    }
  }

  private async runOperations(shop: string): Promise<void> {
    const { database } = this.options;
    const queued = await database.operation.findMany({ where: { shop, state: { in: ["queued", "running"] } }, orderBy: { createdAt: "asc" } });
    for (const operation of queued) {
      await database.operation.update({ where: { id: operation.id }, data: { state: "running", startedAt: this.clock() } });
      try {
        if (operation.kind === "resync" || operation.kind === "full_read") {
          await this.reconcile(shop, "full", operation.id);
          await database.shop.update({ where: { shop }, data: { recomputeRequestedAt: this.clock() } });
        } else if (operation.kind === "release_holds") {
          // Exactly Ballast's own units go back to available, never the merchant's safety stock.
          const released = await this.releaseOwnHoldsNow(shop);
          if (released === null) {
            // The Online Store's push lane holds the shop: the next pass runs it.
            await database.operation.update({ where: { id: operation.id }, data: { state: "queued" } });
            continue;
          }
          if (released.remaining > 0) {
            throw new Error(`${released.remaining} held units could not be released yet (Shopify unreachable or the levels kept changing): try again`);
          }
          // Activated: the Online Store shows every unit until holds are resumed. Observed (a
          // reinstall's stranded holds): nothing is held anyway.
          const onlineStore = await database.channelConnection.findUnique({ where: { shop_channel: { shop, channel: "online_store" } }, select: { activatedAt: true } });
          if (channelModeOf(onlineStore) !== "observing") await setHoldsReleased(database, shop, true);
          await database.shop.update({ where: { shop }, data: { recomputeRequestedAt: this.clock() } });
          await recordActivity(database, {
            shop,
            kind: "holds_released",
            channel: "online_store",
            details: { units: released.released, items: released.items },
            at: this.clock(),
          });
        }
        await database.operation.update({ where: { id: operation.id }, data: { state: "succeeded", finishedAt: this.clock() } });
      } catch (error) {
        await database.operation.update({
          where: { id: operation.id },
          data: { state: "failed", finishedAt: this.clock(), error: error instanceof Error ? error.message.slice(0, 500) : String(error) },
        });
      }
    }
  }

  /**
   * "Release holds": Ballast's own units back to available (app/sync/release-holds.server.ts),
   * under the Online Store's lease so no push plans a move meanwhile; null when a push holds it.
   */
  private releaseOwnHoldsNow(shop: string): Promise<ReleaseSummary | null> {
    return this.withLease(this.lease(shop, "online_store", "release_holds"), async (signal) => {
      const connector = await connectorFor(this.options.connectors, shop, "online_store");
      if (!isConnector(connector)) throw new Error(`the Online Store cannot be reached: ${connector.detail}`);
      return releaseOwnHolds(this.options.database, shop, connector, this.clock(), { provider: this.options.provider, signal });
    });
  }

  /**
   * A channel still showing stock for an item that sold out cannot wait for its next
   * scheduled push: the interval is part of every buffer, but a buffer cannot cover a
   * sell-out that arrives faster than expected.
   */
  private async hasSellOut(shop: string, channel: ChannelId): Promise<boolean> {
    const row = await this.options.database.channelItemState.findFirst({
      where: { shop, channel, desired: 0, pushed: { gt: 0 }, parkedAt: null },
      select: { itemKey: true },
    });
    return row !== null;
  }

  private async pushAndConfirm(shop: string, channel: ChannelId, signal: AbortSignal): Promise<PushSummary | null> {
    const { database } = this.options;
    const now = this.clock();
    const connection = await database.channelConnection.findUnique({ where: { shop_channel: { shop, channel } } });
    // Observe first, activate by choice: nothing is written to a channel the merchant has not
    // activated (pauses apply to activated channels only).
    if (channelModeOf(connection) === "observing") {
      await this.observe(shop, channel, connection, signal);
      return null;
    }
    this.observed.delete(`${shop}|${channel}`);
    if (connection?.state === "paused_freeze" || connection?.state === "disconnected" || connection?.state === "error") return null;
    const interval = this.options.pushIntervalMs?.[channel] ?? DEFAULT_CHANNEL_TIMING[channel].pushIntervalMs;
    const sinceLastPush = connection?.lastPushAt ? now.getTime() - connection.lastPushAt.getTime() : Infinity;
    if (sinceLastPush < interval && !(sinceLastPush >= URGENT_PUSH_GAP_MS && (await this.hasSellOut(shop, channel)))) return null;

    const connector = await connectorFor(this.options.connectors, shop, channel, connection);
    if (!isConnector(connector)) return null;
    const summary = await this.timed(`push:${channel}`, () => pushChannel(database, shop, channel, connector, now, {
      maxCalls: channel === "meta" ? 4 : 20,
      writeCallsPerHour: channel === "meta" ? META_WRITE_CALLS_PER_HOUR : undefined,
      retryBaseMs: 5_000,
      random: this.random,
      provider: this.options.provider,
      signal,
    }, connection));
    const readBackEvery = this.options.readBackEveryMs?.[channel] ?? Math.max(interval, READ_BACK_EVERY_MS[channel] ?? 0);
    const lastReadBack = this.lastReadBack.get(`${shop}|${channel}`);
    if (lastReadBack !== undefined && this.clock().getTime() - lastReadBack < readBackEvery) return summary;
    this.lastReadBack.set(`${shop}|${channel}`, this.clock().getTime());
    try {
      await this.timed(`readback:${channel}`, () => confirmPushed(database, shop, channel, connector, this.clock(), { maxItems: this.options.readBackSample ?? READ_BACK_SAMPLE[channel], provider: this.options.provider }));
    } catch (error) {
      logger.warn({ shop, channel, err: error instanceof Error ? error.message : String(error) }, "read-back failed");
    }
    return summary;
  }

  /**
   * Observe mode (app/sync/observe.server.ts): the recompute still decides and explains every
   * item; nothing is pushed or read back. On entering it the sync rows forget what was pushed
   * (a later activation pushes everything afresh), and on the Online Store Ballast's own
   * holds are released (only the units it moved itself, never the merchant's safety stock).
   * An uninstalled shop's (disconnected) holds wait for the merchant: offered on reinstall.
   */
  private async observe(shop: string, channel: ChannelId, connection: ConnectionRow | null, signal: AbortSignal): Promise<void> {
    const { database } = this.options;
    const key = `${shop}|${channel}`;
    if (!this.observed.has(key)) {
      const forgotten = await forgetPushed(database, shop, channel);
      if (forgotten > 0) logger.info({ shop, channel, rows: forgotten }, "channel observed: pushed state forgotten");
      this.observed.add(key);
      this.lastReadBack.delete(key);
    }
    if (channel !== "online_store" || connection?.state === "disconnected") return;
    if (this.clock().getTime() < (this.releaseRetryAt.get(shop) ?? 0)) return;
    const held = await database.heldStock.findFirst({ where: { shop, units: { gt: 0 } }, select: { units: true } });
    if (!held || signal.aborted) return;
    const connector = await connectorFor(this.options.connectors, shop, channel, connection);
    if (!isConnector(connector)) return;
    // Inside the push lane: the (shop, online_store) lease releaseOwnHolds needs is held. What
    // could not be released (Shopify unreachable, a level that kept changing) is tried next pass.
    const released = await this.timed("release:online_store", () =>
      releaseOwnHolds(database, shop, connector, this.clock(), { provider: this.options.provider, signal }),
    ).catch((error: unknown) => {
      logger.warn({ shop, err: error instanceof Error ? error.message : String(error) }, "releasing holds of an observed Online Store failed; retrying");
      return null;
    });
    // Units left held (Shopify unreachable, levels that kept changing): not every pass.
    if (!released || released.remaining > 0) this.releaseRetryAt.set(shop, this.clock().getTime() + OBSERVED_RELEASE_RETRY_MS);
    else this.releaseRetryAt.delete(shop);
    if (released && released.released > 0) {
      await database.shop.update({ where: { shop }, data: { recomputeRequestedAt: this.clock() } });
      await recordActivity(database, {
        shop,
        kind: "holds_released",
        channel: "online_store",
        details: { units: released.released, items: released.items, reason: "observe_mode" },
        at: this.clock(),
      });
    }
  }
}

type ConnectionRow = NonNullable<Awaited<ReturnType<Database["channelConnection"]["findUnique"]>>>;

/** "Release all holds": the Online Store shows everything until holds are resumed. */

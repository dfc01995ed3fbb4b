import { randomUUID } from "node:crypto";
import { connectorFor, isConnector } from "~/channels/factory.server";
import { CHANNELS, channelModeOf, type ChannelId } from "~/domain";
import { logger } from "~/logger.server";
import { LeaseHandedBackError, withLease, type LeaseRequest } from "~/records/lease.server";
import type { PushSummary } from "~/sync/push.server";
import { IngestJob, OverrideExpiryJob } from "./ingest-jobs.server";
import { messageOf, type JobContext } from "./job-context.server";
import { MonitorJob } from "./monitor-job.server";
import { ObserveJob } from "./observe-job.server";
import { OperationsJob } from "./operations-job.server";
import type { WorkerOptions } from "./options";
import { PhaseTimer } from "./phases";
import { PushJob } from "./push-job.server";
import { ReadBackJob } from "./read-back-job.server";
import { RecomputeJob } from "./recompute-job.server";
import { ReconcileJob } from "./reconcile-job.server";
import { RehearsalJob } from "./rehearsal-job.server";
import { RetentionJob } from "./retention-job.server";
import { scheduleOf, type Schedule } from "./schedule";

export type { WorkerOptions } from "./options";

export interface PassReport {
  shops: number;
  eventsProcessed: number;
  rowsWritten: number;
  pushes: Partial<Record<ChannelId, PushSummary>>;
}

/** What `health()` reports: the worker-health server (worker-health.server.ts) judges liveness from it. */
export interface WorkerHealth {
  running: boolean;
  /** Per lane (ingest, each channel, maintenance): when it last finished a shop's step or a pass. */
  lanes: Record<string, Date>;
}

/** The jobs the lanes run, one module each (or per family); each keeps its own cadence state. */
interface Jobs {
  ingest: IngestJob;
  overrides: OverrideExpiryJob;
  recompute: RecomputeJob;
  push: PushJob;
  readBack: ReadBackJob;
  observe: ObserveJob;
  operations: OperationsJob;
  rehearsals: RehearsalJob;
  reconcile: ReconcileJob;
  retention: RetentionJob;
  monitor: MonitorJob;
}

/** Activated channels in these states are not written (paused by auto-protect or the merchant, gone, broken). */
const UNPUSHED_STATES = new Set(["paused_freeze", "disconnected", "error"]);

/**
 * The loop that protects stock. Each pass, for every installed shop: apply recorded
 * webhooks to the master record, recompute what changed, run queued operations, push
 * each channel's differences and read them back. Every step is level-triggered and
 * resumable, so a pass interrupted at any point (crash, kill -9, deploy) is simply
 * redone by the next one, in this process or another.
 *
 * This class is the scheduler: which lane runs which jobs, under which lease, how often
 * (cadences: schedule.ts), and how it stops. The jobs themselves are in their own modules.
 *
 * | lane | lease (lane/holder) | jobs, in order |
 * | --- | --- | --- |
 * | ingest | stored/ingest | ingest, expire overrides, recompute |
 * | <channel> (one per channel) | <channel>/<channel> | observe; or push when due, then read-back when due |
 * | maintenance (only when due) | stored/maintenance | operations (release_holds nests online_store/release_holds), reconcile, retention |
 * | maintenance, then | monitor/monitor | monitor |
 * | rehearsal (only when one is queued) | rehearsal/rehearsal | a rehearsal of the shop's settings (no channel is called) |
 */
export class SyncWorker {
  readonly owner = `worker-${randomUUID()}`;
  private readonly clock: () => Date;
  private readonly schedule: Schedule;
  private readonly phases: PhaseTimer;
  private readonly jobs: Jobs;
  /** Per shop, when `runOnce` last ran the monitor. */
  private readonly lastMonitor = new Map<string, number>();
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly sleepers = new Set<() => void>();
  /** Aborted when a stop's grace period ends: the work under every lease unwinds and hands it back. */
  private stopping = new AbortController();
  /** Per lane, when it last finished a shop's step or a pass, failed or not (this worker's clock, ms): its liveness. */
  private readonly progress = new Map<string, number>();

  constructor(private readonly options: WorkerOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.schedule = scheduleOf(options);
    this.phases = new PhaseTimer(options.phaseTimings, options.onPhase);
    this.jobs = createJobs(this.jobContext(options.random ?? Math.random), options);
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
    this.stopping = new AbortController();
    const { idleMs, maintenancePauseMs } = this.schedule;
    this.loops = [
      this.repeat("ingest", idleMs, (shop) => this.ingestLane(shop)),
      ...CHANNELS.map((channel) =>
        this.repeat(channel, idleMs, (shop) => this.channelLane(shop, channel).then(() => undefined)),
      ),
      this.repeat("maintenance", maintenancePauseMs, (shop) => this.maintenanceLane(shop)),
      this.repeat("rehearsal", maintenancePauseMs, (shop) => this.rehearsalLane(shop)),
    ];
  }

  /**
   * Stops taking work, and lets each lane finish the step it is in (its lease released as the
   * step ends). With `graceMs`, a step still running after that long is aborted instead:
   * requests in flight are cancelled, the work unwinds (level-triggered: the next holder of
   * the lane redoes what was not recorded) and each lease is released as it unwinds, so
   * another worker takes the lane at once rather than after the lease's TTL. "finished" or
   * "handed_back" says which happened; a caller with a hard deadline (worker-main.ts) exits
   * anyway, and a lease whose work ignored the abort then expires after its TTL.
   */
  async stop(options: { graceMs?: number } = {}): Promise<"finished" | "handed_back"> {
    this.running = false;
    for (const wake of this.sleepers) wake();
    const loops = Promise.all(this.loops);
    const graceMs = options.graceMs;
    if (graceMs === undefined) {
      await loops;
      return "finished";
    }
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      loops.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (finished) return "finished";
    this.stopping.abort(new LeaseHandedBackError());
    await loops;
    return "handed_back";
  }

  /** Whether the lanes are running, and when each last made progress (a shop's step or a pass). */
  health(): WorkerHealth {
    return {
      running: this.running,
      lanes: Object.fromEntries([...this.progress].map(([lane, atMs]) => [lane, new Date(atMs)])),
    };
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
      await this.phases.timed("maintenance", () => this.maintenanceLane(shop, { monitor: false }));
      await this.rehearsalLane(shop);
      for (const channel of CHANNELS) {
        const summary = await this.channelLane(shop, channel);
        if (summary) report.pushes[channel] = summary;
      }
      await this.monitorIfDue(shop);
    }
    return report;
  }

  /** Each lane passes over every installed shop in turn, then pauses; a failed pass is logged and retried. */
  private async repeat(name: string, pauseMs: number, work: (shop: string) => Promise<unknown>): Promise<void> {
    const progressed = () => this.progress.set(name, this.clock().getTime());
    progressed();
    while (this.running) {
      try {
        for (const shop of await this.installedShops()) {
          if (!this.running) break;
          await work(shop);
          progressed();
        }
        progressed();
      } catch (error) {
        if (!this.running) break;
        logger.error({ lane: name, err: messageOf(error) }, "sync lane failed; retrying");
        // A failed pass (the database down, say) is a loop still turning, not a stuck one.
        progressed();
      }
      if (!this.running) break;
      await this.pause(pauseMs);
    }
  }

  /** Waits `pauseMs`, or less when `stop` wakes it. */
  private pause(pauseMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
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

  private async installedShops(): Promise<string[]> {
    const sessions = await this.options.database.session.findMany({
      where: { isOnline: false },
      select: { shop: true },
    });
    return sessions.map((session) => session.shop);
  }

  /** Recorded webhooks → master record → desired quantities. Holds the shop's stored lease. */
  private ingestLane(shop: string) {
    return this.withLease(this.lease(shop, "stored", "ingest"), async () => {
      const eventsProcessed = await this.jobs.ingest.run(shop);
      await this.jobs.overrides.run(shop);
      const rowsWritten = await this.jobs.recompute.run(shop);
      return { eventsProcessed, rowsWritten };
    });
  }

  /** One channel under its lease: observe mode; or, activated and not paused, a push when due and a read-back when due. */
  private channelLane(shop: string, channel: ChannelId): Promise<PushSummary | null> {
    return this.withLease(this.lease(shop, channel), (signal) => this.channelPass(shop, channel, signal));
  }

  private async channelPass(shop: string, channel: ChannelId, signal: AbortSignal): Promise<PushSummary | null> {
    const now = this.clock();
    const connection = await this.options.database.channelConnection.findUnique({
      where: { shop_channel: { shop, channel } },
    });
    // Observe first, activate by choice: nothing is written to a channel the merchant has not
    // activated (pauses apply to activated channels only).
    if (channelModeOf(connection) === "observing") {
      await this.jobs.observe.run(shop, channel, connection, signal);
      return null;
    }
    this.jobs.observe.leave(shop, channel);
    if (connection && UNPUSHED_STATES.has(connection.state)) return null;
    if (!(await this.jobs.push.due(shop, channel, connection, now))) return null;
    const connector = await connectorFor(this.options.connectors, shop, channel, connection);
    if (!isConnector(connector)) return null;
    const summary = await this.jobs.push.run(shop, channel, connector, connection, now, signal);
    await this.jobs.readBack.runIfDue(shop, channel, connector);
    return summary;
  }

  /** Operations and reconciliation write the master record too: same lease as ingest. */
  private async maintenanceLane(shop: string, options: { monitor: boolean } = { monitor: true }): Promise<void> {
    if (await this.maintenanceDue(shop)) {
      await this.withLease(this.lease(shop, "stored", "maintenance"), async () => {
        await this.jobs.operations.run(shop);
        await this.jobs.reconcile.runIfDue(shop);
        await this.jobs.retention.runIfDue(shop);
      });
    }
    if (options.monitor) await this.monitorLane(shop);
  }

  /**
   * A queued rehearsal, under a lease of its own: seconds of CPU that must not hold the shop's
   * stored lease (ingest waits on it). Most passes find none, known without the lease.
   */
  private async rehearsalLane(shop: string): Promise<void> {
    if (!(await this.jobs.rehearsals.hasQueued(shop))) return;
    await this.withLease(this.lease(shop, "rehearsal"), (signal) => this.jobs.rehearsals.run(shop, signal));
  }

  /**
   * Whether maintenance has anything to do, known without the lease: most passes have
   * nothing, and claiming and releasing the lease to find that out cost two statements.
   */
  private async maintenanceDue(shop: string): Promise<boolean> {
    const nowMs = this.clock().getTime();
    if (this.jobs.retention.isDue(shop, nowMs)) return true;
    if (this.jobs.reconcile.mayBeDue(shop, nowMs)) return true;
    return this.jobs.operations.hasQueued(shop);
  }

  /** `runOnce`: the monitor at most every `monitorEveryMs` per shop. */
  private async monitorIfDue(shop: string): Promise<void> {
    const nowMs = this.clock().getTime();
    const lastMonitor = this.lastMonitor.get(shop);
    if (lastMonitor !== undefined && nowMs - lastMonitor < this.schedule.monitorEveryMs) return;
    this.lastMonitor.set(shop, nowMs);
    await this.phases.timed("monitor", () => this.monitorLane(shop));
  }

  /** A failed monitor pass is logged: the next one runs anyway. */
  private async monitorLane(shop: string): Promise<void> {
    await this.withLease(this.lease(shop, "monitor"), () => this.jobs.monitor.run(shop)).catch((error: unknown) =>
      logger.error({ shop, err: messageOf(error) }, "monitor pass failed"),
    );
  }

  /** Each loop of this worker is its own holder: two loops never share one lease. */
  private lease(shop: string, lane: string, holder = lane): LeaseRequest {
    return { shop, lane, owner: `${this.owner}/${holder}`, now: this.clock(), ttlMs: this.schedule.leaseTtlMs };
  }

  /** Holds the lease while `work` runs (renewed on this worker's clock); null when another worker holds it. */
  private withLease<T>(request: LeaseRequest, work: (signal: AbortSignal) => Promise<T>): Promise<T | null> {
    return withLease(this.options.database, this.options.provider, request, work, {
      clock: this.clock,
      stop: this.stopping.signal,
    });
  }

  private jobContext(random: () => number): JobContext {
    const { database, provider, connectors } = this.options;
    return {
      database,
      provider,
      connectors,
      schedule: this.schedule,
      clock: this.clock,
      random,
      timed: (phase, work) => this.phases.timed(phase, work),
      withLease: (shop, lane, holder, work) => this.withLease(this.lease(shop, lane, holder), work),
    };
  }
}

function createJobs(context: JobContext, options: WorkerOptions): Jobs {
  const readBack = new ReadBackJob(context);
  const reconcile = new ReconcileJob(context);
  return {
    ingest: new IngestJob(context),
    overrides: new OverrideExpiryJob(context),
    recompute: new RecomputeJob(context, options.pushIntervalMs),
    push: new PushJob(context),
    readBack,
    observe: new ObserveJob(context, readBack),
    operations: new OperationsJob(context, reconcile),
    rehearsals: new RehearsalJob(context),
    reconcile,
    retention: new RetentionJob(context),
    monitor: new MonitorJob(context),
  };
}

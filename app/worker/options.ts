import type { ConnectorDependencies } from "~/channels/factory.server";
import type { Database, DatabaseProvider } from "~/db.server";
import type { ChannelId } from "~/domain";

/** What a SyncWorker is built with; every cadence left out takes its default (schedule.ts). */
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

import { DEFAULT_CHANNEL_TIMING, type ChannelId } from "~/domain";
import type { WorkerOptions } from "./options";

/**
 * Every cadence of the worker, with its default, in one place: how often each lane passes,
 * how long a lease lasts, and how often each job is due. The worker's options override them;
 * a channel's budget is not here: the connector declares it (push-job.server.ts).
 */
export interface Schedule {
  /** Pause between passes of the ingest and channel lanes. */
  idleMs: number;
  /** Pause between passes of the maintenance lane: at least MIN_MAINTENANCE_PAUSE_MS. */
  maintenancePauseMs: number;
  leaseTtlMs: number;
  /** Incremental read of Shopify (heals lost webhooks). */
  reconcileEveryMs: number;
  /** Full bulk read of Shopify. */
  fullReadEveryMs: number;
  /** Recompute everything: sales speed decays with time, not only with events. */
  fullRecomputeEveryMs: number;
  /** Retention (app/sync/retention.server.ts), per shop. */
  pruneEveryMs: number;
  /** `runOnce` runs the monitor at most this often per shop (0: every pass). */
  monitorEveryMs: number;
  /** Sell-outs go out at once, but no more often than this (Meta's budget is per hour). */
  urgentPushGapMs: number;
  /** An observed Online Store whose holds could not all be released tries again after this long. */
  observedReleaseRetryMs: number;
  /** How often a channel may be written (coalesces many orders into one push). */
  pushIntervalMs(channel: ChannelId): number;
  /** How often a channel is read back: its push interval, or longer for a slow channel. */
  readBackEveryMs(channel: ChannelId): number;
  /** Items read back per pass. */
  readBackSample(channel: ChannelId): number;
}

const DEFAULT_IDLE_MS = 1_000;
const MIN_MAINTENANCE_PAUSE_MS = 2_000;
const DEFAULT_LEASE_TTL_MS = 60_000;
const DEFAULT_RECONCILE_EVERY_MS = 10 * 60_000;
const DEFAULT_FULL_READ_EVERY_MS = 24 * 3_600_000;
const DEFAULT_FULL_RECOMPUTE_EVERY_MS = 5 * 60_000;
const PRUNE_EVERY_MS = 3_600_000;
const URGENT_PUSH_GAP_MS = 15_000;
const OBSERVED_RELEASE_RETRY_MS = 60_000;
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

export function scheduleOf(options: WorkerOptions): Schedule {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const pushIntervalMs = (channel: ChannelId) =>
    options.pushIntervalMs?.[channel] ?? DEFAULT_CHANNEL_TIMING[channel].pushIntervalMs;
  return {
    idleMs,
    maintenancePauseMs: Math.max(idleMs, MIN_MAINTENANCE_PAUSE_MS),
    leaseTtlMs: options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
    reconcileEveryMs: options.reconcileEveryMs ?? DEFAULT_RECONCILE_EVERY_MS,
    fullReadEveryMs: options.fullReadEveryMs ?? DEFAULT_FULL_READ_EVERY_MS,
    fullRecomputeEveryMs: options.fullRecomputeEveryMs ?? DEFAULT_FULL_RECOMPUTE_EVERY_MS,
    pruneEveryMs: PRUNE_EVERY_MS,
    monitorEveryMs: options.monitorEveryMs ?? 0,
    urgentPushGapMs: URGENT_PUSH_GAP_MS,
    observedReleaseRetryMs: OBSERVED_RELEASE_RETRY_MS,
    pushIntervalMs,
    readBackEveryMs: (channel) =>
      options.readBackEveryMs?.[channel] ?? Math.max(pushIntervalMs(channel), READ_BACK_EVERY_MS[channel] ?? 0),
    readBackSample: (channel) => options.readBackSample ?? READ_BACK_SAMPLE[channel],
  };
}

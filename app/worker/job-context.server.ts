import type { ConnectorDependencies } from "~/channels/factory.server";
import type { Database, DatabaseProvider } from "~/db.server";
import type { Schedule } from "./schedule";

/**
 * What the scheduler (SyncWorker) gives each job: the database, connectors, its clock and
 * cadences, phase timing, and leases held in this worker's name. A job decides nothing
 * about when it runs beyond "is it due"; the scheduler calls it.
 */
export interface JobContext {
  readonly database: Database;
  readonly provider: DatabaseProvider;
  readonly connectors: ConnectorDependencies;
  readonly schedule: Schedule;
  readonly clock: () => Date;
  readonly random: () => number;
  /** Runs `work` as a named phase (WorkerOptions.phaseTimings, onPhase). */
  timed<T>(phase: string, work: () => Promise<T>): Promise<T>;
  /** Holds the (shop, lane) lease for this worker's `holder` loop while `work` runs; null when another worker holds it. */
  withLease<T>(
    shop: string,
    lane: string,
    holder: string,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T | null>;
}

/** A channel's connection row, as the channel lane read it. */
export type ConnectionRow = NonNullable<Awaited<ReturnType<Database["channelConnection"]["findUnique"]>>>;

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

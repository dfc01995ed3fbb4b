import type { Database, DatabaseProvider } from "~/db.server";
import { logger } from "~/logger.server";

/**
 * One worker at a time per (shop, lane): a lane is a channel ("meta", …) or "ingest".
 * A lease expires on its own, so a crashed worker's work is taken over after `ttlMs`.
 * Claiming is one conditional UPDATE (or INSERT for a new lane), atomic on SQLite and
 * PostgreSQL, in raw SQL because every lane of every pass claims one; on PostgreSQL the row is claimed with FOR UPDATE SKIP LOCKED so a worker
 * never waits behind another that is claiming the same lane.
 */
export interface LeaseRequest {
  shop: string;
  lane: string;
  owner: string;
  now: Date;
  ttlMs: number;
}

export async function acquireLease(
  database: Database,
  provider: DatabaseProvider,
  request: LeaseRequest,
): Promise<boolean> {
  const expiresAt = new Date(request.now.getTime() + request.ttlMs);
  const claimed =
    provider === "postgresql"
      ? await database.$executeRaw`
          UPDATE "ChannelLease" SET "owner" = ${request.owner}, "expiresAt" = ${expiresAt}
          WHERE ("shop", "channel") IN (
            SELECT "shop", "channel" FROM "ChannelLease"
            WHERE "shop" = ${request.shop} AND "channel" = ${request.lane}
              AND ("expiresAt" < ${request.now} OR "owner" = ${request.owner})
            FOR UPDATE SKIP LOCKED)`
      : await database.$executeRaw`
          UPDATE "ChannelLease" SET "owner" = ${request.owner}, "expiresAt" = ${expiresAt}
          WHERE "shop" = ${request.shop} AND "channel" = ${request.lane}
            AND ("expiresAt" < ${request.now} OR "owner" = ${request.owner})`;
  if (claimed > 0) return true;
  // First use of this lane: whoever inserts the row holds it.
  const inserted = await database.$executeRaw`
    INSERT INTO "ChannelLease" ("shop", "channel", "owner", "expiresAt")
    VALUES (${request.shop}, ${request.lane}, ${request.owner}, ${expiresAt})
    ON CONFLICT DO NOTHING`;
  return inserted > 0;
}

/**
 * Extends a lease its owner still holds; false when another worker has claimed it since.
 * A lease that expired unclaimed is still the owner's: nobody else can have written.
 */
export async function renewLease(database: Database, request: LeaseRequest): Promise<boolean> {
  const renewed = await database.$executeRaw`
    UPDATE "ChannelLease" SET "expiresAt" = ${new Date(request.now.getTime() + request.ttlMs)}
    WHERE "shop" = ${request.shop} AND "channel" = ${request.lane} AND "owner" = ${request.owner}`;
  return renewed > 0;
}

/**
 * Expires the lease rather than deleting it: the next claim of the lane is then one
 * UPDATE, where a deleted row cost a failed UPDATE and an INSERT every pass.
 */
export async function releaseLease(
  database: Database,
  request: Pick<LeaseRequest, "shop" | "lane" | "owner">,
): Promise<void> {
  await database.$executeRaw`
    UPDATE "ChannelLease" SET "expiresAt" = ${RELEASED}
    WHERE "shop" = ${request.shop} AND "channel" = ${request.lane} AND "owner" = ${request.owner}`;
}

/** Before any clock a worker runs on, virtual or real. */
const RELEASED = new Date(0);

export class LeaseLostError extends Error {
  override name = "LeaseLostError";
  constructor(readonly lane: string) {
    super(`lease on ${lane} was taken over by another worker`);
  }
}

/**
 * The reason work under a lease is aborted when its worker stops past its grace period
 * (SyncWorker.stop): the lease is handed back, and what the work did not record is redone by
 * the next holder, as after a crash. Not a failure of the channel: nothing is retried later
 * for it (app/sync/push.server.ts).
 */
export class LeaseHandedBackError extends Error {
  override name = "LeaseHandedBackError";
  constructor() {
    super("the worker is stopping: work in progress handed back");
  }
}

/** Whether `signal` was aborted because its worker is stopping (not because the lease was lost). */
export function handedBack(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && signal.reason instanceof LeaseHandedBackError;
}

/**
 * Runs `work` while holding the lease; returns null when another worker holds it.
 *
 * The lease is renewed every third of its TTL while `work` runs: a push can outlast the
 * TTL (a Meta batch is polled for minutes, Shopify throttles, Google answers 429), and an
 * expired lease let a second worker push the same items while the first was still
 * writing them (seen with two worker processes, app/sync/two-worker-processes.server.test.ts).
 * If the lease is lost anyway (this process stalled past the TTL, or could not reach the
 * database to renew it), `signal` aborts so the work stops writing. It aborts too when
 * `options.stop` does (a worker shutting down hands its lanes back rather than finishing).
 */
export async function withLease<T>(
  database: Database,
  provider: DatabaseProvider,
  request: LeaseRequest,
  work: (signal: AbortSignal) => Promise<T>,
  options: { clock?: () => Date; stop?: AbortSignal } = {},
): Promise<T | null> {
  if (options.stop?.aborted) return null;
  if (!(await acquireLease(database, provider, request))) return null;
  const clock = options.clock ?? (() => new Date());
  const controller = new AbortController();
  // The worker is stopping past its grace period: the work stops writing and unwinds, and
  // the lease is released below, so another worker takes the lane at once.
  const onStop = () => controller.abort(options.stop?.reason);
  if (options.stop?.aborted) onStop();
  else options.stop?.addEventListener("abort", onStop, { once: true });
  let heldSince = performance.now();
  let renewal: Promise<void> = Promise.resolve();
  const heartbeat = setInterval(
    () => {
      renewal = renewal.then(async () => {
        if (controller.signal.aborted) return;
        const startedAt = performance.now();
        try {
          if (await renewLease(database, { ...request, now: clock() })) heldSince = startedAt;
          else controller.abort(new LeaseLostError(request.lane));
        } catch (error) {
          logger.warn(
            { shop: request.shop, lane: request.lane, err: error instanceof Error ? error.message : String(error) },
            "lease renewal failed",
          );
          // Unconfirmed for a whole TTL: another worker may hold it by now.
          if (performance.now() - heldSince >= request.ttlMs) controller.abort(new LeaseLostError(request.lane));
        }
      });
    },
    Math.max(1, Math.floor(request.ttlMs / 3)),
  );
  // The heartbeat alone must not keep a stopping process alive.
  heartbeat.unref();
  try {
    return await work(controller.signal);
  } finally {
    options.stop?.removeEventListener("abort", onStop);
    clearInterval(heartbeat);
    // A renewal landing after the release would hold the lane for another TTL.
    await renewal;
    await releaseLease(database, request);
  }
}

import type { Database, DatabaseProvider } from "~/db.server";

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

export async function acquireLease(database: Database, provider: DatabaseProvider, request: LeaseRequest): Promise<boolean> {
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
 * Expires the lease rather than deleting it: the next claim of the lane is then one
 * UPDATE, where a deleted row cost a failed UPDATE and an INSERT every pass.
 */
export async function releaseLease(database: Database, request: Pick<LeaseRequest, "shop" | "lane" | "owner">): Promise<void> {
  await database.$executeRaw`
    UPDATE "ChannelLease" SET "expiresAt" = ${RELEASED}
    WHERE "shop" = ${request.shop} AND "channel" = ${request.lane} AND "owner" = ${request.owner}`;
}

/** Before any clock a worker runs on, virtual or real. */
const RELEASED = new Date(0);

/** Runs `work` while holding the lease; returns null when another worker holds it. */
export async function withLease<T>(
  database: Database,
  provider: DatabaseProvider,
  request: LeaseRequest,
  work: () => Promise<T>,
): Promise<T | null> {
  if (!(await acquireLease(database, provider, request))) return null;
  try {
    return await work();
  } finally {
    await releaseLease(database, request);
  }
}

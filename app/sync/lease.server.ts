import type { Database, DatabaseProvider } from "~/db.server";

/**
 * One worker at a time per (shop, lane): a lane is a channel ("meta", …) or "ingest".
 * A lease expires on its own, so a crashed worker's work is taken over after `ttlMs`.
 * Claiming is one conditional UPDATE (or INSERT for a new lane), atomic on SQLite and
 * PostgreSQL; on PostgreSQL the row is claimed with FOR UPDATE SKIP LOCKED so a worker
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
      : (
          await database.channelLease.updateMany({
            where: {
              shop: request.shop,
              channel: request.lane,
              OR: [{ expiresAt: { lt: request.now } }, { owner: request.owner }],
            },
            data: { owner: request.owner, expiresAt },
          })
        ).count;
  if (claimed > 0) return true;
  try {
    await database.channelLease.create({
      data: { shop: request.shop, channel: request.lane, owner: request.owner, expiresAt },
    });
    return true;
  } catch (error) {
    if (typeof error === "object" && error !== null && "code" in error && error.code === "P2002") return false;
    throw error;
  }
}

export async function releaseLease(database: Database, request: Pick<LeaseRequest, "shop" | "lane" | "owner">): Promise<void> {
  await database.channelLease.deleteMany({ where: { shop: request.shop, channel: request.lane, owner: request.owner } });
}

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

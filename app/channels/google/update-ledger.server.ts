/**
 * Google's update policy: a product may be updated about twice a day. The connector asks
 * a ledger when each offer was last written; the database ledger keeps that per shop, so
 * a restart (or a second worker taking over the lease) does not forget updates already
 * spent and overdraw the budget.
 */
import type { Database } from "~/db.server";

export const DAY_MS = 86_400_000;

/** Where the per-product update history lives. */
export interface GoogleUpdateLedger {
  /** Times (ms) of updates after `since`, per offer id; offers never updated may be absent. */
  updatesSince(offerIds: readonly string[], since: number): Promise<Map<string, number[]>>;
  record(offerId: string, at: number): Promise<void>;
}

/** For tests and one-off connectors (checking credentials before they are saved). */
export class InMemoryUpdateLedger implements GoogleUpdateLedger {
  readonly #updates = new Map<string, number[]>();

  async updatesSince(offerIds: readonly string[], since: number): Promise<Map<string, number[]>> {
    const found = new Map<string, number[]>();
    for (const offerId of offerIds) {
      const times = (this.#updates.get(offerId) ?? []).filter((at) => at > since);
      if (times.length > 0) found.set(offerId, times);
    }
    return found;
  }

  async record(offerId: string, at: number): Promise<void> {
    const kept = (this.#updates.get(offerId) ?? []).filter((time) => time > at - DAY_MS);
    kept.push(at);
    this.#updates.set(offerId, kept);
  }
}

/** SQLite's bound-parameter limit is 32,766; well below it, and below PostgreSQL's 65,535. */
const LOOKUP_CHUNK = 500;

export class DatabaseUpdateLedger implements GoogleUpdateLedger {
  /** `since` of the last prune: old rows are dropped at most once an hour per ledger. */
  #prunedAt = -Infinity;

  constructor(
    private readonly database: Database,
    private readonly shop: string,
  ) {}

  async updatesSince(offerIds: readonly string[], since: number): Promise<Map<string, number[]>> {
    if (since - this.#prunedAt >= 3_600_000) {
      // Rows older than the window never count again; a day of slack covers clocks that differ between workers.
      await this.database.googleProductUpdate.deleteMany({
        where: { shop: this.shop, at: { lt: new Date(since - DAY_MS) } },
      });
      this.#prunedAt = since;
    }
    const unique = [...new Set(offerIds)];
    const found = new Map<string, number[]>();
    for (let start = 0; start < unique.length; start += LOOKUP_CHUNK) {
      const rows = await this.database.googleProductUpdate.findMany({
        where: {
          shop: this.shop,
          offerId: { in: unique.slice(start, start + LOOKUP_CHUNK) },
          at: { gt: new Date(since) },
        },
        select: { offerId: true, at: true },
      });
      for (const row of rows) {
        const times = found.get(row.offerId) ?? [];
        times.push(row.at.getTime());
        found.set(row.offerId, times);
      }
    }
    return found;
  }

  /** Written right after Google accepted the insert: a crash later still counts it. One statement per update. */
  async record(offerId: string, at: number): Promise<void> {
    await this.database.googleProductUpdate.create({ data: { shop: this.shop, offerId, at: new Date(at) } });
  }
}

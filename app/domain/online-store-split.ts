import type { LocationGid } from "./ids";
import type { LocationScope, MasterRecord } from "./master-record";

/**
 * The Online Store buffer is written per location: Ballast moves units between
 * `available` and `safety_stock` until the locations it sells from show, together, the
 * quantity the engine decided. This splits that total into one `available` target per
 * location.
 *
 * Each location's pool is what Ballast may show there: Shopify's available plus the
 * units Ballast already holds in safety_stock. Everything the Online Store must not
 * show (the buffer and any order holds not yet reflected by Shopify) is withheld from
 * the largest pools first, so the buffer sits where stock is deepest and a small
 * location keeps selling. Ties break on the location id, so the split is deterministic.
 */
export interface LocationTarget {
  readonly locationId: LocationGid;
  /** Units Ballast may show here: Shopify's available + Ballast's safety stock. */
  readonly pool: number;
  /** The `available` Ballast wants Shopify to show here (below 0 only where the location is oversold beyond what Ballast holds). */
  readonly available: number;
}

export function splitOnlineStoreTarget(
  record: MasterRecord,
  scope: LocationScope,
  shownTotal: number,
): LocationTarget[] {
  const pools = record.locations
    .filter((location) => scope === "all" || scope.includes(location.locationId))
    .map((location) => {
      const reachable = (location.available?.value ?? 0) + (location.ballastSafetyStock?.value ?? 0);
      return { locationId: location.locationId, pool: Math.max(0, reachable), reachable };
    })
    .sort((a, b) => b.pool - a.pool || (a.locationId < b.locationId ? -1 : a.locationId > b.locationId ? 1 : 0));

  const totalPool = pools.reduce((sum, location) => sum + location.pool, 0);
  let toWithhold = totalPool - Math.max(0, Math.min(shownTotal, totalPool));
  return pools.map((location) => {
    const withheld = Math.min(location.pool, toWithhold);
    toWithhold -= withheld;
    // Oversold here (available below zero, more than Ballast holds): releasing every held
    // unit is all Ballast can do. Asking for 0 would be a target no write can reach, pushed
    // again on every pass.
    const available = location.reachable < 0 ? location.reachable : location.pool - withheld;
    return { locationId: location.locationId, pool: location.pool, available };
  });
}

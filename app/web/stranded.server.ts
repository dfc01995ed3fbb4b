import type { Database } from "~/db.server";
import { channelModeOf } from "~/domain";
import { logger } from "~/logger.server";
import { actingAs } from "~/records/activity.server";
import { checkStrandedHolds } from "~/sync/release-holds.server";
import { startOperation } from "./channel-operations.server";
import { pageAdminClient } from "./page-admin.server";

/**
 * Units Ballast left held in safety stock (an uninstall revokes the token before
 * `app/uninstalled` arrives, so nothing could be released then): found on reinstall from
 * Ballast's own record (HeldStock), checked against Shopify (at most what Shopify's
 * safety_stock still holds at each level), and offered to the merchant for release. The
 * release is the release_holds operation: `releaseOwnHolds`, with compare-and-swap.
 */
export interface StrandedHolds {
  units: number;
  items: number;
  locations: number;
  /** false: Shopify could not be asked now; the figures are Ballast's own record. */
  checked: boolean;
}

/**
 * Held units while the Online Store observes (a reinstall starts in observe mode): nothing
 * should be held, so these are left over. Null when there are none.
 */
export async function strandedHolds(
  database: Database,
  shop: string,
  accessToken: string,
): Promise<StrandedHolds | null> {
  const onlineStore = await database.channelConnection.findUnique({
    where: { shop_channel: { shop, channel: "online_store" } },
    select: { activatedAt: true },
  });
  if (channelModeOf(onlineStore) === "active") return null;
  const rows = await database.heldStock.findMany({
    where: { shop, units: { gt: 0 } },
    select: { variantGid: true, locationGid: true, units: true },
  });
  if (rows.length === 0) return null;
  const client = pageAdminClient(shop, accessToken);
  if (client) {
    try {
      const check = await checkStrandedHolds(database, shop, client);
      return check.units > 0
        ? { units: check.units, items: check.items, locations: check.locations, checked: true }
        : null;
    } catch (error) {
      logger.info(
        { shop, err: error instanceof Error ? error.message : String(error) },
        "stranded holds not checked against Shopify; showing Ballast's record",
      );
    }
  }
  return {
    units: rows.reduce((sum, row) => sum + row.units, 0),
    items: new Set(rows.map((row) => row.variantGid)).size,
    locations: new Set(rows.map((row) => row.locationGid)).size,
    checked: false,
  };
}

/**
 * The merchant agreed: release exactly Ballast's own units (a tracked operation the worker
 * runs), in the name of `actor` when given (else of whoever the caller acts for).
 */
export async function releaseStrandedHolds(
  database: Database,
  shop: string,
  nowMs: number,
  actor?: string | null,
): Promise<void> {
  const release = () => startOperation(database, { shop, kind: "release_holds", nowMs, source: "admin" });
  await (actor === undefined ? release() : actingAs(actor, release));
}

import { recordActivity } from "~/records/activity.server";
import type { ReleaseSummary } from "~/sync/release-holds.server";
import type { JobContext } from "./job-context.server";

/**
 * After Ballast's own held units went back to available: everything is recomputed (what
 * channels may show changed) and the merchant's activity log says how many, and why when
 * the merchant did not ask (`reason`).
 */
export async function noteHoldsReleased(
  context: JobContext,
  shop: string,
  released: ReleaseSummary,
  reason?: string,
): Promise<void> {
  const { database, clock } = context;
  await database.shop.update({ where: { shop }, data: { recomputeRequestedAt: clock() } });
  await recordActivity(database, {
    shop,
    kind: "holds_released",
    channel: "online_store",
    details: { units: released.released, items: released.items, ...(reason ? { reason } : {}) },
    at: clock(),
  });
}

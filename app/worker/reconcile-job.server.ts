import { adminClientFor } from "~/channels/factory.server";
import { raiseAlert, resolveAlert } from "~/records/alerts.server";
import { shopifyFailureDetails } from "~/records/shopify-failure";
import { reconcileShop, type ReconcileProgress } from "~/sync/reconcile.server";
import type { JobContext } from "./job-context.server";

export type ReconcileMode = "full" | "incremental";

/**
 * Reconciliation with Shopify (app/sync/reconcile.server.ts): an incremental read every
 * `reconcileEveryMs` heals lost webhooks, a full bulk read every `fullReadEveryMs`. When
 * each is due is read from the shop row, so every worker agrees. The caller holds the
 * shop's stored lease.
 */
export class ReconcileJob {
  /** Per shop, when reconciliation is next due as last read from the shop row (see mayBeDue). */
  private readonly dueAt = new Map<string, number>();

  constructor(private readonly context: JobContext) {}

  /**
   * Known without a query: due by the time last read from the shop row (another worker
   * reconciling meanwhile only makes it later: it is then read again and found not due).
   */
  mayBeDue(shop: string, nowMs: number): boolean {
    return nowMs >= (this.dueAt.get(shop) ?? 0);
  }

  async runIfDue(shop: string): Promise<void> {
    const { database, schedule } = this.context;
    const now = this.context.clock();
    const shopRow = await database.shop.findUnique({
      where: { shop },
      select: { lastReconciledAt: true, lastFullReadAt: true },
    });
    const reconcileEvery = schedule.reconcileEveryMs;
    const fullEvery = schedule.fullReadEveryMs;
    const fullDue = !shopRow?.lastFullReadAt || now.getTime() - shopRow.lastFullReadAt.getTime() >= fullEvery;
    const incrementalDue =
      !shopRow?.lastReconciledAt || now.getTime() - shopRow.lastReconciledAt.getTime() >= reconcileEvery;
    if (!fullDue && !incrementalDue) {
      this.dueAt.set(
        shop,
        Math.min(shopRow!.lastReconciledAt!.getTime() + reconcileEvery, shopRow!.lastFullReadAt!.getTime() + fullEvery),
      );
      return;
    }
    // Read the row again next pass: whether this succeeded or not, it says when the next is due.
    this.dueAt.delete(shop);
    await this.run(shop, fullDue ? "full" : "incremental", null);
  }

  /**
   * Reads Shopify's levels into the master record. Shopify unreachable is outage mode: an
   * alert, and the stored levels keep protecting (order holds still lower what channels
   * show). With an operation (a merchant's request), its progress is recorded and a
   * failure is thrown for it to report.
   */
  async run(shop: string, mode: ReconcileMode, operationId: string | null): Promise<void> {
    const { database, clock } = this.context;
    // Null without a session, or once Shopify refused the token for good (shopify_auth_failed
    // is open): the shop is skipped at once, nothing waits. A queued operation says why.
    const client = await adminClientFor(this.context.connectors, shop);
    if (!client) {
      if (operationId)
        throw new Error("Shopify cannot be reached for this shop: open Ballast in Shopify admin to reconnect");
      return;
    }
    try {
      const result = await reconcileShop(database, shop, client, {
        now: clock(),
        mode,
        provider: this.context.provider,
        onProgress: this.progressOf(operationId),
      });
      await resolveAlert(database, { shop, kind: "shopify_unreachable", at: clock() });
      if (result.differences > 0) {
        await raiseAlert(database, {
          shop,
          kind: "reconciliation_difference",
          severity: "warning",
          details: { levels: result.differences, mode, variants: result.differentVariants },
          at: clock(),
        });
      }
    } catch (error) {
      await raiseAlert(database, {
        shop,
        kind: "shopify_unreachable",
        severity: "critical",
        // A stable class (timeout, network, server error with its status, throttled, other) that
        // the alert puts into words; the raw message is kept only as `technical`, for the API.
        details: { ...shopifyFailureDetails(error) },
        at: clock(),
      });
      if (operationId) throw error;
    }
  }

  /** With an operation: its progress recorded on it, for the page that shows it. */
  private progressOf(operationId: string | null): ReconcileProgress | undefined {
    if (!operationId) return undefined;
    return async (done, total) => {
      await this.context.database.operation.update({ where: { id: operationId }, data: { done, total } });
    };
  }
}

import type { Database } from "~/db.server";
import { recordActivity } from "~/records/activity.server";
import { requestOperation, type OperationKind } from "~/records/requests.server";

/**
 * Long operations the merchant (or /api/v1) asks for: resync and "release all holds", and
 * the first full catalog read. The worker runs them; the pages show their progress.
 */

export async function startOperation(
  database: Database,
  input: {
    shop: string;
    kind: Exclude<OperationKind, "full_read" | "rehearsal">;
    nowMs: number;
    source: "admin" | "api";
  },
): Promise<string> {
  const id = await requestOperation(database, input.shop, input.kind);
  await recordActivity(database, {
    shop: input.shop,
    kind: input.kind === "resync" ? "resync_requested" : "holds_released",
    channel: input.kind === "release_holds" ? "online_store" : null,
    at: new Date(input.nowMs),
    details: { operationId: id, source: input.source, requested: true },
  });
  return id;
}

/**
 * The first full catalog read as a tracked operation, so the pages show its progress:
 * requested when a page opens before the shop has ever been read in full. The worker runs
 * queued operations before its own scheduled reads, so the catalog is read once. A failed
 * first read is left for the merchant to see (and retry with "Resync now"), not repeated.
 */
export async function trackFirstFullRead(database: Database, shop: string): Promise<void> {
  const row = await database.shop.findUnique({ where: { shop }, select: { lastFullReadAt: true } });
  if (row?.lastFullReadAt) return;
  if (await database.operation.findFirst({ where: { shop, kind: "full_read" }, select: { id: true } })) return;
  await requestOperation(database, shop, "full_read");
}

export interface OperationView {
  id: string;
  kind: string;
  state: string;
  done: number;
  total: number | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** The channel operations (a rehearsal has its own page: app/web/rehearsal.server.ts). */
export async function recentOperations(database: Database, shop: string, take = 5): Promise<OperationView[]> {
  const rows = await database.operation.findMany({
    where: { shop, kind: { not: "rehearsal" } },
    orderBy: { createdAt: "desc" },
    take,
  });
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    state: row.state,
    done: row.done,
    total: row.total,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  }));
}

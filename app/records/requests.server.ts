import type { Database } from "~/db.server";

/**
 * What the admin UI and API ask of the sync worker. Requests are rows, so they survive
 * a crash and the worker (in-process or separate) picks them up on its next pass.
 */

/** Rules, overrides or channel states changed: recompute every item of the shop. */
export async function requestRecompute(database: Database, shop: string, at: Date): Promise<void> {
  await database.shop.upsert({
    where: { shop },
    create: { shop, recomputeRequestedAt: at },
    update: { recomputeRequestedAt: at },
  });
}

export type OperationKind = "full_read" | "resync" | "release_holds";

/** Queues a long operation unless the same one is already queued or running. */
export async function requestOperation(database: Database, shop: string, kind: OperationKind): Promise<string> {
  const pending = await database.operation.findFirst({
    where: { shop, kind, state: { in: ["queued", "running"] } },
    select: { id: true },
  });
  if (pending) return pending.id;
  const created = await database.operation.create({ data: { shop, kind }, select: { id: true } });
  return created.id;
}

export async function operationProgress(database: Database, shop: string, id: string) {
  return database.operation.findFirst({ where: { shop, id } });
}

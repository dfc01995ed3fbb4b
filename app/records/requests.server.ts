import { databaseProvider, databaseUrl, type Database } from "~/db.server";

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

/** Operations the merchant queues; "rehearsal" runs in its own lane (app/worker/rehearsal-job.server.ts). */
export type OperationKind = "full_read" | "resync" | "release_holds" | "rehearsal";

/** Queues a long operation unless the same one is already queued or running. */
export async function requestOperation(
  database: Database,
  shop: string,
  kind: Exclude<OperationKind, "rehearsal">,
): Promise<string> {
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

/**
 * Queues a rehearsal with its input (already validated by the caller), one at a time per
 * shop: while one is queued or running, nothing is created and the pending one's id comes back
 * as `running`. On PostgreSQL the check and the insert share a transaction holding an advisory
 * lock on the shop, so two requests at once cannot both queue one; SQLite serialises writes.
 */
export async function requestRehearsal(
  database: Database,
  shop: string,
  input: object,
): Promise<{ queued: string } | { running: string }> {
  const postgresql = databaseProvider(databaseUrl(database)) === "postgresql";
  return database.$transaction(async (tx) => {
    if (postgresql) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`rehearsal:${shop}`}))`;
    const pending = await tx.operation.findFirst({
      where: { shop, kind: "rehearsal", state: { in: ["queued", "running"] } },
      select: { id: true },
    });
    if (pending) return { running: pending.id };
    const created = await tx.operation.create({ data: { shop, kind: "rehearsal", input }, select: { id: true } });
    return { queued: created.id };
  });
}

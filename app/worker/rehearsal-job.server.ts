import { loadChannelSettings } from "~/channels/connection-store.server";
import type { Database } from "~/db.server";
import {
  collectionGid,
  compileRuleSet,
  productGid,
  sellableUnits,
  variantGid,
  CHANNELS,
  type ChannelId,
} from "~/domain";
import { startOfDayIn } from "~/i18n/date-time";
import { logger } from "~/logger.server";
import { operationFailureOf, operationFailureRecord } from "~/records/operation-failure";
import { decodeMasterRecord } from "~/records/master-records.server";
import {
  builtInScenario,
  rehearsalInputSchema,
  startRehearsal,
  type CatalogVariant,
  type RehearsalInput,
  type RehearsalRun,
  type ShopRehearsal,
} from "~/rehearsal";
import { loadRuleSet } from "~/rules/rule-store.server";
import type { JobContext } from "./job-context.server";
import type { Schedule } from "./schedule";

/**
 * CPU time run between two yields to the event loop. A step takes about 1–25 ms on a
 * 1,000-variant catalog (2-core machine), so a slice holds the loop for at most ~50 ms.
 */
const SLICE_MS = 25;
/** Progress written at most this many times over a run. */
const PROGRESS_WRITES = 50;

/**
 * "Rehearse my settings" (app/rehearsal/run.ts): a built-in scenario family on the shop's own
 * catalog (its tracked variants and their current sellable stock, from the master records)
 * with its own rules and channel settings, four strategies on the same simulated day, and
 * the cost table and chart stored as the operation's result. It reads the database and
 * nothing else: no connector is built, Shopify and the channels are never called, the
 * channels are the rehearsal's in-process model.
 *
 * It runs in a lane of its own (SyncWorker), under a ("rehearsal") lease of its own: never
 * under the shop's stored lease, so ingest and pushes go on meanwhile. The simulation is
 * CPU work (seconds; a week on 1,000 variants, about 20 s): it yields to the event loop every
 * SLICE_MS (the web server may share the process) and writes its progress (`done` of `total`
 * steps) as it goes. Stopped half way
 * (a deploy), the operation goes back to the queue and starts again.
 */
export class RehearsalJob {
  constructor(
    private readonly context: Pick<JobContext, "database" | "clock"> & { schedule: Pick<Schedule, "pushIntervalMs"> },
    /** Told after each progress write (tests watch the operation run through it). */
    private readonly onProgress?: (operationId: string) => Promise<void>,
  ) {}

  async hasQueued(shop: string): Promise<boolean> {
    const queued = await this.context.database.operation.findFirst({
      where: { shop, kind: "rehearsal", state: { in: ["queued", "running"] } },
      select: { id: true },
    });
    return queued !== null;
  }

  /** Each queued rehearsal of the shop, oldest first (one at a time: the page queues one at most). */
  async run(shop: string, signal?: AbortSignal): Promise<void> {
    const queued = await this.context.database.operation.findMany({
      where: { shop, kind: "rehearsal", state: { in: ["queued", "running"] } },
      orderBy: { createdAt: "asc" },
      select: { id: true, input: true },
    });
    for (const operation of queued) {
      if (signal?.aborted) return;
      await this.runOne(shop, operation, signal);
    }
  }

  private async runOne(shop: string, operation: { id: string; input: unknown }, signal?: AbortSignal): Promise<void> {
    const { database, clock } = this.context;
    await database.operation.update({
      where: { id: operation.id },
      data: { state: "running", startedAt: clock(), done: 0, total: null },
    });
    try {
      const input = rehearsalInputSchema.parse(operation.input);
      const run = startRehearsal(input, await loadShopRehearsal(database, shop, input, this.context));
      await database.operation.update({ where: { id: operation.id }, data: { total: run.totalSteps } });
      const every = Math.max(1, Math.ceil(run.totalSteps / PROGRESS_WRITES));
      let written = 0;
      // Slices end at each progress mark too, so progress is written at the same steps however fast the machine.
      while (!advanceSlice(run, written + every)) {
        // Let webhooks, pages and the lease's heartbeat through between slices.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (signal?.aborted) {
          await database.operation.update({ where: { id: operation.id }, data: { state: "queued", done: 0 } });
          return;
        }
        if (run.doneSteps - written >= every) {
          written = run.doneSteps;
          await database.operation.update({ where: { id: operation.id }, data: { done: written } });
          await this.onProgress?.(operation.id);
        }
      }
      await database.operation.update({
        where: { id: operation.id },
        data: { state: "succeeded", done: run.totalSteps, result: run.summary() as object, finishedAt: clock() },
      });
    } catch (error) {
      const failure = operationFailureOf(error);
      logger.warn({ shop, operation: "rehearsal", err: failure.technical }, "rehearsal failed");
      await database.operation.update({
        where: { id: operation.id },
        data: { state: "failed", finishedAt: clock(), error: operationFailureRecord(failure) },
      });
    }
  }
}

/** Steps until SLICE_MS of CPU time is spent, `untilStep` is reached or the rehearsal is over; true when it is over. */
function advanceSlice(run: RehearsalRun, untilStep: number): boolean {
  const started = performance.now();
  for (;;) {
    if (run.advance(1)) return true;
    if (run.doneSteps >= untilStep || performance.now() - started >= SLICE_MS) return false;
  }
}

/** The shop's catalog, rules and settings as the rehearsal takes them; its day starts at its own midnight. */
export async function loadShopRehearsal(
  database: Database,
  shop: string,
  input: RehearsalInput,
  context: { schedule: Pick<Schedule, "pushIntervalMs"> },
): Promise<ShopRehearsal> {
  const [catalog, ruleSet, settings, shopRow] = await Promise.all([
    loadCatalog(database, shop),
    loadRuleSet(database, shop),
    loadChannelSettings(database, shop),
    database.shop.findUnique({ where: { shop }, select: { timeZone: true } }),
  ]);
  const pushIntervalMs = Object.fromEntries(
    CHANNELS.map((channel) => [channel, context.schedule.pushIntervalMs(channel)]),
  ) as Record<ChannelId, number>;
  // The family's day (Black Friday 2026 from midnight, say) on the shop's own clock: its rush at the shop's hours.
  const familyStartMs = Date.parse(builtInScenario(input.family).start);
  const familyDay = new Date(familyStartMs).toISOString().slice(0, 10);
  const localMidnight = startOfDayIn(familyDay, shopRow?.timeZone ?? null)?.getTime();
  const startMs =
    localMidnight === undefined ? undefined : localMidnight + (familyStartMs - Date.parse(`${familyDay}T00:00:00Z`));
  return { catalog, setup: { rules: compileRuleSet(ruleSet), settings, pushIntervalMs }, startMs };
}

/** The shop's tracked variants with what each can sell now (all locations, as the engine counts it). */
export async function loadCatalog(database: Database, shop: string): Promise<CatalogVariant[]> {
  const [variants, records] = await Promise.all([
    database.variant.findMany({
      where: { shop, deletedAt: null, tracked: true },
      select: { gid: true, productGid: true, title: true, sku: true, price: true, collectionGids: true },
    }),
    database.masterRecord.findMany({ where: { shop }, select: { variantGid: true, record: true } }),
  ]);
  const recordOf = new Map(records.map((row) => [row.variantGid, row]));
  return variants.map((variant) => {
    const row = recordOf.get(variant.gid);
    const stock = row ? sellableUnits(decodeMasterRecord({ shop, ...row })) : 0;
    const collections = Array.isArray(variant.collectionGids) ? variant.collectionGids : [];
    return {
      sku: variant.sku || variant.title || variant.gid.slice(variant.gid.lastIndexOf("/") + 1),
      title: variant.title,
      price: Number(variant.price),
      stock,
      placement: {
        variantId: variantGid(variant.gid),
        productId: productGid(variant.productGid),
        collectionIds: collections
          .filter((gid): gid is string => typeof gid === "string" && /^gid:\/\/shopify\/Collection\/\d+$/.test(gid))
          .map(collectionGid),
      },
    };
  });
}

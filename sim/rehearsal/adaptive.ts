/**
 * Ballast adaptive, for real: the production build served by server.mjs (`npm start`) on a fresh
 * SQLite file (WORKER_MODE=external), the Shopify, Meta and Google fakes, and the sync
 * worker run here, once per simulated step, on a virtual clock shared with the fakes.
 * Every order reaches the app as correctly signed webhooks over HTTP (delayed,
 * sometimes duplicated or out of order, per the scenario); buyers see what the fakes
 * show (Meta's visible version of each item, Google as the fake processes inserts).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { createDatabase, type Database } from "~/db.server";
import { queryPlanCacheStats } from "~/db/query-plan-cache.server";
import { CHANNELS, ruleSetSchema, type RuleSet } from "~/domain";
import { saveRule } from "~/rules/rule-store.server";
import { logger } from "~/logger.server";
import { SyncWorker } from "../../app/worker/worker.server";
import { startAppServer, type RunningApp } from "../app-server";
import { VirtualClock } from "../fakes/meta/clock";
import { deliverWebhook, jsonWithBigInts, type WebhookTarget } from "../fakes/shopify/webhooks";
import { installShop, worldConnectors } from "../install-shop";
import { startWorld, type World } from "../world";
import { Accounting, type PerChannel, type StrategyResult } from "./metrics";
import { stream } from "./random";
import type { Buyer, ExpandedScenario } from "./scenario";
import type { ProgressReporter } from "./inprocess";

/**
 * The rules the adaptive strategy runs with: every channel holds the sales expected
 * during its measured delay at 95% (the engine's lag-aware rule), nothing fixed. The
 * seed defaults add the static 2 / 25% / tiers under it, which would make "adaptive"
 * hold at least what "static" holds by construction (held = the largest part).
 */
export const ADAPTIVE_RULES: RuleSet = ruleSetSchema.parse({
  shopDefaults: {
    online_store: { lagAware: { confidence: 0.95 } },
    meta: { lagAware: { confidence: 0.95 } },
    google: { lagAware: { confidence: 0.95 } },
  },
});

export const REHEARSAL_API_KEY = "ballast-rehearsal-api-key";
export const REHEARSAL_API_SECRET = "ballast-rehearsal-api-secret";
const ENCRYPTION_KEY = Buffer.alloc(32, 11);
const SAMPLE_EVERY_MS = 5 * 60_000;
const DELIVERY_CONCURRENCY = Number(process.env.REHEARSAL_DELIVERY_CONCURRENCY ?? 16);
const MONITOR_EVERY_MS = 5 * 60_000;

export interface AdaptiveOptions {
  databaseFile: string;
  progress?: ProgressReporter;
  /** Called once the app and the shop are up: print the dashboard link. */
  onReady?: (app: { url: string; shop: string; apiKey: string; secret: string }) => void;
  /** Pace: at most this many simulated seconds per real second (0 = as fast as possible). */
  speed?: number;
  keepOpen?: boolean;
  rules?: RuleSet;
}

export interface AdaptiveRun {
  result: StrategyResult;
  app: RunningApp;
  world: World;
  database: Database;
  close(): Promise<void>;
}

interface Delivery {
  at: number;
  seq: number;
  topic: string;
  body: string;
  eventId: string;
  triggeredAt: string;
}

function migrate(databaseUrl: string): void {
  execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "migrate", "deploy"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
}

const numeric = (gid: string) => BigInt(gid.slice(gid.lastIndexOf("/") + 1));

/** REHEARSAL_SQL_PROFILE=1 (or a .json path to write every statement to): count the statements this process runs and the time SQLite spends on them, by text (profiling aid). */
let profiledPhase = "-";

function sqlProfile(): Map<string, { count: number; ms: number }> | null {
  if (!process.env.REHEARSAL_SQL_PROFILE) return null;
  const totals = new Map<string, { count: number; ms: number }>();
  type Statement = { run: (...args: unknown[]) => unknown; all: (...args: unknown[]) => unknown };
  const BetterSqlite = createRequire(import.meta.url)("better-sqlite3") as { prototype: { prepare: (sql: string) => Statement } };
  // Statements are prepared once and run many times (app/db/sqlite-statement-cache.server.ts):
  // each run is counted, under the phase it runs in.
  const texts = new WeakMap<object, string>();
  const prototype = BetterSqlite.prototype;
  const prepare = prototype.prepare;
  let patched = false;
  const entry = (text: string) => {
    const key = `${profiledPhase.padEnd(20)} ${text}`;
    let found = totals.get(key);
    if (!found) totals.set(key, (found = { count: 0, ms: 0 }));
    return found;
  };
  prototype.prepare = function (this: unknown, sql: string) {
    const started = performance.now();
    const flat = sql.replace(/\s+/g, " ").replaceAll("`main`.", "").replaceAll("`", "");
    const where = flat.indexOf(" WHERE ");
    const text = where > 0 ? `${flat.slice(0, 70)} …${flat.slice(where, where + 170)}` : flat.slice(0, 140);
    const statement = prepare.call(this, sql);
    texts.set(statement, text);
    entry("(prepare)").ms += performance.now() - started;
    entry("(prepare)").count += 1;
    if (!patched) {
      patched = true;
      const statementPrototype = Object.getPrototypeOf(statement) as Statement;
      for (const method of ["run", "all"] as const) {
        const original = statementPrototype[method];
        statementPrototype[method] = function (this: object, ...args: unknown[]) {
          const at = performance.now();
          try {
            return original.apply(this, args);
          } finally {
            const totalsEntry = entry(texts.get(this) ?? "?");
            totalsEntry.count += 1;
            totalsEntry.ms += performance.now() - at;
          }
        };
      }
    }
    return statement;
  };
  return totals;
}

export async function runAdaptive(expanded: ExpandedScenario, buyers: readonly Buyer[], options: AdaptiveOptions): Promise<AdaptiveRun> {
  const started = performance.now();
  const { variants, startMs, stepMs, steps, scenario } = expanded;
  mkdirSync(path.dirname(options.databaseFile), { recursive: true });
  const databaseUrl = `file:${path.resolve(options.databaseFile)}`;
  migrate(databaseUrl);
  const sqlCounts = sqlProfile();
  const database = createDatabase(databaseUrl);
  // A rehearsal database is scratch: WAL (kept in the file, so the server uses it too) and
  // no fsync per commit, or the run measures the disk instead of the app.
  await database.$queryRawUnsafe("PRAGMA journal_mode=WAL");
  await database.$executeRawUnsafe("PRAGMA synchronous=NORMAL");
  // The app records webhooks while this process's worker writes: wait for the lock, never fail.
  await database.$queryRawUnsafe("PRAGMA busy_timeout=10000");

  const clock = new VirtualClock(startMs);
  const world = await startWorld({
    variants: variants.length,
    stockPerVariant: (index) => variants[index]!.stock,
    metaPropagationDelayMs: expanded.lagMs("meta", startMs),
    googleProcessingDelayMs: expanded.lagMs("google", startMs),
    // Meta's catalog batch budget (~100 calls an hour) is what the app must live with.
    clock,
    // The fake Shopify's token endpoint checks the app's client credentials.
    app: { clientId: REHEARSAL_API_KEY, clientSecret: REHEARSAL_API_SECRET },
  });
  const app = await startAppServer({
    NODE_ENV: "production",
    SHOPIFY_API_KEY: REHEARSAL_API_KEY,
    SHOPIFY_API_SECRET: REHEARSAL_API_SECRET,
    SHOPIFY_APP_URL: "http://127.0.0.1",
    BALLAST_ENCRYPTION_KEY: ENCRYPTION_KEY.toString("base64"),
    DATABASE_URL: databaseUrl,
    WORKER_MODE: "external",
    LOG_LEVEL: "error",
    ...world.env,
  });
  const close = async () => {
    await app.stop();
    await world.close();
    await database.$disconnect();
  };

  try {
    await installShop(database, world, ENCRYPTION_KEY);
    const rules = options.rules ?? ADAPTIVE_RULES;
    for (const channel of CHANNELS) {
      const rule = rules.shopDefaults[channel];
      if (rule) await saveRule(database, { shop: world.shop, channel, scope: "shop", rule });
    }
    options.onReady?.({ url: app.url, shop: world.shop, apiKey: REHEARSAL_API_KEY, secret: REHEARSAL_API_SECRET });

    // The worker's info lines (one per batch) would drown the progress and cost time.
    logger.level = process.env.LOG_LEVEL ?? "warn";
    const phaseTimings = new Map<string, { ms: number; count: number }>();
    const worker = new SyncWorker({
      phaseTimings,
      ...(sqlCounts ? { onPhase: (phase: string | null) => (profiledPhase = phase ?? "-") } : {}),
      database,
      provider: "sqlite",
      // Batch polling and backoff wait on the simulated clock, not the wall clock.
      connectors: worldConnectors(world, database, ENCRYPTION_KEY, { clock }),
      clock: () => new Date(clock.now()),
      random: stream(expanded.seed, "worker"),
      // The heavier lanes at their own pace, as the long-running worker's maintenance loop
      // runs them: the monitor (drift audit, alert rules) every 5 simulated minutes.
      monitorEveryMs: MONITOR_EVERY_MS,
      ...(process.env.REHEARSAL_RECONCILE_MS ? { reconcileEveryMs: Number(process.env.REHEARSAL_RECONCILE_MS) } : {}),
    });

    const accounting = new Accounting("adaptive", "http", variants, startMs);
    const target: WebhookTarget = { url: `${app.url}/webhooks/stock`, secret: REHEARSAL_API_SECRET, timeoutMs: 10_000 };
    const webhookRandom = stream(expanded.seed, "webhooks");
    const chaosRandom = stream(expanded.seed, "webhook-chaos");
    const queue: Delivery[] = [];
    let seq = 0;
    let orderSeq = 0;
    const offerIndex = new Map(world.variants.map((variant, index) => [variant.googleOfferId.toLowerCase(), index]));
    // Google: what the fake shows, rebuilt from the inserts it received (visible after the processing delay).
    const googleVersions: { visibleAt: number; inStock: boolean }[][] = variants.map((variant) => [{ visibleAt: -Infinity, inStock: variant.stock > 0 }]);
    let insertsSeen = 0;
    const failedDeliveries: string[] = [];
    const oversellNotes: string[] = [];

    const googleVisible = (item: number, at: number) => {
      const list = googleVersions[item]!;
      for (let index = list.length - 1; index >= 0; index -= 1) if (list[index]!.visibleAt <= at) return list[index]!.inStock;
      return false;
    };
    // What a Meta buyer sees: the fake's visible version, as its products endpoint answers
    // (read in process, not over HTTP: ~7,000 buyers, and the app's own reads are what count).
    const metaShown = (retailerId: string) => world.meta.control.shownItem(world.catalogId, retailerId)?.quantity ?? 0;
    const master = (item: number) => {
      const variant = world.variants[item]!;
      const level = world.shopify.quantities(world.shop, variant.inventoryItemGid, world.locationGid)!;
      return { available: level.available, sellable: level.available + level.safety_stock };
    };
    const deliver = async (due: Delivery[]) => {
      for (let index = 0; index < due.length; index += DELIVERY_CONCURRENCY) {
        const batch = due.slice(index, index + DELIVERY_CONCURRENCY);
        const results = await Promise.all(
          batch.map((delivery) =>
            deliverWebhook(target, { topic: delivery.topic, shopDomain: world.shop, body: delivery.body, eventId: delivery.eventId, triggeredAt: delivery.triggeredAt }),
          ),
        );
        for (const result of results) if (result.status !== 200) failedDeliveries.push(`${result.topic} ${result.status ?? result.error}`);
      }
    };
    const schedule = (at: number, topic: string, payload: unknown, eventId: string) => {
      const base = { topic, body: jsonWithBigInts(payload), eventId, triggeredAt: new Date(at).toISOString() };
      return (deliverAt: number) => queue.push({ ...base, at: deliverAt, seq: seq++ });
    };

    // First pass at the start: full read of Shopify, first pushes.
    await worker.runOnce();
    let buyerIndex = 0;
    let nextSample = startMs;
    const spent = { webhooks: 0, ingest: 0, worker: 0, buyers: 0, samples: 0 };
    let inFlight: Promise<void> = Promise.resolve();
    let mark = performance.now();
    const lap = (key: keyof typeof spent) => {
      const at = performance.now();
      spent[key] += at - mark;
      mark = at;
    };
    const realStart = performance.now();
    const stepLimit = process.env.REHEARSAL_PROFILE_STEPS ? Math.min(steps, Number(process.env.REHEARSAL_PROFILE_STEPS)) : steps;
    for (let step = 0; step < stepLimit; step += 1) {
      const now = startMs + step * stepMs;
      if (clock.now() < now) clock.advance(now - clock.now());
      world.meta.control.setPropagationDelay(expanded.lagMs("meta", now));
      world.google.control.setProcessingDelay(expanded.lagMs("google", now));

      // Webhooks due by now are delivered (concurrently, bounded, as Shopify does) while
      // the worker runs its push / read-back / monitor lanes; the next step's ingest takes
      // them. The app records them meanwhile in its own process, so the two cores work at
      // once. Deterministic: every delivery is answered before the next ingest starts. The
      // price is up to one step (60 s) more between a webhook's arrival and its ingest.
      mark = performance.now();
      await inFlight;
      lap("webhooks");
      await worker.runOnce("ingest");
      lap("ingest");
      queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      let dueCount = 0;
      while (dueCount < queue.length && queue[dueCount]!.at <= now) dueCount += 1;
      inFlight = deliver(queue.splice(0, dueCount));
      await worker.runOnce("rest");
      lap("worker");
      const inserted = world.google.control.insertedBodies;
      for (; insertsSeen < inserted.length; insertsSeen += 1) {
        const body = inserted[insertsSeen] as { offerId?: string; productAttributes?: { availability?: string } };
        const item = offerIndex.get(String(body.offerId).toLowerCase());
        if (item === undefined) continue;
        // As the fake: one offer's inputs are processed in the order received.
        const queueEnd = googleVersions[item]!.reduce((max, version) => Math.max(max, version.visibleAt), -Infinity);
        googleVersions[item]!.push({ visibleAt: Math.max(now + expanded.lagMs("google", now), queueEnd), inStock: body.productAttributes?.availability !== "OUT_OF_STOCK" });
        googleVersions[item]!.sort((a, b) => a.visibleAt - b.visibleAt);
      }

      const stepEnd = now + stepMs;
      while (buyerIndex < buyers.length && buyers[buyerIndex]!.atMs < stepEnd) {
        const buyer = buyers[buyerIndex]!;
        buyerIndex += 1;
        if (clock.now() < buyer.atMs) clock.advance(buyer.atMs - clock.now());
        const item = buyer.variant;
        const variant = world.variants[item]!;
        const { available, sellable } = master(item);
        let shown: number;
        if (buyer.channel === "online_store") shown = Math.max(0, available);
        else if (buyer.channel === "meta") shown = metaShown(variant.metaRetailerId);
        else shown = googleVisible(item, buyer.atMs) ? Number.POSITIVE_INFINITY : 0;
        const checkout = buyer.channel === "online_store" ? "store" : scenario.channels[buyer.channel].checkout;
        const oversoldBefore = accounting.current.oversoldUnits;
        const bought = accounting.buyer(buyer.channel, item, buyer.units, { shown, checkout }, available, sellable, buyer.atMs);
        if (accounting.current.oversoldUnits > oversoldBefore && buyer.channel !== "online_store") {
          // What Ballast had decided and pushed for this item: the oversell's explanation.
          const state = await database.channelItemState.findFirst({
            where: { shop: world.shop, channel: buyer.channel, variantGid: variant.variantGid },
            select: { desired: true, pushed: true, pushedAt: true, confirmed: true, confirmedAt: true, computedAt: true },
          });
          const at = (date: Date | null | undefined) => (date ? `${((date.getTime() - startMs) / 3_600_000).toFixed(3)} h` : "never");
          oversellNotes.push(
            `Oversell at ${((buyer.atMs - startMs) / 3_600_000).toFixed(3)} h on ${buyer.channel} (${variant.sku}): shown ${shown}, sellable ${sellable}; Ballast desired ${state?.desired ?? "?"} (computed ${at(state?.computedAt)}), pushed ${state?.pushed ?? "?"} at ${at(state?.pushedAt)}, last read back ${state?.confirmed ?? "?"} at ${at(state?.confirmedAt)}.`,
          );
        }
        if (bought <= 0) continue;
        if (buyer.channel === "meta" && checkout === "channel") world.meta.control.sell(world.catalogId, variant.metaRetailerId, bought);
        await world.shopify.placeOrder(world.shop, { lines: [{ inventoryItemId: variant.inventoryItemGid, locationId: world.locationGid, quantity: bought }], webhooks: false });

        orderSeq += 1;
        const orderId = 820_000_000_000_000_000n + BigInt(orderSeq);
        const createdAt = new Date(buyer.atMs).toISOString();
        const order = {
          id: orderId,
          admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
          created_at: createdAt,
          updated_at: createdAt,
          name: `#R${orderSeq}`,
          financial_status: "paid",
          fulfillment_status: null,
          source_name: buyer.channel === "online_store" ? "web" : buyer.channel === "meta" ? "facebook" : "web",
          line_items: [
            {
              id: orderId * 10n,
              admin_graphql_api_id: `gid://shopify/LineItem/${orderId * 10n}`,
              variant_id: numeric(variant.variantGid),
              product_id: numeric(variant.productGid),
              sku: variant.sku,
              quantity: bought,
              variant_inventory_management: "shopify",
              fulfillment_status: null,
            },
          ],
        };
        const level = world.shopify.inventoryLevelUpdatePayload(world.shop, variant.inventoryItemGid, world.locationGid);
        const delay = expanded.webhookDelayMs(buyer.atMs, webhookRandom);
        const sendOrder = schedule(buyer.atMs, "orders/create", order, `rehearsal-order-${orderSeq}`);
        const sendLevel = schedule(buyer.atMs, "inventory_levels/update", level, `rehearsal-level-${orderSeq}`);
        const outOfOrder = chaosRandom() < scenario.webhooks.outOfOrderRate;
        const levelDelay = delay + (outOfOrder ? -Math.min(delay, 1_000) : 1_000);
        const orderDelay = delay + (outOfOrder ? 1_000 + Math.round(chaosRandom() * 60_000) : 0);
        sendOrder(buyer.atMs + orderDelay);
        sendLevel(buyer.atMs + levelDelay);
        if (chaosRandom() < scenario.webhooks.duplicateRate) sendOrder(buyer.atMs + orderDelay + expanded.webhookDelayMs(buyer.atMs, webhookRandom));
        if (chaosRandom() < scenario.webhooks.duplicateRate) sendLevel(buyer.atMs + levelDelay + expanded.webhookDelayMs(buyer.atMs, webhookRandom));
      }

      lap("buyers");
      while (nextSample <= stepEnd && nextSample < expanded.endMs) {
        const metaQuantities = world.meta.control.shownQuantities(world.catalogId);
        const shownTotals: PerChannel<number> = { online_store: 0, meta: 0, google: 0 };
        const drift: PerChannel<number> = { online_store: 0, meta: 0, google: 0 };
        let stock = 0;
        for (let item = 0; item < variants.length; item += 1) {
          const { available, sellable } = master(item);
          const positive = Math.max(0, sellable);
          stock += positive;
          const metaQuantity = metaQuantities.get(world.variants[item]!.metaRetailerId) ?? 0;
          const googleInStock = googleVisible(item, nextSample);
          shownTotals.online_store += Math.max(0, available);
          shownTotals.meta += metaQuantity;
          shownTotals.google += googleInStock ? 1 : 0;
          if (metaQuantity > positive) drift.meta += 1;
          if (googleInStock && positive <= 0) drift.google += 1;
        }
        accounting.drift(drift);
        accounting.sample(nextSample, stock, shownTotals);
        nextSample += SAMPLE_EVERY_MS;
      }

      lap("samples");
      if (options.speed && options.speed > 0) {
        const aheadMs = ((now + stepMs - startMs) / options.speed) - (performance.now() - realStart);
        if (aheadMs > 0) await new Promise((resolve) => setTimeout(resolve, aheadMs));
      }
      if (options.progress && (step % 30 === 0 || step === steps - 1)) {
        const current = accounting.current;
        options.progress("adaptive", (step + 1) / steps, `oversold ${current.oversoldUnits} · withheld ${current.withheldUnits} · failed checkouts ${current.failedCheckoutUnits} · webhooks queued ${queue.length}`);
      }
    }
    // Deliver what is still in flight so the app's record ends complete.
    await inFlight;
    await deliver(queue.sort((a, b) => a.at - b.at || a.seq - b.seq).splice(0));

    if (process.env.REHEARSAL_DEBUG) { const counts = new Map<string, number>(); for (const line of world.google.control.requestLines) { const key = line.replace(/[0-9A-Za-z_~-]{20,}/g, "…").slice(0, 80); counts.set(key, (counts.get(key) ?? 0) + 1); } console.log([...counts].sort((a, b) => b[1] - a[1]).slice(0, 8)); }
    const alerts = await database.alert.findMany({ where: { shop: world.shop }, select: { kind: true, openedAt: true }, orderBy: { openedAt: "asc" } });
    const byKind: StrategyResult["alerts"]["byKind"] = {};
    for (const alert of alerts) {
      const entry = (byKind[alert.kind] ??= { count: 0, firstAtHour: Math.round(((alert.openedAt.getTime() - startMs) / 3_600_000) * 100) / 100 });
      entry.count += 1;
    }
    const pushRows = await database.activity.groupBy({ by: ["channel"], where: { shop: world.shop, kind: "quantity_pushed" }, _count: { _all: true } });
    const pushes: PerChannel<number> = { online_store: 0, meta: 0, google: 0 };
    for (const row of pushRows) if (row.channel && row.channel in pushes) pushes[row.channel as keyof PerChannel<number>] = row._count._all;
    const apiCalls = {
      online_store: world.shopify.requests.filter((request) => request.shop === world.shop).length,
      meta: world.meta.control.counters.requests,
      google: world.google.control.counters.requests,
      total: 0,
    };
    accounting.note(
      `Real app over HTTP: ${seq} signed webhook deliveries (${failedDeliveries.length} not answered 200), worker run in-process once per ${scenario.stepSeconds} s step on the shared virtual clock; API calls are every request the app made to each fake (reads included).`,
    );
    accounting.note(`Wall time spent: waiting for webhook answers ${(spent.webhooks / 1000).toFixed(1)} s (deliveries overlap the worker's push lanes), ingest + recompute ${(spent.ingest / 1000).toFixed(1)} s, push / read-back / monitor ${(spent.worker / 1000).toFixed(1)} s, buyers ${(spent.buyers / 1000).toFixed(1)} s, sampling ${(spent.samples / 1000).toFixed(1)} s.`);
    accounting.note(
      `Worker phases: ${[...phaseTimings].sort((a, b) => b[1].ms - a[1].ms).map(([phase, entry]) => `${phase} ${(entry.ms / 1000).toFixed(1)} s/${entry.count}`).join(", ")}.`,
    );
    if (sqlCounts) {
      const line = ([sql, { count, ms }]: [string, { count: number; ms: number }]) => `${(ms / 1000).toFixed(2).padStart(7)} s ${String(count).padStart(7)} ${sql}`;
      const rows = [...sqlCounts];
      const totalCount = rows.reduce((sum, [, entry]) => sum + entry.count, 0);
      const totalMs = rows.reduce((sum, [, entry]) => sum + entry.ms, 0);
      console.log(`SQL by time (all: ${totalCount} statements, ${(totalMs / 1000).toFixed(1)} s in SQLite; query plans: ${queryPlanCacheStats.hits} reused, ${queryPlanCacheStats.misses} compiled)`);
      console.log(rows.sort((a, b) => b[1].ms - a[1].ms).slice(0, 40).map(line).join("\n"));
      const byPhase = new Map<string, { count: number; ms: number }>();
      for (const [key, entry] of rows) {
        const phase = key.slice(0, 20).trim();
        const total = byPhase.get(phase) ?? { count: 0, ms: 0 };
        total.count += entry.count;
        total.ms += entry.ms;
        byPhase.set(phase, total);
      }
      const profileFile = process.env.REHEARSAL_SQL_PROFILE ?? "";
      if (profileFile.endsWith(".json")) writeFileSync(profileFile, JSON.stringify(rows.map(([sql, entry]) => ({ sql, ...entry })), null, 1));
      console.log("SQL by phase");
      console.log([...byPhase].sort((a, b) => b[1].count - a[1].count).map(line).join("\n"));
      console.log("SQL by count");
      console.log(rows.sort((a, b) => b[1].count - a[1].count).slice(0, 40).map(line).join("\n"));
    }
    for (const note of oversellNotes.slice(0, 20)) accounting.note(note);
    if (failedDeliveries.length > 0) accounting.note(`Failed deliveries (first 5): ${failedDeliveries.slice(0, 5).join("; ")}`);
    const tokenStats = world.shopify.tokenStats();
    const shopify = { tokenRefreshes: tokenStats.refreshesGranted, authFailures: tokenStats.unauthorized };
    const result = accounting.finish({ alerts: { total: alerts.length, byKind }, pushes, apiCalls, shopify, wallMs: Math.round(performance.now() - started) });
    return { result, app, world, database, close };
  } catch (error) {
    await close();
    throw error;
  }
}

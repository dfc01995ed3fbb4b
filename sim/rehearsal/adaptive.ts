/**
 * Ballast adaptive, for real: the production build served by server.mjs (`npm start`) on a fresh
 * SQLite file (WORKER_MODE=external), the Shopify, Meta and Google fakes, and the sync
 * worker run here, once per simulated step, on a virtual clock shared with the fakes.
 * Every order reaches the app as correctly signed webhooks over HTTP (delayed,
 * sometimes duplicated or out of order, per the scenario); buyers see what the fakes
 * show (Meta's visible version of each item, Google as the fake processes inserts).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { createDatabase, type Database } from "~/db.server";
import { CHANNELS, compileRuleSet, ruleSetSchema, shopChannelSettingsSchema, type RuleSet } from "~/domain";
import type { ShopSetup } from "~/rehearsal/settings-strategy";
import { saveRule } from "~/rules/rule-store.server";
import { logger } from "~/logger.server";
import { SyncWorker } from "../../app/worker/worker.server";
import { startAppServer, type RunningApp } from "../app-server";
import { VirtualClock } from "../fakes/meta/clock";
import { installShop, worldConnectors } from "../install-shop";
import { startWorld, type World } from "../world";
import { AdaptiveDay } from "./adaptive-day";
import { Accounting, type AlertEvent, type PerChannel, type StrategyResult } from "~/rehearsal/metrics";
import { stream } from "~/rehearsal/random";
import type { Buyer, ExpandedScenario } from "~/rehearsal/scenario";
import type { ProgressReporter } from "~/rehearsal/channel-model";
import { printSqlProfile, setProfiledPhase, sqlProfile, type SqlCounts } from "./sql-profile";

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

/**
 * The HTTP run's shop as the in-process "your settings" strategy takes it (`--in-process`):
 * ADAPTIVE_RULES as shop defaults, default channel settings, each channel's checkout place
 * as the scenario says (what prepareShop stores).
 */
export function adaptiveSetup(expanded: ExpandedScenario, rules: RuleSet = ADAPTIVE_RULES): ShopSetup {
  const { channels } = expanded.scenario;
  return {
    rules: compileRuleSet(rules),
    settings: shopChannelSettingsSchema.parse({
      meta: { checkoutOn: channels.meta.checkout },
      google: { checkoutOn: channels.google.checkout },
    }),
  };
}

export const REHEARSAL_API_KEY = "ballast-rehearsal-api-key";
export const REHEARSAL_API_SECRET = "ballast-rehearsal-api-secret";
const ENCRYPTION_KEY = Buffer.alloc(32, 11);
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

function migrate(databaseUrl: string): void {
  execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "migrate", "deploy"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
}

/** A fresh, migrated SQLite file; its URL. */
function prepareDatabaseFile(databaseFile: string): string {
  mkdirSync(path.dirname(databaseFile), { recursive: true });
  const databaseUrl = `file:${path.resolve(databaseFile)}`;
  migrate(databaseUrl);
  return databaseUrl;
}

async function openDatabase(databaseUrl: string): Promise<Database> {
  const database = createDatabase(databaseUrl);
  // A rehearsal database is scratch: WAL (kept in the file, so the server uses it too) and
  // no fsync per commit, or the run measures the disk instead of the app.
  await database.$queryRawUnsafe("PRAGMA journal_mode=WAL");
  await database.$executeRawUnsafe("PRAGMA synchronous=NORMAL");
  // The app records webhooks while this process's worker writes: wait for the lock, never fail.
  await database.$queryRawUnsafe("PRAGMA busy_timeout=10000");
  return database;
}

/** The fakes on the scenario's catalog, stock and starting lags, on the shared virtual clock. */
async function startRehearsalWorld(expanded: ExpandedScenario, clock: VirtualClock): Promise<World> {
  const { variants, startMs } = expanded;
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
  // The scenario's outages: the fakes apply nothing while one lasts, as the in-process model.
  world.meta.control.setOutages(expanded.outages.meta);
  world.google.control.setOutages(expanded.outages.google);
  return world;
}

/** The production build on the rehearsal database, pointed at the world; the worker runs here, not in the server. */
function startRehearsalApp(databaseUrl: string, world: World): Promise<RunningApp> {
  return startAppServer({
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
}

/** The shop installed with the strategy's rules as shop defaults; then the dashboard link. */
async function prepareShop(
  database: Database,
  world: World,
  app: RunningApp,
  options: AdaptiveOptions,
  expanded: ExpandedScenario,
): Promise<void> {
  await installShop(database, world, ENCRYPTION_KEY);
  // Where each channel's buyers check out, as the merchant sets it on the Channels page:
  // the engine guards the channels that take orders themselves.
  for (const channel of ["meta", "google"] as const) {
    await database.channelConnection.update({
      where: { shop_channel: { shop: world.shop, channel } },
      data: { settings: { checkoutOn: expanded.scenario.channels[channel].checkout } },
    });
  }
  const rules = options.rules ?? ADAPTIVE_RULES;
  for (const channel of CHANNELS) {
    const rule = rules.shopDefaults[channel];
    if (rule) await saveRule(database, { shop: world.shop, channel, scope: "shop", rule });
  }
  options.onReady?.({ url: app.url, shop: world.shop, apiKey: REHEARSAL_API_KEY, secret: REHEARSAL_API_SECRET });
}

function rehearsalWorker(context: {
  expanded: ExpandedScenario;
  world: World;
  database: Database;
  clock: VirtualClock;
  phaseTimings: Map<string, { ms: number; count: number }>;
  profiling: boolean;
}): SyncWorker {
  const { expanded, world, database, clock, phaseTimings } = context;
  // This process's worker delivers alerts: a webhook set on the rehearsal's dashboard points
  // at a receiver on this machine, which production refuses (app/security/webhook-address.ts).
  process.env.BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS ??= "1";
  return new SyncWorker({
    phaseTimings,
    ...(context.profiling ? { onPhase: setProfiledPhase } : {}),
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
}

/** REHEARSAL_DEBUG: the Google fake's most frequent request lines. */
function printGoogleRequests(world: World): void {
  const counts = new Map<string, number>();
  for (const line of world.google.control.requestLines) {
    const key = line.replace(/[0-9A-Za-z_~-]{20,}/g, "…").slice(0, 80);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  console.log([...counts].sort((a, b) => b[1] - a[1]).slice(0, 8));
}

/** Alerts opened during the day, by kind, with the hour of the first. */
async function alertSummary(database: Database, world: World, startMs: number): Promise<StrategyResult["alerts"]> {
  const alerts = await database.alert.findMany({
    where: { shop: world.shop },
    select: { kind: true, channel: true, openedAt: true },
    orderBy: { openedAt: "asc" },
  });
  const byKind: StrategyResult["alerts"]["byKind"] = {};
  const events: AlertEvent[] = [];
  for (const alert of alerts) {
    const atHour = Math.round(((alert.openedAt.getTime() - startMs) / 3_600_000) * 1000) / 1000;
    const entry = (byKind[alert.kind] ??= { count: 0, firstAtHour: Math.round(atHour * 100) / 100 });
    entry.count += 1;
    events.push({ kind: alert.kind, channel: alert.channel, atHour });
  }
  return { total: alerts.length, byKind, events };
}

/** Quantities the app recorded as pushed, per channel. */
async function pushCounts(database: Database, world: World): Promise<PerChannel<number>> {
  const pushRows = await database.activity.groupBy({
    by: ["channel"],
    where: { shop: world.shop, kind: "quantity_pushed" },
    _count: { _all: true },
  });
  const pushes: PerChannel<number> = { online_store: 0, meta: 0, google: 0 };
  for (const row of pushRows)
    if (row.channel && row.channel in pushes) pushes[row.channel as keyof PerChannel<number>] = row._count._all;
  return pushes;
}

/** Every request the app made to each fake (reads included). */
function apiCallCounts(world: World): StrategyResult["apiCalls"] {
  return {
    online_store: world.shopify.requests.filter((request) => request.shop === world.shop).length,
    meta: world.meta.control.counters.requests,
    google: world.google.control.counters.requests,
    total: 0,
  };
}

/** The run's notes, its counts from the database and the fakes, and the result. */
async function collectResult(
  accounting: Accounting,
  run: {
    day: AdaptiveDay;
    expanded: ExpandedScenario;
    world: World;
    database: Database;
    phaseTimings: Map<string, { ms: number; count: number }>;
    sqlCounts: SqlCounts | null;
    started: number;
  },
): Promise<StrategyResult> {
  const { day, expanded, world, database, phaseTimings, sqlCounts } = run;
  if (process.env.REHEARSAL_DEBUG) printGoogleRequests(world);
  const alerts = await alertSummary(database, world, expanded.startMs);
  const pushes = await pushCounts(database, world);
  const apiCalls = apiCallCounts(world);
  const failed = day.webhooks.failed;
  const spent = day.times.spent;
  accounting.note(
    `Real app over HTTP: ${day.webhooks.scheduled} signed webhook deliveries (${failed.length} not answered 200), worker run in-process once per ${expanded.scenario.stepSeconds} s step on the shared virtual clock; API calls are every request the app made to each fake (reads included).`,
  );
  accounting.note(
    `Wall time spent: waiting for webhook answers ${(spent.webhooks / 1000).toFixed(1)} s (deliveries overlap the worker's push lanes), ingest + recompute ${(spent.ingest / 1000).toFixed(1)} s, push / read-back / monitor ${(spent.worker / 1000).toFixed(1)} s, buyers ${(spent.buyers / 1000).toFixed(1)} s, sampling ${(spent.samples / 1000).toFixed(1)} s.`,
  );
  accounting.note(
    `Worker phases: ${[...phaseTimings]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([phase, entry]) => `${phase} ${(entry.ms / 1000).toFixed(1)} s/${entry.count}`)
      .join(", ")}.`,
  );
  if (sqlCounts) printSqlProfile(sqlCounts);
  for (const note of day.oversellNotes.slice(0, 20)) accounting.note(note);
  if (failed.length > 0) accounting.note(`Failed deliveries (first 5): ${failed.slice(0, 5).join("; ")}`);
  const tokenStats = world.shopify.tokenStats();
  const shopify = { tokenRefreshes: tokenStats.refreshesGranted, authFailures: tokenStats.unauthorized };
  return accounting.finish({ alerts, pushes, apiCalls, shopify, wallMs: Math.round(performance.now() - run.started) });
}

export async function runAdaptive(
  expanded: ExpandedScenario,
  buyers: readonly Buyer[],
  options: AdaptiveOptions,
): Promise<AdaptiveRun> {
  const started = performance.now();
  const databaseUrl = prepareDatabaseFile(options.databaseFile);
  const sqlCounts = sqlProfile();
  const database = await openDatabase(databaseUrl);
  const clock = new VirtualClock(expanded.startMs);
  const world = await startRehearsalWorld(expanded, clock);
  const app = await startRehearsalApp(databaseUrl, world);
  const close = async () => {
    await app.stop();
    await world.close();
    await database.$disconnect();
  };

  try {
    await prepareShop(database, world, app, options, expanded);
    // The worker's info lines (one per batch) would drown the progress and cost time.
    logger.level = process.env.LOG_LEVEL ?? "warn";
    const phaseTimings = new Map<string, { ms: number; count: number }>();
    const worker = rehearsalWorker({ expanded, world, database, clock, phaseTimings, profiling: sqlCounts !== null });
    const accounting = new Accounting("adaptive", "http", expanded.variants, expanded.startMs);
    const target = { url: `${app.url}/webhooks/stock`, secret: REHEARSAL_API_SECRET, timeoutMs: 10_000 };
    const day = new AdaptiveDay({ expanded, buyers, world, database, worker, clock, accounting, target });
    await day.run(options);
    const result = await collectResult(accounting, {
      day,
      expanded,
      world,
      database,
      phaseTimings,
      sqlCounts,
      started,
    });
    return { result, app, world, database, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Webhook ingest, three ways, under the same load on this machine:
 *  - bare: a Node server that only checks the HMAC and answers (the physical limit);
 *  - ballast: the production build (`npm start`): verify, record once, answer;
 *  - naive: verify, then apply the event and recompute inline before answering.
 * Then webhook → desired decision latency with the in-process worker, and Meta batch
 * calls per 1,000 orders with coalescing (simulated clock). Prints one JSON line.
 * With `--only ingest`: bare and Ballast answers only (no naive server, decision, Meta);
 * with `--only meta`: the Meta calls only (about a minute, no server).
 */
import { nearestRank } from "~/domain/percentile";
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { DEFAULT_CHANNEL_TIMING } from "~/domain";
import { SyncWorker } from "../app/worker/worker.server";
import { recordWebhookEvent } from "../app/ingest/webhook-event.server";
import { startWorld } from "../sim/world";
import { installShop, worldConnectors } from "../sim/install-shop";
import { freePort, startAppServer } from "../sim/app-server";
import { createTestDatabase } from "../tests/support/database";
import { signedWebhook, testServerEnv, TEST_API_SECRET, TEST_ENCRYPTION_KEY } from "../tests/support/shopify";
import { runLoad, type PreparedRequest } from "./load";

const REQUESTS = Number(process.env.BENCH_INGEST_REQUESTS ?? 6_000);
const CONCURRENCY = 32;
const SHOP = "bench-ingest.myshopify.com";
const ONLY_INGEST = process.argv.slice(2).join(" ") === "--only ingest";
const ONLY_META = process.argv.slice(2).join(" ") === "--only meta";

function orderWebhooks(count: number, path: string): PreparedRequest[] {
  return Array.from({ length: count }, (_, index) => {
    const body = `{"id":${800000 + index},"created_at":"${new Date().toISOString()}","source_name":"web","line_items":[{"variant_id":${1000 + (index % 200)},"quantity":1}]}`;
    const webhook = signedWebhook({ topic: "orders/create", shop: SHOP, body, eventId: randomUUID() });
    return { path, headers: webhook.headers, body: webhook.body };
  });
}

async function startProcess(
  command: string[],
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, command, {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) if (line.includes("ready")) break;
  return { url: `http://127.0.0.1:${port}`, child };
}

async function stop(child: ChildProcess) {
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
}

async function measureIngest() {
  // bare
  const bare = await startProcess(["bench/bare-server.mjs"], { SHOPIFY_API_SECRET: TEST_API_SECRET });
  await runLoad(bare.url, orderWebhooks(500, "/"), CONCURRENCY);
  const bareResult = await runLoad(bare.url, orderWebhooks(REQUESTS, "/"), CONCURRENCY);
  await stop(bare.child);

  // ballast (production build, worker elsewhere: this measures the answer path)
  const appDatabase = await createTestDatabase();
  await appDatabase.database.session.create({
    data: {
      id: `offline_${SHOP}`,
      shop: SHOP,
      state: "",
      isOnline: false,
      scope: "read_products",
      accessToken: "shpat_bench",
    },
  });
  const app = await startAppServer(
    testServerEnv({ DATABASE_URL: appDatabase.url, WORKER_MODE: "external", LOG_LEVEL: "error" }),
  );
  await runLoad(app.url, orderWebhooks(500, "/webhooks/stock"), CONCURRENCY);
  const ballastResult = await runLoad(app.url, orderWebhooks(REQUESTS, "/webhooks/stock"), CONCURRENCY);
  await app.stop();
  // Every 200 must mean a stored row.
  const stored = await appDatabase.database.webhookEvent.count({ where: { shop: SHOP } });
  if (stored !== 500 + REQUESTS - ballastResult.non2xx)
    throw new Error(
      `${stored} webhook rows stored for ${500 + REQUESTS} deliveries (${ballastResult.non2xx} not answered 2xx)`,
    );
  await appDatabase.drop();

  if (ONLY_INGEST) return { bare: bareResult, ballast: ballastResult, naive: null };

  // naive (work inline)
  const naiveDatabase = await createTestDatabase();
  const naive = await startProcess(["--import", "tsx", "bench/naive-server.ts"], {
    SHOPIFY_API_SECRET: TEST_API_SECRET,
    DATABASE_URL: naiveDatabase.url,
  });
  const naiveResult = await runLoad(naive.url, orderWebhooks(Math.min(REQUESTS, 2_000), "/"), CONCURRENCY);
  await stop(naive.child);
  await naiveDatabase.drop();

  return { bare: bareResult, ballast: ballastResult, naive: naiveResult };
}

/**
 * Order webhooks at a steady rate into the running app. Decision latency: from the
 * webhook's receipt to the first Online Store decision (a ChannelItemState computedAt) for
 * its variant at or after it. Later recomputes overwrite computedAt, so the rows are read
 * every 25 ms during the run and every computedAt seen is kept; a decision overwritten
 * within 25 ms is missed and a later one counted instead (the figure errs high, not low).
 */
async function measureDecisionLatency() {
  const testDatabase = await createTestDatabase();
  const world = await startWorld({ variants: 50, stockPerVariant: () => 1_000 });
  await installShop(testDatabase.database, world, Buffer.from(TEST_ENCRYPTION_KEY, "base64"));
  const app = await startAppServer(
    testServerEnv({
      DATABASE_URL: testDatabase.url,
      WORKER_MODE: "inprocess",
      SYNC_IDLE_MS: "20",
      LOG_LEVEL: "error",
      ...world.env,
    }),
  );
  const { database } = testDatabase;
  // Let the first full read and the first decisions finish.
  while ((await database.channelItemState.count({ where: { shop: world.shop, channel: "online_store" } })) < 50) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const decisionsSeen = new Map<string, Set<number>>();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const rows = await database.channelItemState.findMany({
        where: { shop: world.shop, channel: "online_store" },
        select: { variantGid: true, computedAt: true },
      });
      for (const row of rows) {
        const seen = decisionsSeen.get(row.variantGid) ?? new Set<number>();
        seen.add(row.computedAt.getTime());
        decisionsSeen.set(row.variantGid, seen);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();

  const orders = 300;
  for (let index = 0; index < orders; index++) {
    const variant = world.variants[index % world.variants.length]!;
    const body = `{"id":${600000 + index},"created_at":"${new Date().toISOString()}","line_items":[{"variant_id":${variant.variantGid.split("/").pop()},"quantity":1}]}`;
    const webhook = signedWebhook({ topic: "orders/create", shop: world.shop, body, eventId: `decision-${index}` });
    await fetch(`${app.url}/webhooks/stock`, { method: "POST", headers: webhook.headers, body: webhook.body });
    await new Promise((resolve) => setTimeout(resolve, 20)); // ~50 orders/s
  }
  while ((await database.webhookEvent.count({ where: { shop: world.shop, processedAt: null } })) > 0) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  sampling = false;
  await sampler;
  const events = await database.webhookEvent.findMany({
    where: { shop: world.shop },
    select: { receivedAt: true, payload: true },
  });
  const gidOf = new Map(world.variants.map((variant) => [variant.variantGid.split("/").pop()!, variant.variantGid]));
  const latencies: number[] = [];
  for (const event of events) {
    const variantGid = gidOf.get(/"variant_id":(\d+)/.exec(event.payload)?.[1] ?? "");
    const after = [...(decisionsSeen.get(variantGid ?? "") ?? [])].filter((time) => time >= event.receivedAt.getTime());
    if (after.length === 0) continue;
    latencies.push(Math.min(...after) - event.receivedAt.getTime());
  }
  await app.stop();
  await world.close();
  await testDatabase.drop();
  latencies.sort((a, b) => a - b);
  return {
    orders,
    measured: latencies.length,
    p50Ms: nearestRank(latencies, 0.5),
    p99Ms: nearestRank(latencies, 0.99),
  };
}

/** 1,000 orders over 30 simulated minutes; Meta pushes coalesce (one batch call per push interval, sell-outs at once). */
async function measureMetaCalls() {
  const testDatabase = await createTestDatabase();
  const world = await startWorld({ variants: 200, stockPerVariant: () => 500 });
  const key = Buffer.from(TEST_ENCRYPTION_KEY, "base64");
  await installShop(testDatabase.database, world, key);
  let now = Date.now();
  const worker = new SyncWorker({
    database: testDatabase.database,
    provider: testDatabase.provider,
    clock: () => new Date(now),
    random: () => 0.5,
    connectors: worldConnectors(world, testDatabase.database, key),
  });
  await worker.runOnce(); // first full read and first push of every item
  const before = world.meta.control.counters.itemsBatchCalls;
  const orders = 1_000;
  const stepMs = 5_000;
  const perStep = Math.ceil(orders / ((30 * 60_000) / stepMs));
  let placed = 0;
  while (placed < orders) {
    for (let index = 0; index < perStep && placed < orders; index++, placed++) {
      const variant = world.variants[placed % world.variants.length]!;
      await recordWebhookEvent(testDatabase.database, {
        shop: world.shop,
        topic: "orders/create",
        webhookId: `m-${placed}`,
        eventId: `meta-calls-${placed}`,
        apiVersion: "2026-10",
        triggeredAt: null,
        rawBody: `{"id":${400000 + placed},"created_at":"${new Date(now).toISOString()}","line_items":[{"variant_id":${variant.variantGid.split("/").pop()},"quantity":1}]}`,
      });
    }
    now += stepMs;
    await worker.runOnce();
  }
  now += 120_000;
  await worker.runOnce();
  const calls = world.meta.control.counters.itemsBatchCalls - before;
  // Differences still waiting for a call (within slack) are not free: keep going, a minute at
  // a time, until Meta is told everything, and count those calls too.
  const differing = () =>
    testDatabase.database.channelItemState.count({
      where: {
        shop: world.shop,
        channel: "meta",
        NOT: { pushed: { equals: testDatabase.database.channelItemState.fields.desired } },
      },
    });
  const pendingAtEnd = await differing();
  let minutesToConverge = 0;
  while ((await differing()) > 0 && minutesToConverge < 30) {
    now += 60_000;
    minutesToConverge += 1;
    await worker.runOnce();
  }
  const callsUntilConverged = world.meta.control.counters.itemsBatchCalls - before;
  await world.close();
  await testDatabase.drop();
  return {
    orders,
    simulatedMinutes: 30,
    pushIntervalMs: DEFAULT_CHANNEL_TIMING.meta.pushIntervalMs,
    batchCalls: calls,
    callsPer1000Orders: Math.round((calls / orders) * 1000 * 10) / 10,
    pendingAtEnd,
    callsUntilConverged,
    minutesToConverge,
  };
}

const ingest = ONLY_META ? undefined : await measureIngest();
const decision = ONLY_INGEST || ONLY_META ? undefined : await measureDecisionLatency();
const meta = ONLY_INGEST ? undefined : await measureMetaCalls();
process.stdout.write(
  `${JSON.stringify({
    ingest: ingest && {
      throughputPerSec: ingest.ballast.throughputPerSec,
      p99AckMs: ingest.ballast.p99Ms,
      p50AckMs: ingest.ballast.p50Ms,
      bareThroughputPerSec: ingest.bare.throughputPerSec,
      bareP99Ms: ingest.bare.p99Ms,
      ...(ingest.naive ? { naiveThroughputPerSec: ingest.naive.throughputPerSec, naiveP99Ms: ingest.naive.p99Ms } : {}),
      shareOfBare: Math.round((ingest.ballast.throughputPerSec / ingest.bare.throughputPerSec) * 100) / 100,
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      non2xx: ingest.ballast.non2xx,
    },
    decision,
    meta,
  })}\n`,
);

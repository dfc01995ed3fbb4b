// @database
/**
 * Two worker processes on one PostgreSQL database never write the same (channel, item) at
 * the same time. Each is the production entry (`npm run worker`, app/worker/worker-main.ts)
 * running all its lanes; only its base URLs differ: each process reaches Shopify and Meta
 * (and Google) through its own recording proxy, so every write on the wire is known to
 * come from one process, and the proxies share one record of what is in flight.
 *
 * Writes are slower than the lease TTL here, as a Meta batch polled for minutes or a
 * throttled Shopify are in production: a lease that lapsed mid-push would let the other
 * process push the same items. Orders arrive as signed webhooks from the fake Shopify
 * while both processes push, so both have work and take the lanes from each other.
 *
 * PostgreSQL only: it is where several worker processes are supported (SQLite is the
 * single-process default; the in-process variant, two-workers.server.test.ts, runs on both).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { appendFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorld, type World } from "../../sim/world";
import { installShop } from "../../sim/install-shop";
import { createTestDatabase, testDatabaseProvider, type TestDatabase } from "../../tests/support/database";
import { finishBulkAtOnce } from "../../tests/support/instant-waits";
import { testServerEnv, TEST_API_SECRET, TEST_ENCRYPTION_KEY } from "../../tests/support/shopify";
import { forwardedHeaders, readBody, startWebhookReceiver, stopProcess } from "../../tests/support/worker-processes";

const VARIANTS = 8;
const STOCK = 500;
const LEASE_TTL_MS = 1_500;
/** Longer than the lease TTL: a push outlives the lease it started under unless renewed. */
const SHOPIFY_WRITE_DELAY_MS = 2_000;
/** Plus the connector's first status poll 2 s later: a Meta push takes about 3 s. */
const META_WRITE_DELAY_MS = 800;
const FEED_ROUNDS = { min: 14, max: 40 };
const WORKER_INDEXES = [0, 1] as const;
type Worker = (typeof WORKER_INDEXES)[number];
type Channel = "online_store" | "meta" | "google";

interface Write {
  worker: Worker;
  channel: Channel;
  items: string[];
}

const onPostgres = testDatabaseProvider() === "postgresql";

let testDatabase: TestDatabase;
let world: World;
let receiver: Server;
const proxies: Server[] = [];
const children: ChildProcess[] = [];
const outputs: string[] = ["", ""];
const owners: Promise<string>[] = [];

// What the proxies saw.
const inFlight = new Map<string, Set<Write>>();
const overlaps: { channel: Channel; item: string; workers: Worker[] }[] = [];
const leaseViolations: { worker: Worker; channel: Channel; owner: string | null; expiresInMs: number | null }[] = [];
const writeCounts: Record<Channel, number>[] = WORKER_INDEXES.map(() => ({ online_store: 0, meta: 0, google: 0 }));
const writersOf = new Map<string, Set<Worker>>();
/** Meta batches sent and not yet seen finished, by worker and handle. */
const metaBatches = new Map<string, Write>();

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function begin(worker: Worker, channel: Channel, items: string[]): Write {
  const write: Write = { worker, channel, items: [...new Set(items)] };
  writeCounts[worker]![channel] += 1;
  for (const item of write.items) {
    const key = `${channel}|${item}`;
    const open = inFlight.get(key) ?? new Set();
    if (open.size > 0) overlaps.push({ channel, item, workers: [...open].map((other) => other.worker).concat(worker) });
    open.add(write);
    inFlight.set(key, open);
    const writers = writersOf.get(key) ?? new Set();
    writers.add(worker);
    writersOf.set(key, writers);
  }
  return write;
}

/** Ends a write, first checking that its worker still held the channel's lease. */
async function end(write: Write): Promise<void> {
  const owner = `${await owners[write.worker]!}/${write.channel}`;
  const lease = await testDatabase.database.channelLease.findUnique({
    where: { shop_channel: { shop: world.shop, channel: write.channel } },
  });
  const expiresInMs = lease ? lease.expiresAt.getTime() - Date.now() : null;
  if (lease?.owner !== owner || expiresInMs === null || expiresInMs <= 0) {
    leaseViolations.push({ worker: write.worker, channel: write.channel, owner: lease?.owner ?? null, expiresInMs });
  }
  for (const item of write.items) inFlight.get(`${write.channel}|${item}`)?.delete(write);
}

/** One worker's way to Shopify, Meta and Google: forwards everything, records the writes. */
async function startProxy(worker: Worker): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const url = new URL(request.url ?? "/", "http://proxy");
      const upstream = url.pathname.startsWith("/admin/")
        ? world.shopify.url
        : url.pathname.startsWith("/v26.0/")
          ? world.meta.url
          : world.google.url;
      let write: Write | null = null;
      if (request.method === "POST") {
        const json = parseJson(body.toString("utf8")) as Record<string, unknown> | null;
        if (upstream === world.shopify.url) {
          const changes =
            (json?.variables as { input?: { changes?: { inventoryItemId?: string }[] } } | undefined)?.input?.changes ??
            [];
          const items = changes.flatMap((change) => (change.inventoryItemId ? [change.inventoryItemId] : []));
          if (items.length > 0) write = begin(worker, "online_store", items);
        } else if (url.pathname.endsWith("/items_batch")) {
          const requests = (json?.requests as { data?: { id?: string } }[] | undefined) ?? [];
          write = begin(
            worker,
            "meta",
            requests.flatMap((entry) => (entry.data?.id ? [entry.data.id] : [])),
          );
        } else if (url.pathname.endsWith("productInputs:insert") && typeof json?.offerId === "string") {
          write = begin(worker, "google", [json.offerId]);
        }
      }
      const answer = await fetch(`${upstream}${request.url}`, {
        method: request.method,
        headers: forwardedHeaders(request.headers),
        ...(request.method === "GET" || request.method === "HEAD" ? {} : { body: body.toString("utf8") }),
      });
      const text = await answer.text();
      // A slow answer: the write stays in flight for the sender until it arrives.
      const slowMs =
        write?.channel === "online_store"
          ? SHOPIFY_WRITE_DELAY_MS
          : write?.channel === "meta"
            ? META_WRITE_DELAY_MS
            : 0;
      if (slowMs > 0) await new Promise((resolve) => setTimeout(resolve, slowMs));
      if (write?.channel === "meta") {
        // A Meta write lasts until its batch is seen finished: Meta applies it asynchronously.
        const handle = (parseJson(text) as { handles?: string[] } | null)?.handles?.[0];
        if (answer.ok && handle) metaBatches.set(`${worker}|${handle}`, write);
        else await end(write);
      } else if (write) {
        await end(write);
      }
      if (url.pathname.endsWith("/check_batch_request_status")) {
        const key = `${worker}|${url.searchParams.get("handle")}`;
        const status = (parseJson(text) as { data?: { status?: string }[] } | null)?.data?.[0]?.status;
        const sent = metaBatches.get(key);
        if (sent && (status === "finished" || status === "error" || status === "canceled")) {
          metaBatches.delete(key);
          await end(sent);
        }
      }
      const headers: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!["content-length", "content-encoding", "transfer-encoding", "connection"].includes(name))
          headers[name] = value;
      });
      response.writeHead(answer.status, headers);
      response.end(text);
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502);
      response.end(String(error));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}` };
}

function startWorker(worker: Worker, proxyUrl: string): void {
  const child = spawn(process.execPath, ["--import", "tsx", "app/worker/worker-main.ts"], {
    env: {
      NODE_ENV: "production",
      PATH: process.env.PATH ?? "",
      ...testServerEnv({
        DATABASE_URL: testDatabase.url,
        WORKER_MODE: "external",
        SYNC_IDLE_MS: "100",
        SYNC_PUSH_INTERVALS: "online_store=0,meta=0,google=0",
        SYNC_LEASE_TTL_MS: String(LEASE_TTL_MS),
        SHOPIFY_ADMIN_API_BASE_URL: proxyUrl,
        META_GRAPH_BASE_URL: proxyUrl,
        GOOGLE_MERCHANT_BASE_URL: proxyUrl,
        GOOGLE_OAUTH_TOKEN_URL: `${world.google.url}/token`,
      }),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  owners[worker] = new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      outputs[worker] += chunk.toString();
      const started = /"owner":"(worker-[0-9a-f-]+)"[^\n]*"msg":"sync worker started"/.exec(outputs[worker]!);
      if (started) resolve(started[1]!);
    });
    child.once("exit", (code) => reject(new Error(`worker ${worker} exited (${code}):\n${outputs[worker]}`)));
  });
  // Never an unhandled rejection: the test awaits it, and reports the exit there.
  owners[worker].catch(() => undefined);
  child.stderr!.on("data", (chunk: Buffer) => (outputs[worker] += chunk.toString()));
  // Everything the worker wrote joins the suite's log scan (tests/support/log-capture.ts).
  const captureFolder = process.env.BALLAST_LOG_CAPTURE_DIR;
  if (captureFolder)
    child.once("exit", () =>
      appendFileSync(path.join(captureFolder, `worker-${child.pid ?? 0}.log`), outputs[worker]!),
    );
  children[worker] = child;
}

/** Waits until `differences` finds none; on timeout, says what still differed. */
async function waitFor(differences: () => Promise<string[]>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let left = await differences(); left.length > 0; left = await differences()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; still:\n${left.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What keeps the shop from being converged: every row pushed as decided, every channel showing it. */
async function unconverged(): Promise<string[]> {
  const { database } = testDatabase;
  const pending = await database.webhookEvent.count({ where: { shop: world.shop, processedAt: null } });
  if (pending > 0) return [`${pending} webhook events not processed`];
  const states = await database.channelItemState.findMany({ where: { shop: world.shop } });
  if (states.length < VARIANTS * 3) return [`${states.length} of ${VARIANTS * 3} channel rows`];
  return states.flatMap((state) => {
    const row = `${state.channel} ${state.itemKey}: desired ${state.desired}, pushed ${state.pushed}`;
    if (state.pushed !== state.desired || state.parkedAt !== null)
      return [`${row}, parked ${String(state.parkedAt)}, last error ${state.lastError ?? "none"}`];
    const shown = shownOn(state.channel as Channel, state.itemKey);
    const expected = state.channel === "google" ? (state.desired === 0 ? "OUT_OF_STOCK" : "IN_STOCK") : state.desired;
    return shown === expected ? [] : [`${row}, shown ${String(shown)}`];
  });
}

function shownOn(channel: Channel, itemKey: string): number | string | undefined {
  if (channel === "online_store") {
    const [inventoryItem, location] = itemKey.split("|");
    return world.shopify.quantities(world.shop, inventoryItem!, location!)?.available;
  }
  if (channel === "meta") return world.meta.control.trueItem(world.catalogId, itemKey)?.quantity;
  return world.google.control.trueProduct(itemKey)?.availability;
}

/** The last units sold elsewhere (POS, say): Shopify's level update is all Ballast hears. */
async function sellOut(inventoryItemGid: string): Promise<void> {
  world.shopify.setQuantities(world.shop, inventoryItemGid, world.locationGid, { available: 0 });
  await world.shopify.sendWebhook(
    world.shop,
    "inventory_levels/update",
    world.shopify.inventoryLevelUpdatePayload(world.shop, inventoryItemGid, world.locationGid),
  );
}

function bothPushed(channel: Channel): boolean {
  return WORKER_INDEXES.every((worker) => writeCounts[worker]![channel] > 0);
}

describe.skipIf(!onPostgres)("two worker processes on PostgreSQL", () => {
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    const webhooks = await startWebhookReceiver(testDatabase.database);
    receiver = webhooks.server;
    world = await startWorld({
      variants: VARIANTS,
      stockPerVariant: () => STOCK,
      webhooks: { url: webhooks.url, secret: TEST_API_SECRET },
    });
    // The first full read's bulk operation is done by its first status read: no one-second poll.
    finishBulkAtOnce(world);
    await installShop(testDatabase.database, world, Buffer.from(TEST_ENCRYPTION_KEY, "base64"));
    for (const worker of WORKER_INDEXES) {
      const proxy = await startProxy(worker);
      proxies.push(proxy.server);
      startWorker(worker, proxy.url);
    }
    await Promise.all(owners);
  });

  afterAll(async () => {
    await Promise.all(children.map(stopProcess));
    for (const server of [...proxies, receiver]) server?.close();
    await world?.close();
    await testDatabase?.drop();
  });

  it(
    "never push the same (channel, item) at once, both push, and the channels converge",
    { timeout: 150_000 },
    async () => {
      // As after an install: the first full read of Shopify, then every channel brought in line.
      await waitFor(unconverged, "the first full read and pushes", 30_000);
      // Orders keep coming while both processes push: whoever releases a lane finds the
      // other waiting for it. Two items sell out, which gives Google work too.
      for (let round = 0; round < FEED_ROUNDS.max; round++) {
        if (round >= FEED_ROUNDS.min && bothPushed("online_store") && bothPushed("meta")) break;
        const variant = world.variants[round % 6]!;
        await world.shopify.placeOrder(world.shop, {
          lines: [
            { inventoryItemId: variant.inventoryItemGid, locationId: world.locationGid, quantity: 1 + (round % 3) },
          ],
          webhooks: true,
        });
        if (round === 3) await sellOut(world.variants[6]!.inventoryItemGid);
        if (round === 9) await sellOut(world.variants[7]!.inventoryItemGid);
        // Pacing only: a few orders per push. Nothing is asserted on time.
        await new Promise((resolve) => setTimeout(resolve, 400));
      }

      await waitFor(unconverged, "every channel to show what was decided", 75_000);
      expect(overlaps).toEqual([]);
      expect(leaseViolations).toEqual([]);
      // Nothing left in flight, so every write was checked against the lease.
      expect(metaBatches.size).toBe(0);
      expect([...inFlight.values()].every((open) => open.size === 0)).toBe(true);
      // Both processes did the work: each wrote the Online Store and Meta, and the same
      // items went out from both (each waited for the other's lease on them).
      expect(bothPushed("online_store") && bothPushed("meta"), JSON.stringify(writeCounts)).toBe(true);
      for (const channel of ["online_store", "meta"] as const) {
        const shared = [...writersOf].filter(([key, writers]) => key.startsWith(`${channel}|`) && writers.size === 2);
        expect(shared.length, channel).toBeGreaterThan(0);
      }
      expect(children.every((child) => child.exitCode === null)).toBe(true);
    },
  );
});

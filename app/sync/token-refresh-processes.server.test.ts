// @database
/**
 * Several processes on one PostgreSQL database need a new Shopify offline token for the same
 * shop: exactly one refresh reaches Shopify, and all go on with the token it stored. Each
 * process reaches the fake Shopify through its own recording proxy, spawned as in
 * two-worker-processes.server.test.ts.
 *
 * First two background processes calling the Admin API (tests/support/admin-caller.ts) are
 * told to start at the same moment with the session due for a refresh, and the token
 * endpoint answers slowly, so the second one certainly asks while the first one's refresh is
 * in flight. Without the cross-process lease both would refresh (Shopify keeps the previous
 * refresh token until the new access token is used, so both would be granted, and one
 * process would run on a token the other replaced). Then the production worker, twice.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { appendFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installShop } from "../../sim/install-shop";
import { startWorld, type World } from "../../sim/world";
import { createTestDatabase, testDatabaseProvider, type TestDatabase } from "../../tests/support/database";
import { finishBulkAtOnce } from "../../tests/support/instant-waits";
import { testServerEnv, TEST_API_SECRET, TEST_ENCRYPTION_KEY } from "../../tests/support/shopify";
import { forwardedHeaders, readBody, startWebhookReceiver, stopProcess } from "../../tests/support/worker-processes";

const WORKERS = [0, 1] as const;
type Worker = (typeof WORKERS)[number];
const onPostgres = testDatabaseProvider() === "postgresql";

let testDatabase: TestDatabase;
let world: World;
let receiver: Server;
const proxies: Server[] = [];
const children: ChildProcess[] = [];
const outputs: string[] = ["", ""];
const started: Promise<void>[] = [];
/** Per worker: token requests sent, Admin API answers (by status), store writes answered 200, tokens of the 200s. */
const seen = WORKERS.map(() => ({
  tokenRequests: 0,
  adminOk: 0,
  adminUnauthorized: 0,
  storeWrites: 0,
  okTokens: [] as string[],
}));

type Counts = (typeof seen)[number];

/** The counts for a failure message (the tokens themselves stay out of it). */
const summary = (all: readonly Counts[]) =>
  JSON.stringify(all.map(({ okTokens, ...counts }) => ({ ...counts, okCalls: okTokens.length })));

/** One process's way to Shopify: forwards everything, counts what it saw. */
async function startRecordingProxy(target: World, counts: Counts): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const isToken = request.url === "/admin/oauth/access_token";
      if (isToken) counts.tokenRequests += 1;
      const answer = await fetch(`${target.shopify.url}${request.url}`, {
        method: request.method,
        headers: forwardedHeaders(request.headers),
        ...(request.method === "GET" || request.method === "HEAD" ? {} : { body: body.toString("utf8") }),
      });
      const text = await answer.text();
      if (!isToken && request.url?.startsWith("/admin/api/")) {
        if (answer.status === 200) {
          counts.adminOk += 1;
          counts.okTokens.push(String(request.headers["x-shopify-access-token"] ?? ""));
        }
        if (answer.status === 401) counts.adminUnauthorized += 1;
        if (answer.status === 200 && body.toString("utf8").includes("inventoryMoveQuantities")) counts.storeWrites += 1;
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

async function startProxy(worker: Worker): Promise<string> {
  const { server, url } = await startRecordingProxy(world, seen[worker]!);
  proxies.push(server);
  return url;
}

function startWorker(worker: Worker, shopifyUrl: string): void {
  const child = spawn(process.execPath, ["--import", "tsx", "app/worker/worker-main.ts"], {
    env: {
      NODE_ENV: "production",
      PATH: process.env.PATH ?? "",
      ...testServerEnv({
        DATABASE_URL: testDatabase.url,
        WORKER_MODE: "external",
        SYNC_IDLE_MS: "100",
        SYNC_PUSH_INTERVALS: "online_store=0,meta=0,google=0",
        SHOPIFY_ADMIN_API_BASE_URL: shopifyUrl,
        META_GRAPH_BASE_URL: world.meta.url,
        GOOGLE_MERCHANT_BASE_URL: world.google.url,
        GOOGLE_OAUTH_TOKEN_URL: `${world.google.url}/token`,
      }),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started[worker] = new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      outputs[worker] += chunk.toString();
      if (outputs[worker]!.includes('"msg":"sync worker started"')) resolve();
    });
    child.once("exit", (code) => reject(new Error(`worker ${worker} exited (${code}):\n${outputs[worker]}`)));
  });
  started[worker].catch(() => undefined);
  child.stderr!.on("data", (chunk: Buffer) => (outputs[worker] += chunk.toString()));
  const captureFolder = process.env.BALLAST_LOG_CAPTURE_DIR;
  if (captureFolder)
    child.once("exit", () =>
      appendFileSync(path.join(captureFolder, `token-worker-${child.pid ?? 0}.log`), outputs[worker]!),
    );
  children[worker] = child;
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${summary(seen)}\n${outputs.join("\n---\n").slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Two background processes calling the Admin API (tests/support/admin-caller.ts), told to start at the same moment. */
describe.skipIf(!onPostgres)("two processes needing a refresh for one shop at the same moment", () => {
  let database: TestDatabase;
  let callerWorld: World;
  const callers: ChildProcess[] = [];
  const callerOutputs = ["", ""];
  const callerSeen = WORKERS.map(() => ({
    tokenRequests: 0,
    adminOk: 0,
    adminUnauthorized: 0,
    storeWrites: 0,
    okTokens: [] as string[],
  }));
  const callerProxies: Server[] = [];
  const answers = (worker: Worker) =>
    callerOutputs[worker]!.split("\n").filter((line) => line.includes('"msg":"answer"'));

  beforeAll(async () => {
    database = await createTestDatabase();
    callerWorld = await startWorld({ shop: "token-race.myshopify.com", variants: 1, stockPerVariant: () => 5 });
    await installShop(database.database, callerWorld, Buffer.from(TEST_ENCRYPTION_KEY, "base64"));
    // Due for a refresh at once (Shopify would still take the token for most of an hour).
    await database.database.session.update({
      where: { id: `offline_${callerWorld.shop}` },
      data: { expires: new Date(Date.now() - 1_000) },
    });
    // The token endpoint answers slowly: the second process asks while the first refresh is in flight.
    callerWorld.shopify.setTokenBehaviour(callerWorld.shop, { delayMs: 1_500 });
    const ready: Promise<void>[] = [];
    for (const worker of WORKERS) {
      const { server, url } = await startRecordingProxy(callerWorld, callerSeen[worker]!);
      callerProxies.push(server);
      const child = spawn(process.execPath, ["--import", "tsx", "tests/support/admin-caller.ts", callerWorld.shop], {
        env: {
          NODE_ENV: "production",
          PATH: process.env.PATH ?? "",
          ...testServerEnv({ DATABASE_URL: database.url, SHOPIFY_ADMIN_API_BASE_URL: url }),
        },
        stdio: ["pipe", "pipe", "pipe"],
      });
      ready.push(
        new Promise((resolve, reject) => {
          child.stdout!.on("data", (chunk: Buffer) => {
            callerOutputs[worker] += chunk.toString();
            if (callerOutputs[worker]!.includes('"msg":"ready"')) resolve();
          });
          child.once("exit", (code) =>
            reject(new Error(`caller ${worker} exited (${code}):\n${callerOutputs[worker]}`)),
          );
        }),
      );
      ready[worker]!.catch(() => undefined);
      child.stderr!.on("data", (chunk: Buffer) => (callerOutputs[worker] += chunk.toString()));
      const captureFolder = process.env.BALLAST_LOG_CAPTURE_DIR;
      if (captureFolder)
        child.once("exit", () =>
          appendFileSync(path.join(captureFolder, `token-caller-${child.pid ?? 0}.log`), callerOutputs[worker]!),
        );
      callers.push(child);
    }
    await Promise.all(ready);
  });

  afterAll(async () => {
    await Promise.all(callers.map(stopProcess));
    for (const server of callerProxies) server.close();
    await callerWorld?.close();
    await database?.drop();
  });

  it("exactly one refresh at Shopify, and both go on with the token it stored", { timeout: 60_000 }, async () => {
    const before = await database.database.session.findUniqueOrThrow({ where: { id: `offline_${callerWorld.shop}` } });
    for (const child of callers) child.stdin!.write("go\n");
    const deadline = Date.now() + 30_000;
    while (!WORKERS.every((worker) => answers(worker).filter((line) => line.includes('"ok":true')).length >= 5)) {
      if (Date.now() > deadline)
        throw new Error(`timed out: ${summary(callerSeen)}\n${callerOutputs.join("\n---\n").slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const stats = callerWorld.shopify.tokenStats();
    expect(stats.refreshesGranted, summary(callerSeen)).toBe(1);
    expect(callerSeen.map((counts) => counts.tokenRequests).sort()).toEqual([0, 1]);
    // Every call of both processes answered: none failed while the refresh was in flight, none was refused.
    for (const worker of WORKERS) expect(answers(worker).filter((line) => !line.includes('"ok":true'))).toEqual([]);
    expect(callerSeen.map((counts) => counts.adminUnauthorized)).toEqual([0, 0]);
    const after = await database.database.session.findUniqueOrThrow({ where: { id: `offline_${callerWorld.shop}` } });
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(await database.database.alert.count({ where: { shop: callerWorld.shop } })).toBe(0);
  });
});

/**
 * The production worker, twice, with the session due for a refresh: one refresh, and the
 * workers go on calling Shopify with the token it stored. Which process holds which lane is
 * the lease's choice (and the Online Store is written only when a hold changes), so this
 * asserts what holds whoever calls; the test above makes the simultaneous ask certain.
 */
describe.skipIf(!onPostgres)("two worker processes refreshing one shop's token", () => {
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    const webhooks = await startWebhookReceiver(testDatabase.database);
    receiver = webhooks.server;
    world = await startWorld({
      variants: 4,
      stockPerVariant: () => 200,
      webhooks: { url: webhooks.url, secret: TEST_API_SECRET },
    });
    // The first full read's bulk operation is done by its first status read: no one-second poll.
    finishBulkAtOnce(world);
    await installShop(testDatabase.database, world, Buffer.from(TEST_ENCRYPTION_KEY, "base64"));
    // Not installed yet as far as the workers can tell: the session appears once both run.
    await testDatabase.database.session.deleteMany({ where: { shop: world.shop } });
    for (const worker of WORKERS) startWorker(worker, await startProxy(worker));
    await Promise.all(started);
  });

  afterAll(async () => {
    await Promise.all(children.map(stopProcess));
    for (const server of [...proxies, receiver]) server?.close();
    await world?.close();
    await testDatabase?.drop();
  });

  it(
    "one refresh at Shopify, and the workers go on calling Shopify with the stored token",
    { timeout: 90_000 },
    async () => {
      // The token endpoint answers slowly: the other process asks while the first refresh is in flight.
      world.shopify.setTokenBehaviour(world.shop, { delayMs: 1_500 });
      const token = world.offlineToken;
      await testDatabase.database.session.create({
        data: {
          id: `offline_${world.shop}`,
          shop: world.shop,
          state: "",
          isOnline: false,
          scope: token.scope,
          accessToken: token.access_token,
          // Due for a refresh at once (Shopify would still take it for most of an hour).
          expires: new Date(Date.now() - 1_000),
          refreshToken: token.refresh_token,
          refreshTokenExpires: new Date(token.issuedAt + token.refresh_token_expires_in * 1000),
        },
      });
      await waitFor(() => world.shopify.tokenStats().refreshesGranted >= 1, "the refresh", 30_000);

      // Granted at Shopify a moment before it is stored: wait for the stored one.
      const storedSession = () =>
        testDatabase.database.session.findUniqueOrThrow({ where: { id: `offline_${world.shop}` } });
      await waitFor(
        async () => (await storedSession()).accessToken !== token.access_token,
        "the refreshed token to be stored",
        30_000,
      );
      const refreshed = await storedSession();
      const callsWithRefreshedToken = () =>
        seen.flatMap((counts) => counts.okTokens).filter((used) => used === refreshed.accessToken).length;
      // Orders keep coming, so the workers keep reading and writing Shopify.
      for (let round = 0; round < 40 && callsWithRefreshedToken() < 5; round += 1) {
        const variant = world.variants[round % world.variants.length]!;
        await world.shopify.placeOrder(world.shop, {
          lines: [{ inventoryItemId: variant.inventoryItemGid, locationId: world.locationGid, quantity: 1 }],
          webhooks: true,
        });
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      await waitFor(() => callsWithRefreshedToken() >= 5, "Shopify calls with the refreshed token", 30_000);

      const stats = world.shopify.tokenStats();
      expect(stats.refreshesGranted, summary(seen)).toBe(1);
      expect(seen[0]!.tokenRequests + seen[1]!.tokenRequests).toBe(1);
      expect(stats.refreshesRefused).toBe(0);
      // Nobody ran on a token the other replaced.
      expect(seen.map((counts) => counts.adminUnauthorized)).toEqual([0, 0]);
      const stored = await testDatabase.database.session.findUniqueOrThrow({ where: { id: `offline_${world.shop}` } });
      expect(stored.accessToken).not.toBe(token.access_token);
      expect(stored.refreshToken).not.toBe(token.refresh_token);
      expect(stored.expires!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
      expect(
        await testDatabase.database.alert.count({
          where: {
            shop: world.shop,
            kind: { in: ["shopify_auth_failed", "shopify_unreachable", "credentials_revoked"] },
          },
        }),
      ).toBe(0);
      expect(children.every((child) => child.exitCode === null)).toBe(true);
    },
  );
});

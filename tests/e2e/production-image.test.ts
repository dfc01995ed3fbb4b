// @database
/**
 * The production image, without a container daemon: the Dockerfile's stages reproduced on
 * this machine and run end to end.
 *
 * - build stage: the build context is what .dockerignore leaves of the repository, copied
 *   to a temporary folder outside it; with the full install beside it (the stage's `npm ci`),
 *   the Prisma clients are generated and `npm run build` builds the web app and the worker;
 * - production-dependencies stage: the packages `npm ci --omit=dev` installs (the lockfile's
 *   non-dev entries), and nothing else;
 * - runtime stage: every COPY line of the Dockerfile's last stage, as written, then its CMD.
 *
 * Then, as docs/deploy.md says a release goes: `npx prisma migrate deploy`, the web process
 * (`node server.mjs`) and a worker process (`node build/worker/worker.js`), both with
 * NODE_ENV=production, no tsx and no dev dependency reachable (the image folder is outside
 * the repository). Their probes answer (and the Dockerfile's HEALTHCHECK command exits 0), a
 * webhook signed by the fake Shopify is received by the web process and pushed to the
 * channels by the worker, and SIGTERM stops both cleanly, the worker's leases released.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "~/db.server";
import { freePort } from "../../sim/app-server";
import { installShop } from "../../sim/install-shop";
import { startWorld, type World } from "../../sim/world";
import { testDatabaseProvider } from "../support/database";
import { send } from "../support/http";
import { finishBulkAtOnce } from "../support/instant-waits";
import { TEST_API_SECRET, TEST_ENCRYPTION_KEY, testServerEnv } from "../support/shopify";

const REPOSITORY = process.cwd();
const provider = testDatabaseProvider();

// ---- The Dockerfile, read ------------------------------------------------------------

interface CopyLine {
  from: string | null;
  sources: string[];
  destination: string;
}

/** The last stage's COPY lines, CMD and HEALTHCHECK command, as written in the Dockerfile. */
function runtimeStage(): { copies: CopyLine[]; command: string[]; healthCheck: string[] } {
  const lines = readFileSync("Dockerfile", "utf8").replace(/\\\n/g, " ").split("\n");
  const last = lines.findLastIndex((line) => /^FROM\s/i.test(line));
  const stage = lines.slice(last + 1).map((line) => line.trim());
  const copies = stage
    .filter((line) => /^COPY\s/i.test(line))
    .map((line) => {
      const words = line.split(/\s+/).slice(1);
      const from = words.find((word) => word.startsWith("--from="))?.slice("--from=".length) ?? null;
      const paths = words.filter((word) => !word.startsWith("--"));
      return { from, sources: paths.slice(0, -1), destination: paths.at(-1)! };
    });
  const json = (instruction: string) => {
    const line = stage.find((candidate) => candidate.startsWith(instruction))!;
    return JSON.parse(line.slice(line.indexOf("["))) as string[];
  };
  return { copies, command: json("CMD "), healthCheck: json("HEALTHCHECK ") };
}

/** .dockerignore's rules as Docker applies them: from the context's root, `**` any depth, a matched folder with all it holds. */
function dockerIgnored(): (relative: string) => boolean {
  const patterns = readFileSync(".dockerignore", "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => line.replace(/^\/+/, ""))
    .map((pattern) => {
      const source = pattern
        .split(/(\*\*\/?|\*|\?)/)
        .map((part) =>
          part === "**/" || part === "**"
            ? "(?:.*/)?"
            : part === "*"
              ? "[^/]*"
              : part === "?"
                ? "[^/]"
                : part.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
        )
        .join("");
      return new RegExp(`^${source}$`);
    });
  return (relative) => {
    const parts = relative.split("/");
    return parts.some((_, index) => patterns.some((pattern) => pattern.test(parts.slice(0, index + 1).join("/"))));
  };
}

// ---- The stages, reproduced ------------------------------------------------------------

function copyContext(destination: string): void {
  const ignored = dockerIgnored();
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(REPOSITORY, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (ignored(child)) continue;
      if (entry.isDirectory()) walk(child);
      else {
        mkdirSync(path.join(destination, relative), { recursive: true });
        cpSync(path.join(REPOSITORY, child), path.join(destination, child));
      }
    }
  };
  walk("");
}

/** A copy made of hard links (hundreds of megabytes of packages in a moment), or a plain copy across file systems. */
function linkCopy(from: string, to: string): void {
  try {
    execFileSync("cp", ["-al", from, to], { stdio: "ignore" });
  } catch {
    rmSync(to, { recursive: true, force: true });
    execFileSync("cp", ["-a", from, to]);
  }
}

/**
 * The production-dependencies stage in `stage`: package.json and the lockfile, what
 * `npm ci --omit=dev` installs (the lockfile's non-dev packages: hard links to this install's
 * copies, whose better-sqlite3 is built: the stage's `npm rebuild`), then its RUN line's
 * @prisma/client install script.
 */
async function productionDependencies(stage: string): Promise<void> {
  mkdirSync(stage);
  for (const file of ["package.json", "package-lock.json"]) cpSync(file, path.join(stage, file));
  const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; bin?: Record<string, string> }>;
  };
  const topLevel = Object.entries(lock.packages).filter(
    ([key, entry]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(key) && !entry.dev && !entry.devOptional,
  );
  mkdirSync(path.join(stage, "node_modules", ".bin"), { recursive: true });
  for (const [key, entry] of topLevel) {
    mkdirSync(path.dirname(path.join(stage, key)), { recursive: true });
    linkCopy(path.join(REPOSITORY, key), path.join(stage, key));
    // npm links each package's executables; `npx prisma` finds the CLI there.
    for (const [name, file] of Object.entries(entry.bin ?? {}))
      symlinkSync(
        path.join("..", key.slice("node_modules/".length), file),
        path.join(stage, "node_modules", ".bin", name),
      );
  }
  const install = readFileSync("Dockerfile", "utf8").match(/node (node_modules\/@prisma\/client\/\S+)/);
  expect(install, "the Dockerfile runs @prisma/client's install script").not.toBeNull();
  await run(process.execPath, [install![1]!], stage);
  expect(existsSync(path.join(stage, "node_modules", ".prisma", "client", "default.js"))).toBe(true);
}

/**
 * A command as the Docker build would run it. Asynchronous: a build takes minutes, and a
 * test worker blocked that long misses vitest's own calls (an unhandled RPC timeout).
 */
async function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<void> {
  await promisify(execFile)(command, args, {
    cwd,
    // The Docker build's environment: nothing of this test run's (NODE_ENV, vitest's variables).
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } as Record<
      string,
      string
    > as NodeJS.ProcessEnv,
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** The runtime stage: each COPY line, from the build stage, the production dependencies or the context. */
function assembleImage(stages: { context: string; build: string; dependencies: string }, image: string): void {
  for (const copy of runtimeStage().copies) {
    const root =
      copy.from === "build" ? stages.build : copy.from === "production-dependencies" ? stages.dependencies : null;
    for (const source of copy.sources) {
      const from = root ? path.join(root, source.replace(/^\/app\//, "")) : path.join(stages.context, source);
      expect(root === null || source.startsWith("/app/"), `COPY --from=${copy.from} ${source}: outside WORKDIR`).toBe(
        true,
      );
      expect(existsSync(from), `COPY ${source}: not in the ${copy.from ?? "context"}`).toBe(true);
      const into = copy.destination.endsWith("/")
        ? path.join(image, copy.destination, path.basename(source))
        : path.join(image, copy.destination);
      if (copy.from === "production-dependencies") linkCopy(from, into);
      else cpSync(from, into, { recursive: true });
    }
  }
}

// ---- The release, run ----------------------------------------------------------------

interface Process {
  child: ChildProcess;
  output: () => string;
}

function start(name: string, args: string[], cwd: string, env: Record<string, string>): Process {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env } as Record<string, string> as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const captureFolder = process.env.BALLAST_LOG_CAPTURE_DIR;
  if (captureFolder)
    child.once("exit", () => appendFileSync(path.join(captureFolder, `image-${name}-${child.pid ?? 0}.log`), output));
  return { child, output: () => output };
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(running: Process | undefined): Promise<number | null> {
  if (!running || running.child.exitCode !== null || running.child.signalCode !== null)
    return running?.child.exitCode ?? null;
  const exited = once(running.child, "exit");
  running.child.kill("SIGTERM");
  const hard = setTimeout(() => running.child.kill("SIGKILL"), 40_000);
  const [code] = (await exited) as [number | null];
  clearTimeout(hard);
  return code;
}

/** An empty database for `prisma migrate deploy`: a new SQLite file, or a new PostgreSQL database. */
async function emptyDatabase(image: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (provider === "sqlite") {
    mkdirSync(path.join(image, "data"));
    return { url: `file:${path.join(image, "data", "ballast.sqlite")}`, drop: async () => undefined };
  }
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `ballast_image_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

let folder: string;
let image: string;
let databaseUrl: string;
let dropDatabase: () => Promise<void> = async () => undefined;
let database: Database | undefined;
let world: World | undefined;
let web: Process | undefined;
let worker: Process | undefined;
let webUrl: string;
let workerHealthUrl: string;

// Production runs on PostgreSQL: with it at hand (CI), the SQLite project does not build a second image.
const builtOnTheOtherProject = provider === "sqlite" && !!process.env.TEST_DATABASE_URL;

beforeAll(async () => {
  if (builtOnTheOtherProject) return;
  folder = mkdtempSync(path.join(tmpdir(), "ballast-image-"));
  const context = path.join(folder, "context");
  const build = path.join(folder, "build-stage");
  const dependencies = path.join(folder, "dependencies-stage");
  image = path.join(folder, "app");
  mkdirSync(image);
  copyContext(context);
  // The build stage: the context, its `npm ci` (this install, dev dependencies included), its RUN line.
  cpSync(context, build, { recursive: true });
  symlinkSync(path.join(REPOSITORY, "node_modules"), path.join(build, "node_modules"));
  await run(process.execPath, ["scripts/setup.mjs", "--generate-only"], build);
  await run("npm", ["run", "build", "--silent"], build);
  await productionDependencies(dependencies);
  assembleImage({ context, build, dependencies }, image);

  const created = await emptyDatabase(image);
  databaseUrl = created.url;
  dropDatabase = created.drop;
  await run("npx", ["--no-install", "prisma", "migrate", "deploy"], image, { DATABASE_URL: databaseUrl });
  database = createDatabase(databaseUrl);
}, 600_000);

afterAll(async () => {
  await stop(worker);
  await stop(web);
  await world?.close();
  await database?.$disconnect();
  await dropDatabase();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe.skipIf(builtOnTheOtherProject)("the production image", { shuffle: false }, () => {
  it("holds the compiled web app and worker and the production dependencies only", () => {
    for (const file of ["server.mjs", "build/server/index.js", "build/worker/worker.js", "build/worker/rotate-keys.js"])
      expect(existsSync(path.join(image, file)), file).toBe(true);
    for (const devOnly of ["tsx", "vite", "vitest", "typescript", "@remix-run/dev", "eslint"])
      expect(existsSync(path.join(image, "node_modules", devOnly)), devOnly).toBe(false);
    for (const needed of ["@prisma/client", "better-sqlite3", "pg", "prisma", "@remix-run/express"])
      expect(existsSync(path.join(image, "node_modules", needed)), needed).toBe(true);
    expect(existsSync(path.join(image, "app")), "no sources").toBe(false);
    expect(path.relative(REPOSITORY, image).startsWith("..")).toBe(true);
  });

  it(
    "starts the web process (the image's CMD) and a worker, both ready once migrated",
    { timeout: 120_000 },
    async () => {
      const { command, healthCheck } = runtimeStage();
      expect(command[0]).toBe("node");
      const port = await freePort();
      webUrl = `http://127.0.0.1:${port}`;
      const env = testServerEnv({ NODE_ENV: "production", DATABASE_URL: databaseUrl, WORKER_MODE: "external" });
      web = start("web", command.slice(1), image, { ...env, PORT: String(port), HOST: "127.0.0.1" });
      await waitFor("the web process", async () => (await send(`${webUrl}/healthz`)).status === 200, 30_000).catch(
        (error: Error) => Promise.reject(new Error(`${error.message}:\n${web!.output()}`)),
      );
      expect(await send(`${webUrl}/readyz`)).toMatchObject({
        status: 200,
        json: { status: "ready", pendingMigrations: [] },
      });

      world = await startWorld({
        variants: 3,
        stockPerVariant: () => 20,
        webhooks: { url: `${webUrl}/webhooks/stock`, secret: TEST_API_SECRET },
      });
      finishBulkAtOnce(world);
      await installShop(database!, world, Buffer.from(TEST_ENCRYPTION_KEY, "base64"));
      const healthPort = await freePort();
      workerHealthUrl = `http://127.0.0.1:${healthPort}`;
      worker = start("worker", ["build/worker/worker.js"], image, {
        ...env,
        WORKER_HEALTH_PORT: String(healthPort),
        SYNC_IDLE_MS: "100",
        SYNC_PUSH_INTERVALS: "online_store=0,meta=0,google=0",
        SHOPIFY_ADMIN_API_BASE_URL: world.shopify.url,
        META_GRAPH_BASE_URL: world.env.META_GRAPH_BASE_URL!,
        GOOGLE_MERCHANT_BASE_URL: world.env.GOOGLE_MERCHANT_BASE_URL!,
        GOOGLE_OAUTH_TOKEN_URL: world.env.GOOGLE_OAUTH_TOKEN_URL!,
      });
      await waitFor(
        "the worker's probes",
        async () => (await send(`${workerHealthUrl}/readyz`)).status === 200,
        30_000,
      ).catch((error: Error) => Promise.reject(new Error(`${error.message}:\n${worker!.output()}`)));
      expect(await send(`${workerHealthUrl}/healthz`)).toMatchObject({ status: 200, json: { status: "ok" } });
      // The Dockerfile's HEALTHCHECK, as Docker would run it in each container.
      await run(process.execPath, healthCheck.slice(1), image, { PORT: String(port) });
      await run(process.execPath, healthCheck.slice(1), image, { WORKER_HEALTH_PORT: String(healthPort) });
    },
  );

  it("receives a webhook signed by Shopify and pushes the change to every channel", { timeout: 120_000 }, async () => {
    const { shopify, meta, shop, catalogId, locationGid } = world!;
    const item = world!.variants[0]!;
    const itemStates = () => database!.channelItemState.findMany({ where: { shop, variantGid: item.variantGid } });
    const metaRow = async () => (await itemStates()).find((state) => state.channel === "meta");
    const settled = async () => {
      const states = await database!.channelItemState.findMany({ where: { shop } });
      return states.length === 9 && states.every((state) => state.desired === state.pushed);
    };
    // The first full read done and every item pushed (the Online Store's holds in place).
    await waitFor("the first sync", settled);
    const before = (await metaRow())!.desired;
    // Every unit sold elsewhere (POS, say): what Ballast still holds back is all that is left.
    shopify.setQuantities(shop, item.inventoryItemGid, locationGid, { available: 0 });
    await shopify.sendWebhook(
      shop,
      "inventory_levels/update",
      shopify.inventoryLevelUpdatePayload(shop, item.inventoryItemGid, locationGid),
    );
    const event = await waitFor("the webhook to be recorded", () =>
      database!.webhookEvent.findFirst({ where: { shop, topic: "inventory_levels/update" } }),
    );
    expect(event.payload).toContain(item.inventoryItemGid.split("/").pop());
    await waitFor("Meta to show the lower quantity", async () => {
      const row = await metaRow();
      const shown = meta.control.trueItem(catalogId, item.metaRetailerId)?.quantity;
      return row && row.desired < before && row.pushed === row.desired && shown === row.desired && (await settled());
    }).catch(async (error: Error) => {
      const states = (await itemStates()).map(({ channel, desired, pushed, lastError }) => ({
        channel,
        desired,
        pushed,
        lastError,
      }));
      const shown = meta.control.trueItem(catalogId, item.metaRetailerId)?.quantity;
      throw new Error(
        `${error.message}: ${JSON.stringify({ before, states, shown })}\n${worker!.output().slice(-4_000)}`,
      );
    });
    const processed = await database!.webhookEvent.findFirst({ where: { shop, eventId: event.eventId } });
    expect(processed?.processedAt).not.toBeNull();
  });

  it("stops both processes on SIGTERM, the worker's leases handed back", { timeout: 90_000 }, async () => {
    expect(await stop(worker)).toBe(0);
    expect(worker!.output()).toMatch(/"msg":"sync worker stopped"/);
    const held = await database!.channelLease.count({ where: { expiresAt: { gt: new Date() } } });
    expect(held).toBe(0);
    expect(await stop(web)).toBe(0);
  });
});

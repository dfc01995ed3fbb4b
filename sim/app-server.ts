/**
 * Starts the production build (`build/server/index.js`) with server.mjs, exactly as
 * `npm start` does, on a free loopback port.
 */
import { spawn, type ChildProcess } from "node:child_process";
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
import { createServer } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";

export interface RunningApp {
  url: string;
  process: ChildProcess;
  output: () => string;
  /**
   * Moves the server's clock forward (started with `{ clock: true }` only): what the routes
   * read as now runs `byMs` further ahead from when this resolves (sim/server-clock.mjs).
   */
  advanceClock(byMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Every hashed asset the server build and the client chunks refer to is in the copy. */
function completeBuild(dir: string): boolean {
  const server = path.join(dir, "build", "server", "index.js");
  const assets = path.join(dir, "build", "client", "assets");
  if (!existsSync(server) || !existsSync(assets)) return false;
  const sources = [
    readFileSync(server, "utf8"),
    ...readdirSync(assets)
      .filter((name) => name.endsWith(".js"))
      .map((name) => readFileSync(path.join(assets, name), "utf8")),
  ];
  const referenced = new Set(sources.flatMap((source) => source.match(/assets\/[\w.-]+\.(?:js|css)/g) ?? []));
  return referenced.size > 0 && [...referenced].every((asset) => existsSync(path.join(dir, "build", "client", asset)));
}

/**
 * A private copy of the production build for one server. Other test runs in the same tree
 * rebuild `build/` (vite empties it first): a server reading assets from the shared folder
 * then answers 404 for its own chunks and the page never hydrates, or a chunk loaded on
 * demand (the Overview's charts) is missing. The copy lives under node_modules/.cache so the
 * server bundle still resolves the project's packages; a copy taken mid-rebuild is retaken.
 */
async function privateBuild(): Promise<string> {
  const root = path.join(process.cwd(), "node_modules", ".cache", "ballast-test-builds");
  mkdirSync(root, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(path.join(root, "build-"));
    try {
      cpSync("build", path.join(dir, "build"), { recursive: true });
    } catch {
      // A file vanished while copying: the shared build is being rewritten.
    }
    if (completeBuild(dir)) {
      if (existsSync("public")) symlinkSync(path.resolve("public"), path.join(dir, "public"));
      return dir;
    }
    rmSync(dir, { recursive: true, force: true });
    if (attempt >= 120) throw new Error("build/ stayed incomplete for two minutes (another run rebuilding it?)");
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const SERVER_CLOCK = pathToFileURL(path.resolve("sim/server-clock.mjs")).href;

export async function startAppServer(
  env: Record<string, string>,
  options: { privateBuild?: boolean; clock?: boolean } = {},
): Promise<RunningApp> {
  const port = await freePort();
  const cwd = options.privateBuild ? await privateBuild() : process.cwd();
  const clock = options.clock ? ["--import", SERVER_CLOCK] : [];
  const child = spawn(
    process.execPath,
    [...clock, path.resolve("server.mjs"), path.join(cwd, "build", "server", "index.js")],
    {
      cwd,
      env: {
        NODE_ENV: "production",
        PATH: process.env.PATH ?? "",
        // Alert webhooks go to receivers on loopback here (tests/support/webhook-receiver.ts):
        // allowed for these servers only; production keeps them off private addresses.
        BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS: "1",
        ...env,
        PORT: String(port),
        HOST: "127.0.0.1",
      },
      stdio: options.clock ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
    },
  );
  if (options.privateBuild) child.once("exit", () => rmSync(cwd, { recursive: true, force: true }));
  let output = "";
  // Piped above (the IPC channel of `clock` leaves spawn's typing without the tuple).
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  // Everything the server wrote joins the suite's log scan (tests/support/log-capture.ts).
  const captureFolder = process.env.BALLAST_LOG_CAPTURE_DIR;
  if (captureFolder)
    child.once("exit", () => appendFileSync(path.join(captureFolder, `server-${port}-${child.pid ?? 0}.log`), output));
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app server exited (${child.exitCode}):\n${output}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`app server did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    url,
    process: child,
    output: () => output,
    async advanceClock(byMs: number) {
      if (!options.clock) throw new Error("startAppServer(env, { clock: true }) to drive the server's clock");
      const advanced = new Promise<void>((resolve) => {
        const onMessage = (message: { type?: string }) => {
          if (message?.type !== "ballast-clock/advanced") return;
          child.off("message", onMessage);
          resolve();
        };
        child.on("message", onMessage);
      });
      child.send({ type: "ballast-clock/advance", byMs });
      await advanced;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      // A graceful stop finishes the current sync pass; past that, stop it hard.
      const hard = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(hard);
    },
  };
}

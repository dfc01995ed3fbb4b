import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { prismaPatchesEnabled } from "~/env.server";
import { logger } from "~/logger.server";
import { cacheQueryPlans } from "./query-plan-cache.server";

/**
 * The one switch for Ballast's speed patches to Prisma (docs/decisions/002): the query plan
 * cache (query-plan-cache.server.ts) and the SQLite statement cache
 * (sqlite-statement-cache.server.ts). Both rely on Prisma internals, so they are installed
 * only when the installed packages are the exact version they were written and tested for,
 * and only when BALLAST_PRISMA_PATCHES is not `off`. Otherwise Prisma runs unpatched:
 * slower, never wrong, never a crash.
 *
 * Decided once per process, when the first database client is created (start-up).
 */
export const PATCHED_PRISMA_VERSION = "6.19.3";
/** The packages whose internals the patches use: the client's runtime and the SQLite adapter. */
export const PATCHED_PACKAGES = ["@prisma/client", "@prisma/adapter-better-sqlite3"] as const;

export type PrismaPatchDecision =
  | { active: true }
  | { active: false; reason: "switched off" }
  | { active: false; reason: "version mismatch"; installed: Record<string, string | undefined> };

export interface PrismaPatches {
  decision: PrismaPatchDecision;
  /** Settles once the patches are in place (or given up): database clients connect after it. */
  installed: Promise<void>;
}

type PatchLog = Pick<typeof logger, "warn" | "info">;

/** Pure: whether to patch, given the switch and the installed versions. */
export function decidePrismaPatches(
  enabled: boolean,
  installed: Record<string, string | undefined>,
): PrismaPatchDecision {
  if (!enabled) return { active: false, reason: "switched off" };
  const matches = PATCHED_PACKAGES.every((name) => installed[name] === PATCHED_PRISMA_VERSION);
  return matches ? { active: true } : { active: false, reason: "version mismatch", installed };
}

/** The version of an installed package, read from its package.json at run time (never bundled). */
export function installedVersion(name: string): string | undefined {
  try {
    // Resolved from here: from app/db/ in development, from build/ once bundled; both find node_modules.
    let folder = path.dirname(createRequire(import.meta.url).resolve(name));
    for (;;) {
      const manifest = path.join(folder, "package.json");
      if (existsSync(manifest)) {
        const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown; version?: unknown };
        if (parsed.name === name) return typeof parsed.version === "string" ? parsed.version : undefined;
      }
      const parent = path.dirname(folder);
      if (parent === folder) return undefined;
      folder = parent;
    }
  } catch {
    return undefined;
  }
}

export function installedVersions(): Record<string, string | undefined> {
  return Object.fromEntries(PATCHED_PACKAGES.map((name) => [name, installedVersion(name)]));
}

/**
 * Wraps both query compilers. Imported only after the version check: a module path that a
 * later Prisma moved must not stop the app from loading.
 */
async function installQueryPlanCache(log: PatchLog): Promise<void> {
  try {
    const [sqlite, postgresql] = await Promise.all([
      import("@prisma/client/runtime/query_compiler_bg.sqlite.mjs"),
      import("@prisma/client/runtime/query_compiler_bg.postgresql.mjs"),
    ]);
    cacheQueryPlans(sqlite.QueryCompiler.prototype);
    cacheQueryPlans(postgresql.QueryCompiler.prototype);
  } catch (error) {
    log.warn(
      { err: error instanceof Error ? error.message : String(error) },
      "Prisma query plan cache not installed; queries are compiled as Prisma does",
    );
  }
}

let current: PrismaPatches | undefined;

/**
 * The process's decision, made on first call: reads the switch (env.server), checks the
 * installed versions, installs the patches or logs why not. `options` exist for tests,
 * which must call this before creating any database client.
 */
export function preparePrismaPatches(
  options: { enabled?: boolean; installed?: Record<string, string | undefined>; log?: PatchLog } = {},
): PrismaPatches {
  if (current) return current;
  const log = options.log ?? logger;
  const decision = decidePrismaPatches(
    options.enabled ?? prismaPatchesEnabled(),
    options.installed ?? installedVersions(),
  );
  if (decision.active) {
    current = { decision, installed: installQueryPlanCache(log) };
    return current;
  }
  if (decision.reason === "version mismatch") {
    const found = PATCHED_PACKAGES.map((name) => `${name} ${decision.installed[name] ?? "(not found)"}`).join(", ");
    log.warn(
      { expected: PATCHED_PRISMA_VERSION, installed: decision.installed },
      `Prisma speed patches are written for Prisma ${PATCHED_PRISMA_VERSION}, installed: ${found}. Running Prisma unpatched (slower, correct). See docs/decisions/002-prisma-per-call-costs.md`,
    );
  } else {
    log.info("Prisma speed patches off (BALLAST_PRISMA_PATCHES=off)");
  }
  current = { decision, installed: Promise.resolve() };
  return current;
}

/** Makes `adapter` connect only once the patches are installed, so no query is compiled before. */
export function connectingAfter<Adapter extends { connect(): Promise<unknown> }>(
  adapter: Adapter,
  installed: Promise<void>,
): Adapter {
  const connect = adapter.connect.bind(adapter);
  (adapter as { connect(): Promise<unknown> }).connect = async () => {
    await installed;
    return connect();
  };
  return adapter;
}

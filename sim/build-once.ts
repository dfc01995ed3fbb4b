// vitest globalSetup: the tests that start the real server test what `npm start` serves,
// so the production build must match the sources. Rebuilt once per run, only when a
// source is newer than the build (BALLAST_SKIP_BUILD=1 skips the check entirely).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const BUILD_OUTPUT = "build/server/index.js";
const SOURCES = ["app", "extensions", "vite.config.ts", "remix.config.js", "package-lock.json", "prisma/schema.prisma"];

function newestModification(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const child of readdirSync(entry)) {
    if (child === "node_modules" || child.endsWith(".test.ts") || child.endsWith(".test.tsx")) continue;
    newest = Math.max(newest, newestModification(path.join(entry, child)));
  }
  return newest;
}

export default function buildOnce() {
  if (process.env.BALLAST_SKIP_BUILD === "1") return;
  const built = existsSync(BUILD_OUTPUT) ? statSync(BUILD_OUTPUT).mtimeMs : 0;
  if (built > Math.max(...SOURCES.map(newestModification))) return;
  execFileSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "vite:build"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}

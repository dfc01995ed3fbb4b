// vitest globalSetup: one production build per test run, shared by the tests that start
// the real server (they test what `npm start` serves, not the dev server).
import { execFileSync } from "node:child_process";

export default function buildOnce() {
  if (process.env.BALLAST_SKIP_BUILD === "1") return;
  execFileSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "vite:build"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}

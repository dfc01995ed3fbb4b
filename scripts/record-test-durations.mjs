// Writes tests/durations.json from the last full `npm test` run on this machine (vitest
// keeps each file's duration under node_modules/.vite/vitest), for the longest-first
// order on machines that have no run of their own (tests/support/longest-first.ts).
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const cacheRoot = "node_modules/.vite/vitest";
const caches = existsSync(cacheRoot)
  ? readdirSync(cacheRoot)
      .map((folder) => path.join(cacheRoot, folder, "results.json"))
      .filter((file) => existsSync(file))
  : [];
if (caches.length === 0) {
  console.error("test:durations: no vitest results here; run `npm test` first");
  process.exit(1);
}
const durations = {};
for (const file of caches) {
  for (const [key, result] of JSON.parse(readFileSync(file, "utf8")).results) {
    const testFile = key.slice(key.indexOf(":") + 1);
    if (existsSync(testFile) && result.duration > 0) durations[key] = Math.round(result.duration / 100) / 10;
  }
}
const sorted = Object.fromEntries(Object.entries(durations).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync("tests/durations.json", `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`test:durations: ${Object.keys(sorted).length} files recorded in tests/durations.json`);

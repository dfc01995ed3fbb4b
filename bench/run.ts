/**
 * `npm run bench`: runs each benchmark in its own process (so peak memory is its own),
 * merges their JSON lines into bench/results.json and prints a summary.
 * Benchmarks measure; tests never time anything.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";

/** Section of results.json → script that prints one JSON line. */
const BENCHMARKS: Record<string, string> = {
  engine: "bench/engine.ts",
};

const only = process.argv.slice(2);
const resultsFile = "bench/results.json";
const previous = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, "utf8")) as Record<string, unknown>) : {};
const results: Record<string, unknown> = { ...previous };

for (const [section, script] of Object.entries(BENCHMARKS)) {
  if (only.length > 0 && !only.includes(section)) continue;
  process.stderr.write(`bench: ${section} (${script}) …\n`);
  const output = execFileSync(process.execPath, ["--import", "tsx", script], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 16 * 1024 * 1024,
  });
  const lastLine = output.trim().split("\n").at(-1) ?? "";
  results[section] = JSON.parse(lastLine) as unknown;
}

results.machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? "unknown",
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
};
results.generatedAt = new Date().toISOString();
writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));

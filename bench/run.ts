/**
 * `npm run bench`: runs each benchmark in its own process (so peak memory is its own),
 * merges their JSON lines into bench/results.json and prints a summary.
 * Benchmarks measure; tests never time anything.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";

/**
 * Each script prints one JSON line. `section` names where it goes in results.json;
 * without one, the line's own top-level keys are the sections.
 */
const BENCHMARKS: { name: string; script: string; section?: string }[] = [
  { name: "engine", script: "bench/engine.ts", section: "engine" },
  { name: "pipeline", script: "bench/ingest.ts" },
];

const only = process.argv.slice(2);
const resultsFile = "bench/results.json";
const previous = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, "utf8")) as Record<string, unknown>) : {};
const results: Record<string, unknown> = { ...previous };

for (const { name, script, section } of BENCHMARKS) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`bench: ${name} (${script}) …\n`);
  const output = execFileSync(process.execPath, ["--import", "tsx", script], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 16 * 1024 * 1024,
  });
  const lastLine = output.trim().split("\n").at(-1) ?? "";
  const measured = JSON.parse(lastLine) as Record<string, unknown>;
  if (section) results[section] = measured;
  else Object.assign(results, measured);
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

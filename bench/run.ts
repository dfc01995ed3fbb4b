/**
 * `npm run bench`: runs each benchmark in its own process (so peak memory is its own),
 * merges their JSON lines into bench/results.json and prints a summary.
 * Benchmarks measure; tests never time anything.
 *
 * `npm run bench -- --only ingest` (or `-- ingest`) runs one benchmark: `engine`, `pipeline`
 * (webhook answers, decision latency, Meta calls), `ingest` (only the webhook answers:
 * bare against Ballast, without the slow naive server) or `meta` (only the Meta calls). A run replaces the sections it
 * measured; a partial run merges them field by field, so what it did not measure stays as
 * it was. Each section it writes gets its own `measuredAt`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";

/**
 * Each script prints one JSON line. `section` names where it goes in results.json;
 * without one, the line's own top-level keys are the sections.
 */
const BENCHMARKS: { name: string; script: string; args?: string[]; section?: string; onlyWhenAsked?: boolean }[] = [
  { name: "engine", script: "bench/engine.ts", section: "engine" },
  { name: "pipeline", script: "bench/ingest.ts" },
  // A part of "pipeline": run by name only.
  { name: "ingest", script: "bench/ingest.ts", args: ["--only", "ingest"], onlyWhenAsked: true },
  { name: "meta", script: "bench/ingest.ts", args: ["--only", "meta"], onlyWhenAsked: true },
];

const only = process.argv.slice(2).filter((argument) => argument !== "--only");
const resultsFile = "bench/results.json";
const previous = existsSync(resultsFile)
  ? (JSON.parse(readFileSync(resultsFile, "utf8")) as Record<string, unknown>)
  : {};
const results: Record<string, unknown> = { ...previous };

const unknown = only.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
if (unknown.length > 0)
  throw new Error(
    `unknown benchmark ${unknown.join(", ")}; known: ${BENCHMARKS.map((benchmark) => benchmark.name).join(", ")}`,
  );

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const merge = (section: string, measured: unknown) => {
  const before = results[section];
  const stamped = isObject(measured) ? { ...measured, measuredAt: new Date().toISOString() } : measured;
  results[section] = only.length > 0 && isObject(before) && isObject(stamped) ? { ...before, ...stamped } : stamped;
};

for (const { name, script, args, section, onlyWhenAsked } of BENCHMARKS) {
  if (only.length > 0 ? !only.includes(name) : onlyWhenAsked) continue;
  process.stderr.write(`bench: ${name} (${script}${args ? ` ${args.join(" ")}` : ""}) …\n`);
  const output = execFileSync(process.execPath, ["--import", "tsx", script, ...(args ?? [])], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 16 * 1024 * 1024,
  });
  const lastLine = output.trim().split("\n").at(-1) ?? "";
  const measured = JSON.parse(lastLine) as Record<string, unknown>;
  if (section) merge(section, measured);
  else for (const [key, value] of Object.entries(measured)) merge(key, value);
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

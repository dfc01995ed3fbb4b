import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { TestSpecification, Vitest } from "vitest/node";
import { DURATIONS_FILE, LongestFirstSequencer } from "./longest-first";

type LastRun = { duration: number; failed: boolean };

function sequencerIn(root: string, lastRuns: Record<string, LastRun> = {}) {
  const ctx = { config: { root }, cache: { getFileTestResults: (key: string) => lastRuns[key] } };
  return new LongestFirstSequencer(ctx as unknown as Vitest);
}

const spec = (root: string, project: string, file: string) =>
  ({ project: { name: project }, moduleId: path.join(root, file) }) as unknown as TestSpecification;

const order = (specs: TestSpecification[]) => specs.map((one) => `${one.project.name}:${path.basename(one.moduleId)}`);

function projectWith(durations: Record<string, number>, files: Record<string, number> = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), "ballast-sequencer-"));
  mkdirSync(path.join(root, "tests"));
  writeFileSync(path.join(root, DURATIONS_FILE), JSON.stringify(durations));
  for (const [file, size] of Object.entries(files)) writeFileSync(path.join(root, file), "x".repeat(size));
  return root;
}

describe("the longest-first test order", () => {
  it("starts the longest recorded files first, per project", async () => {
    const root = projectWith({ "sqlite:a.test.ts": 3, "sqlite:b.test.ts": 80, "postgresql:a.test.ts": 40 });
    const sorted = await sequencerIn(root).sort([
      spec(root, "sqlite", "a.test.ts"),
      spec(root, "sqlite", "b.test.ts"),
      spec(root, "postgresql", "a.test.ts"),
    ]);
    expect(order(sorted)).toEqual(["sqlite:b.test.ts", "postgresql:a.test.ts", "sqlite:a.test.ts"]);
  });

  it("prefers this machine's last run, and puts its failures first", async () => {
    const root = projectWith({ "sqlite:a.test.ts": 90, "sqlite:b.test.ts": 10, "sqlite:c.test.ts": 1 });
    const sorted = await sequencerIn(root, {
      "sqlite:a.test.ts": { duration: 2_000, failed: false },
      "sqlite:b.test.ts": { duration: 20_000, failed: false },
      "sqlite:c.test.ts": { duration: 500, failed: true },
    }).sort([spec(root, "sqlite", "a.test.ts"), spec(root, "sqlite", "b.test.ts"), spec(root, "sqlite", "c.test.ts")]);
    expect(order(sorted)).toEqual(["sqlite:c.test.ts", "sqlite:b.test.ts", "sqlite:a.test.ts"]);
  });

  it("guesses a file nobody timed from its size", async () => {
    const root = projectWith({ "sqlite:timed.test.ts": 5 }, { "big.test.ts": 40_000, "small.test.ts": 200 });
    const sorted = await sequencerIn(root).sort([
      spec(root, "sqlite", "small.test.ts"),
      spec(root, "sqlite", "timed.test.ts"),
      spec(root, "sqlite", "big.test.ts"),
    ]);
    expect(order(sorted)).toEqual(["sqlite:big.test.ts", "sqlite:timed.test.ts", "sqlite:small.test.ts"]);
  });
});

/**
 * The order test files start in: longest first, so a two-minute browser file does not
 * start last and hold the run open while the other workers sit idle.
 *
 * vitest's own sequencer sorts by the durations of the last run on this machine
 * (node_modules/.vite/vitest), which a clean clone does not have: CI then fell back to
 * file size, and the crash and browser files started late. tests/durations.json carries
 * the durations of a full run in the repository (`npm run test:durations` refreshes it);
 * this machine's own last run wins where it has one.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

export const DURATIONS_FILE = "tests/durations.json";

/** Seconds per `project:file`, as recorded by `npm run test:durations`. */
export function recordedDurations(root: string): Record<string, number> {
  const file = path.join(root, DURATIONS_FILE);
  if (!existsSync(file)) return {};
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, number>;
}

/** A file nobody has timed yet: about a second per 2 kB of test code, the suite's median. */
function guessedSeconds(file: string): number {
  return existsSync(file) ? statSync(file).size / 2_000 : 0;
}

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const recorded = recordedDurations(root);
    const expected = new Map<TestSpecification, { failed: boolean; seconds: number }>();
    for (const spec of files) {
      const key = `${spec.project.name}:${path.relative(root, spec.moduleId).split(path.sep).join("/")}`;
      const last = this.ctx.cache.getFileTestResults(key);
      expected.set(spec, {
        failed: last?.failed ?? false,
        seconds: last ? last.duration / 1_000 : (recorded[key] ?? guessedSeconds(spec.moduleId)),
      });
    }
    return [...files].sort((a, b) => {
      const left = expected.get(a)!;
      const right = expected.get(b)!;
      // What failed last time first: the answer a developer waits for.
      if (left.failed !== right.failed) return left.failed ? -1 : 1;
      return right.seconds - left.seconds;
    });
  }
}

import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";
import { markedTestFiles, TEST_ROOTS } from "./tests/support/database-marker";
import { LongestFirstSequencer } from "./tests/support/longest-first";

// Kept apart from vite.config.ts so tests never load the Remix plugin. Every test file
// gets its own database (tests/support/database.ts), so files run in parallel and in
// random order. With TEST_DATABASE_URL set, the test files that use the database run a
// second time on PostgreSQL: the ones marked `// @database` at their top, a mark
// tests/support/database-marker.test.ts checks against what each file really uses.
const everything = TEST_ROOTS.map((folder) => `${folder}/**/*.test.{ts,tsx}`);
const databaseBacked = process.env.TEST_DATABASE_URL ? markedTestFiles() : [];

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    globalSetup: ["sim/build-once.ts", "tests/support/log-capture.ts"],
    setupFiles: ["tests/support/quiet-logs.ts", "tests/support/verify-query-plans.ts"],
    // Tests run in random order within each file; files start longest first (by this
    // machine's last run, else tests/durations.json), so a long browser or crash test does
    // not start last and hold the run open.
    sequence: { shuffle: { files: false, tests: true }, sequencer: LongestFirstSequencer },
    // Most test time is waiting (spawned servers and workers, fakes' delays), not CPU: four
    // files at a time on two cores took the SQLite pass from 15m56s to 6m40s, same results.
    maxWorkers: Number(process.env.BALLAST_TEST_WORKERS ?? 4),
    minWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true as const, test: { name: "sqlite", include: everything, env: { BALLAST_TEST_DB: "sqlite" } } },
      ...(process.env.TEST_DATABASE_URL
        ? [
            {
              extends: true as const,
              test: { name: "postgresql", include: databaseBacked, env: { BALLAST_TEST_DB: "postgresql" } },
            },
          ]
        : []),
    ],
  },
});

import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Kept apart from vite.config.ts so tests never load the Remix plugin. Every test file
// gets its own database (tests/support/database.ts), so files run in parallel and in
// random order. With TEST_DATABASE_URL set, the database-backed tests run a second time
// on PostgreSQL.
const everything = ["app/**/*.test.{ts,tsx}", "sim/**/*.test.ts", "scripts/**/*.test.ts", "tests/**/*.test.ts", "bench/**/*.test.ts"];
const databaseBacked = ["app/**/*.server.test.ts", "tests/**/*.test.ts", "sim/**/*.server.test.ts"];

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    globalSetup: ["tests/support/build-once.ts", "tests/support/log-capture.ts"],
    setupFiles: ["tests/support/quiet-logs.ts", "tests/support/verify-query-plans.ts"],
    sequence: { shuffle: true },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true as const, test: { name: "sqlite", include: everything, env: { BALLAST_TEST_DB: "sqlite" } } },
      ...(process.env.TEST_DATABASE_URL
        ? [{ extends: true as const, test: { name: "postgresql", include: databaseBacked, env: { BALLAST_TEST_DB: "postgresql" } } }]
        : []),
    ],
  },
});

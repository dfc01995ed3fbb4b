import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Kept apart from vite.config.ts so tests never load the Remix plugin.
// Every test file gets its own database (see tests/support/database.ts), so files
// run in parallel and in random order.
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["app/**/*.test.{ts,tsx}", "sim/**/*.test.ts", "scripts/**/*.test.ts", "tests/**/*.test.ts", "bench/**/*.test.ts"],
    exclude: ["node_modules", "build"],
    sequence: { shuffle: true },
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});

/**
 * The PostgreSQL pass runs the files marked `// @database` (vitest.config.ts), so a mark
 * that is missing silently drops a test from PostgreSQL, and a mark on a file that never
 * uses the test database runs it twice for nothing. Both fail here.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DATABASE_MARKER, markedTestFiles, reachesTestDatabase, testFiles } from "./database-marker";

describe("the // @database mark", () => {
  const all = testFiles();
  const usingDatabase = all.filter((file) => reachesTestDatabase(file));

  it("is on every test file that uses the test database, and on no other", () => {
    const marked = markedTestFiles();
    expect(
      usingDatabase.filter((file) => !marked.includes(file)),
      "uses tests/support/database.ts (directly or through a helper) but lacks the `// @database` line: add it at the top",
    ).toEqual([]);
    expect(
      marked.filter((file) => !usingDatabase.includes(file)),
      "marked `// @database` but never uses the test database: remove the mark (it would run on PostgreSQL for nothing)",
    ).toEqual([]);
  });

  it("finds the database through helpers, and not through a bare import of the migrations", () => {
    // Through seededApp (tests/support/seeded-app.ts) and startMonitorWorld (tests/support/monitor-world.ts).
    expect(reachesTestDatabase("tests/e2e/openapi.test.ts")).toBe(true);
    expect(reachesTestDatabase("app/monitor/drift.server.test.ts")).toBe(true);
    // Imports applyMigrations for its own SQLite file: the same on both passes.
    expect(reachesTestDatabase("app/db/sqlite-statement-cache.server.test.ts")).toBe(false);
    expect(reachesTestDatabase("app/domain/allocate.test.ts")).toBe(false);
  });

  it("is read from the file's own lines", () => {
    expect(usingDatabase.length).toBeGreaterThan(40);
    expect(all.length).toBeGreaterThan(usingDatabase.length);
    expect(DATABASE_MARKER.test(readFileSync("app/records/lease.server.test.ts", "utf8"))).toBe(true);
    expect(DATABASE_MARKER.test("/** not // @database here */")).toBe(false);
  });
});

// @database
/**
 * The web process's probes over HTTP, served by the production build as `npm start` runs
 * it: `/healthz` says the process is up whatever the database; `/readyz` says ready only
 * once every shipped migration is applied, and answers without caching.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shippedMigrations } from "~/db/readiness.server";
import { startAppServer, type RunningApp } from "../../sim/app-server";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { send } from "../../tests/support/http";
import { recordMigrations } from "../../tests/support/migrations-table";
import { testServerEnv } from "../../tests/support/shopify";

let testDatabase: TestDatabase;
let app: RunningApp;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  app = await startAppServer(testServerEnv({ DATABASE_URL: testDatabase.url, WORKER_MODE: "external" }));
});

afterAll(async () => {
  await app?.stop();
  await testDatabase?.drop();
});

describe("web probes", { shuffle: false }, () => {
  it("answers liveness at once, with no session and no database work", async () => {
    const answer = await send(`${app.url}/healthz`);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: "ok" });
    expect(answer.headers.get("cache-control")).toBe("no-store");
  });

  it("is not ready while the database lacks a migration this build ships, and says which", async () => {
    const shipped = shippedMigrations(testDatabase.provider)!;
    await recordMigrations(testDatabase.database, shipped.slice(0, -1));
    const answer = await send(`${app.url}/readyz`);
    expect(answer.status).toBe(503);
    expect(answer.json).toMatchObject({
      status: "not_ready",
      database: "ok",
      pendingMigrations: shipped.slice(-1),
      failedMigrations: [],
    });
    expect(answer.headers.get("cache-control")).toBe("no-store");
  });

  it("is ready once every migration is applied", async () => {
    const shipped = shippedMigrations(testDatabase.provider)!;
    await recordMigrations(testDatabase.database, shipped.slice(-1));
    const answer = await send(`${app.url}/readyz`);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      status: "ready",
      ready: true,
      database: "ok",
      pendingMigrations: [],
      failedMigrations: [],
      migrationsFolderMissing: false,
    });
  });
});

import { afterAll, beforeAll } from "vitest";
import { seedItem } from "../e2e/browser/seed";
import { startAppServer, type RunningApp } from "../../sim/app-server";
import { createTestDatabase, type TestDatabase } from "./database";
import { seedOfflineSession } from "./sessions";
import { testServerEnv } from "./shopify";

/**
 * The production server on a fresh database with one installed shop and one item of 10
 * units, no worker (tests run it when they need it). Registers its own beforeAll/afterAll;
 * read the fields inside tests.
 */
export function seededApp(shop: string): { testDatabase: TestDatabase; app: RunningApp } {
  const running = {} as { testDatabase: TestDatabase; app: RunningApp };
  beforeAll(async () => {
    running.testDatabase = await createTestDatabase();
    await seedOfflineSession(running.testDatabase.database, shop);
    await seedItem(running.testDatabase.database, shop, { available: 10 });
    running.app = await startAppServer(
      testServerEnv({ DATABASE_URL: running.testDatabase.url, WORKER_MODE: "external" }),
    );
  });
  afterAll(async () => {
    await running.app?.stop();
    await running.testDatabase?.drop();
  });
  return running;
}

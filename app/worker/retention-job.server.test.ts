// @database
/**
 * The retention job runs once an hour per shop, except while a backlog is left (a first
 * prune of a big shop): then it is due again on the very next maintenance pass.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RETENTION } from "~/sync/retention.server";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import type { JobContext } from "./job-context.server";
import { RetentionJob } from "./retention-job.server";
import { scheduleOf } from "./schedule";

const SHOP = "backlog.myshopify.com";
const T0 = Date.UTC(2026, 10, 27, 12);
const MINUTE = 60_000;
let testDatabase: TestDatabase;
let nowMs = T0;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

function jobContext(): JobContext {
  const { database, provider } = testDatabase;
  return {
    database,
    provider,
    connectors: { database } as JobContext["connectors"],
    schedule: scheduleOf({ database, provider, connectors: { database } as JobContext["connectors"] }),
    clock: () => new Date(nowMs),
    random: () => 0.5,
    timed: (_phase, work) => work(),
    withLease: (_shop, _lane, _holder, work) => work(new AbortController().signal),
  };
}

describe("retention job", () => {
  it("stays due while a backlog is left, then waits an hour", async () => {
    const { database } = testDatabase;
    await database.activity.createMany({
      data: Array.from({ length: 100 }, (_, index) => ({
        shop: SHOP,
        kind: "quantity_pushed",
        details: {},
        at: new Date(T0 - RETENTION.activityMs - (index + 1) * MINUTE),
      })),
    });
    const job = new RetentionJob(jobContext(), { batchSize: 20, maxBatches: 2 });
    const left: number[] = [];
    while (job.isDue(SHOP, nowMs)) {
      await job.runIfDue(SHOP);
      left.push(await database.activity.count({ where: { shop: SHOP } }));
      nowMs += 1_000;
    }
    // 40 a run; the third run found the last 20 and then nothing: done, due again an hour later.
    expect(left).toEqual([60, 20, 0]);
    expect(job.isDue(SHOP, T0 + 2_000 + 60 * MINUTE - 1)).toBe(false);
    expect(job.isDue(SHOP, T0 + 2_000 + 60 * MINUTE)).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import type { Database } from "~/db.server";
import { DEFAULT_CHANNEL_TIMING } from "~/domain";
import type { WorkerOptions } from "./options";
import { scheduleOf } from "./schedule";

const options = (overrides: Partial<WorkerOptions> = {}): WorkerOptions => ({
  database: {} as Database,
  provider: "sqlite",
  connectors: {} as WorkerOptions["connectors"],
  ...overrides,
});

describe("the worker's schedule", () => {
  it("defaults: 1 s passes, maintenance every 2 s, 60 s leases, reconciliation every 10 min, a full read daily", () => {
    const schedule = scheduleOf(options());
    expect(schedule).toMatchObject({
      idleMs: 1_000,
      maintenancePauseMs: 2_000,
      leaseTtlMs: 60_000,
      reconcileEveryMs: 600_000,
      fullReadEveryMs: 86_400_000,
      fullRecomputeEveryMs: 300_000,
      pruneEveryMs: 3_600_000,
      monitorEveryMs: 0,
      urgentPushGapMs: 15_000,
      observedReleaseRetryMs: 60_000,
    });
    expect(schedule.pushIntervalMs("meta")).toBe(DEFAULT_CHANNEL_TIMING.meta.pushIntervalMs);
    // Google is read back every 15 minutes at most, 25 items at a time; the others at their push interval.
    expect(schedule.readBackEveryMs("google")).toBe(15 * 60_000);
    expect(schedule.readBackEveryMs("online_store")).toBe(DEFAULT_CHANNEL_TIMING.online_store.pushIntervalMs);
    expect([schedule.readBackSample("google"), schedule.readBackSample("meta")]).toEqual([25, 250]);
  });

  it("takes the options over the defaults; maintenance never passes more often than every 2 s", () => {
    const schedule = scheduleOf(
      options({ idleMs: 50, pushIntervalMs: { google: 0 }, readBackEveryMs: { google: 1_000 }, readBackSample: 7 }),
    );
    expect([schedule.idleMs, schedule.maintenancePauseMs]).toEqual([50, 2_000]);
    expect(scheduleOf(options({ idleMs: 5_000 })).maintenancePauseMs).toBe(5_000);
    expect([schedule.pushIntervalMs("google"), schedule.pushIntervalMs("meta")]).toEqual([
      0,
      DEFAULT_CHANNEL_TIMING.meta.pushIntervalMs,
    ]);
    expect([schedule.readBackEveryMs("google"), schedule.readBackSample("online_store")]).toEqual([1_000, 7]);
  });
});

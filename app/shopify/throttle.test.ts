import { describe, expect, it } from "vitest";
import { fullJitterDelayMs, waitForCostMs } from "./throttle";

describe("waiting for the cost bucket (shopify.dev/docs/api/usage/limits)", () => {
  const status = { maximumAvailable: 2000, currentlyAvailable: 50, restoreRate: 100 };
  it("does not wait when the query fits", () => {
    expect(waitForCostMs(status, 0, 0, 50)).toBe(0);
  });
  it("waits for the missing points at restoreRate", () => {
    expect(waitForCostMs(status, 0, 0, 250)).toBe(2000);
    expect(waitForCostMs(status, 0, 1000, 250)).toBe(1000);
  });
  it("never waits for more than a full bucket", () => {
    expect(waitForCostMs(status, 0, 0, 5000)).toBe(19_500);
  });
});

describe("full-jitter backoff", () => {
  it("stays within [0, min(cap, base × 2^(attempt-1)))", () => {
    expect(fullJitterDelayMs(1, 100, 10_000, () => 0.999)).toBe(99);
    expect(fullJitterDelayMs(4, 100, 10_000, () => 0.5)).toBe(400);
    expect(fullJitterDelayMs(20, 100, 10_000, () => 0.5)).toBe(5000);
    expect(fullJitterDelayMs(3, 100, 10_000, () => 0)).toBe(0);
  });
});

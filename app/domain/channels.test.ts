import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  channelLagMs,
  DEFAULT_CHANNEL_TIMING,
  effectiveDelayMs,
  slowerThanMeasured,
  spikeSlackMs,
  SURGE_LAG_LIFT,
  surgeTiming,
  type ChannelTiming,
} from "./channels";
import { timingArb } from "./testing/arbitraries";

const MINUTE = 60_000;
const meta = (changes: Partial<ChannelTiming> = {}): ChannelTiming => ({
  measuredLagMs: 8 * MINUTE,
  pushIntervalMs: MINUTE,
  budgetWaitMs: 0,
  ...changes,
});

describe("channel lag", () => {
  it("is the measured lag while every push lands within it (and the read-back's delay)", () => {
    expect(channelLagMs(meta())).toBe(8 * MINUTE);
    expect(channelLagMs(meta({ inFlightLagMs: 5 * MINUTE }))).toBe(8 * MINUTE);
    // A push a little older than the p95 is the read-back's own delay: the lag is its age.
    expect(channelLagMs(meta({ inFlightLagMs: 9 * MINUTE }))).toBe(9 * MINUTE);
  });

  it("assumes a push late beyond the slack waits as much again as it is late", () => {
    // Slack at 8 minutes: 2 minutes. 15 minutes old: 5 late, so 20; 20 old: 10 late, so 30.
    expect(spikeSlackMs(8 * MINUTE)).toBe(2 * MINUTE);
    expect(channelLagMs(meta({ inFlightLagMs: 15 * MINUTE }))).toBe(20 * MINUTE);
    expect(channelLagMs(meta({ inFlightLagMs: 20 * MINUTE }))).toBe(30 * MINUTE);
    expect(spikeSlackMs(40 * MINUTE)).toBe(10 * MINUTE);
  });

  it("is at least the surge lag during a rush", () => {
    expect(channelLagMs(meta({ surgeLagMs: 20 * MINUTE }))).toBe(20 * MINUTE);
    expect(channelLagMs(meta({ surgeLagMs: 20 * MINUTE, inFlightLagMs: 20 * MINUTE }))).toBe(30 * MINUTE);
  });

  it("property: an unconfirmed push raises the effective lag, to at least its age, and an older one raises it more", () => {
    fc.assert(
      fc.property(
        timingArb,
        fc.integer({ min: 0, max: 7_200_000 }),
        fc.integer({ min: 1, max: 3_600_000 }),
        (timing, age, older) => {
          const { inFlightLagMs: _ignored, ...settled } = timing;
          const withPush = { ...settled, inFlightLagMs: age };
          // Never below the age of the oldest push not shown yet: a lower bound of the lag.
          expect(channelLagMs(withPush)).toBeGreaterThanOrEqual(age);
          expect(effectiveDelayMs(withPush)).toBeGreaterThanOrEqual(effectiveDelayMs(settled));
          // Strictly higher once the push is older than the lag assumed without it.
          if (age > channelLagMs(settled))
            expect(effectiveDelayMs(withPush)).toBeGreaterThan(effectiveDelayMs(settled));
          // The longer it waits, the longer the lag: never lower.
          expect(effectiveDelayMs({ ...settled, inFlightLagMs: age + older })).toBeGreaterThanOrEqual(
            effectiveDelayMs(withPush),
          );
        },
      ),
    );
  });
});

describe("slower than measured", () => {
  it("flags a rush, and a push waiting beyond the slack, not the read-back's delay", () => {
    expect(slowerThanMeasured(meta())).toBe(false);
    expect(slowerThanMeasured(meta({ inFlightLagMs: 10 * MINUTE }))).toBe(false);
    expect(slowerThanMeasured(meta({ inFlightLagMs: 11 * MINUTE }))).toBe(true);
    expect(slowerThanMeasured(meta({ surgeLagMs: 20 * MINUTE }))).toBe(true);
  });

  it("compares with the lag the figures still in flight were sized for, once the new lag is measured", () => {
    // The spike is measured now (30 minutes), but the oldest push in flight was sized for 8.
    const measuredSpike = meta({ measuredLagMs: 30 * MINUTE, inFlightLagMs: 25 * MINUTE });
    expect(slowerThanMeasured(measuredSpike)).toBe(false);
    expect(slowerThanMeasured({ ...measuredSpike, sizedForLagMs: 8 * MINUTE })).toBe(true);
    expect(slowerThanMeasured({ ...measuredSpike, sizedForLagMs: 28 * MINUTE })).toBe(false);
  });
});

describe("surge timing", () => {
  it("sets Meta's peak lag from a lift of SURGE_LAG_LIFT, and leaves the other channels and a calm shop alone", () => {
    expect(surgeTiming(DEFAULT_CHANNEL_TIMING, SURGE_LAG_LIFT - 0.01)).toBe(DEFAULT_CHANNEL_TIMING);
    const rush = surgeTiming(DEFAULT_CHANNEL_TIMING, SURGE_LAG_LIFT);
    expect(rush.meta.surgeLagMs).toBe(20 * MINUTE);
    expect(rush.online_store).toBe(DEFAULT_CHANNEL_TIMING.online_store);
    expect(rush.google).toBe(DEFAULT_CHANNEL_TIMING.google);
  });

  it("starts Meta at its 2026 peak lag until measured", () => {
    expect(DEFAULT_CHANNEL_TIMING.meta.measuredLagMs).toBe(20 * MINUTE);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assessDifference,
  decreaseSlack,
  MATERIALITY_POLICIES,
  type MaterialityPolicy,
  type PendingDifference,
} from "./materiality";

const META = MATERIALITY_POLICIES.meta!;
const NOW = 1_800_000_000_000;

const policyArb: fc.Arbitrary<MaterialityPolicy> = fc.record({
  slackFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  fewUnits: fc.integer({ min: 1, max: 50 }),
  lowStockBuffers: fc.double({ min: 0, max: 10, noNaN: true }),
  stalenessMs: fc.integer({ min: 1, max: 3_600_000 }),
});

/** A pending row: desired ≠ pushed, the decision's sellable at least desired. */
const rowArb: fc.Arbitrary<PendingDifference> = fc
  .record({
    desired: fc.integer({ min: 0, max: 2_000 }),
    heldBack: fc.integer({ min: 0, max: 500 }),
    pushed: fc.option(fc.integer({ min: 0, max: 2_500 }), { nil: null }),
    ageMs: fc.option(fc.integer({ min: 0, max: 7_200_000 }), { nil: null }),
    lagShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    override: fc.boolean(),
  })
  .filter((row) => row.pushed !== row.desired)
  .map((row) => ({
    desired: row.desired,
    pushed: row.pushed,
    sellable: row.desired + row.heldBack,
    // The lag-aware hold is one part of what is held back (the largest part is applied).
    lagHold: row.lagShare === null ? null : Math.floor(row.lagShare * row.heldBack),
    pendingSinceMs: row.ageMs === null ? null : NOW - row.ageMs,
    override: row.override,
  }));

describe("assessDifference", () => {
  it("keeps at least (1 − slackFraction) of the buffer when it leaves a decrease unpushed", () => {
    fc.assert(
      fc.property(rowArb, policyArb, (row, policy) => {
        const verdict = assessDifference(row, policy, NOW);
        if (verdict.material || row.pushed === null || row.pushed < row.desired) return;
        const buffer = row.sellable! - row.desired;
        expect(verdict.buffer).toBe(buffer);
        expect(row.pushed - row.desired).toBeLessThanOrEqual(verdict.slack);
        // What the channel still holds back while it shows the old, higher value.
        expect(row.sellable! - row.pushed).toBeGreaterThanOrEqual((1 - policy.slackFraction) * buffer - 1e-9);
        expect(row.pushed).toBeLessThanOrEqual(row.sellable!);
      }),
    );
  });

  it("spends no slack when stock is low", () => {
    fc.assert(
      fc.property(rowArb, policyArb, (row, policy) => {
        if (row.pushed === null || row.pushed <= row.desired) return;
        const low =
          row.desired < policy.fewUnits ||
          row.sellable! <= policy.lowStockBuffers * (row.lagHold ?? row.sellable! - row.desired);
        if (low) expect(assessDifference(row, policy, NOW).material).toBe(true);
      }),
    );
  });

  it("always pushes sell-outs, first pushes, overrides and unknown state", () => {
    fc.assert(
      fc.property(rowArb, policyArb, (row, policy) => {
        const verdict = assessDifference(row, policy, NOW);
        if (row.pushed === null) expect(verdict).toEqual({ material: true, reason: "never_pushed" });
        else if (row.desired === 0) expect(verdict).toEqual({ material: true, reason: "sell_out" });
        else if (row.override) expect(verdict).toEqual({ material: true, reason: "override" });
        else if (row.pendingSinceMs === null) expect(verdict).toEqual({ material: true, reason: "unknown" });
      }),
    );
  });

  it("converges: a difference pending for the staleness limit is material, a deferred one names when it will be", () => {
    fc.assert(
      fc.property(rowArb, policyArb, (row, policy) => {
        const verdict = assessDifference(row, policy, NOW);
        if (row.pendingSinceMs !== null && NOW - row.pendingSinceMs >= policy.stalenessMs)
          expect(verdict.material).toBe(true);
        if (!verdict.material) {
          expect(verdict.dueAtMs).toBe(row.pendingSinceMs! + policy.stalenessMs);
          expect(verdict.dueAtMs).toBeGreaterThan(NOW);
          expect(assessDifference(row, policy, verdict.dueAtMs).material).toBe(true);
        }
      }),
    );
  });

  it("defers an increase only while the channel shows at least max(fewUnits, buffer)", () => {
    fc.assert(
      fc.property(rowArb, policyArb, (row, policy) => {
        const verdict = assessDifference(row, policy, NOW);
        if (verdict.material || row.pushed === null || row.pushed > row.desired) return;
        expect(verdict.reason).toBe("increase_plenty_shown");
        expect(row.pushed).toBeGreaterThanOrEqual(policy.fewUnits);
        expect(row.pushed).toBeGreaterThanOrEqual(row.sellable! - row.desired);
      }),
    );
  });

  it("a larger decrease is never less material", () => {
    fc.assert(
      fc.property(rowArb, policyArb, fc.integer({ min: 1, max: 100 }), (row, policy, more) => {
        if (row.pushed === null || row.pushed <= row.desired) return;
        if (assessDifference(row, policy, NOW).material) {
          expect(assessDifference({ ...row, pushed: row.pushed + more }, policy, NOW).material).toBe(true);
        }
      }),
    );
  });

  it("an order stream pushed only when material never lets the channel show more than desired + slack", () => {
    // Orders of 1–3 units against one item: what the channel shows after each pass.
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 600 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 80 }),
        (stock, hold, lagHold, orders) => {
          let sellable = stock;
          let pushed = Math.max(0, sellable - hold);
          let pendingSinceMs: number | null = null;
          let now = NOW;
          for (const units of orders) {
            now += 60_000;
            sellable = Math.max(0, sellable - units);
            const desired = Math.max(0, sellable - hold);
            if (desired === pushed) continue;
            pendingSinceMs ??= now;
            const verdict = assessDifference(
              { desired, pushed, sellable, lagHold: Math.min(lagHold, hold), pendingSinceMs },
              META,
              now,
            );
            if (verdict.material) {
              pushed = desired;
              pendingSinceMs = null;
            }
            expect(pushed - desired).toBeLessThanOrEqual(
              decreaseSlack(desired, sellable, Math.min(lagHold, hold), META),
            );
            expect(sellable - pushed).toBeGreaterThanOrEqual(
              (1 - META.slackFraction) * Math.min(hold, sellable) - 1e-9,
            );
            if (sellable === 0 || desired === 0) expect(pushed).toBe(0);
          }
        },
      ),
    );
  });

  it("Meta: a unit sold out of plenty waits; near sellout every unit counts", () => {
    const since = NOW - 60_000;
    // The shop defaults hold 25% on Meta: 125 of 499 held back, 3 of them for the sales expected
    // during Meta's delay. Far from selling out: a quarter of the buffer (31) may stay shown.
    expect(
      assessDifference({ desired: 374, pushed: 405, sellable: 499, lagHold: 3, pendingSinceMs: since }, META, NOW),
    ).toMatchObject({
      material: false,
      reason: "decrease_within_slack",
      buffer: 125,
      slack: 31,
      dueAtMs: since + 600_000,
    });
    expect(
      assessDifference({ desired: 374, pushed: 406, sellable: 499, lagHold: 3, pendingSinceMs: since }, META, NOW),
    ).toEqual({ material: true, reason: "decrease" });
    // 8 held back, 2 of them for one delay: slack 2.
    expect(
      assessDifference({ desired: 100, pushed: 102, sellable: 108, lagHold: 2, pendingSinceMs: since }, META, NOW),
    ).toMatchObject({ material: false, slack: 2 });
    expect(
      assessDifference({ desired: 100, pushed: 103, sellable: 108, lagHold: 2, pendingSinceMs: since }, META, NOW),
    ).toEqual({ material: true, reason: "decrease" });
    // 3 held back: a quarter of it is less than a unit, so every decrease goes.
    expect(assessDifference({ desired: 496, pushed: 497, sellable: 499, pendingSinceMs: since }, META, NOW)).toEqual({
      material: true,
      reason: "decrease",
    });
    // Low stock: 40 sellable, 5 of which could sell during one delay (40 ≤ 8 × 5).
    expect(
      assessDifference({ desired: 30, pushed: 31, sellable: 40, lagHold: 5, pendingSinceMs: since }, META, NOW),
    ).toEqual({ material: true, reason: "decrease" });
    // Showing 495 instead of 497 turns no buyer away; showing 14 instead of 16 might.
    expect(
      assessDifference({ desired: 497, pushed: 495, sellable: 500, pendingSinceMs: since }, META, NOW),
    ).toMatchObject({ material: false, reason: "increase_plenty_shown" });
    expect(assessDifference({ desired: 16, pushed: 14, sellable: 19, pendingSinceMs: since }, META, NOW)).toEqual({
      material: true,
      reason: "few_shown",
    });
    expect(assessDifference({ desired: 0, pushed: 1, sellable: 3, pendingSinceMs: since }, META, NOW)).toEqual({
      material: true,
      reason: "sell_out",
    });
    expect(
      assessDifference(
        { desired: 374, pushed: 375, sellable: 499, lagHold: 3, pendingSinceMs: NOW - 600_000 },
        META,
        NOW,
      ),
    ).toEqual({ material: true, reason: "stale" });
  });

  it("refuses a row that does not differ (the push lane only asks about pending rows)", () => {
    expect(() => assessDifference({ desired: 5, pushed: 5, sellable: 8, pendingSinceMs: NOW }, META, NOW)).toThrow(
      RangeError,
    );
  });
});

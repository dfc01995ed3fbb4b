/** The goal lines per family (issue 19 "Done when") and the cost summary, on hand-made results. */
import { describe, expect, it } from "vitest";
import { Accounting, type StrategyResult } from "~/rehearsal/metrics";
import { cheapestStrategy, evaluateGoal, formatMultiple, oracleMultiple, type GoalInput } from "./report";

const variants = [{ index: 0, sku: "A", title: "A", price: 10, stock: 5, weight: 1 }];

function result(strategy: StrategyResult["strategy"], figures: Partial<StrategyResult>, total = 0): StrategyResult {
  const base = new Accounting(strategy, "in-process", variants, 0).finish({});
  return {
    ...base,
    ...figures,
    cost: { oversold: 0, withheld: 0, failedCheckouts: 0, advertisedSoldOut: 0, lostExposure: 0, apiCalls: 0, total },
  };
}

const input = (overrides: Partial<GoalInput>): GoalInput => ({
  family: "surge",
  checkout: { meta: "channel", google: "store" },
  outages: [],
  floors: [],
  native: result("native", { oversoldUnits: 54, failedCheckoutBuyers: 30 }),
  static: result("static", { withheldUnits: 2228 }),
  adaptive: result("adaptive", { oversoldUnits: 0, failedCheckoutBuyers: 9, withheldUnits: 680 }),
  oracle: result("oracle", { withheldUnits: 340 }),
  ...overrides,
});

describe("evaluateGoal", () => {
  it("holds a surge to: no oversell where native oversells, failed checkouts ≤ 1/3 native, withheld ≤ 1/3 static, and reports adaptive ÷ oracle", () => {
    const goal = evaluateGoal(input({}));
    expect(goal.lines.map((line) => [line.text, line.status])).toEqual([
      ["checkout on the channel (Meta): adaptive oversold 0 where native oversells", "met"],
      ["checkout on the store (Google): failed checkouts ≤ 1/3 of native", "met"],
      ["withheld ≤ 1/3 of static", "met"],
      ["adaptive ÷ oracle on withheld units ≤ 2 (the aim)", "met"],
    ]);
    expect(goal.lines[3]!.detail).toBe("2.00× (680 against 340)");
  });

  it("judges only the lines the checkouts call for, and says n/a when there is nothing to compare", () => {
    const goal = evaluateGoal(
      input({
        checkout: { meta: "store", google: "store" },
        native: result("native", { failedCheckoutBuyers: 0 }),
        adaptive: result("adaptive", { failedCheckoutBuyers: 0, withheldUnits: 800 }),
      }),
    );
    expect(goal.lines.map((line) => line.status)).toEqual(["n/a", "not met", "not met"]);
    expect(goal.lines[0]!.text).toMatch(/checkout on the store \(Meta, Google\)/);
  });

  it("holds an outage to an alert on the stalled channel within 15 minutes, the other channels protected, and oversold ≤ 1/4 native; states the floor", () => {
    const events = [
      { kind: "drift_high", channel: "meta", atHour: 1.5 }, // before the outage: not it
      { kind: "lag_high", channel: "google", atHour: 2.05 }, // another channel: not it
      { kind: "lag_high", channel: "meta", atHour: 2.2 }, // 12 minutes in
    ];
    const outage = { channel: "meta" as const, atHour: 2, minutes: 60 };
    const goal = evaluateGoal(
      input({
        family: "outage",
        outages: [outage],
        floors: [{ ...outage, stalledDemandUnits: 120, floorUnits: 14 }],
        native: result("native", {
          oversoldUnits: 40,
          failedCheckoutByChannel: { online_store: 0, meta: 0, google: 6 },
        }),
        adaptive: result("adaptive", {
          oversoldUnits: 10,
          oversoldByChannel: { online_store: 0, meta: 10, google: 0 },
          failedCheckoutByChannel: { online_store: 0, meta: 0, google: 6 },
          alerts: { total: 3, byKind: {}, events },
        }),
      }),
    );
    expect(goal.lines.map((line) => line.status)).toEqual(["met", "met", "met", "n/a", "met"]);
    expect(goal.lines[0]!.detail).toBe("lag_high at hour 2.2 (12 min after the start)");
    expect(goal.lines[3]!.text).toMatch(/physical floor of the Meta outage at hour 2 \(60 min\): 14 units/);

    const late = evaluateGoal(
      input({
        family: "outage",
        outages: [outage],
        adaptive: result("adaptive", {
          oversoldByChannel: { online_store: 0, meta: 0, google: 1 },
          alerts: { total: 1, byKind: {}, events: [{ kind: "lag_high", channel: "meta", atHour: 2.3 }] },
        }),
      }),
    );
    expect(late.lines[0]!.status).toBe("not met");
    expect(late.lines[1]!.status).toBe("not met"); // Google oversold
  });
});

describe("summary", () => {
  it("names the real strategy that cost least (the oracle is the floor beside them)", () => {
    expect(
      cheapestStrategy({
        native: result("native", {}, 300),
        static: result("static", {}, 1_600),
        adaptive: result("adaptive", {}, 250),
        oracle: result("oracle", {}, 1),
      }),
    ).toBe("adaptive");
  });

  it("gives adaptive ÷ oracle, or ∞ with the excess when the oracle's figure is 0", () => {
    expect(formatMultiple(oracleMultiple(51, 0))).toBe("∞ (oracle 0, adaptive 51)");
    expect(formatMultiple(oracleMultiple(0, 0))).toBe("1× (both 0)");
    expect(oracleMultiple(9, 3)).toEqual({ adaptive: 9, oracle: 3, multiple: 3, excess: 6 });
  });
});

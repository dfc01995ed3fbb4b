/**
 * The rehearsal on a tiny scenario: same seed → same results, and Ballast adaptive (the
 * real app over HTTP) never oversells more than native sync on the same demand.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runAdaptive } from "./adaptive";
import { simulateInProcess } from "~/rehearsal/inprocess";
import { expandScenario, generateDemand, parseScenario } from "~/rehearsal/scenario";

const tiny = parseScenario({
  name: "tiny",
  durationHours: 0.25,
  stepSeconds: 60,
  catalogue: { generate: { variants: 6, priceRange: [10, 30], zipf: 0.8, stockCoverage: [0.4, 1.2], minStock: 1 } },
  demand: {
    orders: 60,
    hourly: [1],
    unitsPerOrder: [
      [1, 0.8],
      [2, 0.2],
    ],
    channels: { online_store: 0.4, meta: 0.4, google: 0.2 },
  },
  channels: {
    meta: { checkout: "channel", lagMinutes: [{ fromHour: 0, min: 5, max: 8 }] },
    google: { checkout: "store", lagMinutes: [{ fromHour: 0, min: 20, max: 30 }] },
  },
  webhooks: { delaySeconds: [{ fromHour: 0, min: 1, max: 30 }], duplicateRate: 0.2, outOfOrderRate: 0.2 },
});

const folder = mkdtempSync(path.join(tmpdir(), "ballast-rehearsal-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let measured: { adaptive: number; native: number } | null = null;

describe("peak rehearsal on a tiny scenario", { shuffle: false }, () => {
  it("gives the same demand and the same in-process results for the same seed, other ones for another seed", () => {
    const run = (seed: number) => {
      const expanded = expandScenario(tiny, seed);
      const buyers = generateDemand(expanded);
      const strip = ({ wallMs: _wallMs, ...rest }: ReturnType<typeof simulateInProcess>) => rest;
      return {
        buyers,
        native: strip(simulateInProcess("native", expanded, buyers)),
        fixed: strip(simulateInProcess("static", expanded, buyers)),
      };
    };
    const first = run(7);
    expect(run(7)).toEqual(first);
    expect(run(8).buyers).not.toEqual(first.buyers);
    expect(first.buyers).toHaveLength(60);
    expect(first.native.soldUnits).toBeGreaterThan(0);
  });

  it("lists every oversell item by item, adding up to the units oversold", () => {
    // The first seed whose native run oversells (deterministic: same seed, same demand).
    const runs = Array.from({ length: 30 }, (_, seed) => {
      const expanded = expandScenario(tiny, seed + 1);
      return simulateInProcess("native", expanded, generateDemand(expanded));
    });
    const native = runs.find((run) => run.oversoldUnits > 0);
    if (!native) throw new Error("no seed oversold under native sync");
    expect(native.oversells.reduce((sum, event) => sum + event.units, 0)).toBe(native.oversoldUnits);
    for (const event of native.oversells) {
      expect(event.shown).toBeGreaterThan(event.sellable);
      expect(event.hour).toBeGreaterThanOrEqual(0);
      expect(event.hour).toBeLessThanOrEqual(0.25);
    }
  });

  it("drives the real app over HTTP with signed webhooks on the same demand", { timeout: 90_000 }, async () => {
    const expanded = expandScenario(tiny, 7);
    const buyers = generateDemand(expanded);
    const native = simulateInProcess("native", expanded, buyers);
    const run = await runAdaptive(expanded, buyers, { databaseFile: path.join(folder, "tiny.sqlite") });
    try {
      const adaptive = run.result;
      expect(adaptive.mode).toBe("http");
      expect(adaptive.demandUnits).toBe(native.demandUnits);
      measured = { adaptive: adaptive.oversoldUnits, native: native.oversoldUnits };
      expect(adaptive.apiCalls.meta).toBeGreaterThan(0);
      expect(adaptive.notes.join("\n")).toMatch(/\(0 not answered 200\)/);
      // 60-minute Shopify tokens: none due in 15 minutes, and never a call refused.
      expect(adaptive.shopify).toEqual({ tokenRefreshes: 0, authFailures: 0 });
    } finally {
      await run.close();
    }
  });

  // Long a known gap (adaptive 2, native 0 on seed 7), until the cause turned out to be
  // the scenario: three quarters of this 15-minute scenario's orders were drawn over a whole
  // hour and clamped to its last millisecond (generateDemand), a burst nothing can follow.
  // Spread over the 15 minutes, and with Meta's own checkout lowering the figure Meta shows
  // (not a write still propagating), both oversell 6 units of one best seller: 41 units
  // wanted of 26 within 15 minutes, on a channel that takes 5 to 8 minutes to show a change.
  it("adaptive oversells no more than native", () => {
    expect(measured).not.toBeNull();
    expect(measured!.adaptive).toBeLessThanOrEqual(measured!.native);
  });
});

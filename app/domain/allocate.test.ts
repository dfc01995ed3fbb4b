import { describe, expect, it } from "vitest";
import { allocateItem, recompute, type AllocationContext, type AllocationItem } from "./allocate";
import {
  DEFAULT_CHANNEL_SETTINGS,
  DEFAULT_CHANNEL_TIMING,
  shopChannelSettingsSchema,
  type ChannelTiming,
} from "./channels";
import { renderExplanation } from "./explain";
import type { LocationGid, ShopDomain, VariantGid } from "./ids";
import { applyLevelUpdate, createMasterRecord, type MasterRecord } from "./master-record";
import { compileRuleSet, ruleSetSchema, type RuleSetInput } from "./rules";
import { EXAMPLE_CONTEXT, EXAMPLE_ITEM } from "./default-rules";
import { recordSale } from "./velocity";

const T = Date.UTC(2026, 10, 27, 12, 0, 0);
const VARIANT = "gid://shopify/ProductVariant/44960469696645" as VariantGid;
const WAREHOUSE = "gid://shopify/Location/76543210987" as LocationGid;

function recordWith(available: number): MasterRecord {
  return applyLevelUpdate(createMasterRecord("allocate.myshopify.com" as ShopDomain, VARIANT), {
    locationId: WAREHOUSE,
    available,
    updatedAtMs: T - 60_000,
  });
}
const item = (record: MasterRecord, memory?: AllocationItem["memory"]): AllocationItem => ({
  ...EXAMPLE_ITEM,
  variantId: VARIANT,
  record,
  memory,
});
const contextWith = (changes: Partial<AllocationContext> & { settingsInput?: unknown; rulesInput?: RuleSetInput }) => {
  const { settingsInput, rulesInput, ...rest } = changes;
  return {
    ...EXAMPLE_CONTEXT,
    nowMs: T,
    ...(settingsInput === undefined ? {} : { settings: shopChannelSettingsSchema.parse(settingsInput) }),
    ...(rulesInput === undefined ? {} : { rules: compileRuleSet(ruleSetSchema.parse(rulesInput)) }),
    ...rest,
  };
};

describe("lag-aware allocation", () => {
  const lagAwareRules: RuleSetInput = {
    shopDefaults: { online_store: {}, meta: { lagAware: { confidence: 0.95 } }, google: {} },
  };
  const meta: ChannelTiming = { measuredLagMs: 15 * 60_000, pushIntervalMs: 60_000, budgetWaitMs: 0 };

  it("holds for an item never sold when the shop gives a prior sales speed, and never shows more as the prior grows", () => {
    const shown = (prior: number | undefined) =>
      allocateItem(
        item(recordWith(10)),
        contextWith({ timing: { ...DEFAULT_CHANNEL_TIMING, meta }, rulesInput: lagAwareRules, priorRatePerMs: prior }),
      ).decisions.meta.quantity;
    expect(shown(undefined)).toBe(10);
    expect(shown(0)).toBe(10);
    let previous = shown(0);
    for (const perHour of [0.1, 0.5, 1, 2, 5, 20]) {
      const next = shown(perHour / 3_600_000);
      expect(next).toBeLessThanOrEqual(previous);
      previous = next;
    }
    expect(shown(2 / 3_600_000)).toBeLessThan(10);
  });

  it("ignores the prior once the item has a sales speed of its own", () => {
    let record = recordWith(10);
    record = { ...record, velocity: recordSale(record.velocity, 1, T - 3 * 3_600_000) };
    const decide = (prior: number | undefined) =>
      allocateItem(
        item(record),
        contextWith({ timing: { ...DEFAULT_CHANNEL_TIMING, meta }, rulesInput: lagAwareRules, priorRatePerMs: prior }),
      ).decisions.meta.quantity;
    expect(decide(100 / 3_600_000)).toBe(decide(undefined));
  });

  it("renders the velocity, the effective delay and the confidence", () => {
    let record = recordWith(10);
    // 2.1 units a minute for the last half hour, all already reflected in the level.
    for (let minute = 0; minute < 30; minute++) {
      record = { ...record, velocity: recordSale(record.velocity, 2.1, T - (30 - minute) * 60_000) };
    }
    const meta: ChannelTiming = { measuredLagMs: 30_000, pushIntervalMs: 30_000, budgetWaitMs: 30_000 };
    const context = contextWith({
      timing: { ...DEFAULT_CHANNEL_TIMING, meta },
      rulesInput: {
        shopDefaults: { online_store: {}, meta: { fixedUnits: 1, lagAware: { confidence: 0.95 } }, google: {} },
      },
    });
    const decision = allocateItem(item(record), context, { explain: true }).decisions.meta;
    const lag = decision.explanation?.steps.find((step) => step.kind === "lag_aware");
    expect(lag?.params).toMatchObject({ delayMs: 90_000, confidence: 0.95, binding: true });
    expect(decision.quantity).toBe(10 - (lag?.units ?? 0));
    expect(lag?.units).toBeGreaterThan(1);
    expect(renderExplanation(decision.explanation!, "en")).toMatch(
      /^Meta \d+ = 10 sellable − \d+ \(lag-aware: \d\.\d\/min × 90 s at 95%\)$/,
    );
    expect(renderExplanation(decision.explanation!, "fr")).toMatch(/\(délai\u00a0: \d,\d\/min × 90 s à 95\u00a0%\)$/);
  });

  it("raises a channel that takes orders itself only as far as is safe at the day's longest lag; lowers it at once whatever that lag", () => {
    let record = recordWith(12);
    for (let minute = 0; minute < 60; minute += 6)
      record = { ...record, velocity: recordSale(record.velocity, 1, T - (60 - minute) * 60_000) };
    const usual: ChannelTiming = { measuredLagMs: 10 * 60_000, pushIntervalMs: 60_000, budgetWaitMs: 0 };
    const at99: RuleSetInput = {
      shopDefaults: { ...lagAwareRules.shopDefaults, meta: { lagAware: { confidence: 0.99 } } },
    };
    const decide = (
      timing: ChannelTiming,
      shownBefore: number,
      rulesInput: RuleSetInput = lagAwareRules,
      checkoutOn: "channel" | "store" = "channel",
    ) =>
      allocateItem(
        item(record, { meta: { damping: { shown: shownBefore, pending: null } } }),
        contextWith({
          timing: { ...DEFAULT_CHANNEL_TIMING, meta: timing },
          rulesInput,
          // No damping: this is about the guard alone.
          settingsInput: { meta: { checkoutOn, damping: { confirmations: 1, minHoldMs: 0 } } },
        }),
        { explain: true },
      ).decisions.meta;
    const unguarded = decide(usual, 0, lagAwareRules, "store").quantity;
    // What the rule allows at 35 minutes, at its own 95% and at the increase's 99% (decreases from 12: never guarded).
    const atLongest = decide({ ...usual, measuredLagMs: 35 * 60_000 }, 12).quantity;
    const atLongestSure = decide({ ...usual, measuredLagMs: 35 * 60_000 }, 12, at99).quantity;
    expect(atLongestSure).toBeLessThan(unguarded);
    expect(atLongestSure).toBeLessThanOrEqual(atLongest);

    // From 0, an increase goes only as high as the rule allows at 35 minutes, at 99%.
    const guarded = decide({ ...usual, increaseLagMs: 35 * 60_000 }, 0);
    expect(guarded.quantity).toBe(atLongestSure);
    expect(guarded.explanation?.steps.find((step) => step.kind === "increase_guarded")?.params).toMatchObject({
      target: unguarded,
      guardedTarget: atLongestSure,
      confidence: 0.99,
    });
    expect(renderExplanation(guarded.explanation!, "en")).toMatch(
      new RegExp(
        `^Meta ${atLongestSure}: raised toward ${unguarded} only as far as is safe at 99% if the change takes 35 min to show`,
      ),
    );
    expect(renderExplanation(guarded.explanation!, "fr")).toMatch(
      /sûr à 99\u00a0% si le changement met 35 min à s'afficher \(le plus long délai du jour\)/,
    );

    // A decrease (shown 12 → target) is not held back.
    expect(decide({ ...usual, increaseLagMs: 35 * 60_000 }, 12).quantity).toBe(unguarded);
    // A push in flight for 40 minutes: the lag is at least that, so the increase is sized for it, at 99%.
    const stillInFlight = { ...usual, measuredLagMs: 40 * 60_000 };
    expect(
      decide({ ...usual, inFlightLagMs: 40 * 60_000, increaseLagMs: 35 * 60_000 }, 0).quantity,
    ).toBeLessThanOrEqual(decide(stillInFlight, 12, at99).quantity);
    // Checkout on the store: a unit re-listed late is a refused checkout, not an oversell; no guard.
    expect(decide({ ...usual, increaseLagMs: 35 * 60_000 }, 0, lagAwareRules, "store").quantity).toBe(unguarded);
  });

  it("holds a static rule's increases to the rule alone: no lag-aware part is added", () => {
    const record = { ...recordWith(12), velocity: recordSale(recordWith(12).velocity, 3, T - 60_000) };
    const staticRules: RuleSetInput = { shopDefaults: { online_store: {}, meta: { fixedUnits: 2 }, google: {} } };
    const decision = allocateItem(
      item(record, { meta: { damping: { shown: 0, pending: null } } }),
      contextWith({
        timing: {
          ...DEFAULT_CHANNEL_TIMING,
          meta: { measuredLagMs: 10 * 60_000, pushIntervalMs: 60_000, budgetWaitMs: 0, increaseLagMs: 35 * 60_000 },
        },
        rulesInput: staticRules,
        settingsInput: { meta: { checkoutOn: "channel", damping: { confirmations: 1, minHoldMs: 0 } } },
      }),
    ).decisions.meta;
    expect(decision.quantity).toBe(10);
  });

  it("budget-starved channels get a larger buffer", () => {
    let record = recordWith(60);
    record = { ...record, velocity: recordSale(record.velocity, 3, T - 60_000) };
    const context = contextWith({
      rulesInput: {
        shopDefaults: {
          online_store: { lagAware: { confidence: 0.95 } },
          meta: { lagAware: { confidence: 0.95 } },
          google: { lagAware: { confidence: 0.95 } },
        },
      },
    });
    const { online_store, meta, google } = allocateItem(item(record), context).decisions;
    expect(online_store.quantity).toBeGreaterThanOrEqual(meta.quantity);
    expect(meta.quantity).toBeGreaterThan(google.quantity);
  });
});

describe("the Online Store leaves units to a channel that takes orders itself", () => {
  const rules: RuleSetInput = {
    shopDefaults: {
      online_store: { lagAware: { confidence: 0.95 } },
      meta: { lagAware: { confidence: 0.95 } },
      google: {},
    },
  };
  const usual: ChannelTiming = { measuredLagMs: 8 * 60_000, pushIntervalMs: 60_000, budgetWaitMs: 0 };
  // One unit every two minutes over the last hour.
  let record = recordWith(12);
  for (let minute = 0; minute < 60; minute += 2)
    record = { ...record, velocity: recordSale(record.velocity, 1, T - (60 - minute) * 60_000) };
  const decide = (meta: ChannelTiming, mayShow: number | null, checkoutOn: "channel" | "store" = "channel") =>
    allocateItem(
      item(record, { meta: { mayShow } }),
      contextWith({
        timing: { ...DEFAULT_CHANNEL_TIMING, meta },
        rulesInput: rules,
        settingsInput: { meta: { checkoutOn }, online_store: { thinStock: { keepSellingAtOrBelow: 0 } } },
      }),
      { explain: true },
    ).decisions;

  it("nothing while the channel is as fast as the figures it shows were sized for", () => {
    const { online_store, meta } = decide(usual, 12);
    expect(meta.quantity).toBeLessThan(12);
    expect(online_store.explanation?.steps.some((step) => step.kind === "reserved_for_channel")).toBe(false);
  });

  it("during a spike, what it may show beyond what Ballast wants, at most what it can sell before its lower figure lands", () => {
    // A push waiting 20 minutes on a channel measured at 8: a spike, the lag counted as 30 minutes.
    const spike = { ...usual, inFlightLagMs: 20 * 60_000 };
    const { online_store, meta } = decide(spike, 11);
    const reserve = online_store.explanation?.steps.find((step) => step.kind === "reserved_for_channel");
    expect(reserve?.params).toMatchObject({ channel: "meta", mayShow: 11, wants: meta.quantity });
    const reserved = reserve?.kind === "reserved_for_channel" ? reserve.params.reserved : 0;
    expect(reserved).toBeGreaterThan(0);
    expect(reserved).toBeLessThanOrEqual(11 - meta.quantity);
    expect(online_store.quantity).toBe(12 - reserved);
    expect(renderExplanation(online_store.explanation!, "en")).toMatch(
      new RegExp(
        `^Online Store ${12 - reserved}: ${reserved} left to Meta, which takes orders itself and may show 11 \\(not ${meta.quantity}\\) until its lower figure lands in about \\d+ min`,
      ),
    );
    expect(renderExplanation(online_store.explanation!, "fr")).toMatch(
      new RegExp(`${reserved} laissé\\(s\\) à Meta, qui prend les commandes lui-même et peut afficher 11`),
    );
    // The catalog's own hold says why its delay is long.
    expect(renderExplanation(meta.explanation!, "en")).toMatch(/\(a change sent 20 min ago has not shown yet\)/);
  });

  it("not for a channel whose buyers check out on the store, nor when what it may show is unknown", () => {
    const spike = { ...usual, inFlightLagMs: 20 * 60_000 };
    for (const decisions of [decide(spike, 11, "store"), decide(spike, null)])
      expect(decisions.online_store.explanation?.steps.some((step) => step.kind === "reserved_for_channel")).toBe(
        false,
      );
  });

  it("even the last units the Online Store would keep selling under thin stock", () => {
    const decisions = allocateItem(
      item(recordWith(3), { meta: { mayShow: 3 } }),
      contextWith({
        timing: { ...DEFAULT_CHANNEL_TIMING, meta: { ...usual, surgeLagMs: 20 * 60_000 } },
        rulesInput: rules,
        priorRatePerMs: 1 / 60_000,
        settingsInput: { meta: { checkoutOn: "channel" } },
      }),
      { explain: true },
    ).decisions;
    expect(decisions.meta.quantity).toBe(0);
    expect(decisions.online_store.quantity).toBe(0);
  });
});

describe("channel states", () => {
  it("paused_stop_selling shows 0 and says why", () => {
    const context = contextWith({ settingsInput: { meta: { state: "paused_stop_selling" } } });
    const meta = allocateItem(item(recordWith(10)), context, { explain: true }).decisions.meta;
    expect(meta).toMatchObject({ quantity: 0, availability: "out_of_stock", push: true, nearSellout: false });
    expect(renderExplanation(meta.explanation!)).toBe("Meta 0: paused, stop selling (10 sellable)");
  });

  it("paused_freeze keeps the last pushed value, stops pushing and flags the risk", () => {
    const context = contextWith({ settingsInput: { meta: { state: "paused_freeze" } } });
    const meta = allocateItem(item(recordWith(4), { meta: { lastPushed: 9 } }), context, { explain: true }).decisions
      .meta;
    expect(meta).toMatchObject({ quantity: 9, push: false, risk: { aboveTarget: 6, aboveSellable: 5 } });
    expect(renderExplanation(meta.explanation!)).toBe(
      "Meta 9: frozen at the last pushed value (rules say 3); risk: 5 more than sellable; 3 = 4 sellable − 1 (25% of 4, rounded up)",
    );
  });

  it("paused_freeze below target carries no risk", () => {
    const context = contextWith({ settingsInput: { meta: { state: "paused_freeze" } } });
    const meta = allocateItem(item(recordWith(10), { meta: { lastPushed: 2 } }), context).decisions.meta;
    expect(meta).toMatchObject({ quantity: 2, push: false, risk: null });
  });
});

describe("Google, availability only", () => {
  const lowStock = (mode: "pause_ads" | "out_of_stock", available: number) =>
    allocateItem(item(recordWith(available)), contextWith({ settingsInput: { google: { lowStock: mode } } }), {
      explain: true,
    }).decisions.google;

  it("near sellout keeps the offer in stock and asks to pause ads by default", () => {
    const google = lowStock("pause_ads", 3);
    expect(google).toMatchObject({ quantity: 0, availability: "in_stock", nearSellout: true, pauseAds: true });
    expect(renderExplanation(google.explanation!)).toBe(
      "Google 0 = 3 sellable − 3 (tier ≤ 3: show none) → kept in stock, pause ads (near sellout)",
    );
  });

  it("near sellout in out_of_stock mode marks the offer out of stock", () => {
    expect(lowStock("out_of_stock", 3)).toMatchObject({ quantity: 0, availability: "out_of_stock", pauseAds: false });
  });

  it("with nothing sellable is out of stock in either mode", () => {
    expect(lowStock("pause_ads", 0)).toMatchObject({
      availability: "out_of_stock",
      nearSellout: false,
      pauseAds: false,
    });
  });

  it("defaults to pause_ads", () => {
    expect(DEFAULT_CHANNEL_SETTINGS.google.lowStock).toBe("pause_ads");
  });
});

describe("manual overrides in allocation", () => {
  const override = { channel: "meta" as const, variantId: VARIANT, quantity: 9, expiresAtMs: T + 60_000 };

  it("replace the rules until they expire", () => {
    const active = allocateItem(item(recordWith(10), { meta: { override } }), contextWith({}), { explain: true });
    expect(active.decisions.meta.quantity).toBe(9);
    expect(renderExplanation(active.decisions.meta.explanation!)).toBe(
      "Meta 9: manual override until 2026-11-27 12:01 UTC (10 sellable)",
    );
    const expired = allocateItem(item(recordWith(10), { meta: { override } }), contextWith({ nowMs: T + 60_000 }));
    expect(expired.decisions.meta.quantity).toBe(7);
  });

  it("never show more than what became sellable since", () => {
    const decision = allocateItem(item(recordWith(5), { meta: { override } }), contextWith({}), { explain: true })
      .decisions.meta;
    expect(decision.quantity).toBe(5);
    expect(renderExplanation(decision.explanation!)).toBe("Meta 5: manual override 9 limited to 5 sellable");
  });
});

describe("damping in allocation", () => {
  it("holds an increase back until confirmed, then applies it", () => {
    const context = contextWith({ settingsInput: { meta: { damping: { confirmations: 2, minHoldMs: 0 } } } });
    const first = allocateItem(item(recordWith(20), { meta: { damping: { shown: 4, pending: null } } }), context, {
      explain: true,
    }).decisions.meta;
    expect(first.quantity).toBe(4);
    expect(renderExplanation(first.explanation!)).toBe(
      "Meta 4: increase to 15 waiting for confirmation (1 of 2 computations); 15 = 20 sellable − 5 (25% of 20, rounded up)",
    );
    const second = allocateItem(
      item(recordWith(20), { meta: { damping: first.damping } }),
      contextWith({ ...context, nowMs: T + 1 }),
    );
    expect(second.decisions.meta.quantity).toBe(15);
  });

  it("applies a decrease at once", () => {
    const decision = allocateItem(
      item(recordWith(4), { meta: { damping: { shown: 15, pending: null } } }),
      contextWith({}),
    );
    expect(decision.decisions.meta.quantity).toBe(3);
  });
});

describe("recompute", () => {
  it("allocates every item in order", () => {
    const items = [item(recordWith(10)), item(recordWith(0))];
    const allocations = recompute(items, contextWith({}));
    expect(allocations.map((allocation) => allocation.decisions.online_store.quantity)).toEqual([8, 0]);
    expect(allocations[0]?.decisions.meta.explanation).toBeNull();
  });
});

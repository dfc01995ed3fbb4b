import { describe, expect, it } from "vitest";
import {
  allocateItem,
  EXAMPLE_CONTEXT,
  EXAMPLE_ITEM,
  type Explanation,
  type ExplanationStep,
  type RuleSource,
} from "~/domain";
import { plainDuration, plainExplanation, plainRate } from "./plain-explanation";

const formatTime = (ms: number) => new Date(ms).toISOString().slice(11, 16);
const en = { locale: "en" as const, formatTime };
const fr = { locale: "fr" as const, formatTime };
const NB = "\u00a0";
/** ICU puts a regular or a no-break space between a number and its unit, by unit: compare words, not spaces. */
const spaced = (text: string) => text.replace(/\s/g, " ");
const RULE: RuleSource = { level: "shop" } as RuleSource;

function explanation(
  channel: Explanation["channel"],
  quantity: number,
  sellable: number,
  steps: ExplanationStep[],
  extra: Partial<Explanation> = {},
): Explanation {
  return {
    channel,
    quantity,
    availability: quantity > 0 ? "in_stock" : "out_of_stock",
    sellable,
    rule: RULE,
    ruleCandidates: 0,
    steps: [
      {
        kind: "sellable",
        units: sellable,
        params: { available: sellable, ballastSafetyStock: 0, orderHolds: 0, locations: "all" },
      },
      ...steps,
    ],
    ...extra,
  };
}

const lagAware = (units: number, ratePerMinute: number, delayMs: number): ExplanationStep => ({
  kind: "lag_aware",
  units,
  params: {
    ratePerMinute,
    delayMs,
    measuredLagMs: delayMs,
    pushIntervalMs: 0,
    budgetWaitMs: 0,
    confidence: 0.95,
    expectedUnits: units,
    binding: true,
  },
});

describe("plainExplanation", () => {
  it("says the issue's example: delay and sales speed, then what is kept back", () => {
    const meta = explanation("meta", 7, 10, [lagAware(3, 0.2, 15 * 60_000)]);
    expect(plainExplanation(meta, en)).toBe(
      "Ballast wants Meta to show 7: you have 10 to sell, Meta runs about 15 minutes behind and this item sells about 1 every 5 minutes, so 3 are kept back.",
    );
    const french = plainExplanation(meta, fr);
    expect(spaced(french)).toBe(
      "Ballast veut que Meta affiche 7 : vous en avez 10 à vendre, Meta a environ 15 minutes de retard et cet article se vend à environ 1 toutes les 5 minutes, donc 3 sont retenus.",
    );
    // French typography: a no-break space before the colon.
    expect(french).toContain(`7${NB}:`);
  });

  it("says why the delay is long (a change still on its way, a rush) and that the shop sells faster than usual", () => {
    const base = lagAware(6, 0.5, 31 * 60_000);
    const spike: ExplanationStep =
      base.kind === "lag_aware"
        ? {
            ...base,
            params: { ...base.params, measuredLagMs: 8 * 60_000, inFlightLagMs: 20 * 60_000, demandLift: 4.2 },
          }
        : base;
    const meta = explanation("meta", 4, 10, [spike]);
    expect(plainExplanation(meta, en)).toBe(
      "Ballast wants Meta to show 4: you have 10 to sell, Meta runs about 30 minutes behind (a change sent 20 minutes ago has not shown yet) and this item sells about 1 every 2 minutes while your shop sells 4.2 times its usual pace, so 6 are kept back.",
    );
    expect(spaced(plainExplanation(meta, fr))).toContain(
      "Meta a environ 30 minutes de retard (un changement envoyé il y a 20 minutes n'est pas encore affiché) et cet article se vend à environ 1 toutes les 2 minutes pendant que votre boutique vend 4,2 fois plus qu'à l'habitude",
    );
    const rush: ExplanationStep =
      base.kind === "lag_aware"
        ? { ...base, params: { ...base.params, measuredLagMs: 8 * 60_000, surgeLagMs: 20 * 60_000 } }
        : base;
    expect(plainExplanation(explanation("meta", 4, 10, [rush]), en)).toContain(
      "Meta runs about 30 minutes behind (in a rush, Ballast assumes it is as slow as at its busiest)",
    );
  });

  it("says what the Online Store leaves to a channel that takes orders itself", () => {
    const reserved: ExplanationStep = {
      kind: "reserved_for_channel",
      units: 3,
      params: {
        channel: "meta",
        reserved: 7,
        mayShow: 9,
        wants: 2,
        delayMs: 31 * 60_000,
        expectedUnits: 4,
        confidence: 0.95,
      },
    };
    const store = explanation("online_store", 3, 10, [reserved]);
    expect(plainExplanation(store, en)).toBe(
      "Ballast wants the Online Store to show 3: you have 10 to sell, nothing needs to be kept back, 7 are left for Meta, which takes orders at its own checkout and may still show 9 (Ballast wants 2) until its lower number arrives, in about 30 minutes.",
    );
    expect(spaced(plainExplanation(store, fr))).toContain(
      "7 sont laissés à Meta, qui prend les commandes à sa propre caisse et peut encore en afficher 9 (Ballast en veut 2)",
    );
  });

  it("reads the engine's own decisions for the seed example (10 sellable → Online Store 8, Meta 7, Google in stock)", () => {
    const { decisions } = allocateItem(EXAMPLE_ITEM, EXAMPLE_CONTEXT, { explain: true });
    expect(plainExplanation(decisions.online_store.explanation!, en)).toBe(
      "Ballast wants the Online Store to show 8: you have 10 to sell, your rule keeps 2 back.",
    );
    expect(plainExplanation(decisions.meta.explanation!, en)).toBe(
      "Ballast wants Meta to show 7: you have 10 to sell, your rule keeps 25% back, rounded up, so 3 are kept back.",
    );
    expect(plainExplanation(decisions.google.explanation!, en)).toBe(
      "Ballast wants Google to show it in stock: you have 10 to sell, with 20 or fewer in stock your rule holds some back, so 4 are kept back.",
    );
    expect(spaced(plainExplanation(decisions.meta.explanation!, fr))).toBe(
      "Ballast veut que Meta affiche 7 : vous en avez 10 à vendre, votre règle en retient 25 %, arrondi au supérieur, donc 3 sont retenus.",
    );
  });

  it("says Google's near-sell-out state as a state: in stock with ads paused, or out of stock", () => {
    const availability = (
      nearSellout: boolean,
      inStock: boolean,
      mode: "pause_ads" | "out_of_stock",
    ): ExplanationStep => ({
      kind: "availability",
      units: 0,
      params: { availability: inStock ? "in_stock" : "out_of_stock", nearSellout, lowStockMode: mode },
    });
    const paused = explanation(
      "google",
      0,
      4,
      [lagAware(4, 0.01, 13 * 3_600_000), availability(true, true, "pause_ads")],
      {
        availability: "in_stock",
      },
    );
    expect(plainExplanation(paused, en)).toBe(
      "Ballast wants Google to show it in stock with its ads paused: you have 4 to sell, Google runs about 13 hours behind and this item sells about 1 every 2 hours, so 4 are kept back, it is too close to selling out to advertise, so its ads are paused while the offer stays in stock (your store still sells it).",
    );
    const out = explanation("google", 0, 4, [
      lagAware(4, 0.01, 13 * 3_600_000),
      availability(true, false, "out_of_stock"),
    ]);
    expect(plainExplanation(out, en)).toMatch(
      /^Ballast wants Google to show it out of stock: .*, it is too close to selling out, so Google shows it out of stock\.$/,
    );
    expect(plainExplanation(out, fr)).toMatch(/^Ballast veut que Google l'affiche en rupture\u00a0: /);
  });

  it("names a manual override and its end, and nothing else decides then", () => {
    const override = explanation(
      "meta",
      3,
      10,
      [
        {
          kind: "override",
          units: 3,
          params: { requested: 3, expiresAtMs: Date.UTC(2026, 11, 7, 14, 5), limitedBySellable: false },
        },
      ],
      { rule: null },
    );
    expect(plainExplanation(override, en)).toBe(
      "Ballast wants Meta to show 3: you set a manual override of 3 until 14:05, you have 10 to sell.",
    );
    const limited = explanation(
      "meta",
      2,
      2,
      [{ kind: "override", units: 2, params: { requested: 5, expiresAtMs: 0, limitedBySellable: true } }],
      { rule: null },
    );
    expect(plainExplanation(limited, en)).toContain("you set a manual override of 5, but only 2 can be sold");
  });

  it("says a pause, a freeze with its risk, and having nothing to sell", () => {
    const stop = explanation("meta", 0, 6, [{ kind: "paused_stop_selling", units: 0, params: {} }], { rule: null });
    expect(plainExplanation(stop, en)).toBe(
      "Ballast wants Meta to show 0: you paused Meta, so it shows none, you have 6 to sell.",
    );
    const freeze = explanation(
      "meta",
      9,
      6,
      [{ kind: "paused_freeze", units: 9, params: { computed: 4, excessOverSellable: 3 } }],
      { rule: null },
    );
    expect(plainExplanation(freeze, en)).toContain(
      "the quantity on Meta is frozen at the last value sent (the rules would give 4), 3 more than you can sell",
    );
    expect(plainExplanation(explanation("meta", 0, 0, []), en)).toBe(
      "Ballast wants Meta to show 0: you have none left to sell.",
    );
  });

  it("adds what adjusted the rule: the floor, the cap, the last units kept selling, a damped rise", () => {
    const floor = explanation("meta", 0, 3, [
      { kind: "fixed", units: 1, params: { fixedUnits: 1, binding: true } },
      { kind: "floor", units: 2, params: { atOrBelow: 2 } },
    ]);
    expect(plainExplanation(floor, en)).toBe(
      "Ballast wants Meta to show 0: you have 3 to sell, your rule keeps 1 back, your rule shows none once 2 or fewer are left.",
    );
    const cap = explanation("meta", 5, 20, [
      { kind: "fixed", units: 0, params: { fixedUnits: 0, binding: true } },
      { kind: "cap", units: 15, params: { max: 5 } },
    ]);
    expect(plainExplanation(cap, en)).toBe(
      "Ballast wants Meta to show 5: you have 20 to sell, nothing needs to be kept back, your rule never shows more than 5.",
    );
    const thin = explanation("online_store", 2, 2, [
      { kind: "fixed", units: 2, params: { fixedUnits: 2, binding: true } },
      { kind: "thin_stock", units: 2, params: { keepSellingAtOrBelow: 2, ruleShows: 0 } },
    ]);
    expect(plainExplanation(thin, en)).toBe(
      "Ballast wants the Online Store to show 2: you have 2 to sell, your rule would keep 2 back, but the last 2 are never held back on the Online Store.",
    );
    expect(spaced(plainExplanation(thin, fr))).toBe(
      "Ballast veut que la Boutique en ligne affiche 2 : vous en avez 2 à vendre, votre règle en retiendrait 2, mais les 2 dernières unités ne sont jamais retenues sur la Boutique en ligne.",
    );
    // Limited: the last units sell, the rest of the hold stays.
    const limited = explanation("online_store", 2, 3, [
      { kind: "fixed", units: 2, params: { fixedUnits: 2, binding: true } },
      { kind: "thin_stock", units: 2, params: { keepSellingAtOrBelow: 2, ruleShows: 1 } },
    ]);
    expect(plainExplanation(limited, en)).toContain(
      "your rule would keep 2 back, but the last 2 are never held back on the Online Store, so 1 is kept back.",
    );
    const damped = explanation("meta", 4, 10, [
      { kind: "fixed", units: 2, params: { fixedUnits: 2, binding: true } },
      {
        kind: "damped_increase",
        units: 4,
        params: { target: 8, confirmations: 1, confirmationsNeeded: 2, pendingSinceMs: 0, minHoldMs: 30_000 },
      },
    ]);
    expect(plainExplanation(damped, en)).toBe(
      "Ballast wants Meta to show 4: you have 10 to sell, your rule keeps 2 back, a rise to 8 waits until 2 calculations in a row agree (1 so far).",
    );
  });

  it("never shows a formula, a code or an id", () => {
    const { decisions } = allocateItem(EXAMPLE_ITEM, EXAMPLE_CONTEXT, { explain: true });
    for (const decision of Object.values(decisions)) {
      for (const options of [en, fr]) {
        const text = plainExplanation(decision.explanation!, options);
        expect(text).not.toMatch(/gid:\/\/|[=×]|lag-aware|\/min|_/);
      }
    }
  });
});

describe("plain durations and rates", () => {
  it("rounds to what a person would say, in both languages", () => {
    expect(plainDuration(40_000, "en")).toBe("40 seconds");
    expect(plainDuration(15.4 * 60_000, "en")).toBe("15 minutes");
    expect(plainDuration(12.6 * 3_600_000, "en")).toBe("13 hours");
    expect(spaced(plainDuration(3 * 86_400_000, "fr"))).toBe("3 jours");
    expect(spaced(plainDuration(60 * 60_000, "fr"))).toBe("60 minutes");
    expect(plainRate(0.2, "en")).toBe("about 1 every 5 minutes");
    expect(plainRate(3.4, "en")).toBe("about 3 a minute");
    expect(spaced(plainRate(0.02, "fr"))).toBe("à environ 1 toutes les 50 minutes");
    expect(plainRate(0, "en")).toBe("rarely");
  });
});

/**
 * Properties the engine must keep for any rules, stock, timing and history
 * (fast-check generates them; a failure prints the smallest counterexample).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocateItem } from "./allocate";
import { evaluateRule } from "./buffer";
import { CHANNELS, DEFAULT_CHANNEL_TIMING, shopChannelSettingsSchema, type ChannelTiming } from "./channels";
import { appliedHold, renderExplanation } from "./explain";
import type { LocationGid, OrderGid } from "./ids";
import {
  applyLevelUpdate,
  applyOrder,
  applyOrderCancelled,
  applyOwnSafetyStockMove,
  createMasterRecord,
  sellableUnits,
  type MasterRecord,
} from "./master-record";
import { isOverrideActive, validateOverride } from "./override";
import { compileRule } from "./rules";
import {
  bufferRuleArb,
  contextFor,
  itemFor,
  LOCATIONS,
  masterRecordArb,
  NOW_MS,
  PRODUCT,
  ratePerMsArb,
  ruleSetArb,
  SHOP,
  timingArb,
  timingsArb,
  VARIANT,
  velocityArb,
  withMoreStock,
} from "./testing/arbitraries";
import { DEFAULT_VELOCITY_CONFIG, salesRateEstimatePerMs, salesRatePerMs } from "./velocity";

const dampingArb = fc.option(
  fc.record({
    shown: fc.option(fc.integer({ min: 0, max: 300 }), { nil: null }),
    pending: fc.option(
      fc.record({
        quantity: fc.integer({ min: 0, max: 300 }),
        sinceMs: fc.integer({ min: NOW_MS - 600_000, max: NOW_MS }),
        confirmations: fc.integer({ min: 1, max: 3 }),
      }),
      { nil: null },
    ),
  }),
  { nil: undefined },
);
const settingsArb = fc
  .record({
    metaState: fc.constantFrom("active", "paused_stop_selling"),
    metaLocations: fc.constantFrom<"all" | LocationGid[]>("all", [LOCATIONS[1]!], [LOCATIONS[0]!, LOCATIONS[2]!]),
    metaCheckout: fc.constantFrom("channel", "store"),
    lowStock: fc.constantFrom("pause_ads", "out_of_stock"),
  })
  .map(({ metaState, metaLocations, metaCheckout, lowStock }) =>
    shopChannelSettingsSchema.parse({
      meta: { state: metaState, locations: metaLocations, checkoutOn: metaCheckout },
      google: { lowStock },
    }),
  );
/** What a catalog may still show (pushed or last seen), when known. */
const mayShowArb = fc.option(fc.integer({ min: 0, max: 300 }), { nil: null });
/** The shop's demand lift: as usual, or a rush up to the cap. */
const liftArb = fc.oneof(fc.constant(1), fc.double({ min: 1, max: 20, noNaN: true }));

describe("invariants", () => {
  it("no channel is shown more than its sellable quantity, and nothing is negative", () => {
    fc.assert(
      fc.property(
        ruleSetArb,
        timingsArb,
        masterRecordArb,
        settingsArb,
        dampingArb,
        fc.integer({ min: 0, max: 400 }),
        (rules, timing, record, settings, damping, overrideQuantity) => {
          const override = {
            channel: "meta" as const,
            variantId: VARIANT,
            quantity: overrideQuantity,
            expiresAtMs: NOW_MS + 1,
          };
          const memory = { online_store: { damping }, meta: { damping, override }, google: { damping } };
          const allocation = allocateItem(itemFor(record, memory), contextFor(rules, timing, settings));
          for (const channel of CHANNELS) {
            const decision = allocation.decisions[channel];
            expect(decision.sellable).toBe(sellableUnits(record, settings[channel].locations));
            expect(decision.quantity).toBeGreaterThanOrEqual(0);
            expect(decision.quantity).toBeLessThanOrEqual(decision.sellable);
            expect(Number.isInteger(decision.quantity)).toBe(true);
            if (decision.availability === "in_stock") expect(decision.sellable).toBeGreaterThan(0);
          }
        },
      ),
    );
  });

  it("holds never exceed sellable: in a rush, a lag spike, with units left to a channel that takes orders itself", () => {
    fc.assert(
      fc.property(
        ruleSetArb,
        timingsArb,
        masterRecordArb,
        settingsArb,
        dampingArb,
        mayShowArb,
        liftArb,
        (rules, timing, record, settings, damping, mayShow, demandLift) => {
          const memory = { online_store: { damping }, meta: { damping, mayShow }, google: { damping } };
          const allocation = allocateItem(
            itemFor(record, memory),
            { ...contextFor(rules, timing, settings), demandLift },
            { explain: true },
          );
          for (const channel of CHANNELS) {
            const decision = allocation.decisions[channel];
            expect(decision.quantity).toBeGreaterThanOrEqual(0);
            expect(decision.quantity).toBeLessThanOrEqual(decision.sellable);
            for (const step of decision.explanation!.steps) {
              const hold = appliedHold(step, decision.sellable);
              if (hold) expect(hold.held).toBeLessThanOrEqual(Math.max(0, decision.sellable));
              if (step.kind === "reserved_for_channel") {
                expect(step.units).toBeGreaterThanOrEqual(0);
                expect(step.params.reserved).toBeLessThanOrEqual(step.params.mayShow - step.params.wants);
              }
            }
          }
        },
      ),
    );
  });

  it("a rush never shows any channel more, and neither does a channel that may still show more", () => {
    fc.assert(
      fc.property(
        ruleSetArb,
        timingsArb,
        masterRecordArb,
        settingsArb,
        mayShowArb,
        liftArb,
        (rules, timing, record, settings, mayShow, demandLift) => {
          const calm = allocateItem(itemFor(record, { meta: { mayShow: null } }), contextFor(rules, timing, settings));
          const rush = allocateItem(itemFor(record, { meta: { mayShow } }), {
            ...contextFor(rules, timing, settings),
            demandLift,
          });
          for (const channel of CHANNELS)
            expect(rush.decisions[channel].quantity).toBeLessThanOrEqual(calm.decisions[channel].quantity);
        },
      ),
    );
  });

  it("sizing increases for the day's longest lag never shows a channel more, and never holds back a decrease", () => {
    fc.assert(
      fc.property(
        ruleSetArb,
        timingsArb,
        masterRecordArb,
        settingsArb,
        dampingArb,
        (rules, timing, record, settings, damping) => {
          const memory = { online_store: { damping }, meta: { damping }, google: { damping } };
          const without = Object.fromEntries(
            CHANNELS.map((channel) => [channel, { ...timing[channel], increaseLagMs: undefined }]),
          ) as typeof timing;
          const guarded = allocateItem(itemFor(record, memory), contextFor(rules, timing, settings));
          const plain = allocateItem(itemFor(record, memory), contextFor(rules, without, settings));
          for (const channel of CHANNELS) {
            expect(guarded.decisions[channel].quantity).toBeLessThanOrEqual(plain.decisions[channel].quantity);
            const shownBefore = damping?.shown ?? null;
            if (shownBefore === null || plain.decisions[channel].quantity <= shownBefore) {
              expect(guarded.decisions[channel].quantity).toBe(plain.decisions[channel].quantity);
            }
          }
        },
      ),
    );
  });

  it("a prior sales speed for never-sold items never shows any channel more, nor above sellable", () => {
    fc.assert(
      fc.property(
        ruleSetArb,
        timingsArb,
        masterRecordArb,
        settingsArb,
        fc.double({ min: 0, max: 1e-4, noNaN: true }),
        (rules, timing, record, settings, prior) => {
          const without = allocateItem(itemFor(record), contextFor(rules, timing, settings));
          const withPrior = allocateItem(itemFor(record), {
            ...contextFor(rules, timing, settings),
            priorRatePerMs: prior,
          });
          for (const channel of CHANNELS) {
            expect(withPrior.decisions[channel].quantity).toBeLessThanOrEqual(without.decisions[channel].quantity);
            expect(withPrior.decisions[channel].quantity).toBeLessThanOrEqual(withPrior.decisions[channel].sellable);
          }
        },
      ),
    );
  });

  it("a frozen channel above sellable always carries the risk", () => {
    fc.assert(
      fc.property(ruleSetArb, masterRecordArb, fc.integer({ min: 0, max: 300 }), (rules, record, lastPushed) => {
        const settings = shopChannelSettingsSchema.parse({ meta: { state: "paused_freeze" } });
        const meta = allocateItem(
          itemFor(record, { meta: { lastPushed } }),
          contextFor(rules, DEFAULT_CHANNEL_TIMING, settings),
        ).decisions.meta;
        expect(meta.push).toBe(false);
        expect(meta.quantity).toBe(lastPushed);
        expect(meta.risk?.aboveSellable ?? 0).toBe(Math.max(0, lastPushed - meta.sellable));
      }),
    );
  });

  it("more sellable stock never shows any channel less", () => {
    fc.assert(
      fc.property(
        ruleSetArb,
        timingsArb,
        masterRecordArb,
        settingsArb,
        fc.integer({ min: 1, max: 50 }),
        (rules, timing, record, settings, extra) => {
          const context = contextFor(rules, timing, settings);
          const before = allocateItem(itemFor(record), context).decisions;
          const after = allocateItem(itemFor(withMoreStock(record, extra)), context).decisions;
          for (const channel of CHANNELS) {
            expect(after[channel].quantity).toBeGreaterThanOrEqual(before[channel].quantity);
            if (before[channel].availability === "in_stock") expect(after[channel].availability).toBe("in_stock");
          }
        },
      ),
    );
  });

  it("thin stock: the Online Store never shows more than sellable, shows all of it at or below the threshold (unless paused or overridden), and more stock never shows less", () => {
    fc.assert(
      fc.property(
        ruleSetArb,
        timingsArb,
        masterRecordArb,
        fc.integer({ min: 0, max: 12 }),
        fc.constantFrom("active", "paused_stop_selling"),
        fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
        fc.integer({ min: 1, max: 20 }),
        (rules, timing, record, keepSellingAtOrBelow, state, overrideQuantity, extra) => {
          const settings = shopChannelSettingsSchema.parse({
            online_store: { state, thinStock: { keepSellingAtOrBelow } },
          });
          const off = shopChannelSettingsSchema.parse({
            online_store: { state, thinStock: { keepSellingAtOrBelow: 0 } },
          });
          const override =
            overrideQuantity === null
              ? null
              : {
                  channel: "online_store" as const,
                  variantId: VARIANT,
                  quantity: overrideQuantity,
                  expiresAtMs: NOW_MS + 1,
                };
          const memory = { online_store: { override } };
          const decisions = allocateItem(itemFor(record, memory), contextFor(rules, timing, settings)).decisions;
          const online = decisions.online_store;
          expect(online.quantity).toBeGreaterThanOrEqual(0);
          expect(online.quantity).toBeLessThanOrEqual(online.sellable);
          if (state === "active" && override === null) {
            expect(online.quantity).toBeGreaterThanOrEqual(Math.min(online.sellable, keepSellingAtOrBelow));
            if (online.sellable <= keepSellingAtOrBelow) expect(online.quantity).toBe(online.sellable);
          }
          // Never less than without it; Meta and Google unaffected.
          const without = allocateItem(itemFor(record, memory), contextFor(rules, timing, off)).decisions;
          expect(online.quantity).toBeGreaterThanOrEqual(without.online_store.quantity);
          expect(decisions.meta).toEqual(without.meta);
          expect(decisions.google).toEqual(without.google);
          const more = allocateItem(itemFor(withMoreStock(record, extra)), contextFor(rules, timing, settings))
            .decisions.online_store;
          const before = allocateItem(itemFor(record), contextFor(rules, timing, settings)).decisions.online_store;
          expect(more.quantity).toBeGreaterThanOrEqual(before.quantity);
        },
      ),
    );
  });

  it("each rule alone is monotone in sellable, step by step", () => {
    fc.assert(
      fc.property(
        bufferRuleArb,
        ratePerMsArb,
        timingArb,
        fc.integer({ min: 0, max: 300 }),
        (rule, rate, timing, sellable) => {
          const compiled = compileRule(rule, { level: "shop", id: null });
          const now = evaluateRule(compiled, sellable, rate, timing, null);
          const next = evaluateRule(compiled, sellable + 1, rate, timing, null);
          expect(next).toBeGreaterThanOrEqual(now);
          expect(now).toBeLessThanOrEqual(sellable);
        },
      ),
    );
  });

  it("an override above sellable is rejected; an accepted one applies exactly until it expires", () => {
    fc.assert(
      fc.property(
        ruleSetArb,
        masterRecordArb,
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 3_600_000 }),
        fc.integer({ min: 0, max: 7_200_000 }),
        (rules, record, quantity, lifetimeMs, laterMs) => {
          const sellable = sellableUnits(record, "all");
          const input = { channel: "meta", variantId: VARIANT, quantity, expiresAtMs: NOW_MS + lifetimeMs };
          const result = validateOverride(input, { sellable, nowMs: NOW_MS });
          if (quantity > sellable) {
            expect(result.ok || result.error.code).toBe("override_exceeds_sellable");
            return;
          }
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          const context = { ...contextFor(rules, DEFAULT_CHANNEL_TIMING), nowMs: NOW_MS + laterMs };
          const withOverride = allocateItem(itemFor(record, { meta: { override: result.value } }), context).decisions
            .meta;
          const withoutOverride = allocateItem(itemFor(record), context).decisions.meta;
          if (isOverrideActive(result.value, context.nowMs)) expect(withOverride.quantity).toBe(quantity);
          else expect(withOverride).toEqual(withoutOverride);
        },
      ),
    );
  });

  it("the most specific rule wins; removing it falls back to the next layer", () => {
    fc.assert(
      fc.property(ruleSetArb, masterRecordArb, timingsArb, (rules, record, timing) => {
        const layers = ["variants", "products", "collections"] as const;
        let current = rules;
        for (const layer of [...layers, null]) {
          const explanation = allocateItem(itemFor(record), contextFor(current, timing), { explain: true }).decisions
            .meta.explanation!;
          const expectedLevel = current.variants[VARIANT]?.meta
            ? "variant"
            : current.products[PRODUCT]?.meta
              ? "product"
              : Object.values(current.collections).some((channelRules) => channelRules?.meta)
                ? "collection"
                : "shop";
          expect(explanation.rule?.level).toBe(expectedLevel);
          if (layer !== null) current = { ...current, [layer]: {} };
        }
      }),
    );
  });

  it("larger lag or velocity never yields a smaller buffer", () => {
    const addTiming = (a: ChannelTiming, b: ChannelTiming): ChannelTiming => ({
      measuredLagMs: a.measuredLagMs + b.measuredLagMs,
      inFlightLagMs: (a.inFlightLagMs ?? 0) + (b.inFlightLagMs ?? 0),
      pushIntervalMs: a.pushIntervalMs + b.pushIntervalMs,
      budgetWaitMs: a.budgetWaitMs + b.budgetWaitMs,
    });
    fc.assert(
      fc.property(
        bufferRuleArb,
        fc.integer({ min: 0, max: 300 }),
        ratePerMsArb,
        ratePerMsArb,
        timingArb,
        timingArb,
        (rule, sellable, rate, extraRate, timing, extraTiming) => {
          const compiled = compileRule(rule, { level: "shop", id: null });
          const base = evaluateRule(compiled, sellable, rate, timing, null);
          expect(evaluateRule(compiled, sellable, rate + extraRate, timing, null)).toBeLessThanOrEqual(base);
          expect(evaluateRule(compiled, sellable, rate, addTiming(timing, extraTiming), null)).toBeLessThanOrEqual(
            base,
          );
        },
      ),
    );
  });

  it("the rate buffers use is never below the average, and more sales never lower it", () => {
    fc.assert(
      fc.property(
        velocityArb,
        fc.double({ min: 0, max: 20, noNaN: true }),
        fc.integer({ min: 0, max: 86_400_000 }),
        fc.double({ min: 0.5, max: 0.99, noNaN: true }),
        (velocity, extraUnits, laterMs, rateConfidence) => {
          const at = NOW_MS + laterMs;
          const config = { ...DEFAULT_VELOCITY_CONFIG, rateConfidence };
          const estimate = salesRateEstimatePerMs(velocity, at, config);
          expect(estimate).toBeGreaterThanOrEqual(salesRatePerMs(velocity, at, config));
          const more = { ...velocity, short: velocity.short + extraUnits, long: velocity.long + extraUnits };
          expect(salesRateEstimatePerMs(more, at, config)).toBeGreaterThanOrEqual(estimate);
          // A higher confidence never gives a slower rate.
          expect(
            salesRateEstimatePerMs(velocity, at, { ...config, rateConfidence: Math.min(0.99, rateConfidence + 0.05) }),
          ).toBeGreaterThanOrEqual(estimate);
        },
      ),
    );
  });

  it("is deterministic: same inputs and clock, same outputs and explanations", () => {
    fc.assert(
      fc.property(
        ruleSetArb,
        timingsArb,
        masterRecordArb,
        settingsArb,
        dampingArb,
        (rules, timing, record, settings, damping) => {
          const run = () => {
            const memory = structuredClone({ meta: { damping }, google: { damping } });
            const allocation = allocateItem(
              itemFor(structuredClone(record), memory),
              contextFor(rules, timing, settings),
              {
                explain: true,
              },
            );
            return {
              allocation,
              text: CHANNELS.flatMap((channel) => [
                renderExplanation(allocation.decisions[channel].explanation!, "en"),
                renderExplanation(allocation.decisions[channel].explanation!, "fr"),
              ]),
            };
          };
          expect(run()).toEqual(run());
        },
      ),
    );
  });
});

describe("stored invariants", () => {
  const levelArb = fc.record({
    location: fc.integer({ min: 0, max: 2 }),
    available: fc.integer({ min: -5, max: 200 }),
  });

  it("an older level update never overwrites a newer one, whatever the arrival order", () => {
    fc.assert(
      fc.property(
        fc.array(levelArb, { minLength: 1, maxLength: 12 }).chain((levels) =>
          fc.tuple(
            fc.constant(levels),
            fc.shuffledSubarray(
              levels.map((_, index) => index),
              { minLength: levels.length },
            ),
          ),
        ),
        ([levels, arrival]) => {
          // Distinct stamps: the index is the time Shopify stamped the update.
          const updates = levels.map((level, index) => ({
            locationId: LOCATIONS[level.location]!,
            available: level.available,
            updatedAtMs: NOW_MS + index,
          }));
          let record = createMasterRecord(SHOP, VARIANT);
          for (const index of arrival) record = applyLevelUpdate(record, updates[index]!);
          for (const location of LOCATIONS) {
            const newest = updates.filter((update) => update.locationId === location).at(-1);
            const held = record.locations.find((levels) => levels.locationId === location)?.available ?? null;
            expect(held?.value ?? null).toBe(newest?.available ?? null);
          }
        },
      ),
    );
  });

  it("sellable does not depend on the order levels, orders and cancels arrive in", () => {
    type Event =
      | { kind: "level"; location: number; available: number; at: number }
      | { kind: "order"; id: number; location: number; units: number; at: number }
      | { kind: "cancel"; id: number; location: number; at: number };
    const eventArb: fc.Arbitrary<Event> = fc.oneof(
      fc.record({
        kind: fc.constant("level" as const),
        location: fc.integer({ min: 0, max: 2 }),
        available: fc.integer({ min: 0, max: 100 }),
        at: fc.integer({ min: 0, max: 1_000 }),
      }),
      fc.record({
        kind: fc.constant("order" as const),
        id: fc.integer({ min: 0, max: 4 }),
        location: fc.integer({ min: -1, max: 2 }),
        units: fc.integer({ min: 1, max: 5 }),
        at: fc.integer({ min: 0, max: 1_000 }),
      }),
      fc.record({
        kind: fc.constant("cancel" as const),
        id: fc.integer({ min: 0, max: 4 }),
        location: fc.integer({ min: -1, max: 2 }),
        at: fc.integer({ min: 0, max: 1_000 }),
      }),
    );
    // One order id always carries the same order (a cancel names its order's time and location);
    // levels get distinct stamps.
    const normalise = (events: Event[]): Event[] => {
      const orders = new Map<number, Extract<Event, { kind: "order" }>>();
      for (const event of events) if (event.kind === "order" && !orders.has(event.id)) orders.set(event.id, event);
      return events.map((event, index) => {
        if (event.kind === "level") return { ...event, at: event.at * 100 + index };
        if (event.kind === "order") return orders.get(event.id)!;
        const order = orders.get(event.id);
        return order === undefined ? event : { ...event, location: order.location, at: order.at };
      });
    };
    const apply = (record: MasterRecord, event: Event): MasterRecord => {
      const orderId =
        `gid://shopify/Order/${9_007_199_254_740_000 + (event.kind === "level" ? 0 : event.id)}` as OrderGid;
      switch (event.kind) {
        case "level":
          return applyLevelUpdate(record, {
            locationId: LOCATIONS[event.location]!,
            available: event.available,
            updatedAtMs: event.at * 10 + 5,
          });
        case "order":
          return applyOrder(record, {
            orderId,
            locationId: event.location < 0 ? null : LOCATIONS[event.location]!,
            units: event.units,
            orderedAtMs: event.at * 10,
          });
        case "cancel":
          return applyOrderCancelled(record, {
            orderId,
            locationId: event.location < 0 ? null : LOCATIONS[event.location]!,
            orderedAtMs: event.at * 10,
          });
      }
    };
    fc.assert(
      fc.property(
        fc
          .array(eventArb, { minLength: 1, maxLength: 10 })
          .map(normalise)
          .chain((events) => fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length }))),
        ([events, shuffled]) => {
          const inOrder = events.reduce(apply, createMasterRecord(SHOP, VARIANT));
          const outOfOrder = shuffled.reduce(apply, createMasterRecord(SHOP, VARIANT));
          for (const scope of ["all", [LOCATIONS[0]!], [LOCATIONS[1]!, LOCATIONS[2]!]] as const) {
            expect(sellableUnits(outOfOrder, scope)).toBe(sellableUnits(inOrder, scope));
          }
        },
      ),
    );
  });

  it("Ballast's own safety_stock moves are not sales", () => {
    fc.assert(
      fc.property(
        masterRecordArb,
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 20 }),
        (generated, index, moved) => {
          // Holds without a location are released by any newer level (see stored.ts); keep
          // the ones whose units this test can account for.
          const record = { ...generated, holds: generated.holds.filter((hold) => hold.locationId !== null) };
          const location = record.locations[index % record.locations.length]!;
          const own = location.ballastSafetyStock?.value ?? 0;
          // Shopify's answer to the move already reflects the orders held at the location.
          const ordered = record.holds
            .filter((hold) => hold.locationId === location.locationId)
            .reduce((units, hold) => units + hold.units, 0);
          const move = {
            locationId: location.locationId,
            ballastSafetyStock: own + moved,
            available: (location.available?.value ?? 0) - ordered - moved,
            updatedAtMs: NOW_MS + 1,
          };
          const afterMove = applyOwnSafetyStockMove(record, move);
          // Shopify's inventory_levels/update echo of the move.
          const afterEcho = applyLevelUpdate(afterMove, {
            locationId: move.locationId,
            available: move.available,
            updatedAtMs: NOW_MS + 1,
          });
          expect(sellableUnits(afterEcho, "all")).toBe(sellableUnits(record, "all"));
          expect(afterEcho.velocity).toEqual(record.velocity);
        },
      ),
    );
  });
});

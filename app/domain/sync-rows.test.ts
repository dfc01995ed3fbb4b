/**
 * Sync rows (sync-rows.ts): which stored rows an item keeps, what the engine remembers from
 * them, and which rows a recompute writes. Stamps are plain numbers here (the worker's are Dates).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeItemValue } from "~/channels/item-value";
import { allocateItem, type AllocationContext, type AllocationItem } from "./allocate";
import { shopChannelSettingsSchema } from "./channels";
import { EXAMPLE_CONTEXT, EXAMPLE_ITEM, EXAMPLE_NOW_MS } from "./default-rules";
import { variantGid } from "./ids";
import type { ManualOverride } from "./override";
import {
  currentSyncRows,
  planSyncRows,
  syncRowMemory,
  type CatalogItemKeys,
  type PlannedSyncRow,
  type StoredSyncRow,
  type SyncRowPlan,
  type SyncRowSettings,
} from "./sync-rows";
import { contextFor, itemFor, LOCATIONS, masterRecordArb, NOW_MS, ruleSetArb, timingsArb } from "./testing/arbitraries";

const INVENTORY_ITEM = "gid://shopify/InventoryItem/49000000000000001";
const SEED_LOCATION = "gid://shopify/Location/76543210987";
const SEED_ONLINE_STORE_KEY = `${INVENTORY_ITEM}|${SEED_LOCATION}`;

const row = (channel: string, itemKey: string, values: Partial<StoredSyncRow<number>> = {}): StoredSyncRow<number> => ({
  channel,
  itemKey,
  desired: 0,
  desiredAvailability: "out_of_stock",
  dampingState: null,
  pushed: null,
  pendingSince: null,
  ...values,
});

const settingsAt = (now: number, values: Partial<SyncRowSettings<number>> = {}): SyncRowSettings<number> => ({
  onlineStoreLocations: "all",
  holdsReleased: false,
  encode: encodeItemValue,
  now,
  ...values,
});

const emptyPlan = (): SyncRowPlan<number> => ({ created: [], decided: [], redecided: [] });

/** Plans the seed item (10 available: 8 / 7 / in stock) against `rows`. */
function planSeed(
  rows: readonly StoredSyncRow<number>[],
  options: {
    catalogKeys?: CatalogItemKeys;
    context?: AllocationContext;
    item?: AllocationItem;
    settings?: Partial<SyncRowSettings<number>>;
    now?: number;
  } = {},
): SyncRowPlan<number> {
  const item = options.item ?? EXAMPLE_ITEM;
  const context = options.context ?? EXAMPLE_CONTEXT;
  const allocation = allocateItem({ ...item, memory: syncRowMemory(item.variantId, rows, []) }, context, {
    explain: true,
  });
  const plan = emptyPlan();
  planSyncRows(
    {
      variantGid: item.variantId,
      inventoryItemGid: INVENTORY_ITEM,
      record: item.record,
      allocation,
      catalogKeys:
        options.catalogKeys ??
        new Map([
          ["meta", "meta-1"],
          ["google", "google-1"],
        ]),
      rows,
    },
    settingsAt(options.now ?? EXAMPLE_NOW_MS, options.settings),
    plan,
  );
  return plan;
}

/** The stored rows after a plan is written: decisions replace what was decided; pushed is left as it was. */
function written(rows: readonly StoredSyncRow<number>[], plan: SyncRowPlan<number>): StoredSyncRow<number>[] {
  const byKey = new Map(rows.map((stored) => [`${stored.channel}|${stored.itemKey}`, stored]));
  for (const planned of [...plan.created, ...plan.decided, ...plan.redecided]) {
    const before = byKey.get(`${planned.channel}|${planned.itemKey}`);
    byKey.set(`${planned.channel}|${planned.itemKey}`, {
      channel: planned.channel,
      itemKey: planned.itemKey,
      desired: planned.desired,
      desiredAvailability: planned.desiredAvailability,
      // As stored: JSON.
      dampingState: JSON.parse(JSON.stringify(planned.dampingState)),
      pushed: before?.pushed ?? null,
      pendingSince: planned.pendingSince,
    });
  }
  return [...byKey.values()];
}

const byChannel = (rows: readonly PlannedSyncRow<number>[]) =>
  Object.fromEntries(rows.map((planned) => [planned.channel, planned.desired]));

describe("currentSyncRows", () => {
  it("retires catalog rows under another id than the catalog's, and keeps the rest in order", () => {
    const rows = [
      row("online_store", SEED_ONLINE_STORE_KEY),
      row("meta", "old-id"),
      row("meta", "meta-1"),
      row("google", "google-1"),
    ];
    const retired: StoredSyncRow<number>[] = [];
    const current = currentSyncRows(
      rows,
      new Map([
        ["meta", "meta-1"],
        ["google", "google-1"],
      ]),
      retired,
    );
    expect(current).toEqual([rows[0], rows[2], rows[3]]);
    expect(retired).toEqual([rows[1]]);
  });

  it("retires every row of a catalog whose template cannot name the item, and none of a catalog not connected", () => {
    const rows = [row("meta", "meta-1"), row("google", "google-1")];
    const retired: StoredSyncRow<number>[] = [];
    expect(currentSyncRows(rows, new Map([["meta", null]]), retired)).toEqual([rows[1]]);
    expect(retired).toEqual([rows[0]]);
  });

  it("answers with the rows themselves when none is retired (no copy per item)", () => {
    const rows = [row("online_store", SEED_ONLINE_STORE_KEY), row("meta", "meta-1")];
    const retired: StoredSyncRow<number>[] = [];
    expect(currentSyncRows(rows, new Map([["meta", "meta-1"]]), retired)).toBe(rows);
    expect(retired).toEqual([]);
  });

  it("splits the rows: each is either kept or retired, in its order", () => {
    const keyArb = fc.constantFrom("a", "b", "c");
    fc.assert(
      fc.property(
        fc.array(fc.record({ channel: fc.constantFrom("online_store", "meta", "google"), itemKey: keyArb })),
        fc.record({
          meta: fc.option(fc.option(keyArb, { nil: null }), { nil: undefined }),
          google: fc.option(fc.option(keyArb, { nil: null }), { nil: undefined }),
        }),
        (rows, keys) => {
          const catalogKeys = new Map<"meta" | "google", string | null>();
          if (keys.meta !== undefined) catalogKeys.set("meta", keys.meta);
          if (keys.google !== undefined) catalogKeys.set("google", keys.google);
          const retired: { channel: string; itemKey: string }[] = [];
          const current = currentSyncRows(rows, catalogKeys, retired);
          expect([...current, ...retired]).toHaveLength(rows.length);
          expect(current).toEqual(rows.filter((candidate) => !retired.includes(candidate)));
          for (const gone of retired) {
            expect(gone.channel).not.toBe("online_store");
            expect(catalogKeys.get(gone.channel as "meta" | "google")).not.toBe(gone.itemKey);
          }
        },
      ),
    );
  });
});

describe("syncRowMemory", () => {
  const override: ManualOverride = {
    channel: "meta",
    variantId: EXAMPLE_ITEM.variantId,
    quantity: 3,
    expiresAtMs: NOW_MS + 60_000,
  };

  it("remembers the first row's damping and the pushed total once every row of the channel was pushed", () => {
    const damping = { shown: 5, pending: null };
    const memory = syncRowMemory(
      EXAMPLE_ITEM.variantId,
      [
        row("online_store", "item|A", { dampingState: damping, pushed: 3 }),
        row("online_store", "item|B", { dampingState: { shown: 9, pending: null }, pushed: 2 }),
        row("meta", "meta-1", { pushed: null }),
      ],
      [override],
    );
    expect(memory.online_store).toEqual({ override: null, damping, lastPushed: 5, mayShow: 5 });
    expect(memory.meta).toEqual({ override, damping: undefined, lastPushed: null, mayShow: null });
    expect(memory.google).toEqual({ override: null, damping: undefined, lastPushed: null, mayShow: null });
  });

  it("knows the most a channel may show: the larger of what was pushed and what it was last seen showing; never for Google's availability codes", () => {
    const memory = syncRowMemory(
      EXAMPLE_ITEM.variantId,
      [
        // A decrease on its way: Meta still shows 7.
        row("meta", "meta-1", { pushed: 2, confirmed: 7 }),
        row("google", "offer-1", { pushed: 1, confirmed: 2 }),
      ],
      [],
    );
    expect(memory.meta?.mayShow).toBe(7);
    expect(memory.google?.mayShow).toBeNull();
    // Seen but never pushed: what it shows.
    expect(syncRowMemory(EXAMPLE_ITEM.variantId, [row("meta", "meta-1", { confirmed: 4 })], []).meta?.mayShow).toBe(4);
  });

  it("applies only the variant's own overrides: another item's override on the page changes nothing", () => {
    const other: ManualOverride = {
      ...override,
      variantId: variantGid("gid://shopify/ProductVariant/1"),
      channel: "online_store",
      quantity: 0,
    };
    const memory = syncRowMemory(EXAMPLE_ITEM.variantId, [], [other, override]);
    expect(memory.online_store?.override).toBeNull();
    expect(memory.meta?.override).toEqual(override);
  });
});

describe("planSyncRows", () => {
  it("GIVEN no rows THEN creates one per Online Store location and one per catalog that names the item", () => {
    const plan = planSeed([], {
      catalogKeys: new Map([
        ["google", "google-1"],
        ["meta", null],
      ]),
    });
    expect(plan.decided).toEqual([]);
    expect(plan.redecided).toEqual([]);
    expect(
      plan.created.map((planned) => [planned.channel, planned.itemKey, planned.desired, planned.desiredAvailability]),
    ).toEqual([
      ["online_store", SEED_ONLINE_STORE_KEY, 8, "in_stock"],
      // Google stores an availability code: 1 is in stock.
      ["google", "google-1", 1, "in_stock"],
    ]);
    const [onlineStore] = plan.created;
    expect(onlineStore?.pendingSince).toBe(EXAMPLE_NOW_MS);
    expect(onlineStore?.computedAt).toBe(EXAMPLE_NOW_MS);
    expect(onlineStore?.explanation).toMatchObject({
      quantity: 8,
      split: { locationId: SEED_LOCATION, pool: 10, shownTotal: 8, holdsReleased: false },
      risk: null,
    });
  });

  it("with holds released shows the Online Store every unit of the pool", () => {
    const plan = planSeed([], { settings: { holdsReleased: true } });
    expect(byChannel(plan.created)).toEqual({ online_store: 10, meta: 7, google: 1 });
  });

  it("GIVEN the rows it wrote THEN writes nothing", () => {
    const first = planSeed([]);
    expect(planSeed(written([], first))).toEqual(emptyPlan());
  });

  it("GIVEN a new desired THEN redecides with a fresh pendingSince, keeps the one of a difference already pending, and clears it back at pushed", () => {
    const later = EXAMPLE_NOW_MS + 60_000;
    const rows = [
      row("online_store", SEED_ONLINE_STORE_KEY, {
        desired: 9,
        desiredAvailability: "in_stock",
        pushed: 9,
        pendingSince: null,
      }),
      row("meta", "meta-1", {
        desired: 6,
        desiredAvailability: "in_stock",
        pushed: 5,
        pendingSince: EXAMPLE_NOW_MS - 5_000,
      }),
      row("google", "google-1", {
        desired: 0,
        desiredAvailability: "out_of_stock",
        pushed: 1,
        pendingSince: EXAMPLE_NOW_MS - 5_000,
      }),
    ];
    const plan = planSeed(rows, { now: later });
    expect(plan.created).toEqual([]);
    expect(plan.redecided.map((planned) => [planned.channel, planned.desired, planned.pendingSince])).toEqual([
      ["online_store", 8, later],
      ["meta", 7, EXAMPLE_NOW_MS - 5_000],
      ["google", 1, null],
    ]);
  });

  it("GIVEN the same desired and a new damping state THEN decides, keeping pendingSince", () => {
    const rows = written([], planSeed([]));
    // An increase was pending; the target is back at what is shown, so it is dropped.
    const dampingState = { shown: 7, pending: { quantity: 9, sinceMs: EXAMPLE_NOW_MS - 1_000, confirmations: 1 } };
    const changed = rows.map((stored) =>
      stored.channel === "meta" ? { ...stored, dampingState, pendingSince: 42 } : stored,
    );
    const plan = planSeed(changed);
    expect(plan.redecided).toEqual([]);
    expect(plan.decided.map((planned) => [planned.channel, planned.desired, planned.pendingSince])).toEqual([
      ["meta", 7, 42],
    ]);
  });

  it("GIVEN a frozen channel THEN its row keeps what was last pushed", () => {
    const frozen = {
      ...EXAMPLE_CONTEXT,
      settings: shopChannelSettingsSchema.parse({ meta: { state: "paused_freeze" } }),
    };
    const rows = [
      row("meta", "meta-1", {
        desired: 4,
        desiredAvailability: "in_stock",
        pushed: 3,
        dampingState: { shown: 4, pending: null },
      }),
    ];
    const plan = planSeed(rows, { context: frozen });
    const meta = [...plan.decided, ...plan.redecided].find((planned) => planned.channel === "meta");
    expect(meta?.desired).toBe(3);
    expect(meta?.explanation).toMatchObject({ risk: null, split: null });
  });

  it("for any item and rules: the rows a plan writes are planned again as they are", () => {
    fc.assert(
      fc.property(
        ruleSetArb,
        timingsArb,
        masterRecordArb,
        fc.subarray(LOCATIONS, { minLength: 1 }),
        fc.boolean(),
        (rules, timing, record, locations, holdsReleased) => {
          const context = contextFor(rules, timing, shopChannelSettingsSchema.parse({ online_store: { locations } }));
          const item = itemFor(record);
          const settings = { onlineStoreLocations: locations, holdsReleased };
          const first = planSeed([], { item, context, settings, now: NOW_MS });
          expect(first.created.filter((planned) => planned.channel === "online_store")).toHaveLength(
            record.locations.filter((level) => locations.includes(level.locationId)).length,
          );
          expect(planSeed(written([], first), { item, context, settings, now: NOW_MS })).toEqual(emptyPlan());
        },
      ),
    );
  });
});

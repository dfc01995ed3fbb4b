import { describe, expect, it } from "vitest";
import { allocateItem, EXAMPLE_CONTEXT, EXAMPLE_ITEM } from "~/domain";
import { channelTruth, type TruthInput, type TruthRow } from "./channel-truth";

const NOW = Date.UTC(2026, 11, 7, 12);
const MINUTE = 60_000;
const ago = (minutes: number) => new Date(NOW - minutes * MINUTE);
const STORE_ITEM = "gid://shopify/InventoryItem/1";
const WAREHOUSE = "gid://shopify/Location/1";
const SHOP_FLOOR = "gid://shopify/Location/2";

function row(overrides: Partial<TruthRow> = {}): TruthRow {
  return {
    itemKey: "44960469696645",
    desired: 7,
    computedAt: ago(2),
    pushed: 7,
    pushedAt: ago(2),
    pendingSince: null,
    confirmed: 7,
    confirmedAt: ago(1),
    attempts: 0,
    nextAttemptAt: null,
    lastError: null,
    parkedAt: null,
    explanation: {},
    ...overrides,
  };
}

function input(overrides: Partial<TruthInput> = {}): TruthInput {
  return {
    channel: "meta",
    connected: true,
    mode: "active",
    state: "active",
    rows: [row()],
    drift: [],
    shopify: new Map(),
    live: null,
    recalculating: false,
    nowMs: NOW,
    ...overrides,
  };
}

describe("channelTruth", () => {
  it("GIVEN a row read back as sent THEN the channel shows what Ballast wants and is up to date", () => {
    const truth = channelTruth(input());
    expect(truth.shows).toEqual({ value: 7, source: "read_back", at: ago(1).toISOString() });
    expect(truth.wants).toEqual({ value: 7, source: "calculated", at: ago(2).toISOString() });
    expect(truth.status).toEqual({ kind: "in_sync" });
  });

  it("GIVEN an open drift episode showing more THEN the channel shows the drifted value, flagged as unsafe drift since it began", () => {
    const truth = channelTruth(
      input({
        rows: [row({ confirmed: 9, confirmedAt: ago(3) })],
        drift: [{ itemKey: "44960469696645", expected: 7, observed: 9, startedAt: ago(3) }],
      }),
    );
    expect(truth.shows).toEqual({ value: 9, source: "drift_check", at: ago(3).toISOString() });
    expect(truth.wants.value).toBe(7);
    expect(truth.status).toEqual({ kind: "drift", since: ago(3).toISOString(), shownMore: true });
  });

  it("GIVEN a push never read back THEN it shows what was sent, said so, and the update is on its way", () => {
    const truth = channelTruth(input({ rows: [row({ confirmed: null, confirmedAt: null, pushedAt: ago(4) })] }));
    expect(truth.shows).toEqual({ value: 7, source: "sent_not_read", at: ago(4).toISOString() });
    expect(truth.status).toEqual({ kind: "sending", since: ago(4).toISOString() });
  });

  it("GIVEN Google waiting for its update allowance THEN that is a wait with its end, not a failure", () => {
    const truth = channelTruth(
      input({
        channel: "google",
        rows: [
          row({
            itemKey: "shopify_US_1_2",
            desired: 2,
            pushed: 1,
            confirmed: 1,
            lastError:
              "google_update_budget: updated 2 times in 24 h (Google asks for about 2); next update in 300 min",
            attempts: 1,
            nextAttemptAt: new Date(NOW + 300 * MINUTE),
          }),
        ],
      }),
    );
    expect(truth.shows.value).toBe(1);
    expect(truth.wants.value).toBe(2);
    expect(truth.status).toEqual({ kind: "waiting_allowance", until: new Date(NOW + 300 * MINUTE).toISOString() });
  });

  it("GIVEN a failing push THEN it retries; GIVEN a parked row THEN updates stopped, whatever else is true", () => {
    const failing = row({ desired: 5, lastError: "HTTP 500", attempts: 3, nextAttemptAt: new Date(NOW + MINUTE) });
    expect(channelTruth(input({ rows: [failing] })).status).toEqual({
      kind: "retrying",
      attempts: 3,
      nextAt: new Date(NOW + MINUTE).toISOString(),
    });
    const parked = row({ desired: 5, lastError: "190: token expired", parkedAt: ago(30) });
    expect(channelTruth(input({ rows: [parked] })).status).toEqual({ kind: "parked", since: ago(30).toISOString() });
  });

  it("GIVEN a new desired not sent yet THEN it waits to be sent, since the difference began", () => {
    const truth = channelTruth(input({ rows: [row({ desired: 5, pendingSince: ago(1) })] }));
    expect(truth.wants.value).toBe(5);
    expect(truth.status).toEqual({ kind: "queued", since: ago(1).toISOString() });
  });

  it("GIVEN a pending recalculation that changes the answer THEN Ballast wants what the engine gives now, said so", () => {
    const { decisions } = allocateItem(EXAMPLE_ITEM, EXAMPLE_CONTEXT, { explain: true });
    const truth = channelTruth(
      input({ recalculating: true, live: { value: 3, explanation: decisions.meta.explanation } }),
    );
    expect(truth.wants).toEqual({ value: 3, source: "recalculating", at: null });
    expect(truth.explanation).toBe(decisions.meta.explanation);
    expect(truth.status).toEqual({ kind: "recalculating" });
    // The same answer: the stored calculation stands.
    const same = channelTruth(input({ recalculating: true, live: { value: 7, explanation: null } }));
    expect(same.wants.source).toBe("calculated");
    expect(same.status.kind).toBe("in_sync");
  });

  it("GIVEN the Online Store over two locations THEN it shows Shopify's available, added up, and differs where Shopify does", () => {
    const rows = [
      row({ itemKey: `${STORE_ITEM}|${WAREHOUSE}`, desired: 6, pushed: 6, confirmed: 6 }),
      row({ itemKey: `${STORE_ITEM}|${SHOP_FLOOR}`, desired: 2, pushed: 2, confirmed: 2 }),
    ];
    const shopify = new Map([
      [WAREHOUSE, { value: 6, at: ago(5) }],
      [SHOP_FLOOR, { value: 2, at: ago(6) }],
    ]);
    const inSync = channelTruth(input({ channel: "online_store", rows, shopify }));
    expect(inSync.shows).toEqual({ value: 8, source: "shopify", at: ago(6).toISOString() });
    expect(inSync.wants.value).toBe(8);
    expect(inSync.status.kind).toBe("in_sync");

    const sold = new Map([...shopify, [SHOP_FLOOR, { value: 1, at: ago(1) }]]);
    const differs = channelTruth(input({ channel: "online_store", rows, shopify: sold }));
    expect(differs.shows.value).toBe(7);
    expect(differs.status).toEqual({ kind: "differs", since: ago(1).toISOString() });
    expect(differs.rows.map((entry) => entry.status.kind)).toEqual(["in_sync", "differs"]);
  });

  it("GIVEN no row THEN a catalog not connected says so, the Online Store sells Shopify's stock, and wants is the engine's", () => {
    const notConnected = channelTruth(input({ rows: [], connected: false, live: { value: 7, explanation: null } }));
    expect(notConnected.status).toEqual({ kind: "not_connected" });
    expect(notConnected.wants).toEqual({ value: 7, source: "live", at: null });
    expect(notConnected.shows).toEqual({ value: null, source: "unknown", at: null });

    const store = channelTruth(
      input({
        channel: "online_store",
        rows: [],
        shopify: new Map([[WAREHOUSE, { value: 10, at: ago(2) }]]),
        live: { value: 8, explanation: null },
      }),
    );
    expect(store.shows).toEqual({ value: 10, source: "shopify", at: ago(2).toISOString() });
    expect(store.status).toEqual({ kind: "not_synced" });
  });

  it("GIVEN an observed channel THEN Ballast writes nothing: observing, unless drift was recorded", () => {
    const observed = channelTruth(
      input({ mode: "observing", rows: [row({ desired: 5, pushed: null, confirmed: null })] }),
    );
    expect(observed.status).toEqual({ kind: "observing" });
    expect(observed.rows.map((entry) => entry.status)).toEqual([{ kind: "observing" }]);
    expect(observed.wants.value).toBe(5);
  });
});

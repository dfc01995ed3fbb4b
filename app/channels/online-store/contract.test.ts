/**
 * Online Store contract: what Shopify Admin GraphQL 2026-10 documents, checked through
 * the real connector and client. Each case names the documented behaviour and its source.
 * Runs against the local fake (default); with SHOPIFY_CONTRACT_SHOP and
 * SHOPIFY_CONTRACT_TOKEN set, the fake cases are skipped (they seed items and inject
 * faults a real store cannot be asked for) and the cases that need neither run against
 * that development store (app/channels/README.md "Online Store").
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeShopify, type FakeShopify } from "../../../sim/fakes/shopify";
import { AdminClient } from "~/shopify/admin-client.server";
import { readCatalog, collect } from "~/shopify/catalog.server";
import { readCatalogBulk, BulkOperationError } from "~/shopify/bulk.server";
import { bufferMarker, readBufferMetafields, writeBufferMetafieldPairs } from "~/shopify/metafields.server";
import type { JournalledMove } from "~/channels/types";
import { OnlineStoreConnector } from "./connector.server";

const MOVE_DOC = "shopify.dev/docs/api/admin-graphql/2026-10/mutations/inventoryMoveQuantities";
const LIMITS_DOC = "shopify.dev/docs/api/usage/limits";
const BULK_DOC = "shopify.dev/docs/api/usage/bulk-operations/queries";
const CHANNELS_MD = "CHANNELS.md §Shopify Admin GraphQL 2026-10";

/** A real development store, when given: only cases that need no seeding or fault injection run against it. */
const gidOf = (kind: string, value: string) => (value.startsWith("gid://") ? value : `gid://shopify/${kind}/${value}`);
const real =
  process.env.SHOPIFY_CONTRACT_SHOP && process.env.SHOPIFY_CONTRACT_TOKEN
    ? {
        shop: process.env.SHOPIFY_CONTRACT_SHOP,
        accessToken: process.env.SHOPIFY_CONTRACT_TOKEN,
        inventoryItem: process.env.SHOPIFY_CONTRACT_INVENTORY_ITEM_ID
          ? gidOf("InventoryItem", process.env.SHOPIFY_CONTRACT_INVENTORY_ITEM_ID)
          : null,
        location: process.env.SHOPIFY_CONTRACT_LOCATION_ID
          ? gidOf("Location", process.env.SHOPIFY_CONTRACT_LOCATION_ID)
          : null,
      }
    : null;
const fakeOnly = real ? describe.skip : describe;

const SHOP = "contract-shop.myshopify.com";
const TOKEN = "shpat_contract_token";

let fake: FakeShopify;
let location: string;

function client(overrides: Partial<ConstructorParameters<typeof AdminClient>[0]> = {}) {
  return new AdminClient({
    shop: SHOP,
    accessToken: TOKEN,
    baseUrl: fake.url,
    backoffBaseMs: 5,
    backoffCapMs: 50,
    requestTimeoutMs: 2000,
    ...overrides,
  });
}

function connector(overrides: Partial<ConstructorParameters<typeof AdminClient>[0]> = {}) {
  return new OnlineStoreConnector({ client: client(overrides), retryAfterMs: 1000 });
}

/** A fresh item stocked at the test location, as an itemKey. */
function seedItem(
  available: number,
  safetyStock = 0,
  sku = "SKU",
): { itemKey: string; inventoryItemId: string; variantId: string; productId: string } {
  const product = fake.addProduct(SHOP, {
    title: `Product ${sku}`,
    variants: [{ sku, stock: { [location]: { available, safety_stock: safetyStock } } }],
  });
  const variant = product.variants[0]!;
  return {
    itemKey: `${variant.inventoryItemId}|${location}`,
    inventoryItemId: variant.inventoryItemId,
    variantId: variant.variantId,
    productId: product.productId,
  };
}

function levelOf(itemKey: string) {
  const [item, loc] = itemKey.split("|") as [string, string];
  return fake.quantities(SHOP, item, loc)!;
}

beforeAll(async () => {
  fake = await startFakeShopify({ shops: [{ domain: SHOP, accessToken: TOKEN, restoreRate: 1000 }] });
  location = fake.addLocation(SHOP, { name: "Warehouse" });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.setFailureModes({
    serverErrorNext: 0,
    failAfterCommitNext: 0,
    throttleNext: 0,
    hangNext: 0,
    throttleHttpStatus: 200,
  });
  fake.restoreToken(SHOP);
});

describe.runIf(real)("Online Store against a real development store", () => {
  const realConnector = () =>
    new OnlineStoreConnector({
      client: new AdminClient({ shop: real!.shop, accessToken: real!.accessToken }),
      retryAfterMs: 1000,
    });

  it(`health: shop { name } answers with the offline token (${CHANNELS_MD})`, async () => {
    expect(await realConnector().checkHealth()).toMatchObject({ ok: true });
  });

  it(`unknown item: a move for an inventory item the store does not have is refused for that item (${MOVE_DOC})`, async () => {
    const location = real!.location ?? "gid://shopify/Location/1";
    const [result] = await realConnector().push([
      { itemKey: `gid://shopify/InventoryItem/1|${location}`, quantity: 1, availability: "in_stock" },
    ]);
    expect(result).toMatchObject({ status: "permanent" });
  });

  it.runIf(real?.inventoryItem && real.location)(
    `hold one unit in safety_stock, read it back, release it (${MOVE_DOC}; changeFromQuantity and @idempotent required since 2026-04)`,
    async () => {
      const connector = realConnector();
      const itemKey = `${real!.inventoryItem}|${real!.location}`;
      const [start] = await connector.readBack([itemKey]);
      expect(start).toMatchObject({ found: true });
      const available = start!.quantity!;
      expect(available, "the contract item needs at least one unit available").toBeGreaterThan(0);
      try {
        expect(
          (await connector.push([{ itemKey, quantity: available - 1, availability: "in_stock" }]))[0],
        ).toMatchObject({ status: "applied", quantity: available - 1 });
        expect((await connector.readBack([itemKey]))[0]).toMatchObject({ quantity: available - 1 });
      } finally {
        expect((await connector.push([{ itemKey, quantity: available, availability: "in_stock" }]))[0]).toMatchObject({
          status: "applied",
          quantity: available,
        });
      }
      expect((await connector.readBack([itemKey]))[0]).toMatchObject({ quantity: available });
    },
  );
});

fakeOnly(`Online Store push (${CHANNELS_MD}, inventoryMoveQuantities)`, () => {
  it("holds units back by moving available → safety_stock; on_hand is unchanged (quantity names: on_hand = sum)", async () => {
    const item = seedItem(10);
    const [result] = await connector().push([{ itemKey: item.itemKey, quantity: 7, availability: "in_stock" }]);
    expect(result).toEqual({
      itemKey: item.itemKey,
      status: "applied",
      quantity: 7,
      held: 3,
      ownHeld: 3,
      availableBefore: 10,
    });
    expect(levelOf(item.itemKey)).toMatchObject({ available: 7, safety_stock: 3, on_hand: 10 });
  });

  it("releases Ballast's own held units back to available", async () => {
    const item = seedItem(4, 6);
    const [result] = await connector().push([
      { itemKey: item.itemKey, quantity: 9, availability: "in_stock", ownHeld: 6 },
    ]);
    expect(result).toMatchObject({ status: "applied", quantity: 9, held: 1, ownHeld: 1 });
    expect(levelOf(item.itemKey)).toMatchObject({ available: 9, safety_stock: 1 });
  });

  it("never releases the merchant's own safety stock: only the units Ballast says it moved itself", async () => {
    const item = seedItem(4, 6);
    // 6 in safety_stock, 2 of them Ballast's: asking for 9 reaches 6.
    const [result] = await connector().push([
      { itemKey: item.itemKey, quantity: 9, availability: "in_stock", ownHeld: 2 },
    ]);
    expect(result).toMatchObject({ status: "applied", quantity: 6, held: 4, ownHeld: 0 });
    expect(levelOf(item.itemKey)).toMatchObject({ available: 6, safety_stock: 4 });
    // No record of its own: nothing is released at all.
    const [none] = await connector().push([{ itemKey: item.itemKey, quantity: 9, availability: "in_stock" }]);
    expect(none).toMatchObject({ status: "applied", quantity: 6, held: 4, ownHeld: 0 });
    expect(levelOf(item.itemKey)).toMatchObject({ available: 6, safety_stock: 4 });
  });

  it("a request above available + Ballast's own units releases all of them and reports the quantity reached", async () => {
    const item = seedItem(5, 2);
    const [result] = await connector().push([
      { itemKey: item.itemKey, quantity: 10, availability: "in_stock", ownHeld: 2 },
    ]);
    expect(result).toMatchObject({ status: "applied", quantity: 7, held: 0, ownHeld: 0 });
    expect(levelOf(item.itemKey)).toMatchObject({ available: 7, safety_stock: 0 });
  });

  it(`batching: at most 250 changes per inventoryMoveQuantities call (${MOVE_DOC}: input arrays ≤ 250)`, async () => {
    const items = Array.from({ length: 260 }, (_, index) => seedItem(5, 0, `BATCH-${index}`));
    const before = fake.requests.length;
    const results = await connector().push(
      items.map((item) => ({ itemKey: item.itemKey, quantity: 2, availability: "in_stock" as const })),
    );
    expect(results.every((result) => result.status === "applied")).toBe(true);
    const moves = fake.requests
      .slice(before)
      .filter((entry) => entry.operationName === "BallastInventoryMove" && entry.status === 200 && !entry.throttled);
    const sizes = moves.map((entry) => (entry.variables["input"] as { changes: unknown[] }).changes.length);
    expect(sizes).toEqual([250, 10]);
    expect(items.every((item) => levelOf(item.itemKey).available === 2)).toBe(true);
  });

  it(`CAS conflict: another writer changes available between read and write → CHANGE_FROM_QUANTITY_STALE, re-read, retry (${MOVE_DOC}: changeFromQuantity; ${CHANNELS_MD})`, async () => {
    const item = seedItem(10);
    fake.competeOnNextMutation(SHOP, { inventoryItemId: item.inventoryItemId, locationId: location, delta: -2 });
    const movesBefore = fake.apiAdjustmentCount(SHOP);
    const [result] = await connector().push([{ itemKey: item.itemKey, quantity: 5, availability: "in_stock" }]);
    expect(result).toMatchObject({ status: "applied", quantity: 5 });
    // 10 - 2 sold by the competitor = 8; 3 held to reach 5.
    expect(levelOf(item.itemKey)).toMatchObject({ available: 5, safety_stock: 3 });
    expect(fake.apiAdjustmentCount(SHOP) - movesBefore).toBe(1);
  });

  it(`idempotent retry: the answer is lost after Shopify applied the move; the retry with the same @idempotent key replays, no double move (${CHANNELS_MD}: "replay returns the original result")`, async () => {
    const item = seedItem(10);
    const movesBefore = fake.apiAdjustmentCount(SHOP);
    const requestsBefore = fake.requests.length;
    // This item's move only: a late request of an earlier case must not take the failure (seen in CI).
    fake.setFailureModes({ failAfterCommitNext: 1, failAfterCommitOnly: item.inventoryItemId });
    const [result] = await connector().push([{ itemKey: item.itemKey, quantity: 6, availability: "in_stock" }]);
    fake.setFailureModes({ failAfterCommitOnly: null });
    expect(result).toMatchObject({ status: "applied", quantity: 6 });
    expect(levelOf(item.itemKey)).toMatchObject({ available: 6, safety_stock: 4 });
    expect(fake.apiAdjustmentCount(SHOP) - movesBefore).toBe(1);
    // One lost answer, then replays. On a loaded machine a replay can itself outlive the
    // client's timeout and be sent again: still replays of one key, still one move.
    // Arrival order is not asserted: a retry sent after a client timeout can arrive before
    // the first request is answered.
    const moves = fake.requests
      .slice(requestsBefore)
      .filter(
        (entry) =>
          entry.operationName === "BallastInventoryMove" &&
          JSON.stringify(entry.variables).includes(JSON.stringify(item.inventoryItemId)),
      );
    expect(moves.filter((entry) => entry.status === 503)).toHaveLength(1);
    expect(moves.length).toBeGreaterThanOrEqual(2);
    expect(moves.filter((entry) => entry.status !== 503).every((entry) => entry.status === 200)).toBe(true);
    expect(new Set(moves.map((entry) => entry.variables["idempotencyKey"])).size).toBe(1);
  });

  it(`journal: every move is recorded before it is sent; sent again with its key, Shopify replays it and nothing moves twice; a later identical move is a new move (${CHANNELS_MD}: "replay returns the original result")`, async () => {
    const item = seedItem(10);
    const movesBefore = fake.apiAdjustmentCount(SHOP);
    const journalled: JournalledMove[] = [];
    const settled: string[] = [];
    const journal = {
      record: async (move: JournalledMove) => {
        // Recorded before Shopify has seen it.
        expect(levelOf(item.itemKey)).toMatchObject({ available: 10, safety_stock: 0 });
        journalled.push(move);
      },
      settle: (key: string) => settled.push(key),
    };
    const [result] = await connector().push([{ itemKey: item.itemKey, quantity: 8, availability: "in_stock" }], {
      journal,
    });
    expect(result).toMatchObject({ status: "applied", quantity: 8, held: 2, ownHeld: 2 });
    expect(journalled).toHaveLength(1);
    expect(journalled[0]!.effects).toEqual([{ itemKey: item.itemKey, delta: 2 }]);
    expect(settled).toEqual([journalled[0]!.idempotencyKey]);
    // Sent again (as after a crash before the answer was recorded): replayed, not moved again.
    expect(await connector().resendMove(journalled[0]!)).toBe("applied");
    expect(levelOf(item.itemKey)).toMatchObject({ available: 8, safety_stock: 2 });
    expect(fake.apiAdjustmentCount(SHOP) - movesBefore).toBe(1);
    // The same level again and the same intended change: a new key, so a real move.
    fake.setQuantities(SHOP, item.inventoryItemId, location, { available: 10, safety_stock: 0 });
    await connector().push([{ itemKey: item.itemKey, quantity: 8, availability: "in_stock" }], { journal });
    expect(journalled[1]!.idempotencyKey).not.toBe(journalled[0]!.idempotencyKey);
    expect(levelOf(item.itemKey)).toMatchObject({ available: 8, safety_stock: 2 });
    expect(fake.apiAdjustmentCount(SHOP) - movesBefore).toBe(2);
  });

  it(`journal: a journalled move Shopify refuses (the level changed: CHANGE_FROM_QUANTITY_STALE) moved nothing and is reported refused (${MOVE_DOC})`, async () => {
    const item = seedItem(10);
    const journalled: JournalledMove[] = [];
    await connector().push([{ itemKey: item.itemKey, quantity: 8, availability: "in_stock" }], {
      journal: { record: async (move) => void journalled.push(move), settle: () => undefined },
    });
    const stale = { ...journalled[0]!, idempotencyKey: `${journalled[0]!.idempotencyKey}-never-sent` };
    expect(await connector().resendMove(stale)).toBe("refused");
    expect(levelOf(item.itemKey)).toMatchObject({ available: 8, safety_stock: 2 });
  });

  it(`throttling: THROTTLED (HTTP 200 and 429) is retried with backoff until the bucket recovers (${LIMITS_DOC})`, async () => {
    const item = seedItem(10);
    fake.setFailureModes({ throttleNext: 2 });
    const [first] = await connector().push([{ itemKey: item.itemKey, quantity: 9, availability: "in_stock" }]);
    expect(first).toMatchObject({ status: "applied", quantity: 9 });
    fake.setFailureModes({ throttleNext: 2, throttleHttpStatus: 429 });
    const requestsBefore = fake.requests.length;
    const [second] = await connector().push([{ itemKey: item.itemKey, quantity: 8, availability: "in_stock" }]);
    expect(second).toMatchObject({ status: "applied", quantity: 8 });
    expect(
      fake.requests
        .slice(requestsBefore)
        .filter((entry) => entry.throttled)
        .map((entry) => entry.status),
    ).toEqual([429, 429]);
  });

  it(`throttling: an empty bucket throttles for real, and the client waits for the refill reported in extensions.cost.throttleStatus (${LIMITS_DOC})`, async () => {
    const item = seedItem(10);
    fake.drainBucket(SHOP, 0);
    const [result] = await connector().push([{ itemKey: item.itemKey, quantity: 4, availability: "in_stock" }]);
    expect(result).toMatchObject({ status: "applied", quantity: 4 });
  });

  it(`backoff: 5xx answers are retried with jittered backoff (${LIMITS_DOC}; issue 4)`, async () => {
    const item = seedItem(10);
    fake.setFailureModes({ serverErrorNext: 2 });
    const [result] = await connector().push([{ itemKey: item.itemKey, quantity: 1, availability: "in_stock" }]);
    expect(result).toMatchObject({ status: "applied", quantity: 1 });
  });

  it(`backoff: a request that never answers times out and is retried (issue 4: "5xx and timeouts")`, async () => {
    const item = seedItem(10);
    fake.setFailureModes({ hangNext: 1 });
    const [result] = await connector({ requestTimeoutMs: 200 }).push([
      { itemKey: item.itemKey, quantity: 3, availability: "in_stock" },
    ]);
    expect(result).toMatchObject({ status: "applied", quantity: 3 });
  });

  it(`unknown item → permanent UNKNOWN_ITEM; the rest of the batch is applied (${MOVE_DOC}: userErrors)`, async () => {
    const item = seedItem(10);
    const unknown = `gid://shopify/InventoryItem/999999999999999999|${location}`;
    const results = await connector().push([
      { itemKey: unknown, quantity: 1, availability: "in_stock" },
      { itemKey: item.itemKey, quantity: 2, availability: "in_stock" },
      { itemKey: "not-a-key", quantity: 1, availability: "in_stock" },
    ]);
    expect(results[0]).toMatchObject({ status: "permanent", code: "UNKNOWN_ITEM" });
    expect(results[1]).toMatchObject({ status: "applied", quantity: 2 });
    expect(results[2]).toMatchObject({ status: "permanent", code: "INVALID_ITEM_KEY" });
  });

  it(`unknown item: not stocked at the location → permanent ITEM_NOT_STOCKED_AT_LOCATION, Ballast's own verdict from its read: no move is sent (Shopify would accept it since 2026-10: shopify.dev/changelog/removal-of-itemnotstockedatlocation-error; ${CHANNELS_MD})`, async () => {
    const item = seedItem(10);
    const otherLocation = fake.addLocation(SHOP, { name: "Pop-up" });
    const movesBefore = fake.apiAdjustmentCount(SHOP);
    const [result] = await connector().push([
      { itemKey: `${item.inventoryItemId}|${otherLocation}`, quantity: 1, availability: "in_stock" },
    ]);
    expect(result).toMatchObject({ status: "permanent", code: "ITEM_NOT_STOCKED_AT_LOCATION" });
    expect(fake.apiAdjustmentCount(SHOP) - movesBefore).toBe(0);
  });

  it(`an inactive level (it keeps its quantities since 2026-04; read with includeInactive) → no hold is placed there (permanent ITEM_NOT_STOCKED_AT_LOCATION, no move sent), Ballast's own units are released with compare-and-swap, and read-back does not show it`, async () => {
    const item = seedItem(8, 5);
    fake.deactivateLevel(SHOP, item.inventoryItemId, location);
    const movesBefore = fake.apiAdjustmentCount(SHOP);
    const [hold] = await connector().push([
      { itemKey: item.itemKey, quantity: 6, availability: "in_stock", ownHeld: 2 },
    ]);
    expect(hold).toMatchObject({ status: "permanent", code: "ITEM_NOT_STOCKED_AT_LOCATION" });
    expect(fake.apiAdjustmentCount(SHOP) - movesBefore).toBe(0);

    // Of the 5 in safety_stock, 2 are Ballast's: asked for everything, it takes back exactly those.
    const [release] = await connector().push([
      { itemKey: item.itemKey, quantity: 100, availability: "in_stock", ownHeld: 2 },
    ]);
    expect(release).toMatchObject({ status: "applied", quantity: 10, held: 3, ownHeld: 0 });
    expect(fake.quantities(SHOP, item.inventoryItemId, location)).toMatchObject({ available: 10, safety_stock: 3 });
    const [readBack] = await connector().readBack([item.itemKey]);
    expect(readBack).toMatchObject({ found: false, quantity: null });
  });

  it(`Shopify asks to try again later (SERVICE_UNAVAILABLE, MOVE_QUANTITIES_FAILED; nothing moved) → retryable, not refused and not re-sent at once (${MOVE_DOC}: InventoryMoveQuantitiesUserErrorCode)`, async () => {
    for (const code of ["SERVICE_UNAVAILABLE", "MOVE_QUANTITIES_FAILED"]) {
      const item = seedItem(10);
      let movesSent = 0;
      // The fake never answers these: the move's answer is Shopify's, canned; reads go to the fake.
      const later: typeof fetch = async (input, init) => {
        if (typeof init?.body === "string" && init.body.includes("BallastInventoryMove")) {
          movesSent += 1;
          const userErrors = [
            { field: null, message: "The service is temporarily unavailable. Try again later.", code },
          ];
          return Response.json({ data: { inventoryMoveQuantities: { inventoryAdjustmentGroup: null, userErrors } } });
        }
        return fetch(input, init);
      };
      const [result] = await connector({ fetch: later }).push([
        { itemKey: item.itemKey, quantity: 7, availability: "in_stock" },
      ]);
      expect(result).toMatchObject({ status: "retryable", retryAfterMs: 1000, reason: expect.stringContaining(code) });
      expect(movesSent).toBe(1);
      expect(levelOf(item.itemKey)).toMatchObject({ available: 10, safety_stock: 0 });
    }
  });

  it(`revoked token → 401, terminal (not retried), health reports credentials_revoked (shopify.dev/docs/api/admin-graphql, status and error codes: 401 Unauthorized)`, async () => {
    const item = seedItem(10);
    fake.revokeToken(SHOP);
    const requestsBefore = fake.requests.length;
    const [result] = await connector().push([{ itemKey: item.itemKey, quantity: 1, availability: "in_stock" }]);
    expect(result).toMatchObject({ status: "permanent", code: "UNAUTHORIZED" });
    expect(fake.requests.length - requestsBefore).toBe(1);
    expect(await connector().checkHealth()).toMatchObject({ ok: false, code: "credentials_revoked" });
    fake.restoreToken(SHOP);
    expect(await connector().checkHealth()).toMatchObject({ ok: true });
  });

  it("readBack reports available per itemKey and found=false for unknown items", async () => {
    const item = seedItem(7);
    const unknown = `gid://shopify/InventoryItem/123|${location}`;
    const results = await connector().readBack([item.itemKey, unknown]);
    expect(results).toEqual([
      { itemKey: item.itemKey, quantity: 7, availability: "in_stock", found: true },
      { itemKey: unknown, quantity: null, availability: null, found: false },
    ]);
  });

  it("an order (available → committed) is seen by readBack", async () => {
    const item = seedItem(3);
    await fake.placeOrder(SHOP, {
      lines: [{ inventoryItemId: item.inventoryItemId, locationId: location, quantity: 3 }],
      webhooks: false,
    });
    const [result] = await connector().readBack([item.itemKey]);
    expect(result).toMatchObject({ quantity: 0, availability: "out_of_stock" });
    expect(levelOf(item.itemKey)).toMatchObject({ available: 0, committed: 3, on_hand: 3 });
  });
});

fakeOnly("Shopify ids above 2^53 stay exact (CHANNELS.md: Ids above 2^53)", () => {
  it("inventory item ids above Number.MAX_SAFE_INTEGER survive push, readBack and catalog reads as strings", async () => {
    const product = fake.addProduct(SHOP, {
      title: "Big id",
      variants: [{ sku: "BIG", inventoryItemId: "271878346596999999", stock: { [location]: { available: 5 } } }],
    });
    const itemGid = product.variants[0]!.inventoryItemId;
    expect(itemGid).toBe("gid://shopify/InventoryItem/271878346596999999");
    // What JSON.parse / Number would do to it:
    expect(String(Number("271878346596999999"))).not.toBe("271878346596999999");
    const itemKey = `${itemGid}|${location}`;
    const [pushed] = await connector().push([{ itemKey, quantity: 2, availability: "in_stock" }]);
    expect(pushed).toMatchObject({ itemKey, status: "applied" });
    const [read] = await connector().readBack([itemKey]);
    expect(read).toMatchObject({ itemKey, quantity: 2 });
    const variants = await collect(readCatalog(client()));
    expect(variants.map((variant) => variant.inventoryItemId)).toContain(itemGid);
  });
});

fakeOnly(`Catalog reads (shopify.dev: pagination, search syntax updated_at; ${BULK_DOC})`, () => {
  it("incremental read with updated_at:> returns only what changed since", async () => {
    for (let index = 0; index < 8; index += 1) seedItem(1, 0, `PAGE-${index}`);
    const all = await collect(readCatalog(client(), { pageSize: 7 }));
    expect(all.length).toBeGreaterThan(7);
    const since = all
      .map((variant) => variant.updatedAt)
      .sort()
      .at(-1)!;
    const changed = seedItem(1, 0, "CHANGED-LATER");
    const incremental = await collect(readCatalog(client(), { updatedSince: since }));
    expect(incremental.map((variant) => variant.inventoryItemId)).toEqual([changed.inventoryItemId]);
  });

  it(`async handle: a bulk operation is polled until COMPLETED, then its JSONL is parsed and levels attached by __parentId (${BULK_DOC})`, async () => {
    const item = seedItem(12, 3, "BULK");
    const snapshot = await readCatalogBulk(client(), { pollIntervalMs: 1 });
    expect(snapshot.complete).toBe(true);
    const variant = snapshot.variants.find((candidate) => candidate.inventoryItemId === item.inventoryItemId);
    expect(variant).toMatchObject({ variantId: item.variantId, productId: item.productId, sku: "BULK" });
    expect(snapshot.levels.find((level) => level.inventoryItemId === item.inventoryItemId)).toMatchObject({
      locationId: location,
      available: 12,
      safetyStock: 3,
      onHand: 15,
    });
  });

  it("a failed bulk operation with partialDataUrl yields partial data marked incomplete; without it, an error", async () => {
    fake.setBulkBehaviour({ failWith: "TIMEOUT", partial: true });
    try {
      const partial = await readCatalogBulk(client(), { pollIntervalMs: 1 });
      expect(partial.complete).toBe(false);
      expect(partial.errorCode).toBe("TIMEOUT");
      fake.setBulkBehaviour({ failWith: "INTERNAL_SERVER_ERROR", partial: false });
      await expect(readCatalogBulk(client(), { pollIntervalMs: 1 })).rejects.toMatchObject({
        reason: "failed",
        errorCode: "INTERNAL_SERVER_ERROR",
      });
    } finally {
      fake.setBulkBehaviour({ failWith: null, partial: false });
    }
  });

  it("a bulk operation that expires while polled is reported as expired (run again)", async () => {
    const expireCurrent = async () => {
      const current = [...fake.shop(SHOP).bulkOperations.values()].at(-1)!;
      fake.expireBulkOperation(SHOP, `gid://shopify/BulkOperation/${current.id}`);
    };
    await expect(readCatalogBulk(client(), { sleep: expireCurrent })).rejects.toBeInstanceOf(BulkOperationError);
    await expect(readCatalogBulk(client(), { sleep: expireCurrent })).rejects.toMatchObject({ reason: "expired" });
  });
});

fakeOnly("Buffer metafields (CHANNELS.md: metafieldsSet ≤ 25, atomic, compareDigest, $app)", () => {
  it("writes value and marker pairs within 25 metafields a call, reads back, and refuses a stale compareDigest", async () => {
    const owners = Array.from({ length: 30 }, (_, index) => seedItem(1, 0, `MF-${index}`).productId);
    const pair = (ownerId: string, value: unknown, compareDigest?: string | null) => ({
      ownerId,
      value,
      synced: bufferMarker(value),
      ...(compareDigest === undefined ? {} : { compareDigest }),
    });
    const requestsBefore = fake.requests.length;
    const written = await writeBufferMetafieldPairs(
      client(),
      owners.map((ownerId, index) => pair(ownerId, { minimum: index })),
    );
    expect(written.every((result) => result.ok)).toBe(true);
    const sets = fake.requests
      .slice(requestsBefore)
      .filter((entry) => entry.operationName === "BallastMetafieldsSet" && entry.status === 200 && !entry.throttled);
    expect(sets.map((entry) => (entry.variables["metafields"] as unknown[]).length)).toEqual([24, 24, 12]);

    const read = await readBufferMetafields(client(), owners.slice(0, 2));
    expect(read[1]).toMatchObject({ ownerId: owners[1], value: { minimum: 1 }, found: true });
    // Stored under the app's reserved namespace, as Shopify does.
    expect(
      [...fake.shop(SHOP).metafields.values()].some((record) => record.namespace === `app--${fake.shop(SHOP).appId}`),
    ).toBe(true);

    const fresh = await writeBufferMetafieldPairs(client(), [
      pair(owners[0]!, { minimum: 99 }, read[0]!.compareDigest),
    ]);
    expect(fresh[0]).toMatchObject({ ok: true });
    const stale = await writeBufferMetafieldPairs(client(), [
      pair(owners[0]!, { minimum: 5 }, read[0]!.compareDigest),
      pair(owners[1]!, { minimum: 5 }),
    ]);
    expect(stale[0]).toMatchObject({ ok: false, code: "STALE_OBJECT" });
    // Atomic: the other metafield of the call was not written either.
    expect(stale[1]).toMatchObject({ ok: false, code: "NOT_WRITTEN" });
    const after = await readBufferMetafields(client(), owners.slice(0, 2));
    expect(after.map((entry) => entry.value)).toEqual([{ minimum: 99 }, { minimum: 1 }]);
  });
});

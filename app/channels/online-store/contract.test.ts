/**
 * Online Store contract: what Shopify Admin GraphQL 2026-10 documents, checked through
 * the real connector and client. Runs against the local fake (default); fault-injection
 * cases need the fake and are skipped against a real store (see app/channels/README.md).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeShopify, type FakeShopify } from "../../../sim/fakes/shopify";
import { AdminClient } from "~/shopify/admin-client.server";
import { readCatalogue, collect } from "~/shopify/catalogue.server";
import { readCatalogueBulk, BulkOperationError } from "~/shopify/bulk.server";
import { readBufferMetafields, writeBufferMetafields } from "~/shopify/metafields.server";
import { OnlineStoreConnector } from "./connector.server";

const SHOP = "contract-shop.myshopify.com";
const TOKEN = "shpat_contract_token";

let fake: FakeShopify;
let location: string;

function client(overrides: Partial<ConstructorParameters<typeof AdminClient>[0]> = {}) {
  return new AdminClient({ shop: SHOP, accessToken: TOKEN, baseUrl: fake.url, backoffBaseMs: 5, backoffCapMs: 50, requestTimeoutMs: 2000, ...overrides });
}

function connector(overrides: Partial<ConstructorParameters<typeof AdminClient>[0]> = {}) {
  return new OnlineStoreConnector({ client: client(overrides), retryAfterMs: 1000 });
}

/** A fresh item stocked at the test location, as an itemKey. */
function seedItem(available: number, safetyStock = 0, sku = "SKU"): { itemKey: string; inventoryItemId: string; variantId: string; productId: string } {
  const product = fake.addProduct(SHOP, { title: `Product ${sku}`, variants: [{ sku, stock: { [location]: { available, safety_stock: safetyStock } } }] });
  const variant = product.variants[0]!;
  return { itemKey: `${variant.inventoryItemId}|${location}`, inventoryItemId: variant.inventoryItemId, variantId: variant.variantId, productId: product.productId };
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
  fake.setFailureModes({ serverErrorNext: 0, failAfterCommitNext: 0, throttleNext: 0, hangNext: 0, throttleHttpStatus: 200 });
  fake.restoreToken(SHOP);
});

describe("Online Store push (CHANNELS.md: Shopify Admin GraphQL 2026-10, inventoryMoveQuantities)", () => {
  it("holds units back by moving available → safety_stock; on_hand is unchanged (quantity names: on_hand = sum)", async () => {
    const item = seedItem(10);
    const [result] = await connector().push([{ itemKey: item.itemKey, quantity: 7, availability: "in_stock" }]);
    expect(result).toEqual({ itemKey: item.itemKey, status: "applied", quantity: 7, held: 3 });
    expect(levelOf(item.itemKey)).toMatchObject({ available: 7, safety_stock: 3, on_hand: 10 });
  });

  it("releases held units back to available", async () => {
    const item = seedItem(4, 6);
    const [result] = await connector().push([{ itemKey: item.itemKey, quantity: 9, availability: "in_stock" }]);
    expect(result).toMatchObject({ status: "applied", quantity: 9, held: 1 });
    expect(levelOf(item.itemKey)).toMatchObject({ available: 9, safety_stock: 1 });
  });

  it("a request above available + safety_stock releases everything and reports the quantity reached", async () => {
    const item = seedItem(5, 2);
    const [result] = await connector().push([{ itemKey: item.itemKey, quantity: 10, availability: "in_stock" }]);
    expect(result).toMatchObject({ status: "applied", quantity: 7, held: 0 });
    expect(levelOf(item.itemKey)).toMatchObject({ available: 7, safety_stock: 0 });
  });

  it("batches at most 250 changes per inventoryMoveQuantities call (input arrays ≤ 250)", async () => {
    const items = Array.from({ length: 260 }, (_, index) => seedItem(5, 0, `BATCH-${index}`));
    const before = fake.requests.length;
    const results = await connector().push(items.map((item) => ({ itemKey: item.itemKey, quantity: 2, availability: "in_stock" as const })));
    expect(results.every((result) => result.status === "applied")).toBe(true);
    const moves = fake.requests.slice(before).filter((entry) => entry.operationName === "BallastInventoryMove" && entry.status === 200 && !entry.throttled);
    const sizes = moves.map((entry) => (entry.variables["input"] as { changes: unknown[] }).changes.length);
    expect(sizes).toEqual([250, 10]);
    expect(items.every((item) => levelOf(item.itemKey).available === 2)).toBe(true);
  });

  it("CAS conflict: another writer changes available between read and write → CHANGE_FROM_QUANTITY_STALE, re-read, retry", async () => {
    const item = seedItem(10);
    fake.competeOnNextMutation(SHOP, { inventoryItemId: item.inventoryItemId, locationId: location, delta: -2 });
    const movesBefore = fake.apiAdjustmentCount(SHOP);
    const [result] = await connector().push([{ itemKey: item.itemKey, quantity: 5, availability: "in_stock" }]);
    expect(result).toMatchObject({ status: "applied", quantity: 5 });
    // 10 - 2 sold by the competitor = 8; 3 held to reach 5.
    expect(levelOf(item.itemKey)).toMatchObject({ available: 5, safety_stock: 3 });
    expect(fake.apiAdjustmentCount(SHOP) - movesBefore).toBe(1);
  });

  it("idempotent retry: the answer is lost after Shopify applied the move; the retry with the same @idempotent key replays, no double move", async () => {
    const item = seedItem(10);
    const movesBefore = fake.apiAdjustmentCount(SHOP);
    const requestsBefore = fake.requests.length;
    fake.setFailureModes({ failAfterCommitNext: 1 });
    const [result] = await connector().push([{ itemKey: item.itemKey, quantity: 6, availability: "in_stock" }]);
    expect(result).toMatchObject({ status: "applied", quantity: 6 });
    expect(levelOf(item.itemKey)).toMatchObject({ available: 6, safety_stock: 4 });
    expect(fake.apiAdjustmentCount(SHOP) - movesBefore).toBe(1);
    const moves = fake.requests.slice(requestsBefore).filter((entry) => entry.operationName === "BallastInventoryMove");
    expect(moves.map((entry) => entry.status)).toEqual([503, 200]);
    expect(moves[0]!.variables["idempotencyKey"]).toBe(moves[1]!.variables["idempotencyKey"]);
  });

  it("the idempotency key is deterministic per intended change: a new push after a crash that sees the same state reuses it and replays", async () => {
    const item = seedItem(10);
    const movesBefore = fake.apiAdjustmentCount(SHOP);
    await connector().push([{ itemKey: item.itemKey, quantity: 8, availability: "in_stock" }]);
    // Put the level back exactly as it was: the same intended change gets the same key, so Shopify replays it.
    fake.setQuantities(SHOP, item.inventoryItemId, location, { available: 10, safety_stock: 0 });
    const requestsBefore = fake.requests.length;
    await connector().push([{ itemKey: item.itemKey, quantity: 8, availability: "in_stock" }]);
    const move = fake.requests.slice(requestsBefore).find((entry) => entry.operationName === "BallastInventoryMove");
    expect(move).toBeDefined();
    expect(fake.apiAdjustmentCount(SHOP) - movesBefore).toBe(1);
  });

  it("THROTTLED (HTTP 200 and 429) is retried with backoff until the bucket recovers (shopify.dev/docs/api/usage/limits)", async () => {
    const item = seedItem(10);
    fake.setFailureModes({ throttleNext: 2 });
    const [first] = await connector().push([{ itemKey: item.itemKey, quantity: 9, availability: "in_stock" }]);
    expect(first).toMatchObject({ status: "applied", quantity: 9 });
    fake.setFailureModes({ throttleNext: 2, throttleHttpStatus: 429 });
    const requestsBefore = fake.requests.length;
    const [second] = await connector().push([{ itemKey: item.itemKey, quantity: 8, availability: "in_stock" }]);
    expect(second).toMatchObject({ status: "applied", quantity: 8 });
    expect(fake.requests.slice(requestsBefore).filter((entry) => entry.throttled).map((entry) => entry.status)).toEqual([429, 429]);
  });

  it("an empty bucket throttles for real, and the client waits for the refill reported in extensions.cost.throttleStatus", async () => {
    const item = seedItem(10);
    fake.drainBucket(SHOP, 0);
    const [result] = await connector().push([{ itemKey: item.itemKey, quantity: 4, availability: "in_stock" }]);
    expect(result).toMatchObject({ status: "applied", quantity: 4 });
  });

  it("5xx answers are retried", async () => {
    const item = seedItem(10);
    fake.setFailureModes({ serverErrorNext: 2 });
    const [result] = await connector().push([{ itemKey: item.itemKey, quantity: 1, availability: "in_stock" }]);
    expect(result).toMatchObject({ status: "applied", quantity: 1 });
  });

  it("a request that never answers times out and is retried", async () => {
    const item = seedItem(10);
    fake.setFailureModes({ hangNext: 1 });
    const [result] = await connector({ requestTimeoutMs: 200 }).push([{ itemKey: item.itemKey, quantity: 3, availability: "in_stock" }]);
    expect(result).toMatchObject({ status: "applied", quantity: 3 });
  });

  it("unknown item → permanent UNKNOWN_ITEM; the rest of the batch is applied", async () => {
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

  it("an item not stocked at the location → permanent ITEM_NOT_STOCKED_AT_LOCATION", async () => {
    const item = seedItem(10);
    const otherLocation = fake.addLocation(SHOP, { name: "Pop-up" });
    const [result] = await connector().push([{ itemKey: `${item.inventoryItemId}|${otherLocation}`, quantity: 1, availability: "in_stock" }]);
    expect(result).toMatchObject({ status: "permanent", code: "ITEM_NOT_STOCKED_AT_LOCATION" });
  });

  it("revoked token → 401, terminal (not retried), health reports credentials_revoked", async () => {
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
    await fake.placeOrder(SHOP, { lines: [{ inventoryItemId: item.inventoryItemId, locationId: location, quantity: 3 }], webhooks: false });
    const [result] = await connector().readBack([item.itemKey]);
    expect(result).toMatchObject({ quantity: 0, availability: "out_of_stock" });
    expect(levelOf(item.itemKey)).toMatchObject({ available: 0, committed: 3, on_hand: 3 });
  });
});

describe("Shopify ids above 2^53 stay exact (CHANNELS.md: Ids above 2^53)", () => {
  it("inventory item ids above Number.MAX_SAFE_INTEGER survive push, readBack and catalogue reads as strings", async () => {
    const product = fake.addProduct(SHOP, { title: "Big id", variants: [{ sku: "BIG", inventoryItemId: "271878346596999999", stock: { [location]: { available: 5 } } }] });
    const itemGid = product.variants[0]!.inventoryItemId;
    expect(itemGid).toBe("gid://shopify/InventoryItem/271878346596999999");
    // What JSON.parse / Number would do to it:
    expect(String(Number("271878346596999999"))).not.toBe("271878346596999999");
    const itemKey = `${itemGid}|${location}`;
    const [pushed] = await connector().push([{ itemKey, quantity: 2, availability: "in_stock" }]);
    expect(pushed).toMatchObject({ itemKey, status: "applied" });
    const [read] = await connector().readBack([itemKey]);
    expect(read).toMatchObject({ itemKey, quantity: 2 });
    const variants = await collect(readCatalogue(client()));
    expect(variants.map((variant) => variant.inventoryItemId)).toContain(itemGid);
  });
});

describe("Catalogue reads (shopify.dev: pagination, search syntax updated_at, bulk operations)", () => {
  it("incremental read with updated_at:> returns only what changed since", async () => {
    for (let index = 0; index < 8; index += 1) seedItem(1, 0, `PAGE-${index}`);
    const all = await collect(readCatalogue(client(), { pageSize: 7 }));
    expect(all.length).toBeGreaterThan(7);
    const since = all.map((variant) => variant.updatedAt).sort().at(-1)!;
    const changed = seedItem(1, 0, "CHANGED-LATER");
    const incremental = await collect(readCatalogue(client(), { updatedSince: since }));
    expect(incremental.map((variant) => variant.inventoryItemId)).toEqual([changed.inventoryItemId]);
  });

  it("a bulk operation full read parses JSONL and attaches levels by __parentId", async () => {
    const item = seedItem(12, 3, "BULK");
    const snapshot = await readCatalogueBulk(client(), { pollIntervalMs: 1 });
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
      const partial = await readCatalogueBulk(client(), { pollIntervalMs: 1 });
      expect(partial.complete).toBe(false);
      expect(partial.errorCode).toBe("TIMEOUT");
      fake.setBulkBehaviour({ failWith: "INTERNAL_SERVER_ERROR", partial: false });
      await expect(readCatalogueBulk(client(), { pollIntervalMs: 1 })).rejects.toMatchObject({ reason: "failed", errorCode: "INTERNAL_SERVER_ERROR" });
    } finally {
      fake.setBulkBehaviour({ failWith: null, partial: false });
    }
  });

  it("a bulk operation that expires while polled is reported as expired (run again)", async () => {
    const expireCurrent = async () => {
      const current = [...fake.shop(SHOP).bulkOperations.values()].at(-1)!;
      fake.expireBulkOperation(SHOP, `gid://shopify/BulkOperation/${current.id}`);
    };
    await expect(readCatalogueBulk(client(), { sleep: expireCurrent })).rejects.toBeInstanceOf(BulkOperationError);
    await expect(readCatalogueBulk(client(), { sleep: expireCurrent })).rejects.toMatchObject({ reason: "expired" });
  });
});

describe("Buffer metafields (CHANNELS.md: metafieldsSet ≤ 25, atomic, compareDigest, $app)", () => {
  it("writes in chunks of 25, reads back, and refuses a stale compareDigest", async () => {
    const owners = Array.from({ length: 30 }, (_, index) => seedItem(1, 0, `MF-${index}`).productId);
    const requestsBefore = fake.requests.length;
    const written = await writeBufferMetafields(client(), owners.map((ownerId, index) => ({ ownerId, value: { minimum: index } })));
    expect(written.every((result) => result.ok)).toBe(true);
    const sets = fake.requests.slice(requestsBefore).filter((entry) => entry.operationName === "BallastMetafieldsSet" && entry.status === 200 && !entry.throttled);
    expect(sets.map((entry) => (entry.variables["metafields"] as unknown[]).length)).toEqual([25, 5]);

    const read = await readBufferMetafields(client(), owners.slice(0, 2));
    expect(read[1]).toMatchObject({ ownerId: owners[1], value: { minimum: 1 }, found: true });
    // Stored under the app's reserved namespace, as Shopify does.
    expect([...fake.shop(SHOP).metafields.values()].some((record) => record.namespace === `app--${fake.shop(SHOP).appId}`)).toBe(true);

    const fresh = await writeBufferMetafields(client(), [{ ownerId: owners[0]!, value: { minimum: 99 }, compareDigest: read[0]!.compareDigest }]);
    expect(fresh[0]).toMatchObject({ ok: true });
    const stale = await writeBufferMetafields(client(), [
      { ownerId: owners[0]!, value: { minimum: 5 }, compareDigest: read[0]!.compareDigest },
      { ownerId: owners[1]!, value: { minimum: 5 } },
    ]);
    expect(stale[0]).toMatchObject({ ok: false, code: "STALE_OBJECT" });
    // Atomic: the other metafield of the call was not written either.
    expect(stale[1]).toMatchObject({ ok: false, code: "NOT_WRITTEN" });
    const after = await readBufferMetafields(client(), owners.slice(0, 2));
    expect(after.map((entry) => entry.value)).toEqual([{ minimum: 99 }, { minimum: 1 }]);
  });
});

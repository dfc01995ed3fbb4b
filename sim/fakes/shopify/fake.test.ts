/**
 * The fake's own contract: the documented Shopify behaviours it must reproduce, checked
 * over HTTP with raw GraphQL documents (no Ballast code in between).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeShopify, webhookHmac, type FakeShopify } from "./index";

const SHOP = "fake-test.myshopify.com";
const TOKEN = "shpat_fake_test";
/** A shop of its own for the bucket tests, so draining it never throttles the other cases. */
const THROTTLE_SHOP = "fake-throttle.myshopify.com";
const THROTTLE_TOKEN = "shpat_fake_throttle";
let fake: FakeShopify;
let location: string;
let received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
let app: Server;

async function gql(query: string, variables: Record<string, unknown> = {}, token = TOKEN) {
  const response = await fetch(fake.adminUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
    body: JSON.stringify({ query, variables }),
  });
  // The tests walk arbitrary GraphQL answers; each assertion checks the shape it reads.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any; extensions?: any } };
}

const MOVE = `mutation Move($input: InventoryMoveQuantitiesInput!, $key: String!) {
  inventoryMoveQuantities(input: $input) @idempotent(key: $key) { userErrors { field code message } inventoryAdjustmentGroup { id } }
}`;
const MOVE_WITHOUT_KEY = `mutation Move($input: InventoryMoveQuantitiesInput!) {
  inventoryMoveQuantities(input: $input) { userErrors { field code message } }
}`;

function holdInput(
  inventoryItemId: string,
  quantity: number,
  from: number | null | undefined,
  to: number | null,
  stored: string | null = "gid://ballast/Hold/1",
) {
  const fromTerminal: Record<string, unknown> = { locationId: location, name: "available" };
  if (from !== undefined) fromTerminal["changeFromQuantity"] = from;
  return {
    reason: "safety_stock",
    referenceDocumentUri: "gid://ballast/Sync/1",
    changes: [
      {
        inventoryItemId,
        quantity,
        from: fromTerminal,
        to: { locationId: location, name: "safety_stock", ledgerDocumentUri: stored, changeFromQuantity: to },
      },
    ],
  };
}

function seed(available: number) {
  return fake.addProduct(SHOP, { title: "Tee", variants: [{ sku: "TEE", stock: { [location]: { available } } }] })
    .variants[0]!.inventoryItemId;
}

beforeAll(async () => {
  app = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  const port = (app.address() as AddressInfo).port;
  fake = await startFakeShopify({
    shops: [
      { domain: SHOP, accessToken: TOKEN, restoreRate: 2000 },
      { domain: THROTTLE_SHOP, accessToken: THROTTLE_TOKEN, restoreRate: 100 },
    ],
    webhooks: { url: `http://127.0.0.1:${port}/webhooks`, secret: "app-secret" },
  });
  location = fake.addLocation(SHOP, { name: "Main" });
});

afterAll(async () => {
  await fake.close();
  await new Promise<void>((resolve) => app.close(() => resolve()));
});

describe("fake Shopify Admin GraphQL", () => {
  it("answers 401 without a valid X-Shopify-Access-Token", async () => {
    const { status, body } = await gql("{ shop { name } }", {}, "wrong");
    expect(status).toBe(401);
    expect(body.errors).toMatch(/Invalid API key or access token/);
  });

  it("rejects unknown fields with Shopify's undefinedField error and reports cost on every answer", async () => {
    const { body } = await gql("{ shop { nonsense } }");
    expect(body.errors[0]).toMatchObject({
      message: "Field 'nonsense' doesn't exist on type 'Shop'",
      extensions: { code: "undefinedField" },
    });
    expect(body.extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: 40_000, restoreRate: 2000 });
  });

  it("refuses a single query costing more than 1,000 points (MAX_COST_EXCEEDED)", async () => {
    const { body } = await gql("{ products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }");
    expect(body.errors[0].extensions).toMatchObject({ code: "MAX_COST_EXCEEDED", maxCost: 1000 });
  });

  it("computes requested cost from first: and actual cost from what came back", async () => {
    seed(1);
    const { body } = await gql("{ products(first: 100) { nodes { id } } }");
    expect(body.extensions.cost.requestedQueryCost).toBe(102);
    expect(body.extensions.cost.actualQueryCost).toBeLessThan(102);
  });

  it("throttles when the bucket is empty: THROTTLED with throttleStatus", async () => {
    fake.drainBucket(THROTTLE_SHOP, 0);
    const { status, body } = await gql("{ products(first: 100) { nodes { id } } }", {}, THROTTLE_TOKEN);
    expect(status).toBe(200);
    expect(body.errors[0].extensions.code).toBe("THROTTLED");
    expect(body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(102);
  });

  it("requires changeFromQuantity on every terminal (omitted is an error, null opts out)", async () => {
    const item = seed(10);
    const omitted = await gql(MOVE, { input: holdInput(item, 1, undefined, 0), key: "k-omitted" });
    expect(omitted.body.errors[0].message).toMatch(/changeFromQuantity is required/);
    const optedOut = await gql(MOVE, { input: holdInput(item, 1, null, null), key: "k-null" });
    expect(optedOut.body.data.inventoryMoveQuantities.userErrors).toEqual([]);
    expect(fake.quantities(SHOP, item, location)).toMatchObject({ available: 9, safety_stock: 1 });
  });

  it("requires the @idempotent directive; replays the same key; refuses the same key with other parameters", async () => {
    const item = seed(10);
    const missing = await gql(MOVE_WITHOUT_KEY, { input: holdInput(item, 1, 10, 0) });
    expect(missing.body.errors[0].message).toMatch(/@idempotent/);
    const first = await gql(MOVE, { input: holdInput(item, 2, 10, 0), key: "k-replay" });
    const replay = await gql(MOVE, { input: holdInput(item, 2, 10, 0), key: "k-replay" });
    expect(replay.body.data).toEqual(first.body.data);
    expect(fake.quantities(SHOP, item, location)).toMatchObject({ available: 8, safety_stock: 2 });
    const mismatch = await gql(MOVE, { input: holdInput(item, 3, 8, 2), key: "k-replay" });
    expect(mismatch.body.data.inventoryMoveQuantities.userErrors[0].code).toBe("IDEMPOTENCY_KEY_PARAMETER_MISMATCH");
  });

  it("CHANGE_FROM_QUANTITY_STALE on a mismatch, and nothing moves (atomic)", async () => {
    const item = seed(10);
    const stale = await gql(MOVE, { input: holdInput(item, 2, 9, 0), key: "k-stale" });
    expect(stale.body.data.inventoryMoveQuantities.userErrors[0]).toMatchObject({
      code: "CHANGE_FROM_QUANTITY_STALE",
      field: ["input", "changes", "0", "from", "changeFromQuantity"],
    });
    expect(fake.quantities(SHOP, item, location)).toMatchObject({ available: 10, safety_stock: 0 });
  });

  it("2026-10: a move where the item is not stocked applies to an inactive level, left out of reads unless includeInactive (shopify.dev/changelog/removal-of-itemnotstockedatlocation-error)", async () => {
    const item = seed(10);
    const popUp = fake.addLocation(SHOP, { name: "Pop-up (not stocked)" });
    const input = holdInput(item, 1, 0, 0);
    for (const change of input.changes) {
      change.from["locationId"] = popUp;
      change.to.locationId = popUp;
    }
    const moved = await gql(MOVE, { input, key: "k-not-stocked" });
    expect(moved.body.data.inventoryMoveQuantities.userErrors).toEqual([]);
    expect(fake.quantities(SHOP, item, popUp)).toMatchObject({ available: -1, safety_stock: 1 });
    const read = `query($item: ID!, $at: ID!) { inventoryItem(id: $item) {
      active: inventoryLevel(locationId: $at) { id }
      any: inventoryLevel(locationId: $at, includeInactive: true) { isActive quantities(names: ["safety_stock"]) { quantity } }
    } }`;
    const { body } = await gql(read, { item, at: popUp });
    expect(body.data.inventoryItem).toEqual({
      active: null,
      any: { isActive: false, quantities: [{ quantity: 1 }] },
    });
  });

  it("needs a ledgerDocumentUri for safety_stock that is not a gid://shopify/ URI", async () => {
    const item = seed(10);
    const missing = await gql(MOVE, { input: holdInput(item, 1, 10, 0, null), key: "k-stored-1" });
    expect(missing.body.data.inventoryMoveQuantities.userErrors[0].code).toBe("INVALID_LEDGER_DOCUMENT");
    const internal = await gql(MOVE, { input: holdInput(item, 1, 10, 0, "gid://shopify/Order/1"), key: "k-stored-2" });
    expect(internal.body.data.inventoryMoveQuantities.userErrors[0].code).toBe("INTERNAL_LEDGER_DOCUMENT");
  });

  it("refuses more than 250 changes in one call", async () => {
    const item = seed(1000);
    const input = holdInput(item, 1, null, null);
    input.changes = Array.from({ length: 251 }, () => input.changes[0]!);
    const { body } = await gql(MOVE, { input, key: "k-251" });
    expect(body.errors[0].extensions.code).toBe("MAX_INPUT_SIZE_EXCEEDED");
  });

  it("paginates with cursors and filters with updated_at:>", async () => {
    for (let index = 0; index < 3; index += 1) seed(1);
    const first = await gql(
      "{ productVariants(first: 2) { nodes { id updatedAt } pageInfo { hasNextPage endCursor } } }",
    );
    const page = first.body.data.productVariants;
    expect(page.nodes).toHaveLength(2);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = await gql("query($after: String) { productVariants(first: 2, after: $after) { nodes { id } } }", {
      after: page.pageInfo.endCursor,
    });
    expect(next.body.data.productVariants.nodes[0].id).not.toBe(page.nodes[1].id);
    const since = page.nodes[0].updatedAt;
    const filtered = await gql(`{ productVariants(first: 250, query: "updated_at:>'${since}'") { nodes { id } } }`);
    expect(filtered.body.data.productVariants.nodes.map((node: { id: string }) => node.id)).not.toContain(
      page.nodes[0].id,
    );
  });

  it("metafieldsSet refuses more than 25 metafields", async () => {
    const productId = fake.addProduct(SHOP, { title: "MF", variants: [{}] }).productId;
    const metafields = Array.from({ length: 26 }, (_, index) => ({
      ownerId: productId,
      namespace: "$app",
      key: `k${index}x`,
      type: "json",
      value: "{}",
    }));
    const { body } = await gql(
      "mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { userErrors { code } } }",
      { m: metafields },
    );
    expect(body.data.metafieldsSet.userErrors[0].code).toBe("LESS_THAN_OR_EQUAL_TO");
  });

  it("a merchant's edit in Shopify admin changes an app-owned metafield and its compareDigest; collections own metafields too", async () => {
    const collection = fake.addCollection(SHOP, { title: "Summer" });
    const set = await gql(
      "mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { compareDigest } userErrors { code } } }",
      {
        m: [
          { ownerId: collection, namespace: "$app", key: "buffer", type: "json", value: '{"meta":{"fixedUnits":1}}' },
        ],
      },
    );
    expect(set.body.data.metafieldsSet.userErrors).toEqual([]);
    const digest = set.body.data.metafieldsSet.metafields[0].compareDigest;
    const READ = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Collection { id title metafield(namespace: "$app", key: "buffer") { value compareDigest } } } }`;

    fake.editMetafieldInAdmin(SHOP, collection, "buffer", '{"meta":{"fixedUnits":2}}');
    const edited = (await gql(READ, { ids: [collection] })).body.data.nodes[0];
    expect(edited).toMatchObject({
      id: collection,
      title: "Summer",
      metafield: { value: '{"meta":{"fixedUnits":2}}' },
    });
    expect(edited.metafield.compareDigest).not.toBe(digest);
    // The app's compare-and-set with the digest it read before the edit is refused.
    const stale = await gql(
      "mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { userErrors { code } } }",
      {
        m: [
          { ownerId: collection, namespace: "$app", key: "buffer", type: "json", value: "{}", compareDigest: digest },
        ],
      },
    );
    expect(stale.body.data.metafieldsSet.userErrors[0].code).toBe("STALE_OBJECT");

    // The admin editor refuses invalid JSON; clearing the field removes the metafield.
    expect(() => fake.editMetafieldInAdmin(SHOP, collection, "buffer", "{not json")).toThrow();
    fake.editMetafieldInAdmin(SHOP, collection, "buffer", "");
    expect((await gql(READ, { ids: [collection] })).body.data.nodes[0].metafield).toBeNull();
  });

  it("sends HMAC-signed webhooks with Shopify's headers and ids above 2^53 as raw JSON numbers; duplicates share the event id", async () => {
    received = [];
    const item = fake.addProduct(SHOP, {
      title: "Big",
      variants: [{ inventoryItemId: "271878346596884999", stock: { [location]: { available: 4 } } }],
    }).variants[0]!.inventoryItemId;
    await fake.sendWebhook(SHOP, "inventory_levels/update", fake.inventoryLevelUpdatePayload(SHOP, item, location), {
      duplicates: 1,
    });
    expect(received).toHaveLength(2);
    const [first, second] = received as [(typeof received)[0], (typeof received)[0]];
    expect(first.body).toContain('"inventory_item_id":271878346596884999');
    expect(first.body).toContain('"admin_graphql_api_id":"gid://shopify/InventoryLevel/');
    expect(first.headers["x-shopify-hmac-sha256"]).toBe(webhookHmac(first.body, "app-secret"));
    expect(first.headers["x-shopify-topic"]).toBe("inventory_levels/update");
    expect(first.headers["x-shopify-shop-domain"]).toBe(SHOP);
    expect(first.headers["x-shopify-api-version"]).toBe("2026-10");
    expect(first.headers["x-shopify-triggered-at"]).toBeTruthy();
    expect(first.headers["x-shopify-event-id"]).toBe(second.headers["x-shopify-event-id"]);
    expect(first.headers["x-shopify-webhook-id"]).not.toBe(second.headers["x-shopify-webhook-id"]);
  });

  it("an order moves available → committed and sends orders/create and inventory_levels/update", async () => {
    received = [];
    const item = seed(5);
    await fake.placeOrder(SHOP, { lines: [{ inventoryItemId: item, locationId: location, quantity: 2 }] });
    expect(fake.quantities(SHOP, item, location)).toMatchObject({ available: 3, committed: 2, on_hand: 5 });
    expect(received.map((delivery) => delivery.headers["x-shopify-topic"])).toEqual([
      "orders/create",
      "inventory_levels/update",
    ]);
    expect(received[1]!.body).toContain('"available":3');
  });

  it("a competing writer puts available back after each Admin API write", async () => {
    const item = seed(10);
    fake.setCompetingWriter(SHOP, { inventoryItemId: item, locationId: location, available: 10 });
    await gql(MOVE, { input: holdInput(item, 3, 10, 0), key: "k-competitor" });
    expect(fake.quantities(SHOP, item, location)).toMatchObject({ available: 10, safety_stock: 3 });
    fake.setCompetingWriter(SHOP, null);
  });

  it("exposes the control API over HTTP for out-of-process rehearsal", async () => {
    const response = await fetch(`${fake.url}/_control/apiAdjustmentCount`, {
      method: "POST",
      body: JSON.stringify([SHOP]),
    });
    expect(response.status).toBe(200);
    expect(typeof (await response.json())).toBe("number");
    const unknown = await fetch(`${fake.url}/_control/close`, { method: "POST", body: "[]" });
    expect(unknown.status).toBe(404);
  });
});

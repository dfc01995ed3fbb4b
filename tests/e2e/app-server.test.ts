// @database
/**
 * The production build served by `npm start`: signed webhooks and embedded-app
 * authentication against a real database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type RunningApp } from "../../sim/app-server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { markOnboarded, seedOfflineSession } from "../support/sessions";
import { BROWSER_USER_AGENT, sessionToken, signedWebhook, testServerEnv } from "../support/shopify";

const SHOP = "ballast-test.myshopify.com";
const OTHER_SHOP = "other-shop.myshopify.com";

let testDatabase: TestDatabase;
let app: RunningApp;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  app = await startAppServer(testServerEnv({ DATABASE_URL: testDatabase.url }));
});

afterAll(async () => {
  await app?.stop();
  await testDatabase?.drop();
});

async function post(path: string, webhook: { headers: Record<string, string>; body: string }) {
  return fetch(`${app.url}${path}`, { method: "POST", headers: webhook.headers, body: webhook.body });
}

describe("app/uninstalled webhook", () => {
  it("GIVEN a wrong HMAC WHEN delivered THEN answers 401 and keeps the sessions", async () => {
    await seedOfflineSession(testDatabase.database, OTHER_SHOP);
    const webhook = signedWebhook({ topic: "app/uninstalled", shop: OTHER_SHOP, body: { id: 1 }, secret: "wrong" });

    const response = await post("/webhooks/app/uninstalled", webhook);

    expect(response.status).toBe(401);
    expect(await testDatabase.database.session.count({ where: { shop: OTHER_SHOP } })).toBe(1);
  });

  it("GIVEN a correct HMAC WHEN delivered THEN answers 200 and deletes the shop's sessions only", async () => {
    const shop = "uninstalling.myshopify.com";
    await seedOfflineSession(testDatabase.database, shop);
    await seedOfflineSession(testDatabase.database, "bystander.myshopify.com");
    const webhook = signedWebhook({ topic: "app/uninstalled", shop, body: { id: 1, domain: shop } });

    const response = await post("/webhooks/app/uninstalled", webhook);

    expect(response.status).toBe(200);
    expect(await testDatabase.database.session.count({ where: { shop } })).toBe(0);
    expect(await testDatabase.database.session.count({ where: { shop: "bystander.myshopify.com" } })).toBe(1);
  });
});

describe("stock webhooks", () => {
  it("records an event once however often it is delivered", async () => {
    const shop = "dedupe.myshopify.com";
    await seedOfflineSession(testDatabase.database, shop);
    // Written as text: a JavaScript number literal would already be rounded.
    const body = '{"inventory_item_id":271878346596884015,"location_id":1,"available":7}';
    const first = signedWebhook({ topic: "inventory_levels/update", shop, body, eventId: "event-1" });
    const retry = signedWebhook({ topic: "inventory_levels/update", shop, body, eventId: "event-1" });

    const answers = [await post("/webhooks/stock", first), await post("/webhooks/stock", retry)];

    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(answers.map((answer) => answer.headers.get("X-Ballast-Event"))).toEqual(["recorded", "duplicate"]);
    const events = await testDatabase.database.webhookEvent.findMany({ where: { shop } });
    expect(events).toHaveLength(1);
    // The raw body is kept as signed: the id above 2^53 is exact.
    expect(events[0]!.payload).toContain("271878346596884015");
  });

  it("answers 400 to a correctly signed body that is not JSON, and records nothing", async () => {
    const shop = "malformed.myshopify.com";
    await seedOfflineSession(testDatabase.database, shop);
    const webhook = signedWebhook({ topic: "orders/create", shop, body: '{"id": 1,' });

    const response = await post("/webhooks/stock", webhook);

    expect(response.status).toBe(400);
    expect(await testDatabase.database.webhookEvent.count({ where: { shop } })).toBe(0);
  });

  it("answers 413 to a body over the size limit, and records nothing", async () => {
    const shop = "huge.myshopify.com";
    await seedOfflineSession(testDatabase.database, shop);
    const webhook = signedWebhook({
      topic: "orders/create",
      shop,
      body: `{"id":1,"note":"${"x".repeat(3 * 1024 * 1024)}"}`,
    });

    const response = await post("/webhooks/stock", webhook);

    expect(response.status).toBe(413);
    expect(await testDatabase.database.webhookEvent.count({ where: { shop } })).toBe(0);
  });

  it("answers 404 for a shop that has not installed Ballast, and records nothing", async () => {
    const shop = "stranger.myshopify.com";
    const webhook = signedWebhook({ topic: "orders/create", shop, body: { id: 1 } });

    const response = await post("/webhooks/stock", webhook);

    expect(response.status).toBe(404);
    expect(await testDatabase.database.webhookEvent.count({ where: { shop } })).toBe(0);
  });
});

describe("embedded admin", () => {
  async function openApp(query: Record<string, string>) {
    return fetch(`${app.url}/app?${new URLSearchParams(query).toString()}`, {
      headers: { "User-Agent": BROWSER_USER_AGENT },
      redirect: "manual",
    });
  }

  it("renders /app for a valid session token of an installed shop", async () => {
    await seedOfflineSession(testDatabase.database, SHOP);
    await markOnboarded(testDatabase.database, SHOP);
    const host = Buffer.from(`admin.shopify.com/store/ballast-test`).toString("base64url");

    const response = await openApp({ embedded: "1", shop: SHOP, host, id_token: sessionToken(SHOP), locale: "fr" });

    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Vue d&#x27;ensemble");
    expect(response.headers.get("Content-Security-Policy")).toContain(`frame-ancestors https://${SHOP}`);
  });

  it("refuses a session token signed with another secret", async () => {
    const response = await openApp({
      embedded: "1",
      shop: SHOP,
      id_token: sessionToken(SHOP, { secret: "forged" }),
    });

    expect([401, 302]).toContain(response.status);
    expect(await response.text()).not.toContain("Ballast shows each sales channel");
  });

  it("sends a request without a session token to the session-token bounce page", async () => {
    const host = Buffer.from(`admin.shopify.com/store/ballast-test`).toString("base64url");
    const response = await openApp({ embedded: "1", shop: SHOP, host });

    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toContain("/auth/session-token");
  });
});

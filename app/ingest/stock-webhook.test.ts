import { getHmac } from "@shopify/shopify-api/test-helpers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Database } from "~/db.server";
import { forgetInstalled, hmacMatches, isInstalled, verifyStockWebhook } from "./stock-webhook.server";

const SECRET = "hot-path-secret";

function request(body: string, headers: Record<string, string>) {
  return new Request("http://app.test/webhooks/stock", { method: "POST", body, headers });
}

const validHeaders = (body: string) => ({
  "X-Shopify-Hmac-Sha256": getHmac(body, SECRET),
  "X-Shopify-Topic": "orders/create",
  "X-Shopify-Shop-Domain": "hot-path.myshopify.com",
  "X-Shopify-API-Version": "2026-10",
  "X-Shopify-Webhook-Id": "w-1",
  "X-Shopify-Event-Id": "e-1",
});

describe("stock webhook hot path", () => {
  it("PROPERTY: accepts exactly the signatures Shopify's own library produces", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string(), (body, otherSecret) => {
        expect(hmacMatches(body, getHmac(body, SECRET), SECRET)).toBe(true);
        if (otherSecret !== SECRET) expect(hmacMatches(body, getHmac(body, otherSecret), SECRET)).toBe(false);
        expect(hmacMatches(`${body} `, getHmac(body, SECRET), SECRET)).toBe(false);
      }),
    );
  });

  it("answers 401 to a wrong or missing signature, 400 to missing headers or bad JSON, 413 when too large", async () => {
    const body = '{"id":1}';
    const status = async (promise: Promise<unknown>) => {
      try {
        await promise;
        return 200;
      } catch (thrown) {
        return (thrown as Response).status;
      }
    };
    expect(
      await status(
        verifyStockWebhook(
          request(body, { ...validHeaders(body), "X-Shopify-Hmac-Sha256": getHmac(body, "x") }),
          SECRET,
        ),
      ),
    ).toBe(401);
    const { "X-Shopify-Hmac-Sha256": _omitted, ...unsigned } = validHeaders(body);
    expect(await status(verifyStockWebhook(request(body, unsigned), SECRET))).toBe(401);
    const { "X-Shopify-Topic": _topic, ...noTopic } = validHeaders(body);
    expect(await status(verifyStockWebhook(request(body, noTopic), SECRET))).toBe(400);
    expect(
      await status(
        verifyStockWebhook(
          request(body, { ...validHeaders(body), "X-Shopify-Shop-Domain": "evil.example.com" }),
          SECRET,
        ),
      ),
    ).toBe(400);
    expect(await status(verifyStockWebhook(request("{bad", validHeaders("{bad")), SECRET))).toBe(400);
    const huge = `{"x":"${"a".repeat(3 * 1024 * 1024)}"}`;
    expect(await status(verifyStockWebhook(request(huge, validHeaders(huge)), SECRET))).toBe(413);
  });

  it("reads headers whatever their case, and keeps the raw body as signed", async () => {
    const body = '{"inventory_item_id":271878346596884015}';
    const lower = Object.fromEntries(
      Object.entries(validHeaders(body)).map(([name, value]) => [name.toLowerCase(), value]),
    );
    const webhook = await verifyStockWebhook(request(body, lower), SECRET);
    expect(webhook).toMatchObject({
      shop: "hot-path.myshopify.com",
      topic: "orders/create",
      eventId: "e-1",
      rawBody: body,
    });
  });
});

describe("installed-shop lookup", () => {
  /** A database whose offline-session lookup is counted and answered when the test says. */
  function sessions() {
    const pending: ((found: boolean | Error) => void)[] = [];
    const database = {
      session: {
        findFirst: () =>
          new Promise((resolve, reject) =>
            pending.push((found) =>
              found instanceof Error ? reject(found) : resolve(found ? { id: "offline" } : null),
            ),
          ),
      },
    } as unknown as Database;
    return { database, pending };
  }

  it("shares one query among the deliveries that arrive while it runs, and caches the answer a few seconds", async () => {
    const shop = "shared-lookup.myshopify.com";
    forgetInstalled(shop);
    const { database, pending } = sessions();
    const answers = Promise.all([
      isInstalled(database, shop, 0),
      isInstalled(database, shop, 1),
      isInstalled(database, shop, 2),
    ]);
    expect(pending).toHaveLength(1);
    pending[0]!(true);
    expect(await answers).toEqual([true, true, true]);
    expect(await isInstalled(database, shop, 4_000)).toBe(true);
    expect(pending).toHaveLength(1);
    const later = isInstalled(database, shop, 6_000);
    expect(pending).toHaveLength(2);
    pending[1]!(false);
    expect(await later).toBe(false);
  });

  it("does not remember a failed lookup", async () => {
    const shop = "failed-lookup.myshopify.com";
    forgetInstalled(shop);
    const { database, pending } = sessions();
    const first = isInstalled(database, shop, 0);
    pending[0]!(new Error("database unavailable"));
    await expect(first).rejects.toThrow("database unavailable");
    const retried = isInstalled(database, shop, 1);
    expect(pending).toHaveLength(2);
    pending[1]!(true);
    expect(await retried).toBe(true);
  });
});

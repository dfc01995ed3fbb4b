// @database
/**
 * /api/v1 over real HTTP against the production build: session-token auth, zod
 * validation with clear 4xx JSON bodies, and isolation between shops.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type RunningApp } from "../../sim/app-server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { seedOfflineSession } from "../support/sessions";
import { BROWSER_USER_AGENT, sessionToken, testServerEnv } from "../support/shopify";
import { BIG_VARIANT_ID, seedItem } from "./browser/seed";

const SHOP_A = "api-shop-a.myshopify.com";
const SHOP_B = "api-shop-b.myshopify.com";
const B_VARIANT = "55123456789012345";

let testDatabase: TestDatabase;
let app: RunningApp;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  const database = testDatabase.database;
  await seedOfflineSession(database, SHOP_A);
  await seedOfflineSession(database, SHOP_B);
  await seedItem(database, SHOP_A, { available: 10 });
  await seedItem(database, SHOP_B, { variantId: B_VARIANT, available: 4, title: "B's item" });
  await database.alert.create({
    data: { shop: SHOP_A, kind: "lag_high", severity: "warning", dedupeKey: "a-lag", channel: "meta" },
  });
  await database.alert.create({
    data: { shop: SHOP_B, kind: "drift", severity: "critical", dedupeKey: "b-drift", channel: "google" },
  });
  // No worker: the tests read exactly what the API wrote.
  app = await startAppServer(testServerEnv({ DATABASE_URL: testDatabase.url, WORKER_MODE: "external" }));
});

afterAll(async () => {
  await app?.stop();
  await testDatabase?.drop();
});

async function call(
  shop: string | null,
  method: string,
  path: string,
  body?: unknown,
  options: { token?: string } = {},
) {
  const headers: Record<string, string> = { "User-Agent": BROWSER_USER_AGENT, Accept: "application/json" };
  if (shop) headers.Authorization = `Bearer ${options.token ?? sessionToken(shop)}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  // Response bodies are checked field by field below; `any` keeps those checks short.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, json: json as Record<string, any>, text };
}

const inOneHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe("authentication", () => {
  it("answers 401 with a JSON error without a session token", async () => {
    const { status, json } = await call(null, "GET", `/api/v1/items/${BIG_VARIANT_ID}`);
    expect(status).toBe(401);
    expect(json.error.code).toBe("unauthorized");
  });

  it("answers 401 to a token signed with another secret", async () => {
    const { status, json } = await call(SHOP_A, "GET", `/api/v1/items/${BIG_VARIANT_ID}`, undefined, {
      token: sessionToken(SHOP_A, { secret: "forged" }),
    });
    expect(status).toBe(401);
    expect(json.error.code).toBe("unauthorized");
  });
});

describe("GET /api/v1/items/{variantId}", () => {
  it("reads an item by numeric id above 2^53 and by GID, with explanations", async () => {
    const byNumber = await call(SHOP_A, "GET", `/api/v1/items/${BIG_VARIANT_ID}`);
    const byGid = await call(
      SHOP_A,
      "GET",
      `/api/v1/items/${encodeURIComponent(`gid://shopify/ProductVariant/${BIG_VARIANT_ID}`)}`,
    );
    expect(byNumber.status).toBe(200);
    expect(byGid.status).toBe(200);
    // The id survives exactly: no rounding through a JS number.
    expect(byNumber.text).toContain(`"variantId":"gid://shopify/ProductVariant/${BIG_VARIANT_ID}"`);
    const channels = byNumber.json.item.channels as {
      channel: string;
      now: { quantity: number; explanation: string };
    }[];
    expect(channels.map((entry) => [entry.channel, entry.now.quantity])).toEqual([
      ["online_store", 8],
      ["meta", 7],
      ["google", 6],
    ]);
    expect(channels[1]!.now.explanation).toContain("Meta 7 = 10 sellable");
  });

  it("answers 400 for a malformed id and 404 for an unknown one", async () => {
    const malformed = await call(SHOP_A, "GET", "/api/v1/items/12.5");
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe("invalid_variant_id");
    const product = await call(SHOP_A, "GET", `/api/v1/items/${encodeURIComponent("gid://shopify/Product/1")}`);
    expect(product.status).toBe(400);
    const unknown = await call(SHOP_A, "GET", "/api/v1/items/999");
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe("item_not_found");
  });
});

describe("PUT|DELETE /api/v1/items/{variantId}/overrides/{channel}", () => {
  it("validates the body and the channel", async () => {
    const path = `/api/v1/items/${BIG_VARIANT_ID}/overrides/meta`;
    const notJson = await call(SHOP_A, "PUT", path, "{quantity: 3");
    expect(notJson.status).toBe(400);
    expect(notJson.json.error.code).toBe("invalid_json");
    const badBody = await call(SHOP_A, "PUT", path, { quantity: -1, expiresAt: "tomorrow" });
    expect(badBody.status).toBe(400);
    expect(badBody.json.error.code).toBe("invalid_body");
    expect((badBody.json.error.details as { field: string }[]).map((detail) => detail.field).sort()).toEqual([
      "expiresAt",
      "quantity",
    ]);
    const extra = await call(SHOP_A, "PUT", path, { quantity: 1, expiresAt: inOneHour(), channel: "google" });
    expect(extra.status).toBe(400);
    const badChannel = await call(SHOP_A, "PUT", `/api/v1/items/${BIG_VARIANT_ID}/overrides/tiktok`, {
      quantity: 1,
      expiresAt: inOneHour(),
    });
    expect(badChannel.status).toBe(400);
    expect(badChannel.json.error.code).toBe("invalid_channel");
    expect(await testDatabase.database.override.count()).toBe(0);
  });

  it("rejects an override above sellable with the domain's error, and one already expired", async () => {
    const path = `/api/v1/items/${BIG_VARIANT_ID}/overrides/meta`;
    const tooMany = await call(SHOP_A, "PUT", path, { quantity: 11, expiresAt: inOneHour() });
    expect(tooMany.status).toBe(422);
    expect(tooMany.json.error).toMatchObject({
      code: "override_exceeds_sellable",
      details: { quantity: 11, sellable: 10 },
    });
    const past = await call(SHOP_A, "PUT", path, { quantity: 3, expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(past.status).toBe(422);
    expect(past.json.error.code).toBe("override_already_expired");
    expect(await testDatabase.database.override.count()).toBe(0);
  });

  it("sets, reads back and clears an override, logging both", async () => {
    const path = `/api/v1/items/${BIG_VARIANT_ID}/overrides/meta`;
    const expiresAt = inOneHour();
    const set = await call(SHOP_A, "PUT", path, { quantity: 3, expiresAt, reason: "influencer post" });
    expect(set.status).toBe(200);
    expect(set.json.override).toMatchObject({ channel: "meta", quantity: 3 });
    const item = await call(SHOP_A, "GET", `/api/v1/items/${BIG_VARIANT_ID}`);
    const meta = (
      item.json.item.channels as {
        channel: string;
        now: { quantity: number };
        override: { quantity: number; active: boolean };
      }[]
    ).find((entry) => entry.channel === "meta")!;
    expect(meta.now.quantity).toBe(3);
    expect(meta.override).toMatchObject({ quantity: 3, active: true });

    const cleared = await call(SHOP_A, "DELETE", path);
    expect(cleared.status).toBe(204);
    const again = await call(SHOP_A, "DELETE", path);
    expect(again.status).toBe(404);
    const kinds = await testDatabase.database.activity.findMany({
      where: { shop: SHOP_A, variantGid: `gid://shopify/ProductVariant/${BIG_VARIANT_ID}` },
      orderBy: { at: "asc" },
    });
    expect(kinds.map((entry) => entry.kind)).toEqual(expect.arrayContaining(["override_set", "override_cleared"]));
  });
});

describe("channels, resync and alerts", () => {
  it("pauses and resumes a channel, validating the mode", async () => {
    const bad = await call(SHOP_A, "POST", "/api/v1/channels/online_store/pause", { mode: "sleep" });
    expect(bad.status).toBe(400);
    const paused = await call(SHOP_A, "POST", "/api/v1/channels/online_store/pause", {
      mode: "freeze",
      reason: "stocktake",
    });
    expect(paused.status).toBe(200);
    expect(paused.json).toMatchObject({ channel: "online_store", state: "paused_freeze" });
    const row = await testDatabase.database.channelConnection.findUnique({
      where: { shop_channel: { shop: SHOP_A, channel: "online_store" } },
    });
    expect(row?.state).toBe("paused_freeze");
    const resumed = await call(SHOP_A, "POST", "/api/v1/channels/online_store/resume");
    expect(resumed.json.state).toBe("active");
    const notConnected = await call(SHOP_A, "POST", "/api/v1/channels/meta/pause", {});
    expect(notConnected.status).toBe(409);
    expect(notConnected.json.error.code).toBe("channel_not_connected");
    const getInstead = await call(SHOP_A, "GET", "/api/v1/channels/meta/pause");
    expect(getInstead.status).toBe(405);
  });

  it("activates a channel and puts it back into observe mode; refuses to activate one not connected", async () => {
    const activated = await call(SHOP_A, "POST", "/api/v1/channels/online_store/activate");
    expect(activated.status).toBe(200);
    expect(activated.json).toMatchObject({ channel: "online_store", mode: "active", changed: true });
    expect(typeof activated.json.activatedAt).toBe("string");
    const row = () =>
      testDatabase.database.channelConnection.findUnique({
        where: { shop_channel: { shop: SHOP_A, channel: "online_store" } },
      });
    expect((await row())?.activatedAt?.toISOString()).toBe(activated.json.activatedAt);
    const again = await call(SHOP_A, "POST", "/api/v1/channels/online_store/activate", {});
    expect(again.json).toMatchObject({ mode: "active", changed: false, activatedAt: activated.json.activatedAt });
    const observed = await call(SHOP_A, "POST", "/api/v1/channels/online_store/observe");
    expect(observed.status).toBe(200);
    expect(observed.json).toEqual({ channel: "online_store", mode: "observing", activatedAt: null, changed: true });
    expect((await row())?.activatedAt).toBeNull();
    const notConnected = await call(SHOP_A, "POST", "/api/v1/channels/meta/activate");
    expect(notConnected.status).toBe(409);
    expect(notConnected.json.error.code).toBe("channel_not_connected");
    const entries = await testDatabase.database.activity.findMany({
      where: { shop: SHOP_A, kind: { in: ["channel_activated", "channel_observed"] } },
      orderBy: { at: "asc" },
    });
    expect(entries.map((entry) => [entry.kind, entry.channel, (entry.details as { source?: string }).source])).toEqual([
      ["channel_activated", "online_store", "api"],
      ["channel_observed", "online_store", "api"],
    ]);
  });

  it("queues one resync however often it is asked", async () => {
    const first = await call(SHOP_A, "POST", "/api/v1/resync");
    const second = await call(SHOP_A, "POST", "/api/v1/resync");
    expect(first.status).toBe(202);
    expect(second.json.operation.id).toBe(first.json.operation.id);
  });

  it("lists alerts with a validated filter", async () => {
    const open = await call(SHOP_A, "GET", "/api/v1/alerts");
    expect(open.status).toBe(200);
    expect((open.json.alerts as { kind: string }[]).map((alert) => alert.kind)).toEqual(["lag_high"]);
    const bad = await call(SHOP_A, "GET", "/api/v1/alerts?status=maybe");
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("invalid_query");
  });
});

describe("shop isolation", () => {
  it("shop A can neither read nor change shop B's item, channel or alerts", async () => {
    const read = await call(SHOP_A, "GET", `/api/v1/items/${B_VARIANT}`);
    expect(read.status).toBe(404);
    const write = await call(SHOP_A, "PUT", `/api/v1/items/${B_VARIANT}/overrides/meta`, {
      quantity: 0,
      expiresAt: inOneHour(),
    });
    expect(write.status).toBe(404);
    expect(
      await testDatabase.database.override.count({
        where: { variantGid: `gid://shopify/ProductVariant/${B_VARIANT}` },
      }),
    ).toBe(0);
    const alerts = await call(SHOP_A, "GET", "/api/v1/alerts?status=all");
    expect((alerts.json.alerts as { kind: string }[]).some((alert) => alert.kind === "drift")).toBe(false);

    await call(SHOP_A, "POST", "/api/v1/channels/online_store/pause", { mode: "stop_selling" });
    const bRow = await testDatabase.database.channelConnection.findUnique({
      where: { shop_channel: { shop: SHOP_B, channel: "online_store" } },
    });
    expect(bRow).toBeNull();
    await call(SHOP_A, "POST", "/api/v1/channels/online_store/resume");

    // B still sees its own data.
    const own = await call(SHOP_B, "GET", `/api/v1/items/${B_VARIANT}`);
    expect(own.status).toBe(200);
    expect(own.json.item.title).toBe("B's item");
  });
});

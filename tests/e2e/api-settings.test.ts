// @database
/**
 * /api/v1/settings over real HTTP against the production build: the same sections, checks and
 * Activity entries as the Settings page; secrets are returned once (when made) and never by
 * GET; test sends reach a local SMTP server and a local webhook receiver; fallback feed URLs
 * are issued, fetched and revoked; another shop's settings are untouched.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type RunningApp } from "../../sim/app-server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { seedOfflineSession } from "../support/sessions";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp";
import { startWebhookReceiver, type TestWebhookReceiver } from "../support/webhook-receiver";
import { BROWSER_USER_AGENT, sessionToken, testServerEnv } from "../support/shopify";

const SHOP = "api-settings-a.myshopify.com";
const OTHER = "api-settings-b.myshopify.com";
const PASSWORD = "smtp-secret-9876";

let testDatabase: TestDatabase;
let app: RunningApp;
let smtp: TestSmtpServer;
let receiver: TestWebhookReceiver;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  const database = testDatabase.database;
  await seedOfflineSession(database, SHOP);
  await seedOfflineSession(database, OTHER);
  // Meta activated with one item, so its feed has a line to read.
  await database.channelConnection.create({ data: { shop: SHOP, channel: "meta", activatedAt: new Date() } });
  await database.channelItemState.create({
    data: {
      shop: SHOP,
      channel: "meta",
      itemKey: "5001",
      variantGid: "gid://shopify/ProductVariant/5001",
      desired: 4,
      desiredAvailability: "",
      explanation: {},
      computedAt: new Date(),
    },
  });
  smtp = await startSmtpServer({ login: { user: "alerts", password: PASSWORD } });
  receiver = await startWebhookReceiver("/ballast");
  // No worker: the tests read exactly what the API wrote.
  app = await startAppServer(testServerEnv({ DATABASE_URL: testDatabase.url, WORKER_MODE: "external" }));
});

afterAll(async () => {
  await app?.stop();
  await smtp?.close();
  await receiver?.close();
  await testDatabase?.drop();
});

async function call(shop: string | null, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { "User-Agent": BROWSER_USER_AGENT, Accept: "application/json" };
  if (shop) headers.Authorization = `Bearer ${sessionToken(shop)}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  // Response bodies are checked field by field below; `any` keeps those checks short.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const json = (text ? JSON.parse(text) : null) as Record<string, any>;
  return { status: response.status, json, text, allow: response.headers.get("allow") };
}

const EMAIL = () => ({
  enabled: true,
  host: "127.0.0.1",
  port: smtp.port,
  secure: false,
  user: "alerts",
  from: "ballast@example.com",
  to: ["owner@example.com"],
});

describe("/api/v1/settings", { shuffle: false }, () => {
  let webhookSecret = "";

  it("needs a session token and reads the defaults, without any secret", async () => {
    expect((await call(null, "GET", "/api/v1/settings")).status).toBe(401);
    const { status, json } = await call(SHOP, "GET", "/api/v1/settings");
    expect(status).toBe(200);
    expect(json.settings.delivery).toEqual({
      email: null,
      emailPasswordSet: false,
      webhook: null,
      webhookSecretSet: false,
    });
    expect(json.settings.thresholds.channels.meta).toEqual({
      lagMinutes: 30,
      driftItems: 5,
      driftMinutes: 30,
      errorItems: 1,
    });
    expect(json.settings.autoProtect.channels.meta).toEqual({
      autoProtect: true,
      autoProtectMode: "widen_buffers",
      pauseAboveLagMinutes: 120,
    });
    expect(json.settings.feeds.map((feed: { channel: string }) => feed.channel)).toEqual(["meta", "google"]);
  });

  it("refuses invalid delivery settings with the fields named, and stores nothing", async () => {
    const notJson = await call(SHOP, "PUT", "/api/v1/settings/delivery", "{email:");
    expect(notJson.json.error.code).toBe("invalid_json");
    const bad = await call(SHOP, "PUT", "/api/v1/settings/delivery", {
      email: { ...EMAIL(), to: ["nobody"] },
      // Refused under any policy (this server allows private hosts and plain http, as local runs do).
      webhook: { enabled: true, url: "https://ops:secret@hooks.example.com/x" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("invalid_body");
    expect((bad.json.error.details as { field: string }[]).map((detail) => detail.field).sort()).toEqual([
      "email.to.0",
      "webhook.url",
    ]);
    expect((await call(SHOP, "GET", "/api/v1/settings")).json.settings.delivery.email).toBeNull();
    expect(await testDatabase.database.activity.count({ where: { shop: SHOP } })).toBe(0);
  });

  it("saves email and webhook delivery; the new signing secret comes back once and GET never shows a secret", async () => {
    const saved = await call(SHOP, "PUT", "/api/v1/settings/delivery", {
      email: EMAIL(),
      emailPassword: PASSWORD,
      webhook: { enabled: true, url: receiver.url },
    });
    expect(saved.status).toBe(200);
    expect(saved.json.changed).toBe(true);
    webhookSecret = saved.json.webhookSecret as string;
    expect(webhookSecret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(saved.json.settings.delivery).toMatchObject({ emailPasswordSet: true, webhookSecretSet: true });
    const read = await call(SHOP, "GET", "/api/v1/settings");
    expect(read.json.settings.delivery.email).toEqual(EMAIL());
    expect(read.text).not.toContain(PASSWORD);
    expect(read.text).not.toContain(webhookSecret);
    expect(saved.text).not.toContain(PASSWORD);
    const entry = await testDatabase.database.activity.findFirst({
      where: { shop: SHOP, kind: "alert_settings_changed" },
    });
    expect(entry?.details).toMatchObject({ source: "api", section: "delivery" });
    expect(JSON.stringify(entry?.details)).not.toContain(PASSWORD);
  });

  it("sends a test email and a signed test delivery, and refuses an unknown target", async () => {
    const email = await call(SHOP, "POST", "/api/v1/settings/test-delivery", { target: "email" });
    expect(email.status).toBe(200);
    expect(email.json).toEqual({ target: "email", delivered: true, recipients: ["owner@example.com"] });
    expect(smtp.mails.map(({ to, user }) => ({ to, user }))).toEqual([{ to: ["owner@example.com"], user: "alerts" }]);

    const webhook = await call(SHOP, "POST", "/api/v1/settings/test-delivery", { target: "webhook" });
    expect(webhook.json).toMatchObject({ target: "webhook", delivered: true });
    const post = receiver.posts.at(-1)!;
    const signature = createHmac("sha256", webhookSecret)
      .update(`${String(post.headers["x-ballast-timestamp"])}.${post.body}`)
      .digest("hex");
    expect(post.headers["x-ballast-signature"]).toBe(`sha256=${signature}`);

    const unknown = await call(SHOP, "POST", "/api/v1/settings/test-delivery", { target: "sms" });
    expect(unknown.status).toBe(400);
    const other = await call(OTHER, "POST", "/api/v1/settings/test-delivery", { target: "email" });
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe("not_configured");
    expect(smtp.mails).toHaveLength(1);
  });

  it("replaces the webhook signing secret, returned once; a shop without a webhook gets 409", async () => {
    const rotated = await call(SHOP, "POST", "/api/v1/settings/webhook-secret");
    expect(rotated.status).toBe(200);
    expect(rotated.json.webhookSecret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(rotated.json.webhookSecret).not.toBe(webhookSecret);
    expect((await call(SHOP, "GET", "/api/v1/settings")).text).not.toContain(rotated.json.webhookSecret as string);
    expect((await call(OTHER, "POST", "/api/v1/settings/webhook-secret")).status).toBe(409);
  });

  it("validates and saves thresholds and auto-protect", async () => {
    const current = (await call(SHOP, "GET", "/api/v1/settings")).json.settings;
    const bad = await call(SHOP, "PUT", "/api/v1/settings/thresholds", { ...current.thresholds, lagWindowMinutes: 2 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details).toEqual([
      { field: "lagWindowMinutes", message: "Number must be greater than or equal to 5" },
    ]);
    const partial = await call(SHOP, "PUT", "/api/v1/settings/thresholds", { lagWindowMinutes: 90 });
    expect(partial.status).toBe(400);
    const thresholds = await call(SHOP, "PUT", "/api/v1/settings/thresholds", {
      ...current.thresholds,
      lagWindowMinutes: 90,
    });
    expect(thresholds.status).toBe(200);
    expect(thresholds.json.settings.thresholds.lagWindowMinutes).toBe(90);

    const autoProtect = {
      channels: {
        ...current.autoProtect.channels,
        google: { autoProtect: false, autoProtectMode: "widen_buffers", pauseAboveLagMinutes: null },
      },
    };
    const saved = await call(SHOP, "PUT", "/api/v1/settings/auto-protect", autoProtect);
    expect(saved.status).toBe(200);
    expect(saved.json.settings.autoProtect).toEqual(autoProtect);
    const again = await call(SHOP, "PUT", "/api/v1/settings/auto-protect", autoProtect);
    expect(again.json.changed).toBe(false);
    const sections = await testDatabase.database.activity.findMany({
      where: { shop: SHOP, kind: "alert_settings_changed" },
      orderBy: { at: "asc" },
    });
    expect(sections.map((entry) => (entry.details as { section: string }).section)).toEqual([
      "delivery",
      "delivery",
      "thresholds",
      "autoProtect",
    ]);
  });

  it("answers 405 with Allow for the wrong method and 404 for an unknown section", async () => {
    const get = await call(SHOP, "GET", "/api/v1/settings/thresholds");
    expect(get.status).toBe(405);
    expect(get.allow).toBe("PUT");
    expect((await call(SHOP, "PUT", "/api/v1/settings/test-delivery", {})).status).toBe(405);
    expect((await call(SHOP, "POST", "/api/v1/settings")).status).toBe(405);
    const unknown = await call(SHOP, "PUT", "/api/v1/settings/colours", {});
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe("not_found");
  });

  it("issues a fallback feed URL that serves the feed, and revokes it (404 after)", async () => {
    const issued = await call(SHOP, "POST", "/api/v1/settings/feeds/meta");
    expect(issued.status).toBe(201);
    const csvUrl = new URL(issued.json.feed.urls.csv as string);
    expect(csvUrl.pathname).toMatch(/^\/feeds\/[A-Za-z0-9_-]{43}\/csv$/);
    const feed = await fetch(`${app.url}${csvUrl.pathname}`);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toBe("id,quantity_to_sell_on_facebook,availability\n5001,4,in stock\n");
    const listed = (await call(SHOP, "GET", "/api/v1/settings")).json.settings.feeds[0];
    expect(listed.issuedAt).toBe(issued.json.feed.issuedAt);
    expect(listed.lastFetchedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(csvUrl.pathname.split("/")[2]);

    expect((await call(SHOP, "DELETE", "/api/v1/settings/feeds/meta")).status).toBe(204);
    expect((await fetch(`${app.url}${csvUrl.pathname}`)).status).toBe(404);
    const again = await call(SHOP, "DELETE", "/api/v1/settings/feeds/meta");
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe("feed_not_found");
    expect((await call(SHOP, "POST", "/api/v1/settings/feeds/online_store")).status).toBe(400);
    expect((await call(SHOP, "GET", "/api/v1/settings/feeds/meta")).status).toBe(405);
    const kinds = await testDatabase.database.activity.findMany({
      where: { shop: SHOP, kind: { in: ["fallback_feed_issued", "fallback_feed_revoked"] } },
      orderBy: { at: "asc" },
    });
    expect(kinds.map((entry) => [entry.kind, entry.channel, (entry.details as { source: string }).source])).toEqual([
      ["fallback_feed_issued", "meta", "api"],
      ["fallback_feed_revoked", "meta", "api"],
    ]);
  });

  it("leaves the other shop's settings as they were", async () => {
    const other = await call(OTHER, "GET", "/api/v1/settings");
    expect(other.json.settings.delivery.email).toBeNull();
    expect(other.json.settings.thresholds.lagWindowMinutes).toBe(60);
    expect(await testDatabase.database.activity.count({ where: { shop: OTHER } })).toBe(0);
  });
});

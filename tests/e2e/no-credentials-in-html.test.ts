// @database
/**
 * Channel credentials never reach the browser (issue 4: "encrypted at rest, never logged,
 * never sent to the browser"). The production build, its in-process worker and the fake
 * world: one shop whose Meta and Google connections work and are then revoked, one whose
 * tokens never worked (a Meta token the catalog refuses, a Google service-account key
 * the token endpoint does not know). Every embedded page, the loader data Remix sends on
 * client navigation, the channel page's actions (test, connect with bad credentials) and
 * the /api/v1 routes that carry channel information are read, and no body may contain a
 * token, secret, private key or sealed credential; nor may the server's own log, written
 * at debug level while its worker pushed with revoked and refused tokens (the pages are
 * then read from a second server without a worker).
 */
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialContext } from "~/channels/connection-config";
import { createKeyring, encryptSecret } from "~/security/crypto.server";
import { installShop } from "../../sim/install-shop";
import { startWorld, type World } from "../../sim/world";
import { startAppServer, type RunningApp } from "../../sim/app-server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { markOnboarded, seedOfflineSession } from "../support/sessions";
import {
  BROWSER_USER_AGENT,
  sessionToken,
  signedWebhook,
  testServerEnv,
  TEST_ENCRYPTION_KEY,
} from "../support/shopify";
import { seedItem } from "./browser/seed";

const OTHER_SHOP = "leak-check-broken.myshopify.com";
const OTHER_VARIANT = "55123456789012399";
const WRONG_META_TOKEN = "EAAB-leak-check-refused-token-0123456789";
const REFUSED_CONNECT_TOKEN = "EAAB-leak-check-connect-attempt-9876543210";
const SERVICE_ACCOUNT_EMAIL = "ballast-leak-check@project.iam.gserviceaccount.com";
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PRIVATE_KEY_PEM = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const CONNECT_SECRET = "GOCSPX-leak-check-connect-secret";
const CONNECT_REFRESH = "1//leak-check-connect-refresh-token";

let world: World;
let testDatabase: TestDatabase;
let app: RunningApp;
/** What the server wrote while its worker pushed with working, then revoked and refused, credentials. */
let workerLog = "";

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every string that must never be sent, with a name for the failure message. */
function secrets(): Array<[string, string]> {
  const keyLines = PRIVATE_KEY_PEM.split("\n").filter((line) => line.length > 40);
  return [
    ["Meta system-user token", world.metaAccessToken],
    ["refused Meta token", WRONG_META_TOKEN],
    ["Meta token typed into the connect form", REFUSED_CONNECT_TOKEN],
    ["Google client secret", world.google_.refreshToken.clientSecret],
    ["Google refresh token", world.google_.refreshToken.refreshToken],
    ["Google client secret typed into the connect form", CONNECT_SECRET],
    ["Google refresh token typed into the connect form", CONNECT_REFRESH],
    ["Google access token", "ya29."],
    ["service-account private key (header)", "PRIVATE KEY-----"],
    // A line of the key's base64 body, in case it were sent without its PEM armour.
    ["service-account private key (body)", keyLines[3]!],
    ["sealed credentials", "ballast:v1:"],
    ["the encryption key", TEST_ENCRYPTION_KEY],
    ["the Shopify offline token", world.accessToken],
  ];
}

function leaksIn(body: string): string[] {
  return secrets()
    .filter(([, secret]) => body.includes(secret))
    .map(([name]) => name);
}

const host = (shop: string) =>
  Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64url");

async function page(shop: string, path: string) {
  const query = new URLSearchParams({
    embedded: "1",
    shop,
    host: host(shop),
    id_token: sessionToken(shop),
    locale: "en",
  });
  const response = await fetch(`${app.url}${path}?${query.toString()}`, {
    headers: { "User-Agent": BROWSER_USER_AGENT },
    redirect: "manual",
  });
  return { status: response.status, body: await response.text() };
}

async function api(shop: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: {
      "User-Agent": BROWSER_USER_AGENT,
      Accept: "application/json",
      Authorization: `Bearer ${sessionToken(shop)}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.text() };
}

/** A form post to the channel page's action, as the page's own fetcher sends it (Remix single fetch). */
async function channelAction(shop: string, fields: Record<string, string>) {
  const response = await fetch(`${app.url}/app/channels.data`, {
    method: "POST",
    headers: {
      "User-Agent": BROWSER_USER_AGENT,
      Authorization: `Bearer ${sessionToken(shop)}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, body: await response.text() };
}

/** Test connection on both shops, then connect attempts with credentials the channels refuse. */
async function channelActions(): Promise<Array<{ where: string; status: number; body: string }>> {
  const answers: Array<{ where: string; status: number; body: string }> = [];
  for (const shop of [world.shop, OTHER_SHOP]) {
    for (const channel of ["meta", "google"])
      answers.push({ where: `${shop} test ${channel}`, ...(await channelAction(shop, { intent: "test", channel })) });
  }
  answers.push({
    where: "connect meta",
    ...(await channelAction(OTHER_SHOP, {
      intent: "connect",
      channel: "meta",
      catalogId: world.catalogId,
      accessToken: REFUSED_CONNECT_TOKEN,
    })),
  });
  answers.push({
    where: "connect google (OAuth client)",
    ...(await channelAction(OTHER_SHOP, {
      intent: "connect",
      channel: "google",
      accountId: world.google_.accountId,
      dataSourceId: world.google_.dataSourceId,
      credentialKind: "refresh_token",
      clientId: world.google_.refreshToken.clientId,
      clientSecret: CONNECT_SECRET,
      refreshToken: CONNECT_REFRESH,
    })),
  });
  answers.push({
    where: "connect google (service account)",
    ...(await channelAction(OTHER_SHOP, {
      intent: "connect",
      channel: "google",
      accountId: world.google_.accountId,
      dataSourceId: world.google_.dataSourceId,
      credentialKind: "service_account",
      clientEmail: SERVICE_ACCOUNT_EMAIL,
      privateKey: PRIVATE_KEY_PEM,
    })),
  });
  return answers;
}

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  const { database } = testDatabase;
  world = await startWorld({ shop: "leak-check.myshopify.com", variants: 3, stockPerVariant: () => 10 });
  const key = Buffer.from(TEST_ENCRYPTION_KEY, "base64");
  await installShop(database, world, key);
  await markOnboarded(database, world.shop);

  // The second shop: connections whose credentials the channels refuse.
  await seedOfflineSession(database, OTHER_SHOP);
  await database.shop.create({ data: { shop: OTHER_SHOP, onboardedAt: new Date() } });
  await seedItem(database, OTHER_SHOP, { variantId: OTHER_VARIANT, available: 6 });
  await database.masterRecord.updateMany({ where: { shop: OTHER_SHOP }, data: { dirty: true } });
  const keyring = createKeyring(key);
  await database.channelConnection.create({
    data: {
      shop: OTHER_SHOP,
      channel: "meta",
      state: "active",
      activatedAt: new Date(),
      config: { catalogId: world.catalogId, itemIdTemplate: "{variantId}" },
      encryptedCredentials: encryptSecret({ accessToken: WRONG_META_TOKEN }, keyring, {
        context: credentialContext(OTHER_SHOP, "meta"),
      }),
    },
  });
  await database.channelConnection.create({
    data: {
      shop: OTHER_SHOP,
      channel: "google",
      state: "active",
      activatedAt: new Date(),
      config: {
        accountId: world.google_.accountId,
        dataSourceId: world.google_.dataSourceId,
        contentLanguage: "en",
        feedLabel: "US",
      },
      encryptedCredentials: encryptSecret(
        { kind: "service_account", clientEmail: SERVICE_ACCOUNT_EMAIL, privateKey: PRIVATE_KEY_PEM },
        keyring,
        {
          context: credentialContext(OTHER_SHOP, "google"),
        },
      ),
    },
  });

  const serverEnv = (workerMode: string) =>
    testServerEnv({
      DATABASE_URL: testDatabase.url,
      WORKER_MODE: workerMode,
      SYNC_IDLE_MS: "50",
      SYNC_PUSH_INTERVALS: "online_store=0,meta=0,google=0",
      LOG_LEVEL: "debug",
      ...world.env,
    });
  app = await startAppServer(serverEnv("inprocess"));

  // The working shop: pushed to both channels first, so its pages show real channel state.
  const pushed = async (channel: string) =>
    (await database.channelItemState.count({ where: { shop: world.shop, channel, pushed: { not: null } } })) >=
    world.variants.length;
  await waitFor(async () => (await pushed("meta")) && (await pushed("google")), "first pushes to Meta and Google");

  // Then both revoke Ballast's access; a sell-out makes the worker push (and fail) again.
  world.meta.control.revokeToken();
  world.google.control.revokeAccess();
  const variantId = world.variants[0]!.variantGid.split("/").pop()!;
  const order = `{"id":990001,"created_at":"${new Date().toISOString()}","source_name":"web","line_items":[{"variant_id":${variantId},"quantity":10}]}`;
  const webhook = signedWebhook({
    topic: "orders/create",
    shop: world.shop,
    body: order,
    eventId: "leak-check-order-1",
  });
  expect(
    (await fetch(`${app.url}/webhooks/stock`, { method: "POST", headers: webhook.headers, body: webhook.body })).status,
  ).toBe(200);

  const revoked = async (shop: string) =>
    (await database.channelConnection.count({ where: { shop, state: "error" } })) === 2 &&
    (await database.alert.count({ where: { shop, kind: "credentials_revoked", resolvedAt: null } })) >= 2;
  await waitFor(
    async () => (await revoked(world.shop)) && (await revoked(OTHER_SHOP)),
    "revoked credentials to be noticed on both shops",
  );

  // The pages are read from a server without a worker: a worker retrying refused
  // credentials every 50 ms keeps SQLite busy enough to slow page loads to a minute.
  await app.stop();
  workerLog = app.output();
  app = await startAppServer(serverEnv("external"));
}, 240_000);

afterAll(async () => {
  await app?.stop();
  await world?.close();
  await testDatabase?.drop();
});

describe("no channel credential in what the app sends to the browser", () => {
  it("the test's own check finds a secret when one is there", () => {
    expect(leaksIn(`<script>{"token":"${world.metaAccessToken}"}</script>`)).toEqual(["Meta system-user token"]);
    expect(leaksIn(PRIVATE_KEY_PEM)).toEqual(
      expect.arrayContaining(["service-account private key (header)", "service-account private key (body)"]),
    );
  });

  it("embedded pages (document and client-navigation data) of both shops", { timeout: 120_000 }, async () => {
    const bodies: Array<{ where: string; status: number; body: string }> = [];
    for (const [shop, variantGid] of [
      [world.shop, world.variants[0]!.variantGid],
      [OTHER_SHOP, `gid://shopify/ProductVariant/${OTHER_VARIANT}`],
    ] as const) {
      for (const path of [
        "/app",
        "/app/channels",
        "/app/buffers",
        "/app/alerts",
        "/app/activity",
        "/app/rehearsal",
        `/app/items/${variantGid.split("/").pop()}`,
      ]) {
        bodies.push({ where: `${shop} ${path}`, ...(await page(shop, path)) });
        // What a client-side navigation fetches instead of the document (Remix single fetch).
        bodies.push({ where: `${shop} ${path}.data`, ...(await page(shop, `${path}.data`)) });
      }
    }

    for (const { where, status } of bodies) expect(status, where).toBe(200);
    // The pages really show the channels and their trouble: the check reads the right pages.
    const channels = bodies.find((entry) => entry.where === `${world.shop} /app/channels`)!.body;
    expect(channels).toContain(world.catalogId);
    expect(channels).toContain(world.google_.dataSourceId);
    const alerts = bodies.find((entry) => entry.where === `${world.shop} /app/alerts.data`)!.body;
    expect(alerts).toContain("credentials_revoked");
    for (const { where, body } of bodies) expect(leaksIn(body), where).toEqual([]);
  });

  it(
    "the channel page's actions: test connection, and connect with credentials the channel refuses",
    { timeout: 120_000 },
    async () => {
      const before = await testDatabase.database.channelConnection.findMany({
        where: { shop: OTHER_SHOP },
        orderBy: { channel: "asc" },
      });
      const answers = await channelActions();

      for (const { where, status, body } of answers) {
        expect(status, where).toBe(200);
        expect(body, where).toContain("intent"); // the action's answer, not an error page
        expect(leaksIn(body), where).toEqual([]);
      }
      // The channels refused them, so nothing was stored: the second shop keeps its sealed originals.
      const after = await testDatabase.database.channelConnection.findMany({
        where: { shop: OTHER_SHOP },
        orderBy: { channel: "asc" },
      });
      expect(after.map((row) => row.encryptedCredentials)).toEqual(before.map((row) => row.encryptedCredentials));
    },
  );

  it(
    "nor in the server's logs (debug level): pushes with revoked and refused tokens, tests, refused connects",
    { timeout: 120_000 },
    async () => {
      await channelActions(); // tests run in random order: make sure the validation paths ran
      const logs = workerLog + app.output();
      // The log holds the failures this test is about: the check reads a real log.
      expect(logs).toContain("google insert failed");
      expect(logs).toMatch(/"channel":"meta"/);
      expect(leaksIn(logs)).toEqual([]);
    },
  );

  it("/api/v1 routes that carry channel information", { timeout: 120_000 }, async () => {
    const variantId = world.variants[0]!.variantGid.split("/").pop()!;
    const productId = world.variants[0]!.productGid.split("/").pop()!;
    const answers = [
      { where: "item", ...(await api(world.shop, "GET", `/api/v1/items/${variantId}`)) },
      { where: "product items", ...(await api(world.shop, "GET", `/api/v1/products/${productId}/items`)) },
      { where: "alerts", ...(await api(world.shop, "GET", "/api/v1/alerts")) },
      { where: "other shop's item", ...(await api(OTHER_SHOP, "GET", `/api/v1/items/${OTHER_VARIANT}`)) },
      { where: "other shop's alerts", ...(await api(OTHER_SHOP, "GET", "/api/v1/alerts")) },
      { where: "pause meta", ...(await api(world.shop, "POST", "/api/v1/channels/meta/pause", { mode: "freeze" })) },
      { where: "resume meta", ...(await api(world.shop, "POST", "/api/v1/channels/meta/resume", {})) },
    ];

    for (const { where, status } of answers) expect(status, where).toBe(200);
    expect(answers[0]!.body).toContain('"meta"');
    expect(answers[2]!.body).toContain("credentials_revoked");
    for (const { where, body } of answers) expect(leaksIn(body), where).toEqual([]);
  });
});

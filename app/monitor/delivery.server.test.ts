// @database
/**
 * Alert delivery over the real protocols: SMTP to a local smtp-server (AUTH PLAIN, the
 * sealed password), and a signed POST to a local HTTP receiver. Each notice goes out
 * once, however many passes run and even after a "restart" (a fresh call with nothing
 * in memory); failures are retried later. Notices carry the Alerts page's words in the
 * shop's language (title, meaning, recommended action, details as sentences, items named),
 * times in UTC when the shop's time zone is unknown, said so. A webhook Ballast may not call
 * (a private or internal address, plain http, credentials) is refused before any connection.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeyring } from "~/security/crypto.server";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { alertTargets } from "../../tests/support/alert-targets";
import { startWebhookReceiver, type TestWebhookReceiver } from "../../tests/support/webhook-receiver";
import { raiseAlert, resolveAlert } from "~/records/alerts.server";
import { deliverAlerts } from "./delivery.server";
import { deliveryRefusalText } from "~/records/delivery-failure";
import { activityText } from "~/components/activity-text";
import { DEFAULT_ALERT_SETTINGS } from "~/records/alert-settings";
import { getAlertSettings, setAlertSettings } from "~/records/alert-settings.server";

const SHOP = "delivery-test.myshopify.com";
const keyring = createKeyring(Buffer.alloc(32, 3));
let testDatabase: TestDatabase;
let webhookSecret: string;
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const SCARF = "gid://shopify/ProductVariant/44960469696645123";

/** The text part of a raw message, decoded (quoted-printable or base64, UTF-8). */
function bodyOf(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const body = raw.slice(split).trim();
  const encoding = /Content-Transfer-Encoding: (\S+)/i.exec(raw.slice(0, split))?.[1]?.toLowerCase();
  if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding !== "quoted-printable") return body;
  const bytes = body
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

const targets = alertTargets({ login: { user: "alerts", password: "s3cret-pass" } });

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await testDatabase.database.variant.create({
    data: {
      shop: SHOP,
      gid: SCARF,
      productGid: "gid://shopify/Product/8234567890123",
      inventoryItemGid: "gid://shopify/InventoryItem/1",
      title: "Wool scarf — Red",
      sku: "SCARF-RED",
    },
  });
});

afterAll(async () => {
  await testDatabase?.drop();
});

const db = () => testDatabase.database;
const mails = () => targets.smtp.mails;
/** The posts the receiver accepted (a refused one is retried, not delivered). */
const posts = () => targets.receiver.accepted();

describe("alert delivery", { shuffle: false }, () => {
  it("refuses invalid settings and never shows secrets back", async () => {
    const bad = await setAlertSettings(db(), SHOP, { ...DEFAULT_ALERT_SETTINGS, lagWindowMinutes: 1 }, keyring);
    expect(bad.ok).toBe(false);
    const saved = await setAlertSettings(
      db(),
      SHOP,
      {
        ...DEFAULT_ALERT_SETTINGS,
        email: targets.emailSettings(["owner@example.com"]),
        webhook: { enabled: true, url: targets.receiver.url },
        emailPassword: "s3cret-pass",
      },
      keyring,
    );
    expect(saved.ok).toBe(true);
    if (!saved.ok) return;
    expect(saved.generatedWebhookSecret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    webhookSecret = saved.generatedWebhookSecret!;
    const view = await getAlertSettings(db(), SHOP);
    expect(view).toMatchObject({ emailPasswordSet: true, webhookSecretSet: true });
    expect(JSON.stringify(view)).not.toContain("s3cret-pass");
    const row = await db().shop.findUnique({ where: { shop: SHOP } });
    expect(JSON.stringify(row!.settings)).not.toContain("s3cret-pass");
    expect(JSON.stringify(row!.settings)).not.toContain(webhookSecret);
  });

  it("GIVEN a new alert WHEN delivery runs three times (and once more as after a restart) THEN one email and one signed webhook are sent", async () => {
    await raiseAlert(db(), {
      shop: SHOP,
      channel: "meta",
      kind: "competing_writer",
      severity: "critical",
      details: {
        items: 2,
        variants: [SCARF],
        episodes: 7,
        minutesAfterPush: 3,
        guidance: "disable_native_channel_inventory_sync",
      },
      at: at(0),
    });
    for (const minutes of [0, 1, 2])
      await deliverAlerts(db(), SHOP, at(minutes), { keyring, appUrl: "https://ballast.example" });
    await raiseAlert(db(), {
      shop: SHOP,
      channel: "meta",
      kind: "competing_writer",
      severity: "critical",
      details: { guidance: "disable_native_channel_inventory_sync", items: 2, variants: [SCARF] },
      at: at(3),
    });
    await deliverAlerts(db(), SHOP, at(4), { keyring });

    expect(mails()).toHaveLength(1);
    expect(mails()[0]).toMatchObject({ from: "ballast@example.com", to: ["owner@example.com"], user: "alerts" });
    expect(mails()[0]!.raw).toMatch(/Subject: \[Ballast\] Critical: Another app keeps overwriting quantities - Meta/);
    const text = bodyOf(mails()[0]!.raw);
    expect(text).toContain("Soon after each update from Ballast, something else sets these items");
    expect(text).toContain("What to do: Turn off inventory sync in the channel's own app");
    expect(text).toContain(
      "- 2 items were set to another quantity 7 times in all, about 3 minutes after Ballast's update.",
    );
    expect(text).toContain("- Wool scarf — Red (SKU SCARF-RED): https://ballast.example/app/items/44960469696645123");
    expect(text).toContain("- and 1 more item");
    expect(text).toContain("Opened: 27 Nov 2026, 12:00 UTC");
    expect(text).toContain("Times are in UTC (the store's time zone is not known to Ballast).");
    expect(text).not.toMatch(/disable_native_channel_inventory_sync|gid:\/\/|lastSeenAt/);

    expect(posts()).toHaveLength(1);
    const post = posts()[0]!;
    const body = JSON.parse(post.body) as {
      text: string;
      blocks: unknown[];
      ballast: { event: string; alert: { kind: string } };
    };
    expect(body.text).toContain("Another app keeps overwriting");
    expect(body.blocks.length).toBeGreaterThan(0);
    expect(body.ballast).toMatchObject({
      event: "opened",
      alert: {
        kind: "competing_writer",
        severity: "critical",
        channel: "meta",
        locale: "en",
        title: "Another app keeps overwriting quantities",
        meaning: expect.stringContaining("so your buffers do not hold"),
        action: expect.stringContaining("Turn off inventory sync"),
        suggestedAction: "none",
        items: [
          {
            variantId: SCARF,
            productTitle: "Wool scarf",
            variantTitle: "Red",
            sku: "SCARF-RED",
            url: "https://ballast.example/app/items/44960469696645123",
          },
        ],
        moreItems: 1,
      },
    });
    const expected = `sha256=${createHmac("sha256", webhookSecret)
      .update(`${post.headers["x-ballast-timestamp"] as string}.${post.body}`)
      .digest("hex")}`;
    expect(post.headers["x-ballast-signature"]).toBe(expected);
  });

  it("WHEN the alert resolves THEN the resolution is announced once on each target", async () => {
    await resolveAlert(db(), { shop: SHOP, channel: "meta", kind: "competing_writer", at: at(10) });
    await deliverAlerts(db(), SHOP, at(10), { keyring });
    await deliverAlerts(db(), SHOP, at(11), { keyring });
    expect(mails()).toHaveLength(2);
    expect(mails()[1]!.raw).toMatch(/Subject: \[Ballast\] Resolved:/);
    expect(posts()).toHaveLength(2);
    expect(JSON.parse(posts()[1]!.body)).toMatchObject({ ballast: { event: "resolved" } });
    expect(await db().alertDelivery.count({ where: { shop: SHOP, state: "sent" } })).toBe(4);
  });

  it("GIVEN the receiver fails once WHEN delivery retries after its backoff THEN the notice arrives exactly once", async () => {
    targets.receiver.failNext(1);
    await raiseAlert(db(), {
      shop: SHOP,
      channel: "google",
      kind: "throttled",
      severity: "warning",
      details: {},
      at: at(20),
    });
    const first = await deliverAlerts(db(), SHOP, at(20), { keyring });
    expect(first).toMatchObject({ sent: 1, failed: 1 });
    // Before the backoff: nothing is retried.
    expect(await deliverAlerts(db(), SHOP, at(20.5), { keyring })).toMatchObject({ sent: 0, failed: 0 });
    expect(await deliverAlerts(db(), SHOP, at(22), { keyring })).toMatchObject({ sent: 1, failed: 0 });
    await deliverAlerts(db(), SHOP, at(30), { keyring });
    expect(
      posts().filter(
        (post) =>
          (JSON.parse(post.body) as { ballast: { alert: { kind: string } } }).ballast.alert.kind === "throttled",
      ),
    ).toHaveLength(1);
    expect(mails().filter((mail) => mail.raw.includes("A channel asked Ballast to slow down"))).toHaveLength(1);
  });

  it("GIVEN a French shop with a stored time zone WHEN an alert is delivered THEN its words are French and its times local", async () => {
    const FRENCH = "delivery-fr.myshopify.com";
    await db().shop.create({ data: { shop: FRENCH, locale: "fr", timeZone: "Europe/Paris" } });
    await db().variant.create({
      data: {
        shop: FRENCH,
        gid: SCARF,
        productGid: "gid://shopify/Product/8234567890123",
        inventoryItemGid: "gid://shopify/InventoryItem/1",
        title: "Écharpe en laine — Rouge",
        sku: "ECH-ROUGE",
      },
    });
    const saved = await setAlertSettings(
      db(),
      FRENCH,
      {
        ...DEFAULT_ALERT_SETTINGS,
        webhook: { enabled: true, url: targets.receiver.url },
        webhookSecret: "x".repeat(32),
      },
      keyring,
    );
    expect(saved.ok).toBe(true);
    await raiseAlert(db(), {
      shop: FRENCH,
      channel: "meta",
      kind: "drift_high",
      severity: "warning",
      details: { items: 1, variants: [SCARF], longestMinutes: 45, thresholdItems: 5, thresholdMinutes: 30 },
      at: at(50),
    });
    const before = posts().length;
    await deliverAlerts(db(), FRENCH, at(50), { keyring, appUrl: "https://ballast.example" });
    expect(posts()).toHaveLength(before + 1);
    const body = JSON.parse(posts().at(-1)!.body) as {
      text: string;
      blocks: { text: { text: string } }[];
      ballast: { alert: Record<string, unknown> };
    };
    expect(body.text).toBe(`[Ballast] Avertissement : Un canal affiche d'autres quantités - Meta (${FRENCH})`);
    expect(body.ballast.alert).toMatchObject({
      kind: "drift_high",
      severity: "warning",
      locale: "fr",
      title: "Un canal affiche d'autres quantités",
      suggestedAction: "resync",
      facts: expect.arrayContaining([
        "1 article affiche une autre quantité que celle envoyée par Ballast, depuis 45 minutes.",
        "Vu pour la dernière fois le 27 nov. 2026, 13:50 UTC+1.",
      ]),
      items: [expect.objectContaining({ productTitle: "Écharpe en laine", variantTitle: "Rouge", sku: "ECH-ROUGE" })],
    });
    const text = body.blocks[0]!.text.text;
    expect(text).toContain("Que faire : Resynchronisez maintenant");
    expect(text).toContain(
      "- Écharpe en laine — Rouge (SKU ECH-ROUGE): https://ballast.example/app/items/44960469696645123",
    );
    expect(text).toContain("Les heures sont données dans le fuseau Europe/Paris.");
  });

  it("GIVEN a wrong SMTP password WHEN delivery runs THEN the email is recorded as failing and not marked sent", async () => {
    const current = await getAlertSettings(db(), SHOP);
    const { emailPasswordSet: _p, webhookSecretSet: _s, ...settings } = current;
    await setAlertSettings(db(), SHOP, { ...settings, webhook: null, emailPassword: "wrong" }, keyring);
    await raiseAlert(db(), {
      shop: SHOP,
      channel: null,
      kind: "webhook_gap",
      severity: "warning",
      details: {},
      at: at(40),
    });
    const report = await deliverAlerts(db(), SHOP, at(40), { keyring });
    expect(report).toMatchObject({ sent: 0, failed: 1 });
    const delivery = await db().alertDelivery.findFirst({ where: { target: "email", state: "pending", attempts: 1 } });
    expect(delivery?.lastError).toMatch(/auth|Invalid/i);
  });

  it("GIVEN the email keeps failing WHEN its eighth attempt fails THEN delivery gives up once and says so in the activity log", async () => {
    // Continues the previous test: one failed attempt so far; each pass an hour later is past any backoff.
    for (const hours of [1, 2, 3, 4, 5, 6, 7])
      expect(await deliverAlerts(db(), SHOP, at(40 + hours * 60), { keyring })).toMatchObject({ sent: 0, failed: 1 });
    const delivery = await db().alertDelivery.findFirst({ where: { target: "email", event: "opened", attempts: 8 } });
    expect(delivery).toMatchObject({ state: "failed", nextAttemptAt: null });
    expect(delivery?.lastError).toMatch(/auth|Invalid/i);
    const activity = await db().activity.findMany({ where: { shop: SHOP, kind: "alert_delivery_failed" } });
    expect(activity).toHaveLength(1);
    // The cause as a code beside the raw message; the merchant reads the code in words.
    const details = activity[0]!.details as Record<string, unknown>;
    expect(details).toMatchObject({
      target: "email",
      alertKind: "webhook_gap",
      failure: "login_refused",
      error: expect.stringMatching(/auth|Invalid/i),
    });
    const entry = { kind: "alert_delivery_failed", channel: null, details };
    expect(activityText(entry, "en")).toContain(
      "was not sent by email. The mail server refused the user name or password.",
    );
    expect(activityText(entry, "fr")).toContain("Le serveur d'envoi a refusé le nom d'utilisateur ou le mot de passe.");
    for (const locale of ["en", "fr"] as const) {
      expect(activityText(entry, locale)).not.toContain(details.error as string);
      expect(activityText(entry, locale)).not.toMatch(/login_refused|EAUTH|535/);
    }
    // Given up: no further attempt.
    expect(await deliverAlerts(db(), SHOP, at(40 + 9 * 60), { keyring })).toMatchObject({ sent: 0, failed: 0 });
  });
});

describe("webhooks only to public addresses (issue #16)", () => {
  let receiver: TestWebhookReceiver;
  let shopCount = 0;
  beforeAll(async () => {
    receiver = await startWebhookReceiver("/private/hook");
  });
  afterAll(async () => {
    await receiver?.close();
  });

  /** A shop of its own, its webhook at `url`, one alert open. */
  async function shopWithWebhook(url: string, locale = "en"): Promise<string> {
    shopCount += 1;
    const shop = `delivery-guard-${shopCount}.myshopify.com`;
    await db().shop.create({ data: { shop, locale } });
    const saved = await setAlertSettings(
      db(),
      shop,
      { ...DEFAULT_ALERT_SETTINGS, webhook: { enabled: true, url }, webhookSecret: "s".repeat(32) },
      keyring,
    );
    expect(saved.ok).toBe(true);
    await raiseAlert(db(), { shop, channel: "meta", kind: "throttled", severity: "warning", details: {}, at: at(0) });
    return shop;
  }

  const deliveryOf = (shop: string) => db().alertDelivery.findFirstOrThrow({ where: { shop, target: "webhook" } });
  const failures = (shop: string) => db().activity.findMany({ where: { shop, kind: "alert_delivery_failed" } });

  it("GIVEN the switch off WHEN an alert's webhook is on loopback THEN nothing is sent and the notice fails at once, said in the shop's language", async () => {
    const shop = await shopWithWebhook(receiver.url, "fr");
    const before = receiver.posts.length;
    const report = await deliverAlerts(db(), shop, at(1), { keyring, allowPrivateHosts: false });
    expect(report).toEqual({ sent: 0, failed: 1 });
    expect(receiver.posts).toHaveLength(before);
    const delivery = await deliveryOf(shop);
    expect(delivery).toMatchObject({ state: "failed", attempts: 1, nextAttemptAt: null, sentAt: null });
    expect(delivery.lastError).toBe(
      "L'adresse du webhook 127.0.0.1 est une adresse de réseau privé ou interne, que Ballast n'appelle pas. " +
        "Utilisez l'adresse https:// publique de votre récepteur.",
    );
    const [failure] = await failures(shop);
    expect(failure!.details).toMatchObject({
      target: "webhook",
      alertKind: "throttled",
      failure: "refused",
      refusal: "private_address",
      host: "127.0.0.1",
      address: "127.0.0.1",
      error: delivery.lastError,
    });
    // Retrying cannot help: the notice is not tried again.
    expect(await deliverAlerts(db(), shop, at(120), { keyring, allowPrivateHosts: false })).toEqual({
      sent: 0,
      failed: 0,
    });
    expect(receiver.posts).toHaveLength(before);
    expect(await failures(shop)).toHaveLength(1);
  });

  it("GIVEN a host name WHEN any address it resolves to is private THEN it is refused before any connection", async () => {
    const resolved: string[] = [];
    const resolve = (hostname: string) => {
      resolved.push(hostname);
      return Promise.resolve(
        hostname === "metadata.google.internal"
          ? [{ address: "169.254.169.254", family: 4 }]
          : [
              { address: "93.184.215.14", family: 4 },
              { address: "::ffff:10.0.0.7", family: 6 },
            ],
      );
    };
    const named = await shopWithWebhook("https://hooks.example.com/alerts");
    expect(await deliverAlerts(db(), named, at(1), { keyring, allowPrivateHosts: false, resolve })).toEqual({
      sent: 0,
      failed: 1,
    });
    expect((await deliveryOf(named)).lastError).toBe(
      "The webhook address hooks.example.com leads to ::ffff:10.0.0.7, a private or internal network address, " +
        "which Ballast does not call. Use your receiver's public https:// address.",
    );
    const metadata = await shopWithWebhook("https://metadata.google.internal/computeMetadata/v1/");
    await deliverAlerts(db(), metadata, at(1), { keyring, allowPrivateHosts: false, resolve });
    expect((await failures(metadata))[0]!.details).toMatchObject({
      refusal: "private_address",
      address: "169.254.169.254",
    });
    expect(resolved).toEqual(["hooks.example.com", "metadata.google.internal"]);
  });

  it("GIVEN the switch off WHEN the webhook is plain http or carries credentials THEN it is refused, in both languages", async () => {
    const before = receiver.posts.length;
    const http = await shopWithWebhook("http://hooks.example.com/alerts");
    await deliverAlerts(db(), http, at(1), { keyring, allowPrivateHosts: false });
    expect((await failures(http))[0]!.details).toMatchObject({ refusal: "not_https" });
    expect(deliveryRefusalText({ refusal: "not_https" }, "en")).toMatch(/^The webhook address starts with http:\/\//);
    expect(deliveryRefusalText({ refusal: "not_https" }, "fr")).toMatch(/^L'adresse du webhook commence par http:\/\//);
    const credentials = await shopWithWebhook("https://user:secret@hooks.example.com/alerts");
    await deliverAlerts(db(), credentials, at(1), { keyring, allowPrivateHosts: false });
    const [failure] = await failures(credentials);
    expect(failure!.details).toMatchObject({ refusal: "credentials" });
    expect(JSON.stringify(failure!.details)).not.toContain("secret");
    expect(receiver.posts).toHaveLength(before);
  });

  it("GIVEN the receiver keeps answering HTTP 500 WHEN the notice is given up THEN its failure code and status are stored, said without the raw error", async () => {
    const shop = await shopWithWebhook(receiver.url, "fr");
    receiver.answerWith(500);
    try {
      for (const hours of [0, 1, 2, 3, 4, 5, 6, 7])
        await deliverAlerts(db(), shop, at(1 + hours * 60), { keyring, allowPrivateHosts: true });
    } finally {
      receiver.answerWith(200);
    }
    expect(await deliveryOf(shop)).toMatchObject({
      state: "failed",
      attempts: 8,
      lastError: "webhook answered HTTP 500",
    });
    const [failure] = await failures(shop);
    const details = failure!.details as Record<string, unknown>;
    expect(details).toEqual({
      target: "webhook",
      alertKind: "throttled",
      failure: "http_status",
      status: 500,
      error: "webhook answered HTTP 500",
    });
    const entry = { kind: "alert_delivery_failed", channel: null, details };
    expect(activityText(entry, "fr")).toContain(
      "Votre récepteur a répondu avec le statut HTTP 500 au lieu d'accepter la notification.",
    );
    expect(activityText(entry, "en")).toContain(
      "Your receiver answered with HTTP status 500 instead of accepting the notice.",
    );
    for (const locale of ["en", "fr"] as const)
      expect(activityText(entry, locale)).not.toMatch(/webhook answered|http_status/);
  });

  it("connects to the address that was checked, whatever the name resolves to afterwards, and follows no redirect", async () => {
    // The first answer is checked and used; a rebinding resolver would answer the metadata service next.
    let calls = 0;
    const resolve = () => {
      calls += 1;
      return Promise.resolve([{ address: calls === 1 ? "127.0.0.1" : "169.254.169.254", family: 4 }]);
    };
    const port = new URL(receiver.url).port;
    const shop = await shopWithWebhook(`http://alerts.rebind.test:${port}/private/hook`);
    const before = receiver.posts.length;
    expect(await deliverAlerts(db(), shop, at(1), { keyring, allowPrivateHosts: true, resolve })).toEqual({
      sent: 1,
      failed: 0,
    });
    expect(calls).toBe(1);
    expect(receiver.posts).toHaveLength(before + 1);
    expect(receiver.posts.at(-1)!.headers.host).toBe(`alerts.rebind.test:${port}`);

    receiver.answerWith(302);
    try {
      const redirected = await shopWithWebhook(receiver.url);
      expect(await deliverAlerts(db(), redirected, at(1), { keyring, allowPrivateHosts: true })).toEqual({
        sent: 0,
        failed: 1,
      });
      expect((await deliveryOf(redirected)).lastError).toBe("webhook answered HTTP 302");
      expect(receiver.posts).toHaveLength(before + 2);
    } finally {
      receiver.answerWith(200);
    }
  });
});

// @database
/**
 * Alert delivery over the real protocols: SMTP to a local smtp-server (AUTH PLAIN, the
 * sealed password), and a signed POST to a local HTTP receiver. Each notice goes out
 * once, however many passes run and even after a "restart" (a fresh call with nothing
 * in memory); failures are retried later.
 */
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeyring } from "~/security/crypto.server";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { raiseAlert, resolveAlert } from "~/records/alerts.server";
import { deliverAlerts } from "./delivery.server";
import { DEFAULT_ALERT_SETTINGS } from "~/records/alert-settings";
import { getAlertSettings, setAlertSettings } from "~/records/alert-settings.server";

const SHOP = "delivery-test.myshopify.com";
const keyring = createKeyring(Buffer.alloc(32, 3));
let testDatabase: TestDatabase;
let smtp: SMTPServer;
let smtpPort: number;
let receiver: Server;
let receiverUrl: string;
const mails: { from: string; to: string[]; raw: string; user: string | undefined }[] = [];
const posts: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
let failNextPosts = 0;
let webhookSecret: string;
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  smtp = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(auth, _session, callback) {
      if (auth.username === "alerts" && auth.password === "s3cret-pass") return callback(null, { user: auth.username });
      return callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          // Long headers are folded on the wire: unfold them.
          raw: Buffer.concat(chunks)
            .toString("utf8")
            .replace(/\r?\n[ \t]+/g, " "),
          user: session.user as string | undefined,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;

  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (failNextPosts > 0) {
        failNextPosts -= 1;
        response.statusCode = 503;
        return response.end();
      }
      posts.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/ballast`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  await testDatabase?.drop();
});

const db = () => testDatabase.database;

describe("alert delivery", { shuffle: false }, () => {
  it("refuses invalid settings and never shows secrets back", async () => {
    const bad = await setAlertSettings(db(), SHOP, { ...DEFAULT_ALERT_SETTINGS, lagWindowMinutes: 1 }, keyring);
    expect(bad.ok).toBe(false);
    const saved = await setAlertSettings(
      db(),
      SHOP,
      {
        ...DEFAULT_ALERT_SETTINGS,
        email: {
          enabled: true,
          host: "127.0.0.1",
          port: smtpPort,
          secure: false,
          user: "alerts",
          from: "ballast@example.com",
          to: ["owner@example.com"],
        },
        webhook: { enabled: true, url: receiverUrl },
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
      details: { guidance: "disable_native_channel_inventory_sync" },
      at: at(0),
    });
    for (const minutes of [0, 1, 2])
      await deliverAlerts(db(), SHOP, at(minutes), { keyring, appUrl: "https://ballast.example" });
    await raiseAlert(db(), {
      shop: SHOP,
      channel: "meta",
      kind: "competing_writer",
      severity: "critical",
      details: { guidance: "disable_native_channel_inventory_sync", items: 2 },
      at: at(3),
    });
    await deliverAlerts(db(), SHOP, at(4), { keyring });

    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ from: "ballast@example.com", to: ["owner@example.com"], user: "alerts" });
    expect(mails[0]!.raw).toMatch(/Subject: \[Ballast\] Critical: Another app keeps overwriting/);
    expect(mails[0]!.raw).toContain("disable_native_channel_inventory_sync");

    expect(posts).toHaveLength(1);
    const post = posts[0]!;
    const body = JSON.parse(post.body) as {
      text: string;
      blocks: unknown[];
      ballast: { event: string; alert: { kind: string } };
    };
    expect(body.text).toContain("Another app keeps overwriting");
    expect(body.blocks.length).toBeGreaterThan(0);
    expect(body.ballast).toMatchObject({ event: "opened", alert: { kind: "competing_writer" } });
    const expected = `sha256=${createHmac("sha256", webhookSecret)
      .update(`${post.headers["x-ballast-timestamp"] as string}.${post.body}`)
      .digest("hex")}`;
    expect(post.headers["x-ballast-signature"]).toBe(expected);
  });

  it("WHEN the alert resolves THEN the resolution is announced once on each target", async () => {
    await resolveAlert(db(), { shop: SHOP, channel: "meta", kind: "competing_writer", at: at(10) });
    await deliverAlerts(db(), SHOP, at(10), { keyring });
    await deliverAlerts(db(), SHOP, at(11), { keyring });
    expect(mails).toHaveLength(2);
    expect(mails[1]!.raw).toMatch(/Subject: \[Ballast\] Resolved:/);
    expect(posts).toHaveLength(2);
    expect(JSON.parse(posts[1]!.body)).toMatchObject({ ballast: { event: "resolved" } });
    expect(await db().alertDelivery.count({ where: { state: "sent" } })).toBe(4);
  });

  it("GIVEN the receiver fails once WHEN delivery retries after its backoff THEN the notice arrives exactly once", async () => {
    failNextPosts = 1;
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
      posts.filter(
        (post) =>
          (JSON.parse(post.body) as { ballast: { alert: { kind: string } } }).ballast.alert.kind === "throttled",
      ),
    ).toHaveLength(1);
    expect(mails.filter((mail) => mail.raw.includes("throttling"))).toHaveLength(1);
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
    expect(JSON.stringify(activity[0]!.details)).toContain("webhook_gap");
    // Given up: no further attempt.
    expect(await deliverAlerts(db(), SHOP, at(40 + 9 * 60), { keyring })).toMatchObject({ sent: 0, failed: 0 });
  });
});

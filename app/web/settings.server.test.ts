// @database
/**
 * The Settings service against a real database, a local SMTP server and a local webhook
 * receiver: every section validates before anything is stored, every change is written to
 * Activity (in words, EN and FR), secrets are sealed and never read back, test sends go
 * through the real protocols (signed like alert deliveries), and fallback feed URLs are
 * issued, replaced and revoked.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createKeyring } from "~/security/crypto.server";
import { messagesFor } from "~/i18n";
import { activityText } from "~/components/activity-text";
import { getAlertSettings } from "~/records/alert-settings.server";
import { serveFeed } from "~/monitor/feeds.server";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { alertTargets } from "../../tests/support/alert-targets";
import {
  issueFeedUrl,
  loadSettings,
  revokeFeedUrl,
  rotateWebhookSecret,
  saveAutoProtect,
  saveDelivery,
  saveThresholds,
  sendTestDelivery,
  type SettingsDependencies,
} from "./settings.server";
import { settingsPageAction } from "./settings-page.server";
import { autoProtectDraftFrom, thresholdsDraftFrom } from "./settings-form";

const keyring = createKeyring(Buffer.alloc(32, 5));
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
let testDatabase: TestDatabase;
let deps: SettingsDependencies;

// A Slack-like webhook address: its path is itself a secret.
const targets = alertTargets({
  login: { user: "alerts", password: "smtp-pass-4321", optional: true },
  webhookPath: "/hooks/T0001/secret-path",
});

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  deps = { keyring, appUrl: "https://ballast.example", timeoutMs: 5_000 };
});

afterAll(async () => {
  await testDatabase?.drop();
});

const db = () => testDatabase.database;
const mails = () => targets.smtp.mails;
const posts = () => targets.receiver.posts;
let shopCounter = 0;
let shop: string;
beforeEach(() => {
  shopCounter += 1;
  shop = `settings-${shopCounter}.myshopify.com`;
});
const input = (body: unknown) => ({ shop, body, source: "admin" as const, nowMs: NOW });
const activity = () => db().activity.findMany({ where: { shop }, orderBy: { at: "asc" } });
const storedSettings = async () =>
  JSON.stringify((await db().shop.findUnique({ where: { shop }, select: { settings: true } }))?.settings ?? null);

const EMAIL = () => targets.emailSettings(["owner@example.com", "ops@example.com"]);

describe("alert delivery settings", () => {
  it("refuses bad input field by field and stores nothing", async () => {
    const bad = await saveDelivery(
      db(),
      input({ email: { ...EMAIL(), to: ["owner@example.com", "not an address"], port: 0 } }),
      deps,
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.issues.map((issue) => issue.path.join("."))).toEqual(
      expect.arrayContaining(["email.to.1", "email.port"]),
    );
    // As in production (BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS off): the switch lets plain http through.
    for (const url of ["http://hooks.example.com/alerts", "ftp://example.com/x", "not a url"]) {
      const refused = await saveDelivery(db(), input({ webhook: { enabled: true, url } }), {
        ...deps,
        allowPrivateWebhookHosts: false,
      });
      expect(refused.ok, url).toBe(false);
    }
    expect(await saveDelivery(db(), input({ email: EMAIL(), surprise: 1 }), deps)).toMatchObject({ ok: false });
    expect(await storedSettings()).toBe("null");
    expect(await activity()).toHaveLength(0);
  });

  it("seals the SMTP password, never reads it back, and records the change in words without it", async () => {
    const saved = await saveDelivery(db(), input({ email: EMAIL(), emailPassword: "smtp-pass-4321" }), deps);
    expect(saved).toEqual({ ok: true, changed: true });
    const view = await loadSettings(db(), shop);
    expect(view.delivery).toMatchObject({ email: EMAIL(), emailPasswordSet: true, webhook: null });
    expect(JSON.stringify(view)).not.toContain("smtp-pass-4321");
    expect(await storedSettings()).not.toContain("smtp-pass-4321");
    const [entry] = await activity();
    expect(entry).toMatchObject({ kind: "alert_settings_changed", channel: null });
    expect(JSON.stringify(entry!.details)).not.toContain("smtp-pass-4321");
    const english = activityText(
      { kind: entry!.kind, channel: null, details: entry!.details as object as Record<string, unknown> },
      "en",
    );
    expect(english).toContain("Alert emails: — → on");
    expect(english).toContain("Recipients: — → owner@example.com, ops@example.com");
    expect(english).toContain("Mail server password saved");
    expect(english).toContain("(in Ballast)");
    const french = activityText(
      { kind: entry!.kind, channel: null, details: entry!.details as Record<string, unknown> },
      "fr",
    );
    expect(french).toContain("Réglages des alertes modifiés");
    expect(french).toContain("Mot de passe du serveur d'envoi enregistré");

    // Saving the same values again changes nothing and logs nothing.
    expect(await saveDelivery(db(), input({ email: EMAIL() }), deps)).toEqual({ ok: true, changed: false });
    expect(await activity()).toHaveLength(1);
  });

  it("sends a test email through the configured SMTP server (with the sealed password) and says when it is refused", async () => {
    await saveDelivery(db(), input({ email: EMAIL(), emailPassword: "smtp-pass-4321" }), deps);
    const before = mails().length;
    const sent = await sendTestDelivery(db(), { shop, target: "email", source: "admin", nowMs: NOW }, deps);
    expect(sent).toEqual({
      ok: true,
      target: "email",
      delivered: true,
      recipients: ["owner@example.com", "ops@example.com"],
    });
    expect(mails()).toHaveLength(before + 1);
    expect(mails().at(-1)).toMatchObject({ to: ["owner@example.com", "ops@example.com"], user: "alerts" });
    expect(mails().at(-1)!.raw).toMatch(
      new RegExp(`Subject: \\[Ballast\\] Test alert \\(${shop.replace(/\./g, "\\.")}\\)`),
    );
    expect(mails().at(-1)!.raw).toContain("X-Ballast-Test: true");

    // Refused: why as a code, said in the shop's language; the server's answer for support only.
    await saveDelivery(db(), input({ emailPassword: "wrong-password" }), deps);
    const refused = await sendTestDelivery(db(), { shop, target: "email", source: "api", nowMs: NOW }, deps);
    expect(refused).toEqual({
      ok: true,
      target: "email",
      delivered: false,
      failure: "login_refused",
      message: "The mail server refused the user name or password.",
      technical: expect.stringMatching(/Invalid username or password/),
    });
    expect(mails()).toHaveLength(before + 1);
    const tests = (await activity()).filter((entry) => entry.kind === "alert_delivery_tested");
    expect(tests.map((entry) => (entry.details as { delivered: boolean }).delivered)).toEqual([true, false]);
    expect(tests[1]!.details).toEqual({
      source: "api",
      target: "email",
      delivered: false,
      failure: "login_refused",
      technical: expect.stringMatching(/Invalid username or password/),
    });
    const tested = {
      kind: "alert_delivery_tested",
      channel: null,
      details: tests[1]!.details as Record<string, unknown>,
    };
    expect(activityText(tested, "en")).toBe(
      "Test email did not get through. The mail server refused the user name or password. (through the API)",
    );
    expect(activityText(tested, "fr")).toMatch(
      /^L'e-mail de test n'est pas passé\. Le serveur d'envoi a refusé le nom d'utilisateur ou le mot de passe\./,
    );
    for (const locale of ["en", "fr"] as const)
      expect(activityText(tested, locale)).not.toMatch(/Invalid username|login_refused|535|EAUTH/);
  });

  it("answers not configured for a target never set up, and sends nothing", async () => {
    expect(await sendTestDelivery(db(), { shop, target: "email", source: "admin", nowMs: NOW }, deps)).toEqual({
      ok: false,
      target: "email",
      error: "not_configured",
    });
    expect(await sendTestDelivery(db(), { shop, target: "webhook", source: "admin", nowMs: NOW }, deps)).toMatchObject({
      ok: false,
    });
  });

  it("gives a new webhook a signing secret once, signs the test delivery with it, and replaces it on request", async () => {
    const saved = await saveDelivery(db(), input({ webhook: { enabled: true, url: targets.receiver.url } }), deps);
    expect(saved.ok).toBe(true);
    if (!saved.ok) return;
    const secret = saved.generatedWebhookSecret!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const view = await loadSettings(db(), shop);
    expect(view.delivery).toMatchObject({
      webhookSecretSet: true,
      webhook: { enabled: true, url: targets.receiver.url },
    });
    expect(JSON.stringify(view)).not.toContain(secret);
    expect(await storedSettings()).not.toContain(secret);
    // The log keeps the address's origin only: a path may itself be a secret.
    const logged = JSON.stringify((await activity()).map((entry) => entry.details));
    expect(logged).not.toContain("secret-path");
    expect(logged).not.toContain(secret);

    targets.receiver.answerWith(200);
    const before = posts().length;
    const tested = await sendTestDelivery(db(), { shop, target: "webhook", source: "admin", nowMs: NOW }, deps);
    expect(tested).toMatchObject({ ok: true, delivered: true });
    const post = posts()[before]!;
    const expected = `sha256=${createHmac("sha256", secret)
      .update(`${String(post.headers["x-ballast-timestamp"])}.${post.body}`)
      .digest("hex")}`;
    expect(post.headers["x-ballast-signature"]).toBe(expected);
    expect(JSON.parse(post.body)).toMatchObject({
      text: expect.stringContaining("Test alert"),
      ballast: { event: "test", shop },
    });

    const rotated = await rotateWebhookSecret(db(), { shop, source: "admin", nowMs: NOW }, deps);
    expect(rotated.ok).toBe(true);
    if (!rotated.ok) return;
    expect(rotated.webhookSecret).not.toBe(secret);
    targets.receiver.answerWith(500);
    const refused = await sendTestDelivery(db(), { shop, target: "webhook", source: "admin", nowMs: NOW }, deps);
    expect(refused).toEqual({
      ok: true,
      target: "webhook",
      delivered: false,
      failure: "http_status",
      status: 500,
      message: "Your receiver answered with HTTP status 500 instead of accepting the notice.",
      technical: "webhook answered HTTP 500",
    });
    const resigned = posts().at(-1)!;
    expect(resigned.headers["x-ballast-signature"]).toBe(
      `sha256=${createHmac("sha256", rotated.webhookSecret)
        .update(`${String(resigned.headers["x-ballast-timestamp"])}.${resigned.body}`)
        .digest("hex")}`,
    );
    const texts = (await activity()).map((entry) =>
      activityText(
        { kind: entry.kind, channel: entry.channel, details: entry.details as Record<string, unknown> },
        "en",
      ),
    );
    expect(texts).toContain("Alert settings changed: Webhook signing secret replaced (in Ballast)");
    expect(texts.join("\n")).toContain(`Webhook address: — → ${new URL(targets.receiver.url).origin}/…`);
  });

  it("refuses to replace the signing secret of a webhook that does not exist", async () => {
    expect(await rotateWebhookSecret(db(), { shop, source: "api", nowMs: NOW }, deps)).toEqual({
      ok: false,
      error: "webhook_not_configured",
    });
  });
});

describe("webhook addresses Ballast may call (issue #16)", () => {
  /** As in production: BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS off. */
  const closed = () => ({ ...deps, allowPrivateWebhookHosts: false });
  const pagePost = (url: string, dependencies: SettingsDependencies) => {
    const form = new FormData();
    form.set("intent", "saveWebhook");
    form.set("draft", JSON.stringify({ enabled: true, url }));
    return settingsPageAction(db(), shop, form, dependencies);
  };

  it("refuses loopback, private, link-local and metadata addresses, plain http and credentials, field by field, and stores nothing", async () => {
    const refusals: [string, string][] = [
      [targets.receiver.url, "shopSettings.error.webhookPrivate"],
      ["https://localhost/hooks", "shopSettings.error.webhookPrivate"],
      ["https://10.1.2.3/hooks", "shopSettings.error.webhookPrivate"],
      ["https://172.16.0.1/hooks", "shopSettings.error.webhookPrivate"],
      ["https://192.168.1.1/hooks", "shopSettings.error.webhookPrivate"],
      ["https://169.254.169.254/latest/meta-data/", "shopSettings.error.webhookPrivate"],
      ["https://0.0.0.0/hooks", "shopSettings.error.webhookPrivate"],
      ["https://[::1]/hooks", "shopSettings.error.webhookPrivate"],
      ["https://[fd00::1]/hooks", "shopSettings.error.webhookPrivate"],
      ["https://[fe80::1]/hooks", "shopSettings.error.webhookPrivate"],
      ["https://[::ffff:169.254.169.254]/hooks", "shopSettings.error.webhookPrivate"],
      ["https://ops:hunter2@hooks.example.com/hooks", "shopSettings.error.webhookCredentials"],
      ["http://hooks.example.com/hooks", "shopSettings.error.https"],
    ];
    for (const [url, key] of refusals) {
      const refused = await pagePost(url, closed());
      expect(refused, url).toEqual({
        intent: "saveWebhook",
        ok: false,
        errors: [{ field: "webhook.url", key, values: {} }],
      });
    }
    const api = await saveDelivery(db(), input({ webhook: { enabled: true, url: "https://10.0.0.1/x" } }), closed());
    expect(api).toEqual({
      ok: false,
      issues: [
        {
          code: "custom",
          path: ["webhook", "url"],
          message: "must not point to a private, loopback, link-local or reserved network address",
        },
      ],
    });
    // With another field wrong too, both are named at once.
    const both = await saveDelivery(
      db(),
      input({ email: { ...EMAIL(), port: 0 }, webhook: { enabled: true, url: "https://192.168.0.10/x" } }),
      closed(),
    );
    expect(both.ok).toBe(false);
    if (!both.ok)
      expect(both.issues.map((issue) => issue.path.join(".")).sort()).toEqual(["email.port", "webhook.url"]);
    expect(await storedSettings()).toBe("null");
    expect(await activity()).toHaveLength(0);
    // A public https address is saved.
    expect(await pagePost("https://hooks.example.com/alerts", closed())).toMatchObject({ ok: true, changed: true });
  });

  it("says each refusal in English and in French", () => {
    const en = messagesFor("en");
    const fr = messagesFor("fr");
    expect(en["shopSettings.error.webhookPrivate"]).toContain("private or internal network");
    expect(fr["shopSettings.error.webhookPrivate"]).toContain("réseau privé ou interne");
    expect(en["shopSettings.error.webhookCredentials"]).toContain("user name and password");
    expect(fr["shopSettings.error.webhookCredentials"]).toContain("nom d'utilisateur et le mot de passe");
  });

  it("accepts a loopback receiver over http only with the switch on", async () => {
    expect(await pagePost(targets.receiver.url, { ...deps, allowPrivateWebhookHosts: true })).toMatchObject({
      ok: true,
    });
    expect(
      await pagePost("https://user@hooks.example.com/x", { ...deps, allowPrivateWebhookHosts: true }),
    ).toMatchObject({ ok: false, errors: [{ field: "webhook.url", key: "shopSettings.error.webhookCredentials" }] });
  });

  it("refuses a test delivery to a private address (saved while the switch was on), sends nothing and says why in the shop's language", async () => {
    await db().shop.create({ data: { shop, locale: "fr" } });
    expect(
      await saveDelivery(db(), input({ webhook: { enabled: true, url: targets.receiver.url } }), deps),
    ).toMatchObject({
      ok: true,
    });
    const before = posts().length;
    const refused = await sendTestDelivery(db(), { shop, target: "webhook", source: "admin", nowMs: NOW }, closed());
    expect(refused).toEqual({
      ok: true,
      target: "webhook",
      delivered: false,
      failure: "refused",
      refusal: "private_address",
      host: "127.0.0.1",
      address: "127.0.0.1",
      message:
        "L'adresse du webhook 127.0.0.1 est une adresse de réseau privé ou interne, que Ballast n'appelle pas. " +
        "Utilisez l'adresse https:// publique de votre récepteur.",
    });
    expect(posts()).toHaveLength(before);
    const tested = (await activity()).find((entry) => entry.kind === "alert_delivery_tested")!;
    expect(tested.details).toMatchObject({ delivered: false, failure: "refused", refusal: "private_address" });
    const entry = { kind: tested.kind, channel: null, details: tested.details as Record<string, unknown> };
    expect(activityText(entry, "fr")).toContain(
      "L'envoi de test du webhook n'est pas passé. L'adresse du webhook 127.0.0.1 est une adresse de réseau privé",
    );
    // Read by an English-speaking viewer: in English, whatever the shop's language.
    expect(activityText(entry, "en")).toContain(
      "Test webhook delivery did not get through. The webhook address 127.0.0.1 is a private or internal network address",
    );

    // A name resolving to the metadata service is refused the same way, in English for an English shop.
    await db().shop.update({ where: { shop }, data: { locale: "en" } });
    await saveDelivery(db(), input({ webhook: { enabled: true, url: "https://metadata.example.com/hook" } }), deps);
    const metadata = await sendTestDelivery(
      db(),
      { shop, target: "webhook", source: "api", nowMs: NOW },
      { ...closed(), resolve: () => Promise.resolve([{ address: "169.254.169.254", family: 4 }]) },
    );
    expect(metadata).toMatchObject({
      delivered: false,
      failure: "refused",
      host: "metadata.example.com",
      address: "169.254.169.254",
      message: expect.stringMatching(
        /^The webhook address metadata\.example\.com leads to 169\.254\.169\.254, a private/,
      ),
    });
  });
});

describe("thresholds and auto-protect", () => {
  it("saves thresholds only when every one is valid, keeps the other sections, and logs each change with its unit", async () => {
    await saveDelivery(db(), input({ email: EMAIL() }), deps);
    const current = (await loadSettings(db(), shop)).thresholds;
    const invalid = await saveThresholds(
      db(),
      input({
        ...current,
        channels: { ...current.channels, meta: { ...current.channels.meta, lagMinutes: 0, driftItems: 1.5 } },
      }),
      deps,
    );
    expect(invalid.ok).toBe(false);
    if (!invalid.ok)
      expect(invalid.issues.map((issue) => issue.path.join("."))).toEqual([
        "channels.meta.lagMinutes",
        "channels.meta.driftItems",
      ]);
    expect((await loadSettings(db(), shop)).thresholds).toEqual(current);

    const changed = {
      ...current,
      lagWindowMinutes: 90,
      channels: { ...current.channels, meta: { ...current.channels.meta, lagMinutes: 45 } },
    };
    expect(await saveThresholds(db(), input(changed), deps)).toEqual({ ok: true, changed: true });
    const view = await loadSettings(db(), shop);
    expect(view.thresholds).toEqual(changed);
    expect(view.delivery.email).toEqual(EMAIL());
    const entry = (await activity()).at(-1)!;
    expect((entry.details as { changes: unknown[] }).changes).toEqual([
      { field: "channels.meta.lagMinutes", before: 30, after: 45 },
      { field: "lagWindowMinutes", before: 60, after: 90 },
    ]);
    expect(
      activityText({ kind: entry.kind, channel: null, details: entry.details as Record<string, unknown> }, "en"),
    ).toBe(
      "Alert settings changed: Meta — Lag alert above: 30 min → 45 min; Measure lag over the last: 60 min → 90 min (in Ballast)",
    );
  });

  it("switches auto-protect per channel; the monitor reads the new mode", async () => {
    const body = {
      channels: {
        online_store: { autoProtect: false, autoProtectMode: "widen_buffers", pauseAboveLagMinutes: null },
        meta: { autoProtect: true, autoProtectMode: "widen_buffers", pauseAboveLagMinutes: 90 },
        google: { autoProtect: true, autoProtectMode: "pause_stop_selling", pauseAboveLagMinutes: null },
      },
    };
    expect(
      await saveAutoProtect(
        db(),
        input({ channels: { ...body.channels, meta: { ...body.channels.meta, autoProtectMode: "panic" } } }),
        deps,
      ),
    ).toMatchObject({ ok: false });
    expect(await saveAutoProtect(db(), input(body), deps)).toEqual({ ok: true, changed: true });
    const rules = (await getAlertSettings(db(), shop)).channels;
    expect(rules.online_store.autoProtect).toBe(false);
    expect(rules.meta).toMatchObject({ autoProtect: true, pauseAboveLagMinutes: 90, lagMinutes: 30 });
    expect(rules.google.autoProtectMode).toBe("pause_stop_selling");
    const entry = (await activity()).at(-1)!;
    const french = activityText(
      { kind: entry.kind, channel: null, details: entry.details as Record<string, unknown> },
      "fr",
    );
    expect(french).toContain("Boutique en ligne — Protection automatique : activé → désactivé");
    expect(french).toContain("Meta — Mettre en pause malgré tout au-delà de : 120 min → 90 min");
    expect(french).toContain("Mettre plus d'unités de côté (recommandé) → Mettre le canal en pause (arrêter la vente)");
  });
});

describe("the Settings page's posts", () => {
  const post = (fields: Record<string, string>) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    return settingsPageAction(db(), shop, form, deps);
  };

  it("turns a typed draft into field errors with message keys, and saves nothing", async () => {
    const draft = thresholdsDraftFrom((await loadSettings(db(), shop)).thresholds);
    const result = await post({
      intent: "saveThresholds",
      draft: JSON.stringify({
        ...draft,
        "channels.google.lagMinutes": "soon",
        "competingWriter.repeats": "1",
        lagWindowMinutes: "",
      }),
    });
    expect(result).toEqual({
      intent: "saveThresholds",
      ok: false,
      errors: expect.arrayContaining([
        { field: "channels.google.lagMinutes", key: "shopSettings.error.number", values: {} },
        { field: "competingWriter.repeats", key: "shopSettings.error.min", values: { min: 2 } },
        { field: "lagWindowMinutes", key: "shopSettings.error.required", values: {} },
      ]),
    });
    expect(await activity()).toHaveLength(0);
    expect(await post({ intent: "saveThresholds", draft: "{not json" })).toMatchObject({ ok: false });
  });

  it("saves an email draft (recipients typed one per line) and auto-protect choices as the API would", async () => {
    const email = await post({
      intent: "saveEmail",
      draft: JSON.stringify({
        enabled: true,
        to: "owner@example.com\nops@example.com;",
        from: "ballast@example.com",
        host: "127.0.0.1",
        port: String(targets.smtp.port),
        secure: false,
        user: "",
        password: "",
      }),
    });
    expect(email).toEqual({ intent: "saveEmail", ok: true, changed: true, generatedWebhookSecret: null });
    expect((await loadSettings(db(), shop)).delivery.email?.to).toEqual(["owner@example.com", "ops@example.com"]);
    const bad = await post({
      intent: "saveEmail",
      draft: JSON.stringify({
        enabled: true,
        to: "nobody",
        from: "x",
        host: "",
        port: "25",
        secure: false,
        user: "",
        password: "",
      }),
    });
    expect(bad).toMatchObject({
      ok: false,
      errors: expect.arrayContaining([
        { field: "email.to", key: "shopSettings.error.email", values: {} },
        { field: "email.host", key: "shopSettings.error.required", values: {} },
      ]),
    });

    const choices = autoProtectDraftFrom((await loadSettings(db(), shop)).autoProtect);
    choices.meta = { choice: "off", pauseAbove: "" };
    expect(await post({ intent: "saveAutoProtect", draft: JSON.stringify(choices) })).toMatchObject({
      ok: true,
      changed: true,
    });
    // Off keeps the mode and its second threshold for when it is switched back on.
    expect((await getAlertSettings(db(), shop)).channels.meta).toMatchObject({
      autoProtect: false,
      autoProtectMode: "widen_buffers",
      pauseAboveLagMinutes: 120,
    });
  });
});

describe("fallback feed URLs", () => {
  it("issues a URL per format, replaces it (the old one stops working) and revokes it, each in Activity", async () => {
    await db().channelConnection.create({ data: { shop, channel: "meta", activatedAt: new Date(NOW) } });
    await db().channelItemState.create({
      data: {
        shop,
        channel: "meta",
        itemKey: "4001",
        variantGid: "gid://shopify/ProductVariant/4001",
        desired: 6,
        desiredAvailability: "",
        explanation: {},
        computedAt: new Date(NOW),
      },
    });
    expect((await loadSettings(db(), shop)).feeds).toEqual([
      { channel: "meta", formats: ["csv", "xml"], issuedAt: null, lastFetchedAt: null },
      { channel: "google", formats: ["tsv", "xml"], issuedAt: null, lastFetchedAt: null },
    ]);
    const first = await issueFeedUrl(db(), { shop, channel: "meta", source: "admin", nowMs: NOW }, deps);
    expect(first).toMatchObject({ channel: "meta", replaced: false, issuedAt: new Date(NOW).toISOString() });
    const csvUrl = first.urls.csv!;
    expect(csvUrl).toMatch(/^https:\/\/ballast\.example\/feeds\/[A-Za-z0-9_-]{43}\/csv$/);
    expect(first.urls.xml).toBe(csvUrl.replace(/csv$/, "xml"));
    const token = csvUrl.split("/")[4]!;
    expect((await serveFeed(db(), token, "csv", new Date(NOW + 60_000)))?.body).toBe(
      "id,quantity_to_sell_on_facebook,availability\n4001,6,in stock\n",
    );
    expect((await loadSettings(db(), shop)).feeds[0]).toMatchObject({
      issuedAt: new Date(NOW).toISOString(),
      lastFetchedAt: new Date(NOW + 60_000).toISOString(),
    });
    // The token is not kept anywhere readable.
    expect(JSON.stringify(await loadSettings(db(), shop))).not.toContain(token);

    const second = await issueFeedUrl(db(), { shop, channel: "meta", source: "api", nowMs: NOW + 1 }, deps);
    expect(second.replaced).toBe(true);
    expect(await serveFeed(db(), token, "csv", new Date(NOW))).toBeNull();
    const secondToken = second.urls.csv!.split("/")[4]!;
    expect(await serveFeed(db(), secondToken, "csv", new Date(NOW))).not.toBeNull();

    expect(await revokeFeedUrl(db(), { shop, channel: "meta", source: "admin", nowMs: NOW + 2 })).toBe(true);
    expect(await serveFeed(db(), secondToken, "csv", new Date(NOW))).toBeNull();
    expect(await revokeFeedUrl(db(), { shop, channel: "meta", source: "admin", nowMs: NOW + 3 })).toBe(false);
    expect((await loadSettings(db(), shop)).feeds[0]!.issuedAt).toBeNull();

    const texts = (await activity()).map((entry) =>
      activityText(
        { kind: entry.kind, channel: entry.channel, details: entry.details as Record<string, unknown> },
        "en",
      ),
    );
    expect(texts).toEqual([
      "Meta: fallback feed URL issued (in Ballast)",
      "Meta: fallback feed URL replaced; the previous one no longer works (through the API)",
      "Meta: fallback feed URL revoked (in Ballast)",
    ]);
  });
});

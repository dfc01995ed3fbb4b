// @database
/**
 * The Alerts page in a real browser, against the production build, with an open alert of
 * every kind Ballast can raise (details as its writers record them, items named): in
 * English and French, no alert code, `gid://` or other snake_case code is visible; each
 * alert shows its title, meaning, recommended action, the items it concerns and its
 * button; Resync really queues a resync; pausing asks first and Cancel changes nothing;
 * axe finds no serious violation. One browser, one server, three page loads.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_CHANNEL_ALERT_RULES } from "~/records/alert-settings";
import { ALERT_CATALOG, ALERT_KINDS, type AlertKind } from "~/records/alert-kinds";
import { channelLabel, describeAlert } from "~/records/alert-text";
import { raiseAlert, type AlertInput } from "~/records/alerts.server";
import { messagesFor } from "~/i18n";
import { CHANNEL_ALERT_RULES, SHOP_ALERT_RULES, type ChannelFacts, type ShopFacts } from "~/monitor/alert-rules";
import type { ChannelHealth } from "~/monitor/health.server";
import type { ChannelId } from "~/domain";
import { seriousViolations } from "./harness";
import { BIG_VARIANT_ID, seedItem } from "./seed";
import { browserWorld, hasChromium } from "./world";

const SHOP = "browser-alerts.myshopify.com";
const MINUTE = 60_000;

const RED = `gid://shopify/ProductVariant/${BIG_VARIANT_ID}`;
const BLUE = "gid://shopify/ProductVariant/44960469696700";
const MUG = "gid://shopify/ProductVariant/44960469696711";
/** The raw message a `shopify_unreachable` alert keeps for the API: never on the page. */
const SHOPIFY_TECHNICAL = "Shopify answered 503";

type Seeded = { channel: ChannelId | null; severity: AlertInput["severity"]; details: Record<string, unknown> };

/** Every kind, with details as its writer records them (the monitor's rules for theirs). */
function alertsOfEveryKind(now: Date): Record<AlertKind, Seeded> {
  const health: ChannelHealth = {
    channel: "meta",
    mode: "active",
    activatedAt: now.toISOString(),
    state: "active",
    pausedBy: null,
    lastPushAt: now.toISOString(),
    lag: { p50: 12 * MINUTE, p95: 42 * MINUTE, max: 55 * MINUTE, samples: 14, windowMinutes: 60 },
    oldestUnconfirmedMs: 35 * MINUTE,
    effectiveLagMs: 42 * MINUTE,
    driftItems: 2,
    driftMinutes: 260,
    longestDriftMinutes: 173,
    errors: 1,
    throttled: 18,
    parked: 2,
    credentialFailures: 1,
    pending: 18,
    audit: { itemsInSync: 40, checkedInWindow: 12, oldestCheckAt: null },
  };
  const facts = (channel: ChannelId): ChannelFacts => ({
    channel,
    health: { ...health, channel },
    rules: DEFAULT_CHANNEL_ALERT_RULES[channel],
    connection: { state: "active", lastHealthError: null, activatedAt: now },
    competing: [{ itemKey: BIG_VARIANT_ID, episodes: 4, medianSincePushMs: 3 * MINUTE }],
    items: {
      drift: [RED, BLUE],
      errors: [MUG],
      throttled: [RED, BLUE],
      parked: [BLUE],
      credentials: [MUG],
      competing: [RED],
    },
  });
  const shopFacts: ShopFacts = {
    now,
    webhookGapMinutes: 60,
    webhookGapMinDailyEvents: 24,
    lastWebhookAt: new Date(now.getTime() - 95 * MINUTE),
    webhooksInDayBefore: 800,
    reconciliationLastSeenAt: null,
    lastReconciledAt: null,
    reconcileQuietMs: 10 * MINUTE,
  };
  const channelOf: Partial<Record<AlertKind, ChannelId>> = {
    competing_writer: "google",
    push_errors: "google",
    credentials_revoked: "google",
  };
  const seeded = {} as Record<AlertKind, Seeded>;
  for (const rule of CHANNEL_ALERT_RULES) {
    const channel = channelOf[rule.kind] ?? "meta";
    seeded[rule.kind] = { channel, severity: rule.severity, details: rule.records?.(facts(channel)) ?? {} };
  }
  for (const rule of SHOP_ALERT_RULES)
    seeded[rule.kind] = { channel: null, severity: rule.severity, details: rule.records?.(shopFacts) ?? {} };
  // Written elsewhere: the worker's reconciliation, the metafield pickup, the token keeper.
  seeded.reconciliation_difference = {
    channel: null,
    severity: "warning",
    details: { levels: 3, mode: "incremental", variants: [MUG, RED] },
  };
  // As app/rules/metafield-pickup.server.ts records it: each refused setting's owner and its
  // problems as codes (app/records/setting-problems.ts), worded on the page.
  seeded.invalid_metafield = {
    channel: null,
    severity: "warning",
    details: {
      settings: [
        {
          owner: "gid://shopify/Product/8234567890999",
          ownerType: "product",
          title: "Enamel mug",
          problems: [{ code: "too_many_decimals", channel: "meta", field: "percent" }],
        },
        {
          owner: "gid://shopify/Shop/1",
          ownerType: "shop",
          title: null,
          problems: [
            { code: "too_small", channel: "google", field: "hold", tier: 2, bound: 0, inclusive: true },
            { code: "unknown_setting", channel: "meta", keys: ["holdback"] },
          ],
        },
      ],
      owners: ["gid://shopify/Product/8234567890999", "gid://shopify/Shop/1"],
    },
  };
  // As app/worker/reconcile-job.server.ts records it: the class and status, the raw message for the API only.
  seeded.shopify_unreachable = {
    channel: null,
    severity: "critical",
    details: { failure: "server_error", status: 503, technical: SHOPIFY_TECHNICAL },
  };
  seeded.shopify_auth_failed = {
    channel: null,
    severity: "critical",
    details: { status: 400, error: "invalid_grant", guidance: "open_ballast_in_shopify_admin" },
  };
  return seeded;
}

let seeded: Record<AlertKind, Seeded>;

const world = browserWorld(SHOP, async (database) => {
  await seedItem(database, SHOP, { available: 10 });
  await seedItem(database, SHOP, { variantId: "44960469696700", title: "Wool scarf — Blue", sku: "SCARF-BLUE" });
  await seedItem(database, SHOP, {
    variantId: "44960469696711",
    productId: "8234567890999",
    title: "Enamel mug — Green",
    sku: "MUG-GREEN",
  });
  const now = new Date();
  seeded = alertsOfEveryKind(now);
  const missing = ALERT_KINDS.filter((kind) => !seeded[kind]);
  if (missing.length > 0) throw new Error(`no alert seeded for ${missing.join(", ")}`);
  for (const kind of ALERT_KINDS)
    await raiseAlert(database, { shop: SHOP, kind, ...seeded[kind], at: new Date(now.getTime() - 20 * MINUTE) });
});

const open = async (locale: "en" | "fr") => {
  await world.open("/app/alerts", locale);
  await world.browser.page.getByRole("article").first().waitFor();
};

/** What a kind's button is called, and whether it is a button or a link to another page. */
function expectedControl(kind: AlertKind, channel: ChannelId | null, locale: "en" | "fr") {
  const text = describeAlert({ kind, channel, details: {} }, { locale, timeZone: null });
  const messages = messagesFor(locale);
  const name = channel ? channelLabel(channel, locale) : "";
  switch (text.suggestedAction) {
    case "resync":
      return { role: "button" as const, name: messages["alerts.button.resync"] };
    case "pause_channel":
      return { role: "button" as const, name: messages["alerts.button.pause_channel"].replace("{channel}", name) };
    case "reconnect":
      return { role: "link" as const, name: messages["alerts.button.reconnect"] };
    case "channel_settings":
      return { role: "link" as const, name: messages["alerts.button.channel_settings"].replace("{channel}", name) };
    case "open_item":
      return { role: "link" as const, name: messages["alerts.button.open_item"] };
    default:
      return null;
  }
}

/** Every alert in words: title, meaning, action, named items, its button; no code, no id. */
async function expectEveryAlertReadable(locale: "en" | "fr") {
  const page = world.browser.page;
  const body = await page.locator("body").innerText();
  for (const kind of ALERT_KINDS) expect(body, `code ${kind} visible`).not.toContain(kind);
  expect(body).not.toContain("gid://");
  expect(body.match(/\b[a-z]+_[a-z_]+\b/g)).toBeNull();
  expect(body).not.toContain(SHOPIFY_TECHNICAL);
  expect(await page.getByRole("article").count()).toBe(ALERT_KINDS.length);
  const where = (channel: ChannelId | null) =>
    channel ? channelLabel(channel, locale) : messagesFor(locale)["alerts.shopWide"];
  for (const kind of ALERT_KINDS) {
    const { channel, details } = seeded[kind];
    const words = describeAlert({ kind, channel, details }, { locale, timeZone: null });
    const article = page.getByRole("article", { name: `${words.title} — ${where(channel)}`, exact: true });
    expect(await article.count(), `${kind}: one alert`).toBe(1);
    const content = await article.innerText();
    expect(content, `${kind}: title`).toContain(words.title);
    expect(content, `${kind}: meaning`).toContain(words.meaning);
    expect(content, `${kind}: action`).toContain(words.action);
    // Details stored as codes are said in words: each refused setting, and why Shopify failed.
    if (kind === "invalid_metafield" || kind === "shopify_unreachable") {
      expect(words.facts.length, `${kind}: facts`).toBeGreaterThan(0);
      for (const fact of words.facts) expect(content, `${kind}: ${fact}`).toContain(fact);
    }
    if (ALERT_CATALOG[kind].concernsItems) {
      const items = article.getByRole("link", { name: /^(Wool scarf|Enamel mug) — / });
      expect(await items.count(), `${kind}: named items`).toBeGreaterThan(0);
      expect(await items.first().getAttribute("href")).toMatch(/\/app\/items\/[0-9]+(\?|$)/);
      expect(content, `${kind}: SKU`).toMatch(/SKU (SCARF|MUG)-/);
    }
    const control = expectedControl(kind, channel, locale);
    if (control)
      expect(await article.getByRole(control.role, { name: control.name }).count(), `${kind}: button`).toBe(1);
  }
  expect(await seriousViolations(page)).toEqual([]);
}

describe.skipIf(!hasChromium)("Alerts page in Chromium", () => {
  it(
    "in English: every alert reads as words with its items and button; Resync queues a resync; pausing asks first and Cancel changes nothing",
    { timeout: 120_000 },
    async () => {
      const page = world.browser.page;
      const database = world.database;
      await open("en");
      await expectEveryAlertReadable("en");

      await page.getByRole("button", { name: "Pause Meta…" }).click();
      const dialog = page.getByRole("dialog", { name: "Pause Meta?" });
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain("Meta will show every item as out of stock until you resume it");
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "hidden" });
      expect(
        await database.channelConnection.findUnique({ where: { shop_channel: { shop: SHOP, channel: "meta" } } }),
      ).toBeNull();
      expect(await database.activity.count({ where: { shop: SHOP, kind: "channel_paused" } })).toBe(0);

      const drift = page.getByRole("article", { name: "A channel shows different quantities — Meta" });
      await drift.getByRole("button", { name: "Resync now" }).click();
      await page.getByText("Resync started").waitFor();
      expect(await database.operation.count({ where: { shop: SHOP, kind: "resync" } })).toBe(1);
      // Nothing else changed: every alert is still open and unacknowledged.
      expect(await database.alert.count({ where: { shop: SHOP, resolvedAt: null, acknowledgedAt: null } })).toBe(
        ALERT_KINDS.length,
      );
    },
  );

  it("in French: every alert reads as French words with its items and button", { timeout: 60_000 }, async () => {
    await open("fr");
    await world.browser.page.getByRole("heading", { name: "Le délai du canal est élevé" }).waitFor();
    await expectEveryAlertReadable("fr");
  });
});

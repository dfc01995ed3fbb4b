// @database
/**
 * Destructive and store-wide actions ask first, in a real browser against the production
 * build: a cancel changes nothing in the database, a confirmation does what it said (in
 * numbers), the outcome stays on screen while the page reloads its data for a running
 * operation, and Activity says who did it. Times are in the shop's time zone (the fake
 * Shopify's shop is in Europe/Paris), which is also kept on the Shop row. English and
 * French, axe-clean with the confirmation open. One Chromium for the file, a context per shop.
 */
import { existsSync, readFileSync } from "node:fs";
import type { Browser as Chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialContext } from "~/channels/connection-config";
import { createKeyring, encryptSecret } from "~/security/crypto.server";
import { startFakeShopify, type FakeShopify } from "../../../sim/fakes/shopify";
import { startAppServer, type RunningApp } from "../../../sim/app-server";
import { createTestDatabase, type TestDatabase } from "../../support/database";
import { markOnboarded, seedOfflineSession } from "../../support/sessions";
import { TEST_API_KEY, TEST_ENCRYPTION_KEY, testServerEnv } from "../../support/shopify";
import {
  CHROMIUM,
  embeddedUrl,
  launchChromium,
  openBrowser,
  openPage,
  seriousViolations,
  type Browser,
} from "./harness";
import { legibilityProblems, NO_PROBLEMS } from "./legibility";
import { stopIdleServer } from "./world";
import { BIG_VARIANT_ID, LOCATION, seedItem } from "./seed";

const SHOPS = { en: "confirm-en.myshopify.com", fr: "confirm-fr.myshopify.com" } as const;
const BLUE_ID = "44960469696700";
// An instant whose wall clock differs between UTC (11:46) and Paris (12:46).
const OVERRIDE_AT = "2026-12-07T11:46:34Z";
const hasChromium = existsSync(CHROMIUM);

let testDatabase: TestDatabase;
let shopify: FakeShopify;
let app: RunningApp;
let chromium: Chromium;
const db = () => testDatabase.database;

/** A shop past onboarding: two items, Meta connected and active, a resync queued (the worker is not running). */
async function seedShop(shop: string) {
  await seedOfflineSession(db(), shop);
  await markOnboarded(db(), shop);
  const red = await seedItem(db(), shop, { available: 10 });
  const blue = await seedItem(db(), shop, { variantId: BLUE_ID, title: "Wool scarf — Blue", sku: "SCARF-BLUE" });
  await db().location.create({ data: { shop, gid: LOCATION, name: "Warehouse" } });
  await db().channelConnection.create({
    data: {
      shop,
      channel: "meta",
      state: "active",
      activatedAt: new Date(),
      config: { catalogId: "1234567890", itemIdTemplate: "{variantId}" },
      encryptedCredentials: encryptSecret(
        { accessToken: "EAAB-confirmations-token-123456" },
        createKeyring(Buffer.from(TEST_ENCRYPTION_KEY, "base64")),
        { context: credentialContext(shop, "meta") },
      ),
    },
  });
  const state = (channel: string, itemKey: string, variantGid: string, desired: number) => ({
    shop,
    channel,
    itemKey,
    variantGid,
    desired,
    desiredAvailability: "in_stock",
    explanation: {},
    computedAt: new Date(),
    pushed: desired,
    pushedAt: new Date(OVERRIDE_AT),
  });
  await db().channelItemState.createMany({
    data: [
      state("online_store", `gid://shopify/InventoryItem/${BIG_VARIANT_ID}|${LOCATION}`, red, 8),
      state("online_store", `gid://shopify/InventoryItem/${BLUE_ID}|${LOCATION}`, blue, 4),
      state("meta", BIG_VARIANT_ID, red, 7),
      state("meta", BLUE_ID, blue, 2),
    ],
  });
  await db().operation.create({ data: { shop, kind: "resync" } });
  await db().activity.create({
    data: {
      shop,
      kind: "override_set",
      channel: "meta",
      variantGid: blue,
      at: new Date(OVERRIDE_AT),
      details: { quantity: 1, expiresAt: "2026-12-08T09:00:00.000Z", sellable: 10, source: "admin" },
    },
  });
}

beforeAll(async () => {
  if (!hasChromium) return;
  testDatabase = await createTestDatabase();
  for (const shop of Object.values(SHOPS)) await seedShop(shop);
  shopify = await startFakeShopify({
    shops: Object.values(SHOPS).map((domain) => ({ domain, accessToken: `shpat_test_${domain}`, appId: TEST_API_KEY })),
  });
  [app, chromium] = await Promise.all([
    startAppServer(
      testServerEnv({
        DATABASE_URL: testDatabase.url,
        WORKER_MODE: "external",
        SHOPIFY_ADMIN_API_BASE_URL: shopify.url,
      }),
      { privateBuild: true },
    ),
    launchChromium(),
  ]);
  // The pages give Shopify 3 s for the shop's zone (then show UTC for five minutes): the fake's
  // first answer is not left to a page on a loaded machine.
  for (const shop of Object.values(SHOPS)) {
    await fetch(`${shopify.url}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": `shpat_test_${shop}` },
      body: JSON.stringify({ query: "{ shop { ianaTimezone } }" }),
    });
  }
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await stopIdleServer(app);
  await shopify?.close();
  await testDatabase?.drop();
});

const meta = (shop: string) =>
  db().channelConnection.findUnique({ where: { shop_channel: { shop, channel: "meta" } } });
const said = async (page: Browser["page"]) => (await page.getByRole("dialog").innerText()).replace(/\s+/g, " ");

describe.skipIf(!hasChromium)("confirmations in Chromium", () => {
  it(
    "asks before disconnecting Meta: cancel changes nothing, confirm deletes the credentials; the message stays while the page reloads; Activity says who, in the shop's zone (en)",
    { timeout: 150_000 },
    async () => {
      const shop = SHOPS.en;
      const browser = await openBrowser({
        appUrl: app.url,
        shop,
        picked: { id: "gid://shopify/Product/1", title: "unused" },
        chromium,
      });
      try {
        const page = browser.page;
        // Time flows as usual; the test moves it on where the page waits (its 2-second reloads).
        await page.clock.install();
        await openPage(page, embeddedUrl(app.url, shop, "/app/channels", "en"));
        // The layout asked Shopify for the shop's zone and kept it for the worker's emails.
        expect(
          (await db().shop.findUnique({ where: { shop } }))?.timeZone,
          app
            .output()
            .split("\n")
            .filter((line) => line.includes("time zone"))
            .join("\n"),
        ).toBe("Europe/Paris");
        await page.getByText("Last push: 7 Dec 2026, 12:46 CET").first().waitFor();

        await page.getByRole("button", { name: "Disconnect…" }).click();
        const dialog = page.getByRole("dialog");
        await dialog.getByText("Disconnect Meta?").waitFor();
        const text = await said(page);
        expect(text).toContain("Ballast deletes the credentials stored for Meta.");
        expect(text).toContain("Ballast stops updating 2 items on Meta");
        expect(await seriousViolations(page)).toEqual([]);
        expect(await legibilityProblems(page, "en")).toEqual(NO_PROBLEMS);
        await dialog.getByRole("button", { name: "Cancel" }).click();
        await dialog.waitFor({ state: "detached" });
        expect(await meta(shop)).toMatchObject({ state: "active", encryptedCredentials: expect.any(String) });
        expect(await db().activity.count({ where: { shop, kind: "channel_disconnected" } })).toBe(0);

        await page.getByRole("button", { name: "Disconnect…" }).click();
        await dialog.getByRole("button", { name: "Disconnect Meta" }).click();
        const done = page.getByText("Disconnected; credentials deleted");
        await done.waitFor();
        expect(await meta(shop)).toMatchObject({ state: "disconnected", encryptedCredentials: null });

        // The queued resync keeps the page reloading its data every 2 s: the message outlives the reloads.
        const reload = (response: { url(): string }) => new URL(response.url()).pathname.endsWith(".data");
        const revalidation = () =>
          page.evaluate(
            () =>
              (window as unknown as { __remixRouter: { state: { revalidation: string } } }).__remixRouter.state
                .revalidation,
          );
        for (let tick = 0; tick < 2; tick++) {
          const [response] = await Promise.all([page.waitForResponse(reload), page.clock.runFor(2_100)]);
          // The reloaded data is in and rendered: the response read to its end, Remix's router idle again.
          await response.finished();
          await expect.poll(revalidation, { timeout: 15_000 }).toBe("idle");
        }
        expect(await done.isVisible()).toBe(true);
        await page.getByRole("button", { name: "Dismiss notification" }).first().click();
        await done.waitFor({ state: "detached" });

        // Activity: who disconnected (the session token's user), times in Paris, search by SKU.
        await openPage(page, embeddedUrl(app.url, shop, "/app/activity", "en"));
        await page.getByText("Meta disconnected; credentials deleted").waitFor();
        expect(await page.getByText("by staff member 42").count()).toBe(1);
        await page.getByText("7 Dec 2026, 12:46 CET").first().waitFor();
        await page.getByText("Days and times in the shop's time zone (Europe/Paris).").waitFor();
        await page.getByLabel("Item title or SKU").fill("scarf-blue");
        await page.getByRole("button", { name: "Filter", exact: true }).click();
        await page.getByText("Meta disconnected; credentials deleted").waitFor({ state: "detached" });
        expect(await page.getByRole("link", { name: "Wool scarf — Blue (SCARF-BLUE)" }).count()).toBe(1);
        expect(await seriousViolations(page)).toEqual([]);
        expect(await legibilityProblems(page, "en")).toEqual(NO_PROBLEMS);

        // The export: the filtered log, fetched with the session token, saved as a file.
        const [download] = await Promise.all([
          page.waitForEvent("download"),
          page.getByRole("button", { name: "Export CSV" }).click(),
        ]);
        const csv = readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "");
        expect(csv.split("\r\n")).toEqual([
          "Time (Europe/Paris),Channel,Item,SKU,What happened,By,Kind of entry",
          '2026-12-07 12:46:34,Meta,Wool scarf — Blue,SCARF-BLUE,"Meta override set to 1 until 8 Dec 2026, 10:00 CET (10 sellable) (in Ballast)",,override_set',
          "",
        ]);
      } finally {
        await browser.close();
      }
    },
  );

  it(
    "asks before stopping the whole store, in numbers: cancel keeps it selling, confirm pauses it (fr)",
    { timeout: 150_000 },
    async () => {
      const shop = SHOPS.fr;
      const browser = await openBrowser({
        appUrl: app.url,
        shop,
        picked: { id: "gid://shopify/Product/1", title: "unused" },
        chromium,
      });
      try {
        const page = browser.page;
        await openPage(page, embeddedUrl(app.url, shop, "/app/channels", "fr"));
        await page.getByText("Dernier envoi : 7 déc. 2026, 12:46 UTC+1").first().waitFor();
        const online = () =>
          db().channelConnection.findUnique({ where: { shop_channel: { shop, channel: "online_store" } } });

        const pause = page.getByRole("button", { name: "Pause : arrêter la vente…" }).first();
        await pause.click();
        const dialog = page.getByRole("dialog");
        await dialog.getByText("Arrêter toute la vente de votre boutique Shopify ?").waitFor();
        const text = await said(page);
        expect(text).toContain("12 unités de 2 articles actuellement en vente");
        expect(text).toContain("votre point de vente (POS)");
        expect(await seriousViolations(page)).toEqual([]);
        expect(await legibilityProblems(page, "fr")).toEqual(NO_PROBLEMS);
        await dialog.getByRole("button", { name: "Annuler" }).click();
        await dialog.waitFor({ state: "detached" });
        expect((await online())?.state ?? "active").toBe("active");
        expect(await db().activity.count({ where: { shop, kind: "channel_paused" } })).toBe(0);

        await pause.click();
        await dialog.getByRole("button", { name: "Arrêter la vente sur Boutique en ligne" }).click();
        await page.getByText("Canal mis en pause").waitFor();
        expect(await online()).toMatchObject({ state: "paused_stop_selling", pausedBy: "merchant" });
        expect(await db().activity.findFirst({ where: { shop, kind: "channel_paused" } })).toMatchObject({
          channel: "online_store",
          actor: "42",
        });

        await openPage(page, embeddedUrl(app.url, shop, "/app/activity", "fr"));
        await page.getByText("7 déc. 2026, 12:46 UTC+1").first().waitFor();
        await page.getByText("par membre du personnel 42").first().waitFor();
        expect(await seriousViolations(page)).toEqual([]);
        expect(await legibilityProblems(page, "fr")).toEqual(NO_PROBLEMS);
      } finally {
        await browser.close();
      }
    },
  );
});

// @database
/**
 * The item list and the item page in a real browser, against the production build, in
 * English and French: find an item by SKU and by part of its title, open it, and read one
 * truth per channel (what it shows, what Ballast wants, a drift warning where they differ,
 * Google's wait for its update allowance as a state), with no raw id or field name on
 * screen, no table wider than its card, and nothing axe calls serious.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/db.server";
import { seriousViolations } from "./harness";
import { clippedTables } from "./legibility";
import { BIG_VARIANT_ID, LOCATION, seedItem } from "./seed";
import { browserWorld, hasChromium } from "./world";

const SHOP = "items-browser.myshopify.com";
const BLUE_VARIANT_ID = "44960469696700";
const MINUTE = 60_000;

/**
 * What the worker and the monitor would have written: Meta and Google connected and active;
 * the red scarf read back on Meta showing 9 where Ballast sent 7 (an open drift episode),
 * with a Meta error naming its raw field; the blue scarf (3 left) waiting for Google's
 * update allowance to pause its ads. The Online Store is observed (not activated).
 */
async function seedChannels(database: Database, red: string, blue: string) {
  const now = Date.now();
  await database.location.create({ data: { shop: SHOP, gid: LOCATION, name: "Warehouse Lyon" } });
  await database.channelConnection.createMany({
    data: ["meta", "google"].map((channel) => ({
      shop: SHOP,
      channel,
      activatedAt: new Date(now - 60 * MINUTE),
      encryptedCredentials: "k1:not-read-by-these-pages",
    })),
  });
  const row = { shop: SHOP, desiredAvailability: "in_stock", explanation: {}, computedAt: new Date(now - 10 * MINUTE) };
  await database.channelItemState.createMany({
    data: [
      {
        ...row,
        channel: "meta",
        itemKey: BIG_VARIANT_ID,
        variantGid: red,
        desired: 7,
        pushed: 7,
        pushedAt: new Date(now - 9 * MINUTE),
        confirmed: 9,
        confirmedAt: new Date(now - 8 * MINUTE),
        attempts: 1,
        lastError: "(#100) quantity_to_sell_on_facebook must be a number",
      },
      {
        ...row,
        channel: "online_store",
        itemKey: `gid://shopify/InventoryItem/${BIG_VARIANT_ID}|${LOCATION}`,
        variantGid: red,
        desired: 8,
      },
      {
        ...row,
        channel: "google",
        itemKey: `shopify_FR_8234567890123_${BLUE_VARIANT_ID}`,
        variantGid: blue,
        desired: 2,
        pushed: 1,
        pushedAt: new Date(now - 5 * 60 * MINUTE),
        confirmed: 1,
        confirmedAt: new Date(now - 4 * 60 * MINUTE),
        attempts: 1,
        lastError: "google_update_budget: updated 2 times in 24 h (Google asks for about 2); next update in 300 min",
        nextAttemptAt: new Date(now + 5 * 60 * MINUTE),
      },
    ],
  });
  await database.driftEpisode.create({
    data: {
      shop: SHOP,
      channel: "meta",
      itemKey: BIG_VARIANT_ID,
      variantGid: red,
      expected: 7,
      observed: 9,
      sincePushMs: MINUTE,
      startedAt: new Date(now - 8 * MINUTE),
    },
  });
}

const world = browserWorld(SHOP, async (database) => {
  const red = await seedItem(database, SHOP, { available: 10 });
  await database.variant.update({
    where: { shop_gid: { shop: SHOP, gid: red } },
    data: { barcode: "3701234567890" },
  });
  const blue = await seedItem(database, SHOP, {
    variantId: BLUE_VARIANT_ID,
    title: "Wool scarf — Blue",
    sku: "SCARF-BLUE",
    available: 3,
  });
  await seedItem(database, SHOP, { variantId: "44960469696800", title: "Linen apron", sku: "APRON-1", available: 5 });
  await seedChannels(database, red, blue);
});

// The search box waits for typing to pause before it searches: the page's clock, moved on by
// the test, does the waiting (time otherwise flows as usual). Installed before the first load.
beforeAll(async () => {
  if (hasChromium) await world.browser.page.clock.install();
});

/** The item titles in the list's rows, once the list shows exactly `count` of them. */
async function rowsOnceThere(count: number): Promise<string[]> {
  const rows = world.browser.page.locator("tbody tr");
  await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(count);
  return rows.evaluateAll((elements) => elements.map((row) => row.querySelector("a")?.textContent ?? ""));
}

async function search(label: string, text: string, expected: string[]) {
  const page = world.browser.page;
  await page.getByLabel(label).fill(text);
  // Each look moves the page's clock on past the typing pause, until the search is in the URL.
  await expect
    .poll(
      async () => {
        await page.clock.runFor(500);
        return new URL(page.url()).searchParams.get("query");
      },
      { timeout: 15_000 },
    )
    .toBe(text);
  expect(await rowsOnceThere(expected.length)).toEqual(expected);
}

/** What a person can read on the page (hidden text, such as a closed disclosure, left out). */
const visibleText = () => world.browser.page.evaluate(() => document.body.innerText);

async function expectReadable() {
  const text = await visibleText();
  expect(text).not.toContain("gid://");
  expect(text).not.toContain("quantity_to_sell_on_facebook");
  expect(text).not.toMatch(/google_update_budget|drift_check|sent_not_read|near_sellout|in_sync/);
  expect(await clippedTables(world.browser.page)).toEqual([]);
  expect(await seriousViolations(world.browser.page)).toEqual([]);
}

/** Each channel card gives one value for what the channel shows and one for what Ballast wants. */
async function oneTruthPerChannel() {
  for (const channel of ["online_store", "meta", "google"]) {
    expect(await world.browser.page.getByTestId(`shows-${channel}`).count()).toBe(1);
    expect(await world.browser.page.getByTestId(`now-${channel}`).count()).toBe(1);
    expect(await world.browser.page.getByTestId(`status-${channel}`).count()).toBe(1);
  }
}

describe.skipIf(!hasChromium)("items in Chromium", () => {
  it(
    "finds an item by SKU and by part of its title, and its page shows Meta's drift as one truth, in English",
    { timeout: 120_000 },
    async () => {
      const page = world.browser.page;
      await world.open("/app/items", "en");
      await page.getByRole("heading", { name: "Items", exact: true }).waitFor();
      expect(await rowsOnceThere(3)).toEqual(["Linen apron", "Wool scarf — Blue", "Wool scarf — Red"]);
      await expectReadable();

      await search("Search items", "scarf-red", ["Wool scarf — Red"]);
      // The row says what Meta shows and flags the drift.
      const row = page.locator("tbody tr").first();
      expect(await row.getByTestId("list-meta").textContent()).toBe("9");
      expect(await row.textContent()).toContain("Drift");
      expect(await row.textContent()).toContain("3701234567890");
      await search("Search items", "SCARF — r", ["Wool scarf — Red"]);
      await search("Search items", "wool", ["Wool scarf — Blue", "Wool scarf — Red"]);
      // The same list through the API, with the page's session token (the App Bridge stub adds it).
      const api = await page.evaluate(async () => {
        const found = await fetch("/api/v1/items?query=scarf-blue");
        const refused = await fetch("/api/v1/items?filter=sold");
        return {
          found: (await found.json()) as { items: { title: string }[]; total: number },
          refused: refused.status,
        };
      });
      expect(api.found.total).toBe(1);
      expect(api.found.items.map((item) => item.title)).toEqual(["Wool scarf — Blue"]);
      expect(api.refused).toBe(400);

      await page.getByRole("link", { name: "Wool scarf — Red" }).click();
      await page.waitForURL(new RegExp(`/app/items/${BIG_VARIANT_ID}`));
      await page.getByTestId("status-meta").waitFor();
      await oneTruthPerChannel();
      expect(await page.getByTestId("shows-meta").textContent()).toBe("9");
      expect(await page.getByTestId("now-meta").textContent()).toBe("7");
      expect(await page.getByTestId("status-meta").getAttribute("data-status")).toBe("drift");
      const drift = await page.getByTestId("status-meta").textContent();
      expect(drift).toContain("Drift: Meta shows 9, not 7");
      expect(drift).toMatch(/For (8|9) minutes, since /);
      expect(drift).toContain("Meta shows more than you want to sell there");
      expect(await page.getByTestId("explanation-meta").textContent()).toBe(
        "Ballast wants Meta to show 7: you have 10 to sell, your rule keeps 25% back, rounded up, so 3 are kept back.",
      );
      // Names, not ids: the location by its name.
      expect(await page.getByRole("row").filter({ hasText: "Warehouse Lyon" }).count()).toBeGreaterThan(0);
      await expectReadable();

      // The precise calculation on demand, the row-by-row detail fitting its card.
      for (const button of await page.getByRole("button", { name: "How this is calculated" }).all())
        await button.click();
      await expect.poll(() => page.getByTestId("formula-meta").textContent()).toContain("Meta 7 = 10 sellable");
      expect(await page.getByRole("row").filter({ hasText: "Meta item 44960469696645123" }).count()).toBe(1);
      expect(await clippedTables(world.browser.page)).toEqual([]);
    },
  );

  it(
    "finds an item by SKU and by part of its title in French; Google's wait for its allowance reads as a state",
    { timeout: 120_000 },
    async () => {
      const page = world.browser.page;
      await world.open("/app/items", "fr");
      await page.getByRole("heading", { name: "Articles", exact: true }).waitFor();
      await rowsOnceThere(3);
      await expectReadable();
      await search("Rechercher des articles", "APRON-1", ["Linen apron"]);
      await search("Rechercher des articles", "blue", ["Wool scarf — Blue"]);
      // Google: in stock now, Ballast wants the ads paused; a wait, not a failure.
      const row = page.locator("tbody tr").first();
      expect(await row.getByTestId("list-google").textContent()).toBe("En stock");
      expect(await row.textContent()).toContain("En attente du quota de Google");

      await page.getByRole("link", { name: "Wool scarf — Blue" }).click();
      await page.waitForURL(new RegExp(`/app/items/${BLUE_VARIANT_ID}`));
      await page.getByTestId("status-google").waitFor();
      await oneTruthPerChannel();
      expect(await page.getByTestId("shows-google").textContent()).toBe("En stock");
      expect(await page.getByTestId("now-google").textContent()).toBe("En stock, annonces en pause (bientôt épuisé)");
      expect(await page.getByTestId("status-google").getAttribute("data-status")).toBe("waiting_allowance");
      const status = await page.getByTestId("status-google").textContent();
      expect(status).toContain("En attente du quota de mises à jour de Google");
      expect(status).toContain("Rien à faire.");
      expect(await page.getByTestId("explanation-google").textContent()).toMatch(
        /^Ballast veut que Google l'affiche en stock, annonces en pause\u00a0: vous en avez 3 à vendre, .*ses annonces sont en pause/,
      );
      await expectReadable();
    },
  );
});

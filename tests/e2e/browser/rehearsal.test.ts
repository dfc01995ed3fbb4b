// @database
/**
 * "Rehearse my settings" in a real browser, against the production build, in English and
 * French: choose the quick family, start it (the page says live channels are not touched),
 * see it waiting, let the worker run it (here, in the test's process: the server has no
 * worker), and read the cost table (the four ways of syncing as columns, each harm in plain
 * words), the sentence naming the cheapest and the chart, with no raw id or code on screen,
 * no table wider than its card and nothing axe calls serious. The page's reload timer runs on
 * the page's clock, moved on by the test.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CHANNEL_TIMING } from "~/domain";
import { RehearsalJob } from "~/worker/rehearsal-job.server";
import { seriousViolations } from "./harness";
import { clippedTables, legibilityProblems, NO_PROBLEMS } from "./legibility";
import { seedItem } from "./seed";
import { browserWorld, hasChromium } from "./world";

const SHOP = "rehearsal-browser.myshopify.com";

const world = browserWorld(SHOP, async (database) => {
  const items = [
    { title: "Wool scarf — Red", sku: "SCARF-RED", available: 12 },
    { title: "Wool scarf — Blue", sku: "SCARF-BLUE", available: 4 },
    { title: "Linen apron", sku: "APRON-1", available: 7 },
    { title: "Canvas tote", sku: "TOTE-1", available: 20 },
  ];
  for (const [index, item] of items.entries())
    await seedItem(database, SHOP, {
      ...item,
      variantId: String(44960469696700 + index),
      productId: String(900 + index),
    });
});

// The page reloads its data every 2 s while a rehearsal runs: the test moves the page's clock on instead of waiting.
beforeAll(async () => {
  if (hasChromium) await world.browser.page.clock.install();
});

/** The worker's part, in the test's process: every queued rehearsal of the shop, run to its end. */
async function runQueuedRehearsals() {
  const job = new RehearsalJob({
    database: world.database,
    clock: () => new Date(),
    schedule: { pushIntervalMs: (channel) => DEFAULT_CHANNEL_TIMING[channel].pushIntervalMs },
  });
  await job.run(SHOP);
}

async function expectReadable(locale: "en" | "fr") {
  const page = world.browser.page;
  expect(await legibilityProblems(page, locale)).toEqual(NO_PROBLEMS);
  expect(await clippedTables(page)).toEqual([]);
  expect(await seriousViolations(page)).toEqual([]);
}

/** Starts the quick family, sees it waiting, runs it, and waits for the page to show the table. */
async function rehearse(words: { family: string; start: string; waiting: string; table: string }) {
  const page = world.browser.page;
  await page.getByRole("radio", { name: words.family }).check();
  await page.getByRole("button", { name: words.start }).click();
  await page.getByText(words.waiting).waitFor();
  await runQueuedRehearsals();
  await expect
    .poll(
      async () => {
        await page.clock.runFor(2_100);
        return page.getByRole("region", { name: words.table }).count();
      },
      { timeout: 20_000 },
    )
    .toBe(1);
}

/** The table's column headings and row labels, as read. */
async function tableText() {
  const page = world.browser.page;
  const headings = await page.locator("thead th").allInnerTexts();
  const labels = await page.locator("tbody tr th, tbody tr td:first-child").allInnerTexts();
  return { headings: headings.join(" | "), labels: labels.join(" | ") };
}

describe.skipIf(!hasChromium)("rehearse my settings in Chromium", { shuffle: false }, () => {
  it(
    "rehearses the quick family on the shop's own catalog and shows the cost table, in English",
    { timeout: 120_000 },
    async () => {
      const page = world.browser.page;
      await world.open("/app/rehearsal", "en");
      await page.getByRole("heading", { name: "Rehearse my settings", exact: true }).waitFor();
      expect(await page.getByText("your live channels are not touched").count()).toBe(1);
      expect(await page.getByText("Your 4 variants with stock will be rehearsed").count()).toBe(1);
      await expectReadable("en");

      await rehearse({
        family: "Quick check",
        start: "Start the rehearsal",
        waiting: "Waiting for Ballast to start it",
        table: "Cost of each way of syncing",
      });
      const { headings, labels } = await tableText();
      for (const name of ["Native sync", "Fixed buffers", "Your settings", "Physical limit"])
        expect(headings).toContain(name);
      for (const row of [
        "Total cost",
        "Sold without stock",
        "Buyers sent to a sold-out page",
        "Sales missed by buffers",
      ])
        expect(labels).toContain(row);
      expect(await page.getByTestId("rehearsal-cheapest").textContent()).toMatch(
        /^Of the ways you can sync, “(Native sync|Fixed buffers|Your settings)” cost least here: .+\. The physical limit would have cost .+\.$/,
      );
      expect(await page.getByText("Quick check: what each way of syncing would have cost").count()).toBe(1);
      expect(await page.getByRole("img", { name: "Units" }).count()).toBe(1);
      expect(await page.getByRole("img", { name: "Products" }).count()).toBe(1);
      await expectReadable("en");
    },
  );

  it("rehearses it again and shows the table in French", { timeout: 120_000 }, async () => {
    const page = world.browser.page;
    await world.open("/app/rehearsal", "fr");
    await page.getByRole("heading", { name: "Répéter mes réglages", exact: true }).waitFor();
    expect(await page.getByText("vos canaux en ligne ne sont pas touchés").count()).toBe(1);
    await rehearse({
      family: "Aperçu rapide",
      start: "Lancer la répétition",
      waiting: "En attente du démarrage par Ballast",
      table: "Coût de chaque façon de synchroniser",
    });
    const { headings, labels } = await tableText();
    for (const name of ["Synchronisation native", "Réserves fixes", "Vos réglages", "Limite physique"])
      expect(headings).toContain(name);
    for (const row of ["Coût total", "Vendu sans stock", "Acheteurs envoyés vers une page épuisée"])
      expect(labels).toContain(row);
    expect(await page.getByTestId("rehearsal-cheapest").textContent()).toMatch(
      /^Des façons de synchroniser à votre portée, « (Synchronisation native|Réserves fixes|Vos réglages) » a coûté le moins ici/,
    );
    expect(await page.getByRole("img", { name: "Unités" }).count()).toBe(1);
    await expectReadable("fr");
    // Two rehearsals asked for, each run once to its end.
    expect(await world.database.operation.count({ where: { shop: SHOP, kind: "rehearsal", state: "succeeded" } })).toBe(
      2,
    );
  });
});

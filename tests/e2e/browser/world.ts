/**
 * One browser test file's world: a fresh database with the shop installed and onboarded, plus
 * what the test seeds; fake Shopify serving the shop (the layout asks it for the shop's time
 * zone); the production build on its own copy (a rebuild by another run cannot take its chunks
 * away mid-test), without a worker; and Chromium, embedded the way Shopify admin embeds the app.
 * Registers its own beforeAll/afterAll, which do nothing without Chromium; read the fields
 * inside tests.
 */
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { Database } from "~/db.server";
import { startFakeShopify, type FakeShopify } from "../../../sim/fakes/shopify";
import { startAppServer, type RunningApp } from "../../../sim/app-server";
import { createTestDatabase, type TestDatabase } from "../../support/database";
import { markOnboarded, seedOfflineSession } from "../../support/sessions";
import { TEST_API_KEY, testServerEnv } from "../../support/shopify";
import type { Browser as Chromium, Page } from "playwright-core";
import { CHROMIUM, embeddedUrl, launchChromium, openBrowser, openPage, type Browser } from "./harness";

export const hasChromium = existsSync(CHROMIUM);

export interface BrowserWorld {
  testDatabase: TestDatabase;
  database: Database;
  shopify: FakeShopify;
  app: RunningApp;
  browser: Browser;
  /** Opens one of the app's pages the way Shopify admin does (a full load), and waits until it is hydrated. */
  open(pathname: string, locale?: "en" | "fr"): Promise<void>;
}

export function browserWorld(shop: string, seed?: (database: Database) => Promise<void>): BrowserWorld {
  const world = {
    async open(pathname: string, locale: "en" | "fr" = "en") {
      await openPage(world.browser.page, embeddedUrl(world.app.url, shop, pathname, locale));
    },
  } as BrowserWorld;
  let launched: Chromium | undefined;
  beforeAll(async () => {
    if (!hasChromium) return;
    world.testDatabase = await createTestDatabase();
    world.database = world.testDatabase.database;
    await seedOfflineSession(world.database, shop);
    await markOnboarded(world.database, shop);
    await seed?.(world.database);
    world.shopify = await startFakeShopify({
      shops: [{ domain: shop, accessToken: `shpat_test_${shop}`, appId: TEST_API_KEY }],
    });
    // Chromium starts while the server does.
    const chromium = launchChromium();
    try {
      world.app = await startAppServer(
        testServerEnv({
          DATABASE_URL: world.testDatabase.url,
          WORKER_MODE: "external",
          SHOPIFY_ADMIN_API_BASE_URL: world.shopify.url,
        }),
        { privateBuild: true },
      );
    } finally {
      launched = await chromium;
    }
    // The resource picker is not used by these pages; the stub needs an answer all the same.
    world.browser = await openBrowser({
      appUrl: world.app.url,
      shop,
      picked: { id: "gid://shopify/Product/1", title: "unused" },
      chromium: launched,
    });
  }, 120_000);
  afterAll(async () => {
    await world.browser?.close();
    await launched?.close();
    await stopIdleServer(world.app);
    await world.shopify?.close();
    await world.testDatabase?.drop();
  });
  return world;
}

/**
 * Stops a server with nothing in flight (the browser closed, no worker inside) at once. Stopped
 * gracefully, it would live on until the stream timers Remix arms for every response run out
 * (app/entry.server.tsx's abort and single fetch's own: 5-6 s after the last request), which
 * is only waiting.
 */
export async function stopIdleServer(app: RunningApp | undefined): Promise<void> {
  if (!app) return;
  app.process.kill("SIGKILL");
  await app.stop();
}

/** Where screenshots go: docs/screenshots with BALLAST_UPDATE_SCREENSHOTS=1, a fresh temporary folder otherwise. */
export function screenshotFolder(): string {
  if (process.env.BALLAST_UPDATE_SCREENSHOTS !== "1") return mkdtempSync(path.join(tmpdir(), "ballast-screenshots-"));
  const folder = path.join(process.cwd(), "docs", "screenshots");
  mkdirSync(folder, { recursive: true });
  return folder;
}

/**
 * A screenshot for the README (docs/screenshots), taken only when asked with
 * BALLAST_UPDATE_SCREENSHOTS=1: a full-page one costs the browser more than the checks around it.
 */
export async function screenshotWhenAsked(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  if (process.env.BALLAST_UPDATE_SCREENSHOTS !== "1") return;
  await page.screenshot({ path: path.join(screenshotFolder(), name), fullPage: options.fullPage ?? false });
}

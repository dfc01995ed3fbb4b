/**
 * A real browser (Debian Chromium via playwright-core) against the production build,
 * embedded the way Shopify admin embeds it: a valid session token in the first URL, and
 * App Bridge's CDN script replaced by a small stub that does what the real one does for
 * the app (adds the session token to same-origin fetches, answers the resource picker).
 * Every request leaving the machine fails.
 *
 * No request is intercepted (Playwright's routing turns the HTTP cache off: every page load
 * fetched, unzipped and compiled the app's 2 MB of scripts again): the stub is an init script,
 * run before the page's own, and every host but loopback is sent to a proxy that cannot be
 * reached.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { chromium, type Browser as Chromium, type BrowserContext, type Page } from "playwright-core";
import { sessionToken, TEST_API_KEY, BROWSER_USER_AGENT } from "../../support/shopify";

/**
 * Debian's headless shell of Chromium (package chromium-headless-shell: the same Blink, without
 * the browser's own UI) when installed, else Debian's Chromium. The full browser in headless
 * mode still builds its UI: a launch costs it ~1.3 s of CPU, the shell ~0.2 s, and each page
 * costs it less too (Playwright prefers the shell for headless runs for the same reason).
 */
const HEADLESS_SHELL = "/usr/bin/chromium-headless-shell";
export const CHROMIUM = existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : "/usr/bin/chromium";

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

function appBridgeStub(shop: string, token: string, picked: { id: string; title: string }): string {
  return `
    (function () {
      var token = ${JSON.stringify(token)};
      var originalFetch = window.fetch.bind(window);
      window.fetch = function (input, init) {
        var url = new URL(typeof input === "string" ? input : input.url, window.location.href);
        if (url.origin === window.location.origin) {
          init = init || {};
          var headers = new Headers(init.headers || (typeof input === "string" ? undefined : input.headers));
          headers.set("Authorization", "Bearer " + token);
          init.headers = headers;
        }
        return originalFetch(input, init);
      };
      window.__resourcePickerCalls = [];
      window.shopify = {
        config: { apiKey: ${JSON.stringify(TEST_API_KEY)}, shop: ${JSON.stringify(shop)}, locale: "en" },
        environment: { embedded: true, mobile: false, pos: false },
        idToken: function () { return Promise.resolve(token); },
        resourcePicker: function (options) {
          window.__resourcePickerCalls.push(options);
          return Promise.resolve([${JSON.stringify(picked)}]);
        },
        toast: { show: function () {}, hide: function () {} },
        loading: function () {},
        modal: { show: function () {}, hide: function () {} },
        saveBar: { show: function () {}, hide: function () {} },
      };
    })();
  `;
}

/**
 * Chromium for one test file: several tests (shops) share it, each in a context of its own
 * (openBrowser's `chromium`): a context costs milliseconds, a launch far more. Playwright
 * already passes the flags that keep a test browser quiet (no extensions, sync, component
 * updates, background networking or first-run, /dev/shm unused); no GPU here, no QUIC needed.
 */
export function launchChromium(): Promise<Chromium> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Loopback (the app) bypasses a proxy; everything else is sent to one at port 0, which fails at once.
    args: ["--disable-gpu", "--disable-quic", "--proxy-server=http://0.0.0.0:0"],
  });
}

/**
 * A browser context embedded for `shop`: App Bridge stubbed with the shop's session token (the
 * CDN's script itself fails, like every request off the machine). In `chromium` when given
 * (closing the context leaves that browser open), else in a Chromium of its own that closing
 * it closes.
 */
export async function openBrowser(options: {
  /** The app's URL (on loopback, so reachable; every other host fails). */
  appUrl: string;
  shop: string;
  picked: { id: string; title: string };
  chromium?: Chromium;
}): Promise<Browser> {
  const own = options.chromium ? null : await launchChromium();
  const context = await (options.chromium ?? own!).newContext({
    userAgent: BROWSER_USER_AGENT,
    viewport: { width: 1280, height: 900 },
  });
  const token = sessionToken(options.shop, { expiresInSeconds: 3600 });
  await context.addInitScript({ content: appBridgeStub(options.shop, token, options.picked) });
  const page = await context.newPage();
  return {
    context,
    page,
    async close() {
      await context.close();
      await own?.close();
    },
  };
}

/**
 * Polaris's AppProvider (the app layout's) styles <body> when it mounts: React has committed
 * the hydrated page, its handlers are attached. Server HTML never carries that style.
 */
export async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.style.backgroundColor !== "");
}

/**
 * Opens a page of the app (a full load, as Shopify admin does) and waits until it is
 * hydrated: a specific signal, not 500 ms of network quiet ("networkidle").
 */
export async function openPage(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: "domcontentloaded" });
  await hydrated(page);
}

/** The URL Shopify admin opens: embedded, with host, locale and a fresh session token. */
export function embeddedUrl(appUrl: string, shop: string, pathname: string, locale: "en" | "fr" = "en"): string {
  const host = Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64url");
  const query = new URLSearchParams({
    embedded: "1",
    shop,
    host,
    locale,
    id_token: sessionToken(shop, { expiresInSeconds: 3600 }),
  });
  return `${appUrl}${pathname}${pathname.includes("?") ? "&" : "?"}${query.toString()}`;
}

const AXE_SOURCE = readFileSync(path.join(process.cwd(), "node_modules/axe-core/axe.min.js"), "utf8");
let axeServer: Promise<string> | undefined;

/**
 * axe-core as a cacheable script on loopback, for this test process: added by URL, Chromium
 * compiles its 0.5 MB once and reuses the code on every later page (added inline, it was
 * compiled again each time: about a third of each accessibility check).
 */
function axeUrl(): Promise<string> {
  axeServer ??= new Promise((resolve) => {
    const server = createServer((_request, response) => {
      response.writeHead(200, {
        "Content-Type": "text/javascript",
        "Cache-Control": "public, max-age=31536000, immutable",
        Connection: "close",
      });
      response.end(AXE_SOURCE);
    });
    server.listen(0, "127.0.0.1", () => {
      server.unref();
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/axe.min.js`);
    });
  });
  return axeServer;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
  targets: string[];
}

/**
 * axe-core in the page: serious and critical violations (WCAG 2 A/AA rules). axe is added once
 * per document (axeUrl); only violations are collected in full (`resultTypes`: passes and the rest keep
 * one node each, which nobody reads, and skipping their selectors is most of axe's time).
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ url: await axeUrl() });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: Document,
            options: object,
          ) => Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
      resultTypes: ["violations"],
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.length,
      targets: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")),
    }));
  });
  return violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
}

/** Largest Contentful Paint and Cumulative Layout Shift of the loaded page, from the browser's own entries. */
export async function webVitals(page: Page): Promise<{ lcpMs: number | null; cls: number }> {
  return page.evaluate(
    () =>
      new Promise<{ lcpMs: number | null; cls: number }>((resolve) => {
        let lcp: number | null = null;
        let cls = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) lcp = entry.startTime;
        }).observe({ type: "largest-contentful-paint", buffered: true });
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
            if (!entry.hadRecentInput) cls += entry.value;
          }
        }).observe({ type: "layout-shift", buffered: true });
        // Buffered entries are delivered asynchronously; two frames later they are in.
        requestAnimationFrame(() =>
          requestAnimationFrame(() =>
            resolve({ lcpMs: lcp === null ? null : Math.round(lcp), cls: Number(cls.toFixed(4)) }),
          ),
        );
      }),
  );
}

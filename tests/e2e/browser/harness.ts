/**
 * A real browser (Debian Chromium via playwright-core) against the production build,
 * embedded the way Shopify admin embeds it: a valid session token in the first URL, and
 * App Bridge's CDN script replaced by a small stub that does what the real one does for
 * the app (adds the session token to same-origin fetches, answers the resource picker).
 * Every other request leaving the machine is aborted.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { sessionToken, TEST_API_KEY, BROWSER_USER_AGENT } from "../../support/shopify";

export const CHROMIUM = "/usr/bin/chromium";

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

export async function openBrowser(options: {
  appUrl: string;
  shop: string;
  picked: { id: string; title: string };
}): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), "ballast-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    userAgent: BROWSER_USER_AGENT,
    viewport: { width: 1280, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const token = sessionToken(options.shop, { expiresInSeconds: 3600 });
  const stub = appBridgeStub(options.shop, token, options.picked);
  const appOrigin = new URL(options.appUrl).origin;
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (url.startsWith("https://cdn.shopify.com/shopifycloud/app-bridge.js")) {
      return route.fulfill({ status: 200, contentType: "text/javascript", body: stub });
    }
    if (url.startsWith(appOrigin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
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

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
  targets: string[];
}

/** axe-core in the page: serious and critical violations (WCAG 2 A/AA rules). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
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

// @vitest-environment jsdom
/**
 * The admin product block (extensions/ballast-product-block) under Shopify's own test
 * harness (@shopify/ui-extensions-tester): it reads shopify.extension.toml, installs a
 * mock `shopify` global for the target and renders the module into a DOM.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getExtension } from "@shopify/ui-extensions-tester";
import { waitFor } from "@testing-library/preact";

const EXTENSION_DIR = path.join(process.cwd(), "extensions", "ballast-product-block");
let extension: ReturnType<typeof getExtension<"admin.product-details.block.render">>;
let bundleDir: string;

// The tester imports the module named in shopify.extension.toml with Node's own loader,
// which cannot read TypeScript: bundle it first, as the Shopify CLI does on deploy, and
// point a copy of the TOML at the bundle.
beforeAll(async () => {
  bundleDir = mkdtempSync(path.join(tmpdir(), "ballast-extension-"));
  // In a child process: esbuild refuses to run inside jsdom's globals.
  execFileSync(path.join(process.cwd(), "node_modules", "esbuild", "bin", "esbuild"), [
    path.join(EXTENSION_DIR, "src", "ProductBlock.tsx"),
    "--bundle",
    "--format=esm",
    "--platform=browser",
    "--jsx=automatic",
    "--jsx-import-source=preact",
    `--outfile=${path.join(bundleDir, "ProductBlock.mjs")}`,
    "--log-level=warning",
  ]);
});

let run = 0;
/** A fresh copy per test: Node caches imported modules, and each test needs a fresh render. */
function freshExtension() {
  const dir = path.join(bundleDir, `run-${++run}`);
  mkdirSync(dir);
  copyFileSync(path.join(bundleDir, "ProductBlock.mjs"), path.join(dir, "ProductBlock.mjs"));
  const toml = readFileSync(path.join(EXTENSION_DIR, "shopify.extension.toml"), "utf8").replace(
    "./src/ProductBlock.tsx",
    "./ProductBlock.mjs",
  );
  writeFileSync(path.join(dir, "shopify.extension.toml"), toml);
  return getExtension("admin.product-details.block.render", { configSearchDir: dir });
}

afterAll(() => {
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

const PRODUCT = "gid://shopify/Product/8234567890123";
const VARIANT = "gid://shopify/ProductVariant/44960469696645123";

beforeEach(() => {
  // A new <body>: the tester's teardown unmounts with its own copy of Preact, which leaves
  // the previous bundle's render state on the old body.
  document.documentElement.replaceChild(document.createElement("body"), document.body);
  extension = freshExtension();
  extension.setUp();
  (extension.shopify as unknown as { data: { selected: { id: string }[] } }).data.selected = [{ id: PRODUCT }];
});

afterEach(() => {
  extension.tearDown();
});

describe("Ballast product block", () => {
  it("asks Ballast for the product's items and shows each channel's quantity with a link to the item", async () => {
    const fetchMock = vi.fn().mockResolvedValue(
      Response.json({
        productId: PRODUCT,
        items: [
          {
            variantId: VARIANT,
            title: "Wool scarf — Red",
            sku: "SCARF-RED",
            sellable: 10,
            channels: [
              {
                channel: "online_store",
                state: "active",
                quantity: 8,
                availability: "in_stock",
                explanation: "",
                override: null,
              },
              {
                channel: "meta",
                state: "paused_stop_selling",
                quantity: 0,
                availability: "out_of_stock",
                explanation: "",
                override: null,
              },
              {
                channel: "google",
                state: "active",
                quantity: 6,
                availability: "in_stock",
                explanation: "",
                override: null,
              },
            ],
          },
        ],
      }),
    );
    extension.fetch = fetchMock;

    await extension.render();

    await waitFor(() => expect(document.body.querySelectorAll("s-link")).toHaveLength(1));
    expect(fetchMock).toHaveBeenCalledWith("/api/v1/products/8234567890123/items");
    const texts = [...document.body.querySelectorAll("s-text")].map((element) => element.textContent);
    // The mock i18n returns keys: the structure is what is checked here.
    expect(texts).toEqual(["Wool scarf — Red · sellable", "online_store: 8", "meta: 0 (paused)", "google: 6"]);
    // The id above 2^53 is kept exactly in the link.
    expect(document.body.querySelector("s-link")?.getAttribute("href")).toBe("app:/app/items/44960469696645123");
  });

  it("says so when Ballast cannot be reached", async () => {
    extension.fetch = vi
      .fn()
      .mockResolvedValue(
        Response.json(
          { error: { code: "unauthorized", message: "a valid session token is required" } },
          { status: 401 },
        ),
      );

    await extension.render();

    await waitFor(() => expect(document.body.querySelector("s-banner")).not.toBeNull());
    expect(document.body.querySelector("s-banner")?.getAttribute("tone")).toBe("critical");
  });
});

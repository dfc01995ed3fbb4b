// @database
/**
 * docs/api/openapi.yaml against the production build: every documented path and method is
 * served (a JSON answer, not "method not allowed" and not Remix's page for a missing route),
 * and every other method on a documented path answers 405. Keeps the document honest as
 * routes change.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BROWSER_USER_AGENT, sessionToken } from "../support/shopify";
import { BIG_VARIANT_ID } from "./browser/seed";
import { seededApp } from "../support/seeded-app";

const SHOP = "openapi-shop.myshopify.com";
const METHODS = ["get", "put", "post", "delete"] as const;
// Values for the documented path parameters.
const PARAMETERS: Record<string, string> = { variantId: BIG_VARIANT_ID, channel: "meta", productId: "8234567890123" };

/** Paths and their methods, read from the document's `paths:` block (two- and four-space keys). */
function documented(): Map<string, Set<string>> {
  const lines = readFileSync("docs/api/openapi.yaml", "utf8").split("\n");
  const start = lines.indexOf("paths:");
  const paths = new Map<string, Set<string>>();
  let current: Set<string> | null = null;
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break;
    const path = /^ {2}(\/\S*):\s*$/.exec(line);
    if (path) paths.set(path[1]!, (current = new Set()));
    const method = /^ {4}(get|put|post|delete|patch):\s*$/.exec(line);
    if (method && current) current.add(method[1]!);
  }
  return paths;
}

const seeded = seededApp(SHOP);

async function call(method: string, path: string) {
  const url = `${seeded.app.url}/api/v1${path.replace(/\{(\w+)\}/g, (_, name: string) => PARAMETERS[name] ?? name)}`;
  const response = await fetch(url, {
    method: method.toUpperCase(),
    headers: {
      "User-Agent": BROWSER_USER_AGENT,
      Accept: "application/json",
      Authorization: `Bearer ${sessionToken(SHOP)}`,
      "Content-Type": "application/json",
    },
    body: method === "put" || method === "post" ? "{}" : undefined,
  });
  const text = await response.text();
  return {
    status: response.status,
    json: response.headers.get("content-type")?.includes("application/json")
      ? (JSON.parse(text) as { error?: { code?: string } })
      : null,
  };
}

describe("OpenAPI document", () => {
  it("documents the API's paths", () => {
    expect([...documented().keys()].sort()).toEqual([
      "/alerts",
      "/channels/{channel}/activate",
      "/channels/{channel}/observe",
      "/channels/{channel}/pause",
      "/channels/{channel}/resume",
      "/items",
      "/items/{variantId}",
      "/items/{variantId}/overrides/{channel}",
      "/products/{productId}/items",
      "/resync",
      "/settings",
      "/settings/auto-protect",
      "/settings/delivery",
      "/settings/feeds/{channel}",
      "/settings/test-delivery",
      "/settings/thresholds",
      "/settings/webhook-secret",
    ]);
  });

  it("every documented method is served, every other method answers 405", { timeout: 60_000 }, async () => {
    const wrong: string[] = [];
    for (const [path, methods] of documented()) {
      for (const method of METHODS) {
        const answer = await call(method, path);
        if (methods.has(method)) {
          // A validation error or "not found" for the item is fine: the route exists and answered in JSON.
          // 204 No Content (a DELETE that did its work) has no body to be JSON.
          if ((answer.json === null && answer.status !== 204) || answer.status === 405)
            wrong.push(`${method.toUpperCase()} ${path}: documented, answered ${answer.status}`);
        } else if (answer.status !== 405 || answer.json?.error?.code !== "method_not_allowed") {
          wrong.push(`${method.toUpperCase()} ${path}: not documented, answered ${answer.status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

/**
 * A failed read from Shopify is recorded as a stable class (and the HTTP status when there
 * was one), from the errors the Admin API client, the bulk reader and fetch really throw;
 * the raw message is kept only as `technical`.
 */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { AdminApiError, errorForGraphqlErrors, errorForHttpStatus } from "~/shopify/admin-errors";
import { BulkOperationError } from "~/shopify/bulk.server";
import { classifyShopifyFailure, classifyShopifyMessage, shopifyFailureDetails } from "./shopify-failure";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("classifying a failed read from Shopify", () => {
  it("classes the Admin API client's errors", () => {
    expect(classifyShopifyFailure(new AdminApiError("Shopify Admin API call timed out", "TIMEOUT", true))).toEqual({
      failure: "timeout",
    });
    expect(
      classifyShopifyFailure(new AdminApiError("Network error reaching Shopify: fetch failed", "NETWORK", true)),
    ).toEqual({ failure: "network" });
    expect(classifyShopifyFailure(errorForHttpStatus(503))).toEqual({ failure: "server_error", status: 503 });
    expect(classifyShopifyFailure(errorForHttpStatus(429, 2000))).toEqual({ failure: "throttled", status: 429 });
    expect(classifyShopifyFailure(errorForGraphqlErrors([{ extensions: { code: "THROTTLED" } }]))).toEqual({
      failure: "throttled",
    });
    expect(
      classifyShopifyFailure(
        errorForGraphqlErrors([{ message: "boom", extensions: { code: "INTERNAL_SERVER_ERROR" } }]),
      ),
    ).toEqual({ failure: "server_error" });
    expect(classifyShopifyFailure(errorForHttpStatus(403))).toEqual({ failure: "other", status: 403 });
    expect(classifyShopifyFailure(errorForGraphqlErrors([{ message: "Field 'x' doesn't exist" }]))).toEqual({
      failure: "other",
    });
  });

  it("classes the bulk reader's errors", () => {
    expect(classifyShopifyFailure(new BulkOperationError("still running after 720 polls", "timeout"))).toEqual({
      failure: "timeout",
    });
    expect(
      classifyShopifyFailure(
        new BulkOperationError("failed: INTERNAL_SERVER_ERROR", "failed", "INTERNAL_SERVER_ERROR"),
      ),
    ).toEqual({ failure: "server_error" });
    expect(classifyShopifyFailure(new BulkOperationError("was canceled", "canceled"))).toEqual({ failure: "other" });
  });

  it("classes a refused connection, an unknown host and a timeout from fetch", async () => {
    const refused = await fetch(`http://127.0.0.1:${await closedPort()}/`).catch((error: unknown) => error);
    expect(classifyShopifyFailure(refused)).toEqual({ failure: "network" });
    const dns = new TypeError("fetch failed", {
      cause: Object.assign(new Error("getaddrinfo ENOTFOUND shop.example"), { code: "ENOTFOUND" }),
    });
    expect(classifyShopifyFailure(dns)).toEqual({ failure: "network" });
    expect(
      classifyShopifyFailure(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
    ).toEqual({ failure: "timeout" });
    const connectTimeout = new TypeError("fetch failed", {
      cause: Object.assign(new Error("Connect Timeout Error"), { code: "UND_ERR_CONNECT_TIMEOUT" }),
    });
    expect(classifyShopifyFailure(connectTimeout)).toEqual({ failure: "timeout" });
  });

  it("classes anything else as other, and a bare message by its words", () => {
    expect(classifyShopifyFailure(new Error("database is locked"))).toEqual({ failure: "other" });
    expect(classifyShopifyFailure(undefined)).toEqual({ failure: "other" });
    expect(classifyShopifyMessage("bulk result download answered 502")).toEqual({
      failure: "server_error",
      status: 502,
    });
    expect(classifyShopifyMessage("Shopify answered 429: throttled")).toEqual({ failure: "throttled", status: 429 });
  });

  it("keeps the raw message, bounded, only as technical text beside the class", () => {
    const details = shopifyFailureDetails(errorForHttpStatus(502));
    expect(details).toEqual({ failure: "server_error", status: 502, technical: "Shopify answered 502" });
    expect(shopifyFailureDetails(new Error("x".repeat(1000))).technical).toHaveLength(300);
  });
});

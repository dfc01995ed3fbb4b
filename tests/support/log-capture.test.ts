/**
 * The suite-wide log scan works: the scanner recognises every kind of secret the suite
 * handles, and the app's logger really writes to the captured files it reads.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { logger } from "~/logger.server";
import { CUSTOMER, scanForSecrets } from "./secrets";
import { sessionToken, TEST_API_SECRET, TEST_ENCRYPTION_KEY } from "./shopify";

describe("scanForSecrets", () => {
  it.each([
    ["a Shopify offline token", `{"msg":"call","token":"shpat_0123456789abcdef"}`],
    ["a session token", `{"auth":"Bearer ${sessionToken("a.myshopify.com")}"}`],
    ["a PEM private key", `{"key":"-----BEGIN PRIVATE KEY-----\\nMIIEv..."}`],
    ["a Google refresh token", `{"body":"refresh_token=1//0gAbCdEfGhIjKl"}`],
    ["a Google access token", `{"h":"Bearer ya29.a0AfH6SMBxyz"}`],
    ["a Meta token", `{"url":"https://graph.facebook.com/v26.0/me?access_token=EAABsbCS1iHgBAKZ"}`],
    ["the API secret", `{"secret":"${TEST_API_SECRET}"}`],
    ["the encryption key", `{"key":"${TEST_ENCRYPTION_KEY}"}`],
    ["a customer's email", `{"order":{"email":"${CUSTOMER.email}"}}`],
    ["a customer's phone", `{"phone":"${CUSTOMER.phone}"}`],
    ["a customer's address", `{"address1":"${CUSTOMER.address1}"}`],
  ])("finds %s", (_name, line) => {
    const findings = scanForSecrets(`{"msg":"fine"}\n${line}\n`, "test");
    expect(findings.length).toBeGreaterThan(0);
    // The report masks what it found.
    expect(findings.map((finding) => finding.line).join("\n")).not.toContain(line);
  });

  it("finds nothing in ordinary log lines", () => {
    const lines = [
      `{"level":30,"time":"2026-11-27T06:00:00.000Z","app":"ballast","shop":"a.myshopify.com","variant":"gid://shopify/ProductVariant/44960469696645123","msg":"pushed"}`,
      `{"level":40,"channel":"meta","status":429,"retryInMs":60000,"accessToken":"[redacted]","msg":"rate limited"}`,
      `[ballast] listening on http://127.0.0.1:41234`,
    ];
    expect(scanForSecrets(lines.join("\n"), "test")).toEqual([]);
  });
});

describe("log capture", () => {
  it("sends the app's logger to the scanned files, with secrets redacted", () => {
    const folder = process.env.BALLAST_LOG_CAPTURE_DIR;
    expect(folder, "tests/support/log-capture.ts runs as globalSetup").toBeTruthy();
    const marker = `capture-check-${randomUUID()}`;
    logger.info({ shop: "a.myshopify.com", accessToken: "shpat_must_not_appear_01234" }, marker);
    logger.debug({ marker }, "debug lines are captured too");

    const captured = readdirSync(folder!)
      .map((file) => readFileSync(path.join(folder!, file), "utf8"))
      .join("\n");
    const line = captured.split("\n").find((entry) => entry.includes(marker) && entry.includes('"level":30'));
    expect(line).toBeDefined();
    expect(line).toContain("[redacted]");
    expect(line).not.toContain("shpat_must_not_appear");
    expect(captured).toMatch(new RegExp(`"marker":"${marker}"`));
  });
});

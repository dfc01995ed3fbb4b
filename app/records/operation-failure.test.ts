/**
 * A failed operation is stored as a code with its values and the raw message as
 * `technical`; read back (rows written before included) and said in plain words, never
 * the raw message, in English and French.
 */
import { describe, expect, it } from "vitest";
import {
  OperationFailed,
  operationFailureOf,
  operationFailureRecord,
  operationFailureText,
  storedOperationFailure,
  type OperationFailure,
} from "./operation-failure";

/** An AdminApiError as app/shopify throws it (recognised by its shape). */
function adminError(message: string, code: string, status?: number) {
  return Object.assign(new Error(message), {
    name: "AdminApiError",
    code,
    details: status === undefined ? {} : { status },
  });
}

const roundTrip = (error: unknown) => storedOperationFailure(operationFailureRecord(operationFailureOf(error)));
const words = (failure: OperationFailure | null) => ({
  en: operationFailureText(failure!, "en"),
  fr: operationFailureText(failure!, "fr"),
});

describe("a failed operation's record", () => {
  it("classifies Shopify's failures with the class of shopify-failure.ts, and keeps the raw message as technical only", () => {
    const timeout = roundTrip(adminError("Admin API request timed out after 30000 ms", "TIMEOUT"));
    expect(timeout).toEqual({
      code: "shopify",
      failure: "timeout",
      technical: "Admin API request timed out after 30000 ms",
    });
    expect(words(timeout)).toEqual({
      en: "Shopify took too long to answer. Ask for it again in a few minutes.",
      fr: "Shopify a mis trop de temps à répondre. Relancez l'opération dans quelques minutes.",
    });
    const refused = roundTrip(adminError("Admin API answered 403: access denied for inventoryItems", "OTHER", 403));
    expect(refused).toMatchObject({ code: "shopify", failure: "other", status: 403 });
    expect(words(refused).en).toBe("Shopify refused the request (HTTP status 403). Ask for it again in a few minutes.");
    const network = roundTrip(Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } }));
    expect(network).toMatchObject({ code: "shopify", failure: "network" });
    for (const failure of [timeout, refused, network])
      for (const text of Object.values(words(failure))) expect(text).not.toContain(failure!.technical);
  });

  it("keeps the worker's own codes, with the units still held", () => {
    const held = roundTrip(new OperationFailed("holds_remaining", "12 held units could not be released yet", 12));
    expect(held).toEqual({ code: "holds_remaining", units: 12, technical: "12 held units could not be released yet" });
    expect(words(held)).toEqual({
      en: "12 units Ballast holds back could not be released yet (Shopify could not be reached, or the stock kept changing): ask again.",
      fr: "12 unités mises de côté par Ballast n'ont pas encore pu être libérées (Shopify était injoignable, ou le stock changeait sans cesse) : relancez l'opération.",
    });
    expect(words(roundTrip(new OperationFailed("holds_remaining", "x", 1))).en).toMatch(/^1 unit Ballast holds back /);
    expect(words(roundTrip(new OperationFailed("holds_remaining", "x", 1234))).fr).toMatch(/^1\u202f234 unités /);
  });

  it("says an error of Ballast's own is unexpected, without its message", () => {
    const internal = roundTrip(new RangeError("Invalid array length at recompute (prisma P2025)"));
    expect(internal).toEqual({ code: "internal", technical: "Invalid array length at recompute (prisma P2025)" });
    expect(words(internal)).toEqual({
      en: "Ballast stopped on an unexpected error: ask for it again; if it happens again, contact support.",
      fr: "Ballast s'est arrêté sur une erreur inattendue : relancez l'opération ; si cela se reproduit, contactez le support.",
    });
    expect(operationFailureOf("a string").technical).toBe("a string");
    expect(operationFailureOf(new Error("x".repeat(1_000))).technical).toHaveLength(300);
  });

  it("reads rows written before codes were stored (the raw message) the same way", () => {
    expect(
      storedOperationFailure(
        "3 held units could not be released yet (Shopify unreachable or the levels kept changing): try again",
      ),
    ).toMatchObject({ code: "holds_remaining", units: 3 });
    expect(
      storedOperationFailure("Shopify cannot be reached for this shop: open Ballast in Shopify admin to reconnect"),
    ).toMatchObject({ code: "shopify_disconnected" });
    expect(
      storedOperationFailure(
        "the Online Store cannot be reached: no offline session: the shop has not installed Ballast",
      ),
    ).toMatchObject({ code: "shopify_disconnected" });
    expect(storedOperationFailure("Shopify answered 503 Service Unavailable")).toMatchObject({
      code: "shopify",
      failure: "server_error",
      status: 503,
    });
    expect(storedOperationFailure("Cannot read properties of undefined (reading 'gid')")).toMatchObject({
      code: "internal",
    });
    // Not JSON of this shape: a message too.
    expect(storedOperationFailure("[1,2]")).toMatchObject({ code: "internal", technical: "[1,2]" });
    expect(storedOperationFailure("null")).toMatchObject({ code: "internal" });
    expect(storedOperationFailure(null)).toBeNull();
    expect(storedOperationFailure("")).toBeNull();
  });

  it("reads a stored code it does not know, or values of the wrong type, as plain words", () => {
    expect(storedOperationFailure(JSON.stringify({ code: "from_the_future", technical: "t" }))).toEqual({
      code: "internal",
      technical: "t",
    });
    const odd = storedOperationFailure(JSON.stringify({ code: "shopify", failure: "melted", status: "503" }));
    expect(odd).toEqual({ code: "shopify", failure: "other", technical: "" });
    expect(words(odd).fr).toBe("Shopify n'a pas répondu comme prévu. Relancez l'opération dans quelques minutes.");
    const noUnits = storedOperationFailure(JSON.stringify({ code: "holds_remaining", units: -2 }));
    expect(words(noUnits).en).toMatch(/^Some units Ballast holds back could not be released yet/);
  });
});

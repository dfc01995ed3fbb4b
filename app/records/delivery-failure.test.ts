import { describe, expect, it } from "vitest";
import {
  DELIVERY_FAILURES,
  classifyDeliveryError,
  deliveryFailureText,
  deliveryProblemText,
  deliveryRefusalText,
  refusalDetails,
  storedDeliveryFailure,
  storedDeliveryProblem,
} from "./delivery-failure";

/** An error as nodemailer or Node throws it: a message and a `code`. */
const coded = (message: string, code: string) => Object.assign(new Error(message), { code });

/** No code (snake_case, an error code), raw error or placeholder left in what a merchant reads. */
function expectPlain(text: string, raw: readonly string[]) {
  for (const word of raw) expect(text, word).not.toContain(word);
  expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
  expect(text).not.toMatch(/\bE[A-Z]{3,}\b/);
  expect(text).not.toMatch(/\{\w+\}/);
}

describe("classifyDeliveryError", () => {
  it("classifies what was thrown by its message and its code, and keeps the raw message as technical", () => {
    expect(classifyDeliveryError(new Error("webhook answered HTTP 500"))).toEqual({
      failure: "http_status",
      status: 500,
      technical: "webhook answered HTTP 500",
    });
    // nodemailer's codes say what its messages do not.
    expect(classifyDeliveryError(coded("Unexpected socket close", "ESOCKET"))).toMatchObject({
      failure: "connection",
      technical: "Unexpected socket close",
    });
    expect(classifyDeliveryError(coded("Connection timeout", "ETIMEDOUT"))).toMatchObject({ failure: "timeout" });
    expect(classifyDeliveryError(coded("Failed to connect", "ECONNECTION"))).toMatchObject({ failure: "connection" });
    expect(classifyDeliveryError(coded("Invalid login: 535 5.7.8 Error", "EAUTH"))).toMatchObject({
      failure: "login_refused",
    });
    expect(classifyDeliveryError("something odd")).toEqual({ failure: "other", technical: "something odd" });
    expect(classifyDeliveryError(new Error("x".repeat(400))).technical).toHaveLength(300);
  });
});

describe("stored delivery problems", () => {
  it("reads a stored failure code first, else classifies the raw error", () => {
    expect(storedDeliveryFailure({ failure: "timeout", error: "webhook answered HTTP 500" })).toEqual({
      failure: "timeout",
    });
    expect(storedDeliveryFailure({ failure: "http_status", status: 503 })).toEqual({
      failure: "http_status",
      status: 503,
    });
    expect(storedDeliveryFailure({ failure: "not_a_code", error: "getaddrinfo ENOTFOUND x" })).toEqual({
      failure: "host_not_found",
    });
    expect(storedDeliveryFailure({})).toEqual({ failure: "other" });
  });

  it("reads a refusal back with the host and address it named", () => {
    const details = refusalDetails({
      code: "private_address",
      host: "hooks.internal",
      address: "10.0.0.7",
      kind: "private",
    });
    expect(details).toEqual({
      failure: "refused",
      refusal: "private_address",
      host: "hooks.internal",
      address: "10.0.0.7",
    });
    expect(storedDeliveryProblem({ error: "L'adresse…", ...details })).toEqual(details);
    expect(refusalDetails({ code: "not_https" })).toEqual({ failure: "refused", refusal: "not_https" });
    expect(storedDeliveryProblem({ refusal: "credentials" })).toEqual({ failure: "refused", refusal: "credentials" });
    expect(storedDeliveryProblem({ error: "webhook answered HTTP 404" })).toEqual({
      failure: "http_status",
      status: 404,
    });
  });
});

describe("deliveryProblemText", () => {
  it("words a refusal as deliveryRefusalText does, in English and French", () => {
    const refusal = refusalDetails({ code: "private_address", host: "10.0.0.7", address: "10.0.0.7", kind: "private" });
    for (const locale of ["en", "fr"] as const) {
      const text = deliveryProblemText(refusal, "webhook", locale);
      expect(text).toBe(deliveryRefusalText({ ...refusal }, locale));
      expectPlain(text, []);
    }
    expect(deliveryProblemText(refusal, "webhook", "en")).toMatch(/^The webhook address 10\.0\.0\.7 is a private/);
    expect(deliveryProblemText(refusal, "webhook", "fr")).toMatch(/^L'adresse du webhook 10\.0\.0\.7 est une adresse/);
  });

  it("words every failure for both targets in both languages, without a code or a raw message", () => {
    for (const failure of DELIVERY_FAILURES)
      for (const target of ["email", "webhook"] as const)
        for (const locale of ["en", "fr"] as const) {
          const text = deliveryProblemText({ failure, status: 503 }, target, locale);
          expect(text).toBe(deliveryFailureText({ failure, status: 503 }, target, locale));
          expect(text.length).toBeGreaterThan(10);
          expectPlain(text, []);
        }
    expect(deliveryProblemText({ failure: "http_status", status: 500 }, "webhook", "fr")).toBe(
      "Votre récepteur a répondu avec le statut HTTP 500 au lieu d'accepter la notification.",
    );
    // A webhook's HTTP status means nothing for email: said as a failure of the mail server.
    expect(deliveryProblemText({ failure: "http_status", status: 500 }, "email", "en")).toBe(
      "The mail server did not accept the notice.",
    );
  });

  it("says a raw error in plain words once classified", () => {
    const raw = "connect ECONNREFUSED 93.184.215.14:443";
    const { technical, ...problem } = classifyDeliveryError(coded(raw, "ECONNREFUSED"));
    expect(technical).toBe(raw);
    const english = deliveryProblemText(problem, "webhook", "en");
    const french = deliveryProblemText(problem, "webhook", "fr");
    expect(english).toBe("Ballast could not connect to your receiver, or the connection was cut.");
    expect(french).toBe("Ballast n'a pas pu se connecter à votre récepteur, ou la connexion a été coupée.");
    for (const text of [english, french]) expectPlain(text, [raw, "93.184.215.14"]);
  });
});

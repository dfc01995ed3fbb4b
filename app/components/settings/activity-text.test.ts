import { describe, expect, it } from "vitest";
import { activityText } from "~/components/activity-text";

/**
 * The `alert_delivery_tested` entry in words: delivered, or why not in the reader's language
 * from the codes app/web/settings.server.ts records (entries recorded before the codes: from
 * their raw `reason`), never the server's raw answer.
 */
const tested = (details: Record<string, unknown>) => ({ kind: "alert_delivery_tested", channel: null, details });

/** No code, raw answer or placeholder in what a merchant reads. */
function expectPlain(text: string, raw: readonly string[]) {
  for (const word of raw) expect(text, word).not.toContain(word);
  expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
  expect(text).not.toMatch(/\{\w+\}/);
}

describe("test sends in Activity (alert_delivery_tested)", () => {
  it("says a delivered test in English and French", () => {
    const entry = tested({ source: "admin", target: "webhook", delivered: true });
    expect(activityText(entry, "en")).toBe("Test webhook delivery accepted by the receiver (in Ballast)");
    expect(activityText(entry, "fr")).toMatch(/^Envoi de test accepté par le récepteur du webhook/);
  });

  it("says why a test did not get through from its code, never with the raw answer", () => {
    const entry = tested({
      source: "api",
      target: "webhook",
      delivered: false,
      failure: "http_status",
      status: 500,
      technical: "webhook answered HTTP 500",
    });
    expect(activityText(entry, "en")).toBe(
      "Test webhook delivery did not get through. Your receiver answered with HTTP status 500 instead of accepting the notice. (through the API)",
    );
    expect(activityText(entry, "fr")).toMatch(
      /^L'envoi de test du webhook n'est pas passé\. Votre récepteur a répondu avec le statut HTTP 500 au lieu d'accepter la notification\./,
    );
    const email = tested({
      source: "admin",
      target: "email",
      delivered: false,
      failure: "timeout",
      technical: "Connection timeout",
    });
    expect(activityText(email, "en")).toBe(
      "Test email did not get through. The mail server did not answer in time. (in Ballast)",
    );
    expect(activityText(email, "fr")).toMatch(
      /^L'e-mail de test n'est pas passé\. Le serveur d'envoi n'a pas répondu à temps\./,
    );
    for (const locale of ["en", "fr"] as const) {
      expectPlain(activityText(entry, locale), ["webhook answered", "http_status"]);
      expectPlain(activityText(email, locale), ["Connection timeout"]);
    }
  });

  it("says a refused webhook in the reader's language, whatever language it was recorded in", () => {
    const entry = tested({
      source: "admin",
      target: "webhook",
      delivered: false,
      failure: "refused",
      refusal: "private_address",
      host: "hooks.internal",
      address: "10.0.0.7",
    });
    expect(activityText(entry, "en")).toContain(
      "Test webhook delivery did not get through. The webhook address hooks.internal leads to 10.0.0.7, a private",
    );
    expect(activityText(entry, "fr")).toContain(
      "L'envoi de test du webhook n'est pas passé. L'adresse du webhook hooks.internal mène à 10.0.0.7",
    );
    for (const locale of ["en", "fr"] as const) expectPlain(activityText(entry, locale), ["private_address"]);
  });

  it("classifies entries recorded before the codes from their raw reason, which it does not show", () => {
    const old = tested({
      source: "admin",
      target: "email",
      delivered: false,
      reason: "Invalid login: 535 5.7.8 Error",
    });
    expect(activityText(old, "en")).toBe(
      "Test email did not get through. The mail server refused the user name or password. (in Ballast)",
    );
    // A refusal recorded in French with its code only: said in English, without the French sentence.
    const refused = tested({
      source: "admin",
      target: "webhook",
      delivered: false,
      reason: "L'adresse du webhook commence par http:// : …",
      refusal: "not_https",
    });
    expect(activityText(refused, "en")).toMatch(
      /^Test webhook delivery did not get through\. The webhook address starts with http:\/\//,
    );
    const unknown = tested({ source: "admin", target: "webhook", delivered: false });
    expect(activityText(unknown, "fr")).toMatch(
      /^L'envoi de test du webhook n'est pas passé\. Votre récepteur n'a pas pu être joint\./,
    );
    for (const locale of ["en", "fr"] as const) {
      expectPlain(activityText(old, locale), ["Invalid login", "535"]);
      expectPlain(activityText(refused, locale), ["commence par http:// : …"]);
    }
  });
});

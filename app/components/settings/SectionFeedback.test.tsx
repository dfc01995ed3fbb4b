import { AppProvider } from "@shopify/polaris";
import polarisEnglish from "@shopify/polaris/locales/en.json";
import polarisFrench from "@shopify/polaris/locales/fr.json";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { I18nProvider } from "~/i18n/react";
import type { Locale } from "~/i18n";
import type { TestDeliveryResult } from "~/web/settings.server";
import { TestFeedback } from "./SectionFeedback";

/**
 * The Settings page's test-send result as the merchant reads it: a failed test says why in the
 * viewer's language, worded from its codes (whatever language `message` was written in), and
 * never shows the server's raw answer or a code.
 */
function render(test: TestDeliveryResult, locale: Locale): string {
  const html = renderToStaticMarkup(
    <AppProvider i18n={locale === "fr" ? polarisFrench : polarisEnglish}>
      <I18nProvider locale={locale}>
        <TestFeedback test={test} />
      </I18nProvider>
    </AppProvider>,
  );
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

function expectPlain(text: string, raw: readonly string[]) {
  for (const word of raw) expect(text, word).not.toContain(word);
  expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
  expect(text).not.toMatch(/\{\w+\}/);
}

describe("TestFeedback", () => {
  it("says an HTTP error in the viewer's language, without what the receiver answered", () => {
    const test: TestDeliveryResult = {
      ok: true,
      target: "webhook",
      delivered: false,
      failure: "http_status",
      status: 500,
      message: "Votre récepteur a répondu avec le statut HTTP 500 au lieu d'accepter la notification.",
      technical: "webhook answered HTTP 500",
    };
    const english = render(test, "en");
    expect(english).toContain(
      "Not delivered: the test did not get through. Your receiver answered with HTTP status 500 instead of accepting the notice.",
    );
    const french = render(test, "fr");
    expect(french).toContain(
      "Non remis : le test n'est pas passé. Votre récepteur a répondu avec le statut HTTP 500 au lieu d'accepter la notification.",
    );
    for (const text of [english, french]) expectPlain(text, ["webhook answered", "http_status"]);
  });

  it("says a refused login or a refused address plainly in English and French", () => {
    const login: TestDeliveryResult = {
      ok: true,
      target: "email",
      delivered: false,
      failure: "login_refused",
      message: "The mail server refused the user name or password.",
      technical: "Invalid login: 535 Authentication failed",
    };
    expect(render(login, "fr")).toContain("Le serveur d'envoi a refusé le nom d'utilisateur ou le mot de passe.");
    const refused: TestDeliveryResult = {
      ok: true,
      target: "webhook",
      delivered: false,
      failure: "refused",
      refusal: "private_address",
      host: "10.0.0.7",
      address: "10.0.0.7",
      message: "The webhook address 10.0.0.7 is a private or internal network address, which Ballast does not call.",
    };
    expect(render(refused, "fr")).toContain(
      "L'adresse du webhook 10.0.0.7 est une adresse de réseau privé ou interne, que Ballast n'appelle pas.",
    );
    expect(render(refused, "en")).toContain("The webhook address 10.0.0.7 is a private or internal network address");
    for (const locale of ["en", "fr"] as const) {
      expectPlain(render(login, locale), ["Invalid login", "535", "login_refused"]);
      expectPlain(render(refused, locale), ["private_address"]);
    }
  });

  it("says a delivered test and a target not set up", () => {
    expect(render({ ok: true, target: "email", delivered: true, recipients: ["owner@example.com"] }, "en")).toContain(
      "Delivered: your mail server accepted the test email for owner@example.com.",
    );
    expect(render({ ok: false, target: "webhook", error: "not_configured" }, "fr")).toContain(
      "Enregistrez d'abord ces réglages, puis envoyez un test.",
    );
  });
});

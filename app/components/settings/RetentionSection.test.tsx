import { AppProvider } from "@shopify/polaris";
import polarisEnglish from "@shopify/polaris/locales/en.json";
import polarisFrench from "@shopify/polaris/locales/fr.json";
import type { ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { I18nProvider } from "~/i18n/react";
import type { Locale } from "~/i18n";
import { retentionPeriods } from "~/web/retention.server";
import { ActivityRetentionNote } from "~/components/activity/ActivityRetentionNote";
import { RetentionSection } from "./RetentionSection";

/** The text a merchant reads, tags stripped. */
function textOf(element: ReactNode, locale: Locale): string {
  const html = renderToStaticMarkup(
    <AppProvider i18n={locale === "fr" ? polarisFrench : polarisEnglish}>
      <I18nProvider locale={locale}>{element}</I18nProvider>
    </AppProvider>,
  );
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

describe("retention periods as the merchant reads them", () => {
  it("lists every kept record with its period in words, in English and French", () => {
    const english = textOf(<RetentionSection periods={retentionPeriods()} />, "en");
    expect(english).toContain("Data kept");
    expect(english).toContain(
      "Activity log (every quantity change and every action), and so its CSV export 90 days Alerts, once resolved",
    );
    expect(english).toContain("Measured channel delays (buffers use the last 24 hours) 7 days");
    expect(english).toContain("Notifications received from Shopify (to recognise one sent twice) 7 days");
    const french = textOf(<RetentionSection periods={retentionPeriods()} />, "fr");
    expect(french).toContain("Données conservées");
    expect(french).toContain(
      "Journal d'activité (chaque changement de quantité et chaque action), et donc son export CSV 90 jours",
    );
    expect(french).toContain("Délais mesurés des canaux (les réserves utilisent les dernières 24 heures) 7 jours");
    for (const text of [english, french]) {
      expect(text).not.toMatch(/\{\w+\}|retention\.|\b[a-z]+[A-Z]\w*\b/);
    }
  });

  it("says on the Activity page how far back the log and its export go", () => {
    expect(textOf(<ActivityRetentionNote days={90} />, "en")).toBe(
      "Ballast keeps the last 90 days of activity and deletes older entries; the CSV export covers the same 90 days.",
    );
    expect(textOf(<ActivityRetentionNote days={90} />, "fr")).toBe(
      "Ballast conserve les 90 jours d'activité les plus récents et supprime les entrées plus anciennes ; l'export CSV couvre les mêmes 90 jours.",
    );
  });
});

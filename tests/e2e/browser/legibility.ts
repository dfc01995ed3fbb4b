/**
 * What a merchant must never read on a page: ids (`gid://…`), codes (`drift_high`,
 * `quantity_to_sell_on_facebook`) and, on a French page, English from the catalogs.
 */
import type { Page } from "playwright-core";
import { messagesFor, type Locale, type MessageKey } from "~/i18n";

/** The longest literal run of each English message that French says differently: what would show if untranslated. */
function englishFragments(): string[] {
  const en = messagesFor("en");
  const fr = messagesFor("fr");
  const fragments = new Set<string>();
  for (const key of Object.keys(en) as MessageKey[]) {
    if (en[key] === fr[key]) continue;
    const longest = en[key]
      .split(/\{\w+\}/)
      .map((part) => part.trim())
      .sort((a, b) => b.length - a.length)[0];
    // Short runs ("Save", "Meta 5") can be names or numbers in French too.
    if (longest && longest.length >= 16 && longest.split(/\s+/).length >= 3) fragments.add(longest);
  }
  return [...fragments];
}

const ENGLISH_FRAGMENTS = englishFragments();

export interface LegibilityProblems {
  ids: string[];
  codes: string[];
  untranslated: string[];
}

/** The page's visible text checked for ids, codes and, in French, English left behind. */
export async function legibilityProblems(page: Page, locale: Locale): Promise<LegibilityProblems> {
  const text = await page.evaluate(() => document.body.innerText);
  const ids = [...new Set(text.match(/gid:\/\/\S+/g) ?? [])];
  const codes = [...new Set(text.match(/\b[a-z]+(?:_[a-z]+)+\b/g) ?? [])];
  const untranslated = locale === "fr" ? ENGLISH_FRAGMENTS.filter((fragment) => text.includes(fragment)) : [];
  return { ids, codes, untranslated };
}

export const NO_PROBLEMS: LegibilityProblems = { ids: [], codes: [], untranslated: [] };

/** Tables wider than the box that holds them (their scroll container, else their card): cut off or scrolled sideways. */
export async function clippedTables(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll("table")]
      // Shown tables only: not a closed disclosure's.
      .filter((table) => table.getClientRects().length > 0)
      .flatMap((table) => {
        let box: HTMLElement | null = table.parentElement;
        while (
          box &&
          box !== document.body &&
          !["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(box).overflowX)
        )
          box = box.parentElement;
        const container = box ?? document.body;
        // A table kept for screen readers only sits in a 1 px box: nobody sees it clipped.
        if (container.clientWidth <= 1) return [];
        return container.scrollWidth > container.clientWidth + 1 || table.scrollWidth > container.clientWidth + 1
          ? [
              `${table.querySelector("th")?.textContent ?? "table"}: ${container.scrollWidth} > ${container.clientWidth}`,
            ]
          : [];
      }),
  );
}

/** What must never reach a merchant's screen: message keys, snake_case codes, Shopify ids, JSON. */
export function rawCodes(text: string): string[] {
  const patterns = [
    /\b[a-z]+(?:_[a-z]+)+\b/g,
    /\b[a-z]+\.[a-z]+(?:\.[a-zA-Z_]+)+\b/g,
    /gid:\/\//g,
    /\{[a-z]+\}/gi,
    /[{}[\]"]{2,}/g,
    /\bundefined\b|\bnull\b|\bNaN\b/g,
  ];
  return patterns.flatMap((pattern) => text.match(pattern) ?? []);
}

import { describe, expect, it } from "vitest";
import { messagesFor, type MessageKey } from "./index";

const en = messagesFor("en");
const fr = messagesFor("fr");
const keys = Object.keys(en) as MessageKey[];

/** Words French writes as English does; a French text equal to its English with any other word is untranslated. */
const SAME_IN_FRENCH = new Set([
  "ballast",
  "collection",
  "sku",
  "page",
  "minute",
  "minutes",
  "min",
  "h",
  "port",
  "google",
  "meta",
]);
const words = (text: string) =>
  text
    .replace(/\{\w+\}/g, " ")
    .toLowerCase()
    .match(/\p{L}+/gu) ?? [];

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe("message catalogs", () => {
  it("translates every English message into French", () => {
    const untranslated = keys.filter(
      (key) => en[key] === fr[key] && words(en[key]).some((word) => !SAME_IN_FRENCH.has(word)),
    );
    expect(untranslated).toEqual([]);
  });

  it("gives the French message the same placeholders as the English one", () => {
    const mismatched = keys.filter((key) => placeholders(en[key]).join() !== placeholders(fr[key]).join());
    expect(mismatched).toEqual([]);
  });

  it("has no empty message", () => {
    expect(keys.filter((key) => !en[key].trim() || !fr[key].trim())).toEqual([]);
  });
});

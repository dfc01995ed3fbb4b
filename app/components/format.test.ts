import { describe, expect, it } from "vitest";
import { formatDateTime, formatMoney } from "./format";

describe("dates in the shop's time zone", () => {
  it("shows a time in the shop's zone, named, in English and French", () => {
    expect(formatDateTime("2026-12-07T11:46:34Z", "en", "Europe/Paris")).toBe("7 Dec 2026, 12:46 CET");
    expect(formatDateTime("2026-12-07T11:46:34Z", "fr", "America/New_York")).toBe("7 déc. 2026, 06:46 UTC−5");
  });

  it("falls back to UTC, said so, without a zone or with one Intl does not know", () => {
    expect(formatDateTime("2026-12-07T11:46:34Z", "en")).toBe("7 Dec 2026, 11:46:34 UTC");
    expect(formatDateTime("2026-12-07T11:46:34Z", "en", "Mars/Olympus_Mons")).toBe("7 Dec 2026, 11:46:34 UTC");
    expect(formatDateTime(null, "fr", "Europe/Paris")).toBe("—");
  });
});

describe("amounts", () => {
  it("uses the shop's currency when known, a plain amount otherwise", () => {
    expect(formatMoney(1234.5, "EUR", "en")).toBe("€1,234.50");
    expect(formatMoney(1234.5, "EUR", "fr")).toBe("1\u202f234,50\u00a0€");
    expect(formatMoney(1234.5, null, "en")).toBe("1,234.50");
    expect(formatMoney(12, "not a currency", "en")).toBe("12.00");
  });
});

import { describe, expect, it } from "vitest";
import { formatDateTime, knownTimeZone, nextDay, sortableDateTime, startOfDayIn } from "./date-time";

describe("formatDateTime: a time in a given zone, for pages and emails", () => {
  it("writes the zone's wall clock and names the zone, in English and French", () => {
    expect(formatDateTime(new Date("2026-12-07T11:46:34Z"), "en", "Europe/Paris")).toBe("7 Dec 2026, 12:46 CET");
    expect(formatDateTime("2026-07-07T11:46:34Z", "fr", "Europe/Paris")).toBe("7 juil. 2026, 13:46 UTC+2");
  });

  it("falls back to UTC, said so, without a zone Intl knows; a missing time is a dash", () => {
    expect(formatDateTime(new Date("2026-12-07T11:46:34Z"), "fr", null)).toBe("7 déc. 2026, 11:46:34 UTC");
    expect(formatDateTime("2026-12-07T11:46:34Z", "en", "Not/A_Zone")).toBe("7 Dec 2026, 11:46:34 UTC");
    expect(formatDateTime(undefined, "en", "Europe/Paris")).toBe("—");
    expect(knownTimeZone("Not/A_Zone")).toBeNull();
    expect(knownTimeZone("America/New_York")).toBe("America/New_York");
  });
});

describe("startOfDayIn: a calendar day of the shop as an instant", () => {
  it("is local midnight in the zone, summer or winter", () => {
    expect(startOfDayIn("2026-12-07", "Europe/Paris")?.toISOString()).toBe("2026-12-06T23:00:00.000Z");
    expect(startOfDayIn("2026-07-07", "Europe/Paris")?.toISOString()).toBe("2026-07-06T22:00:00.000Z");
    expect(startOfDayIn("2026-12-07", "America/New_York")?.toISOString()).toBe("2026-12-07T05:00:00.000Z");
    expect(startOfDayIn("2026-12-07", "Asia/Kolkata")?.toISOString()).toBe("2026-12-06T18:30:00.000Z");
  });

  it("holds on the days the clocks change (the day is 23 or 25 hours long)", () => {
    // Paris: summer time from 29 March 2026 02:00, back on 25 October 2026 03:00.
    const march29 = startOfDayIn("2026-03-29", "Europe/Paris")!;
    const march30 = startOfDayIn("2026-03-30", "Europe/Paris")!;
    expect(march29.toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect((march30.getTime() - march29.getTime()) / 3_600_000).toBe(23);
    const october25 = startOfDayIn("2026-10-25", "Europe/Paris")!;
    const october26 = startOfDayIn("2026-10-26", "Europe/Paris")!;
    expect((october26.getTime() - october25.getTime()) / 3_600_000).toBe(25);
    // Santiago changes its clocks at midnight: the day starts at 01:00 local, the first instant it has.
    const santiago = startOfDayIn("2026-09-06", "America/Santiago")!;
    expect(formatDateTime(santiago, "en", "America/Santiago")).toMatch(/6 Sept? 2026, 01:00/);
  });

  it("is UTC midnight without a known zone, and null for what is not a date", () => {
    expect(startOfDayIn("2026-12-07", null)?.toISOString()).toBe("2026-12-07T00:00:00.000Z");
    expect(startOfDayIn("2026-12-07", "Not/A_Zone")?.toISOString()).toBe("2026-12-07T00:00:00.000Z");
    expect(startOfDayIn("2026-02-30", "Europe/Paris")).toBeNull();
    expect(startOfDayIn("7/12/2026", "Europe/Paris")).toBeNull();
    expect(startOfDayIn("", null)).toBeNull();
  });

  it("counts the next day across months and years", () => {
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
    expect(nextDay("2028-02-28")).toBe("2028-02-29");
    expect(nextDay("not a day")).toBeNull();
  });
});

describe("sortableDateTime: spreadsheet text in the zone", () => {
  it("writes the zone's wall clock as sortable text, UTC without a zone", () => {
    const at = new Date("2026-12-07T23:46:34.500Z");
    expect(sortableDateTime(at, "Europe/Paris")).toBe("2026-12-08 00:46:34");
    expect(sortableDateTime(at, "America/New_York")).toBe("2026-12-07 18:46:34");
    expect(sortableDateTime(at, null)).toBe("2026-12-07 23:46:34");
  });
});

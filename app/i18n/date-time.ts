import type { Locale } from "./index";

/**
 * Times in the shop's time zone (Shopify's `ianaTimezone`), pure and isomorphic: the pages
 * (through useDateTime), the CSV export and the worker's alert emails all write a time
 * the same way. A zone Intl does not know, or none, falls back to UTC, said so: the server
 * cannot know the reader's own zone, and an explicit zone beats a guess.
 */

const languageTag = (locale: Locale) => (locale === "fr" ? "fr-FR" : "en-GB");

/** A valid IANA zone, or null (unknown to this runtime's Intl, or not given). */
export function knownTimeZone(timeZone: string | null | undefined): string | null {
  if (!timeZone) return null;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return timeZone;
  } catch {
    return null;
  }
}

/** "7 Dec 2026, 12:46 CET" in the shop's zone and the reader's language; "—" for no time. */
export function formatDateTime(at: string | Date | null | undefined, locale: Locale, timeZone?: string | null): string {
  if (!at) return "—";
  const date = typeof at === "string" ? new Date(at) : at;
  const zone = knownTimeZone(timeZone);
  if (zone) {
    return new Intl.DateTimeFormat(languageTag(locale), {
      timeZone: zone,
      timeZoneName: "short",
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    }).format(date);
  }
  const text = new Intl.DateTimeFormat(languageTag(locale), {
    timeZone: "UTC",
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).format(date);
  return `${text} UTC`;
}

/** The wall-clock fields of an instant in a zone. */
function wallClock(atMs: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(atMs));
  const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return {
    year: field("year"),
    month: field("month"),
    day: field("day"),
    hour: field("hour"),
    minute: field("minute"),
    second: field("second"),
  };
}

/** How far the zone's clock is ahead of UTC at an instant, in ms (Paris in winter: 3,600,000). */
function zoneOffsetMs(atMs: number, timeZone: string): number {
  const clock = wallClock(atMs, timeZone);
  const asUtc = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
  return asUtc - (atMs - (((atMs % 1000) + 1000) % 1000));
}

/**
 * The instant a calendar day ("2026-12-07") begins in the zone (UTC without one); null for
 * anything that is not a real date. Offsets are taken at the day's start, so days that
 * change to or from summer time begin at their true local midnight.
 */
export function startOfDayIn(day: string, timeZone: string | null | undefined): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day.trim());
  if (!match) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const midnightUtc = Date.UTC(year, month - 1, date);
  const check = new Date(midnightUtc);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) return null;
  const zone = knownTimeZone(timeZone);
  if (!zone) return check;
  // The offset at the guessed instant can differ from the one in force at midnight (a change
  // in between): a second pass takes the offset at the guess. Where midnight does not exist
  // (clocks jump from 00:00 to 01:00), the day begins at the first instant that is on it.
  const guess = midnightUtc - zoneOffsetMs(midnightUtc, zone);
  const second = midnightUtc - zoneOffsetMs(guess, zone);
  const onDay = (atMs: number) => {
    const clock = wallClock(atMs, zone);
    return clock.year === year && clock.month === month && clock.day === date;
  };
  const candidates = [Math.min(guess, second), Math.max(guess, second)].filter(onDay);
  return new Date(candidates[0] ?? second);
}

/** The day after "2026-12-07": "2026-12-08" (calendar arithmetic, no zone involved). */
export function nextDay(day: string): string | null {
  const start = startOfDayIn(day, null);
  return start ? new Date(start.getTime() + 86_400_000).toISOString().slice(0, 10) : null;
}

/** "2026-12-07 12:46:34", the wall clock in the zone (UTC without one): sortable text for spreadsheets. */
export function sortableDateTime(at: Date, timeZone: string | null | undefined): string {
  const zone = knownTimeZone(timeZone);
  if (!zone) return at.toISOString().slice(0, 19).replace("T", " ");
  const clock = wallClock(at.getTime(), zone);
  const two = (value: number) => String(value).padStart(2, "0");
  return `${clock.year}-${two(clock.month)}-${two(clock.day)} ${two(clock.hour)}:${two(clock.minute)}:${two(clock.second)}`;
}

/** "13:00": the hour and minute of an instant on the zone's clock (UTC without one), for chart axes. */
export function clockTime(at: Date | string, timeZone: string | null | undefined): string {
  const date = typeof at === "string" ? new Date(at) : at;
  const clock = wallClock(date.getTime(), knownTimeZone(timeZone) ?? "UTC");
  return `${String(clock.hour).padStart(2, "0")}:${String(clock.minute).padStart(2, "0")}`;
}

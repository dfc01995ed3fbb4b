import type { ActivityView } from "~/web/activity.server";
import { formatMessage, messagesFor, type Locale, type MessageKey } from "~/i18n";
import { knownTimeZone, sortableDateTime } from "~/i18n/date-time";
import { activityText } from "~/components/activity-text";
import { channelName } from "~/components/format";

/**
 * The Activity log as CSV (RFC 4180: quoted where needed, CRLF lines), with the headers and
 * sentences in the merchant's language and times in the shop's zone, named in the header.
 * French spreadsheets split lines on ";" (the comma is their decimal mark), so French files
 * use it; a byte-order mark tells Excel the file is UTF-8.
 */
export const CSV_BYTE_ORDER_MARK = "\uFEFF";

export function csvSeparator(locale: Locale): string {
  return locale === "fr" ? ";" : ",";
}

/**
 * One field: quoted when it holds the separator, a quote or a line break (quotes doubled).
 * A field a spreadsheet would read as a formula (=, +, -, @ first) starts with an apostrophe
 * instead, so a product titled "=HYPERLINK(…)" stays text.
 */
export function csvField(value: string, separator: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return safe.includes(separator) || /["\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const line = (fields: string[], separator: string) =>
  `${fields.map((field) => csvField(field, separator)).join(separator)}\r\n`;

export function csvHeader(locale: Locale, timeZone: string | null): string {
  const t = (key: MessageKey, values?: Record<string, string>) => formatMessage(messagesFor(locale)[key], values);
  return line(
    [
      t("activity.csv.time", { zone: knownTimeZone(timeZone) ?? "UTC" }),
      t("activity.csv.channel"),
      t("activity.csv.item"),
      t("activity.csv.sku"),
      t("activity.csv.what"),
      t("activity.csv.by"),
      t("activity.csv.kind"),
    ],
    csvSeparator(locale),
  );
}

/** Who acted, as the page says it: their name, else "staff member <id>"; empty for the worker, the API, Shopify admin. */
export function actorName(actor: ActivityView["actor"], locale: Locale): string {
  if (!actor) return "";
  return actor.name ?? formatMessage(messagesFor(locale)["activity.staffMember"], { id: actor.id });
}

export function csvRow(entry: ActivityView, locale: Locale, timeZone: string | null): string {
  return line(
    [
      sortableDateTime(new Date(entry.at), timeZone),
      entry.channel ? channelName(entry.channel, locale) : "",
      entry.item?.title ?? "",
      entry.item?.sku ?? "",
      activityText(entry, locale, timeZone),
      actorName(entry.actor, locale),
      entry.kind,
    ],
    csvSeparator(locale),
  );
}

/** The whole file as a byte stream: the header, then each batch of entries as it is read. */
export function activityCsv(
  batches: AsyncIterable<ActivityView[]>,
  locale: Locale,
  timeZone: string | null,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = batches[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(CSV_BYTE_ORDER_MARK + csvHeader(locale, timeZone)));
    },
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) return controller.close();
      controller.enqueue(encoder.encode(next.value.map((entry) => csvRow(entry, locale, timeZone)).join("")));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

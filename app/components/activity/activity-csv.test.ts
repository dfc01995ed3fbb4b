import { describe, expect, it } from "vitest";
import type { ActivityView } from "~/web/activity.server";
import { activityCsv, csvField, csvHeader, csvRow } from "./activity-csv";

const entry = (changes: Partial<ActivityView> = {}): ActivityView => ({
  id: "a1",
  kind: "channel_paused",
  channel: "meta",
  variantGid: null,
  details: { from: "active", to: "paused_stop_selling", source: "admin" },
  at: "2026-12-07T23:46:34.000Z",
  item: null,
  actor: null,
  ...changes,
});

/** The stream's text as bytes decode, the byte-order mark kept. */
async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(await new Response(stream).arrayBuffer());
}

describe("CSV fields", () => {
  it("quotes only what needs it, doubling quotes, and keeps formulas as text", () => {
    expect(csvField("Wool scarf", ",")).toBe("Wool scarf");
    expect(csvField("Scarf, red", ",")).toBe('"Scarf, red"');
    expect(csvField("Scarf, red", ";")).toBe("Scarf, red");
    expect(csvField("Écharpe; rouge", ";")).toBe('"Écharpe; rouge"');
    expect(csvField('The "big" scarf', ",")).toBe('"The ""big"" scarf"');
    expect(csvField("two\nlines", ",")).toBe('"two\nlines"');
    expect(csvField("=HYPERLINK(1)", ",")).toBe("'=HYPERLINK(1)");
    expect(csvField("-5 units", ",")).toBe("'-5 units");
    expect(csvField("=SUM(A1,B1)", ",")).toBe(`"'=SUM(A1,B1)"`);
  });
});

describe("the Activity log as CSV", () => {
  it("has headers in the merchant's language, naming the shop's zone", () => {
    expect(csvHeader("en", "Europe/Paris")).toBe(
      "Time (Europe/Paris),Channel,Item,SKU,What happened,By,Kind of entry\r\n",
    );
    expect(csvHeader("fr", "Europe/Paris")).toBe(
      "Date et heure (Europe/Paris);Canal;Article;SKU;Ce qui s'est passé;Par;Type d'entrée\r\n",
    );
    expect(csvHeader("en", null)).toMatch(/^Time \(UTC\),/);
  });

  it("writes each entry with its time in the zone, the item, the sentence and who acted", () => {
    const row = csvRow(
      entry({
        variantGid: "gid://shopify/ProductVariant/1",
        item: { title: 'Wool scarf, "Red"', sku: "SCARF-RED" },
        actor: { id: "42", name: null },
      }),
      "en",
      "Europe/Paris",
    );
    expect(row).toBe(
      '2026-12-08 00:46:34,Meta,"Wool scarf, ""Red""",SCARF-RED,Meta paused: stop selling (in Ballast),staff member 42,channel_paused\r\n',
    );
    expect(csvRow(entry({ actor: { id: "42", name: "Ada Lovelace" } }), "fr", "America/New_York")).toBe(
      "2026-12-07 18:46:34;Meta;;;Meta en pause : vente arrêtée (dans Ballast);Ada Lovelace;channel_paused\r\n",
    );
  });

  it("streams a byte-order mark, the header, then every batch, and stops reading when the reader cancels", async () => {
    async function* batches() {
      yield [entry({ id: "a1" }), entry({ id: "a2", channel: null, kind: "resync_requested", details: {} })];
      yield [entry({ id: "a3", channel: "google" })];
    }
    const csv = await text(activityCsv(batches(), "en", "Europe/Paris"));
    expect(csv.startsWith("\uFEFFTime (Europe/Paris),")).toBe(true);
    const lines = csv.slice(1).split("\r\n");
    expect(lines).toHaveLength(5); // header, three entries, and the empty string after the last CRLF
    expect(lines[2]).toBe("2026-12-08 00:46:34,,,,Resync of every channel requested,,resync_requested");
    expect(lines[3]).toContain(",Google,");

    let read = 0;
    async function* endless() {
      for (;;) {
        read += 1;
        yield [entry()];
      }
    }
    const reader = activityCsv(endless(), "en", null).getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    expect(read).toBeLessThanOrEqual(3);
  });
});

// @database
/**
 * The Channels page's posts answer in codes and message keys, never in the schemas' or
 * services' English: the page words them in the merchant's language.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatMessage, messagesFor } from "~/i18n";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { channelsPageAction } from "./channels-page.server";

const SHOP = "channels-page.myshopify.com";
let testDatabase: TestDatabase;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

const post = (values: Record<string, string>) => {
  const form = new FormData();
  for (const [name, value] of Object.entries(values)) form.set(name, value);
  return channelsPageAction(testDatabase.database, SHOP, form, Date.now(), "42");
};

describe("the Channels page's answers", () => {
  it("names each refused connect field with what to enter, in English and French, and stores nothing", async () => {
    const result = await post({ intent: "connect", channel: "meta", catalogId: "my catalog", accessToken: "short" });
    expect(result).toMatchObject({
      ok: false,
      fields: {
        "config.catalogId": "channels.error.catalogId",
        "credentials.accessToken": "channels.error.accessToken",
      },
    });
    const fields = ("fields" in result ? result.fields : undefined) ?? {};
    expect(messagesFor("fr")[fields["config.catalogId"]!]).toBe(
      "Saisissez l'identifiant du catalogue : des chiffres uniquement.",
    );
    expect(await testDatabase.database.channelConnection.count({ where: { shop: SHOP } })).toBe(0);
  });

  it("answers a refused change with a code the page has words for", async () => {
    const codes = [
      await post({ intent: "pause", channel: "meta", mode: "stop_selling" }),
      await post({ intent: "pause", channel: "tiktok" }),
      await post({ intent: "connect", channel: "online_store" }),
      await post({ intent: "launch", channel: "meta" }),
    ].map((result) => ("code" in result ? result.code : null));
    expect(codes).toEqual(["channel_not_connected", "unknown_channel", "no_connection_needed", "unknown_intent"]);
    for (const code of codes) {
      const key = `channels.error.${code}` as keyof ReturnType<typeof messagesFor>;
      expect(formatMessage(messagesFor("fr")[key])).not.toMatch(/\b(the|is|not|connect it)\b/);
    }
  });
});

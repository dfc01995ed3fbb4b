// @database
/**
 * Google's per-product update budget (about two updates a day, CHANNELS.md §Google
 * Merchant API v1) is kept in the database: a restarted app or a second worker still knows
 * which products were already updated. Runs on SQLite and, with TEST_DATABASE_URL, on
 * PostgreSQL.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PushItem } from "~/channels/types";
import { createKeyring, encryptSecret } from "~/security/crypto.server";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/database";
import { VirtualClock } from "../../../sim/fakes/meta/clock";
import { startGoogleFake, type GoogleFake } from "../../../sim/fakes/google/server";
import { credentialContext } from "~/channels/connection-config";
import { connectorFor, isConnector, type ConnectorDependencies } from "~/channels/factory.server";
import { DAY_MS, DatabaseUpdateLedger } from "./update-ledger.server";

const HOUR = 3_600_000;
const ACCOUNT = "5550002";
const PRIMARY = "1001";
const SUPPLEMENTAL = "2002";
const CLIENT = {
  clientId: "ledger-client.apps.googleusercontent.com",
  clientSecret: "GOCSPX-ledger-test-secret",
  refreshToken: "1//ledger-test-refresh-token",
};
const OFFER = "shopify_US_9007199254740993_44000000000000001";
const KEY = Buffer.alloc(32, 7);

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

describe("DatabaseUpdateLedger", () => {
  it("remembers updates across instances (a restart), per shop and per offer", async () => {
    const t0 = Date.UTC(2026, 10, 27, 8);
    const before = new DatabaseUpdateLedger(testDatabase.database, "ledger-a.myshopify.com");
    await before.record("offer-1", t0);
    await before.record("offer-1", t0 + HOUR);
    await before.record("offer-2", t0 + 2 * HOUR);
    await new DatabaseUpdateLedger(testDatabase.database, "ledger-b.myshopify.com").record("offer-1", t0 + 3 * HOUR);

    const after = new DatabaseUpdateLedger(testDatabase.database, "ledger-a.myshopify.com");
    const seen = await after.updatesSince(["offer-1", "offer-2", "offer-3"], t0 - 1);

    expect(seen.get("offer-1")?.sort()).toEqual([t0, t0 + HOUR]);
    expect(seen.get("offer-2")).toEqual([t0 + 2 * HOUR]);
    expect(seen.has("offer-3")).toBe(false);
    // `since` is exclusive: an update exactly a day old no longer counts.
    expect((await after.updatesSince(["offer-1"], t0)).get("offer-1")).toEqual([t0 + HOUR]);
  });

  it("drops the shop's rows that can no longer count (older than the window by a day) when it looks up a batch", async () => {
    const shop = "ledger-prune.myshopify.com";
    const t0 = Date.UTC(2026, 10, 20);
    const ledger = new DatabaseUpdateLedger(testDatabase.database, shop);
    await ledger.record("offer", t0);
    await ledger.record("offer", t0 + 2 * HOUR);
    await ledger.record("other", t0 + DAY_MS + HOUR);
    await new DatabaseUpdateLedger(testDatabase.database, "ledger-prune-bystander.myshopify.com").record("offer", t0);

    // Two days and an hour later, the window starts at t0 + DAY + HOUR: t0 is more than a day before it.
    const now = t0 + 2 * DAY_MS + HOUR;
    expect((await ledger.updatesSince(["offer", "other"], now - DAY_MS)).size).toBe(0);

    const rows = await testDatabase.database.googleProductUpdate.findMany({
      where: { shop: { startsWith: "ledger-prune" } },
      orderBy: { at: "asc" },
    });
    expect(rows.map((row) => [row.shop, row.offerId, row.at.getTime()])).toEqual([
      ["ledger-prune-bystander.myshopify.com", "offer", t0],
      [shop, "offer", t0 + 2 * HOUR],
      [shop, "other", t0 + DAY_MS + HOUR],
    ]);
  });

  it("answers for a batch larger than one query's parameter chunk", async () => {
    const shop = "ledger-many.myshopify.com";
    const at = Date.UTC(2026, 10, 26);
    const offers = Array.from({ length: 1_200 }, (_, index) => `offer-${index}`);
    await testDatabase.database.googleProductUpdate.createMany({
      data: offers.filter((_, index) => index % 3 === 0).map((offerId) => ({ shop, offerId, at: new Date(at) })),
    });

    const seen = await new DatabaseUpdateLedger(testDatabase.database, shop).updatesSince(offers, at - HOUR);

    expect(seen.size).toBe(400);
    expect(seen.get("offer-1197")).toEqual([at]);
    expect(seen.has("offer-1198")).toBe(false);
  });
});

describe("the connector built by the factory keeps Google's budget across a restart", () => {
  const running: GoogleFake[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((fake) => fake.close()));
  });

  const item = (availability: PushItem["availability"]): PushItem => ({
    itemKey: OFFER,
    quantity: availability === "in_stock" ? 3 : 0,
    availability,
  });

  it("a third in-stock update in 24 h waits even after the app restarted; another shop's budget is its own", async () => {
    const clock = new VirtualClock();
    const fake = await startGoogleFake({
      clock,
      accountId: ACCOUNT,
      oauth: { clients: [CLIENT] },
      dataSources: [
        {
          dataSourceId: PRIMARY,
          type: "primary",
          contentLanguage: "en",
          feedLabel: "US",
          takeFromDataSources: [SUPPLEMENTAL, "self"],
        },
        { dataSourceId: SUPPLEMENTAL, type: "supplemental", contentLanguage: "en", feedLabel: "US" },
      ],
      products: [{ offerId: OFFER, availability: "IN_STOCK", dataSourceId: PRIMARY }],
    });
    running.push(fake);
    const database = testDatabase.database;
    const shops = ["restart-a.myshopify.com", "restart-b.myshopify.com"];
    for (const shop of shops) {
      await database.channelConnection.create({
        data: {
          shop,
          channel: "google",
          state: "active",
          config: { accountId: ACCOUNT, dataSourceId: SUPPLEMENTAL, contentLanguage: "en", feedLabel: "US" },
          encryptedCredentials: encryptSecret({ kind: "refresh_token", ...CLIENT }, createKeyring(KEY), {
            context: credentialContext(shop, "google"),
          }),
        },
      });
    }
    // A new dependencies object is what a restarted process has: no connector kept from before.
    const boot = (): ConnectorDependencies => ({
      database,
      clock,
      env: {
        SHOPIFY_ADMIN_API_BASE_URL: undefined,
        SHOPIFY_API_KEY: "unused",
        SHOPIFY_API_SECRET: "unused",
        META_GRAPH_BASE_URL: "http://127.0.0.1:9",
        META_GRAPH_API_VERSION: "v26.0",
        GOOGLE_MERCHANT_BASE_URL: fake.url,
        GOOGLE_OAUTH_TOKEN_URL: `${fake.url}/token`,
        encryptionKey: KEY,
        previousEncryptionKeys: [],
      },
    });
    const google = async (deps: ConnectorDependencies, shop: string) => {
      const connector = await connectorFor(deps, shop, "google");
      if (!isConnector(connector)) throw new Error(connector.detail);
      return connector;
    };

    const first = await google(boot(), shops[0]!);
    expect((await first.push([item("out_of_stock")]))[0]?.status).toBe("applied");
    clock.advance(60_000);
    expect((await first.push([item("in_stock")]))[0]?.status).toBe("applied");
    clock.advance(60_000);

    const restarted = await google(boot(), shops[0]!);
    expect(restarted).not.toBe(first);
    const [waiting] = await restarted.push([item("in_stock")]);
    expect(waiting).toMatchObject({ status: "retryable", reason: expect.stringContaining("google_update_budget") });
    expect(waiting?.status === "retryable" ? waiting.retryAfterMs : 0).toBe(DAY_MS - 2 * 60_000);
    expect(fake.control.counters.inserts).toBe(2);

    // The same offer id in another shop has its own budget.
    expect((await (await google(boot(), shops[1]!)).push([item("in_stock")]))[0]?.status).toBe("applied");

    // A day after the first update, one update is free again.
    clock.advance(DAY_MS - 2 * 60_000);
    expect((await (await google(boot(), shops[0]!)).push([item("in_stock")]))[0]?.status).toBe("applied");
    expect(fake.control.counters.inserts).toBe(4);
  });
});

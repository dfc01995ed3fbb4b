/**
 * Contract suite for the Google Merchant Center connector. Each case names the documented
 * behaviour it checks and where it is documented. It runs against the fake
 * (sim/fakes/google) on a free loopback port with a virtual clock; with GOOGLE_CONTRACT_*
 * set it runs the cases that need no fault injection against a real Merchant Center test
 * account (app/channels/README.md "Google").
 */
import { generateKeyPairSync } from "node:crypto";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import type { PushItem } from "~/channels/types";
import { createLogger } from "~/logger.server";
import { VirtualClock } from "../../../sim/fakes/meta/clock";
import { startGoogleFake, type GoogleFake, type GoogleFakeOptions } from "../../../sim/fakes/google/server";
import { systemClock } from "~/channels/backoff.server";
import { createGoogleConnector, type GoogleConnectorConfig } from "./connector.server";
import { productNameSegment } from "./merchant-api";
import type { GoogleCredentials } from "./oauth.server";

const CHANNELS_MD = "CHANNELS.md §Google Merchant API v1";
const INSERT_DOC =
  "https://developers.google.com/merchant/api/reference/rest/products_v1/accounts.productInputs/insert";
const NAMES_DOC = "https://developers.google.com/merchant/api/guides/compatibility/products";
const ERRORS_DOC = "https://developers.google.com/merchant/api/guides/error-handling";
const RULES_DOC = "https://developers.google.com/merchant/api/guides/data-sources/overview";

const real =
  process.env.GOOGLE_CONTRACT_ACCOUNT_ID &&
  process.env.GOOGLE_CONTRACT_DATA_SOURCE_ID &&
  process.env.GOOGLE_CONTRACT_CREDENTIALS_JSON
    ? {
        accountId: process.env.GOOGLE_CONTRACT_ACCOUNT_ID,
        dataSourceId: process.env.GOOGLE_CONTRACT_DATA_SOURCE_ID,
        credentials: JSON.parse(process.env.GOOGLE_CONTRACT_CREDENTIALS_JSON) as GoogleCredentials,
        contentLanguage: process.env.GOOGLE_CONTRACT_CONTENT_LANGUAGE ?? "en",
        feedLabel: process.env.GOOGLE_CONTRACT_FEED_LABEL ?? "US",
        offerIds: (process.env.GOOGLE_CONTRACT_OFFER_IDS ?? "").split(",").filter(Boolean),
      }
    : null;
const fakeOnly = real ? it.skip : it;

const ACCOUNT = "5550001";
const PRIMARY = "1001";
const SUPPLEMENTAL = "2002";
const CLIENT = {
  clientId: "ballast-client.apps.googleusercontent.com",
  clientSecret: "GOCSPX-contract-client-secret",
  refreshToken: "1//contract-refresh-token-secret",
};
const OFFER = "shopify_US_9007199254740993_44000000000000001";

const running: GoogleFake[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((fake) => fake.close()));
});

function capturedLogs() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ destination, level: "debug" }), text: () => lines.join("") };
}

async function setup(fakeOptions: GoogleFakeOptions = {}, connectorOptions: Partial<GoogleConnectorConfig> = {}) {
  const clock = new VirtualClock();
  const logs = capturedLogs();
  const fake = await startGoogleFake({
    clock,
    accountId: ACCOUNT,
    processingDelayMs: 5 * 60_000,
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
    products: [
      { offerId: OFFER, availability: "IN_STOCK", dataSourceId: PRIMARY },
      { offerId: "shopify_US_1_2", availability: "IN_STOCK", dataSourceId: PRIMARY },
    ],
    ...fakeOptions,
  });
  running.push(fake);
  const config: GoogleConnectorConfig = {
    merchantBaseUrl: fake.url,
    tokenUrl: `${fake.url}/token`,
    accountId: ACCOUNT,
    dataSourceId: SUPPLEMENTAL,
    contentLanguage: "en",
    feedLabel: "US",
    credentials: { kind: "refresh_token", ...CLIENT },
    clock,
    random: () => 0.5,
    logger: logs.logger,
    ...connectorOptions,
  };
  return { fake, clock, logs, config, connector: createGoogleConnector(config) };
}

const item = (itemKey: string, availability: PushItem["availability"], pauseAds?: boolean): PushItem => ({
  itemKey,
  quantity: availability === "in_stock" ? 3 : 0,
  availability,
  ...(pauseAds !== undefined ? { pauseAds } : {}),
});

describe("Google Merchant Center connector contract", () => {
  describe.runIf(real)("against a real Merchant Center account", () => {
    const connect = () =>
      createGoogleConnector({
        ...real!,
        merchantBaseUrl: "https://merchantapi.googleapis.com",
        tokenUrl: "https://oauth2.googleapis.com/token",
        clock: systemClock,
      });

    it(`health: the data source is supplemental and ranked above the primary feed (${RULES_DOC})`, async () => {
      expect(await connect().checkHealth()).toMatchObject({ ok: true });
    });

    it(
      `insert into the supplemental source is accepted (${INSERT_DOC})`,
      async () => {
        const results = await connect().push(real!.offerIds.map((offerId) => item(offerId, "in_stock")));
        expect(results.every((result) => result.status === "applied")).toBe(true);
      },
      5 * 60_000,
    );
  });

  fakeOnly(
    `async processing: no handle to poll — insert answers at once, the product is readable only minutes later; until then read-back says not found (${INSERT_DOC})`,
    async () => {
      const { clock, connector } = await setup({ processingDelayMs: 5 * 60_000 });
      expect((await connector.push([item(OFFER, "out_of_stock")]))[0]).toMatchObject({ status: "applied" });
      expect((await connector.readBack([OFFER]))[0]).toMatchObject({ availability: "in_stock" });
      clock.advance(5 * 60_000);
      expect((await connector.readBack([OFFER]))[0]).toMatchObject({ availability: "out_of_stock" });
    },
  );

  fakeOnly(
    `processing delay: an inserted input is readable as a product only minutes later; until then read-back says not found (${INSERT_DOC})`,
    async () => {
      const { fake, clock, connector } = await setup({ processingDelayMs: 5 * 60_000 });
      const [result] = await connector.push([item("brand-new-offer", "in_stock")]);
      expect(result).toMatchObject({ status: "applied" });
      expect(await connector.readBack(["brand-new-offer"])).toEqual([
        { itemKey: "brand-new-offer", found: false, quantity: null, availability: null },
      ]);

      await connector.push([item(OFFER, "out_of_stock")]);
      expect((await connector.readBack([OFFER]))[0]).toEqual({
        itemKey: OFFER,
        found: true,
        quantity: null,
        availability: "in_stock",
      });
      clock.advance(5 * 60_000);
      expect((await connector.readBack([OFFER]))[0]).toEqual({
        itemKey: OFFER,
        found: true,
        quantity: null,
        availability: "out_of_stock",
      });
      // A supplemental input alone never creates a product: the offer must be in the primary feed.
      expect((await connector.readBack(["brand-new-offer"]))[0]).toMatchObject({ found: false });
      expect(fake.control.counters.inserts).toBe(2);
    },
  );

  fakeOnly(
    `supplemental ranked first wins over the primary feed, even when Shopify's feed writes again (${RULES_DOC}; ${CHANNELS_MD} §Two things)`,
    async () => {
      const { fake, clock, connector } = await setup({ processingDelayMs: 0 });
      fake.control.setCompetingWriter({ afterMs: 600_000, availabilityFor: () => "IN_STOCK" });
      await connector.push([item(OFFER, "out_of_stock")]);
      clock.advance(600_000);
      expect((await connector.readBack([OFFER]))[0]).toMatchObject({ availability: "out_of_stock" });
      expect(fake.control.trueProduct(OFFER)).toMatchObject({ availability: "OUT_OF_STOCK" });
    },
  );

  fakeOnly(
    `competing writer: ranked below the primary's own data, the feed's figure wins; read-back shows the drift and health says why (${RULES_DOC})`,
    async () => {
      const { fake, clock, connector } = await setup({ processingDelayMs: 0 });
      fake.control.setDefaultRule(PRIMARY, ["self", SUPPLEMENTAL]);
      await connector.push([item(OFFER, "out_of_stock")]);
      clock.advance(1);
      expect((await connector.readBack([OFFER]))[0]).toMatchObject({ availability: "in_stock" });
      expect(await connector.checkHealth()).toMatchObject({
        ok: false,
        code: "misconfigured",
        detail: expect.stringContaining("ranks its own data above"),
      });

      fake.control.setDefaultRule(PRIMARY, ["self"]); // unlinked altogether
      expect(await connector.checkHealth()).toMatchObject({
        ok: false,
        code: "misconfigured",
        detail: expect.stringContaining("not linked"),
      });
    },
  );

  fakeOnly(
    `primary-source refusal: the connector never inserts into a primary data source (${INSERT_DOC}: "the product will be moved to a new data source")`,
    async () => {
      const { fake, connector } = await setup({}, { dataSourceId: PRIMARY });
      const results = await connector.push([item(OFFER, "out_of_stock")]);
      expect(results[0]).toMatchObject({ status: "permanent", code: "misconfigured_data_source" });
      expect(fake.control.counters.inserts).toBe(0);
      expect(await connector.checkHealth()).toMatchObject({
        ok: false,
        code: "misconfigured",
        detail: expect.stringContaining("primary"),
      });
    },
  );

  fakeOnly(
    `primary-source refusal: why it matters — an insert into another primary moves the offer out of Shopify's feed (${INSERT_DOC})`,
    async () => {
      const { fake } = await setup({
        primaryInsert: "move",
        staticAccessTokens: ["static-token"],
        dataSources: [
          {
            dataSourceId: PRIMARY,
            type: "primary",
            contentLanguage: "en",
            feedLabel: "US",
            takeFromDataSources: ["self"],
          },
          {
            dataSourceId: "3003",
            type: "primary",
            contentLanguage: "en",
            feedLabel: "US",
            takeFromDataSources: ["self"],
          },
        ],
      });
      const response = await fetch(
        `${fake.url}/products/v1/accounts/${ACCOUNT}/productInputs:insert?dataSource=accounts/${ACCOUNT}/dataSources/3003`,
        {
          method: "POST",
          headers: { authorization: "Bearer static-token", "content-type": "application/json" },
          body: JSON.stringify({
            offerId: OFFER,
            contentLanguage: "en",
            feedLabel: "US",
            productAttributes: { availability: "OUT_OF_STOCK" },
          }),
        },
      );
      expect(response.status).toBe(200);
      expect(fake.control.trueProduct(OFFER)).toMatchObject({ dataSourceId: "3003" });
    },
  );

  fakeOnly(
    `name encoding: offer ids holding "/", "%" or "~" are addressed by unpadded base64url names (${NAMES_DOC})`,
    async () => {
      const odd = ["SKU/42", "50%-off", "a~b"];
      const { fake, clock, connector } = await setup({
        processingDelayMs: 0,
        products: odd.map((offerId) => ({ offerId, availability: "IN_STOCK" as const, dataSourceId: PRIMARY })),
      });
      await connector.push(odd.map((offerId) => item(offerId, "out_of_stock")));
      clock.advance(1);
      const back = await connector.readBack(odd);
      expect(back.map((row) => [row.itemKey, row.found, row.availability])).toEqual(
        odd.map((offerId) => [offerId, true, "out_of_stock"]),
      );
      for (const offerId of odd) {
        const segment = productNameSegment("en", "US", offerId);
        expect(segment).not.toMatch(/[=~/%]/);
        expect(fake.control.requestLines).toContain(`GET /products/v1/accounts/${ACCOUNT}/products/${segment}`);
      }
      expect(productNameSegment("en", "US", "shopify_US_1_2")).toBe("en~US~shopify_US_1_2");
    },
  );

  fakeOnly(
    `quota 429: quota/request_rate_too_high → retryable after RetryInfo, no calls until then (${ERRORS_DOC}; ${CHANNELS_MD})`,
    async () => {
      const { fake, clock, connector } = await setup({ requestsPerMinute: 3 }, { concurrency: 1 });
      const offers = ["o1", "o2", "o3", "o4"];
      const results = await connector.push(offers.map((offerId) => item(offerId, "in_stock")));

      // One call checks the data source, two inserts fit the minute, the third gets 429.
      expect(results.map((result) => result.status)).toEqual(["applied", "applied", "retryable", "retryable"]);
      expect(results[2]).toMatchObject({ reason: "google_quota: quota/request_rate_too_high" });
      const wait = results[2]?.status === "retryable" ? results[2].retryAfterMs : 0;
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60_000);
      expect(fake.control.counters.inserts).toBe(2);
      expect(fake.control.requestLines.filter((line) => line.includes(":insert"))).toHaveLength(3);

      clock.advance(wait);
      expect((await connector.push([item("o3", "in_stock")]))[0]?.status).toBe("applied");
    },
  );

  fakeOnly(
    `client-side rate: past its own per-minute limit the connector waits without asking Google, and a read-back returns what it could read (${CHANNELS_MD})`,
    async () => {
      const { fake, clock, connector } = await setup(
        { requestsPerMinute: 100 },
        { concurrency: 1, requestsPerMinute: 3 },
      );
      const results = await connector.push(["o1", "o2", "o3"].map((offerId) => item(offerId, "in_stock")));
      // One call checks the data source, two inserts fit the connector's minute.
      expect(results.map((result) => result.status)).toEqual(["applied", "applied", "retryable"]);
      expect(results[2]).toMatchObject({ reason: "google_quota: quota/client_rate_limit" });
      expect(fake.control.requestLines.filter((line) => line.includes(":insert"))).toHaveLength(2);
      expect(fake.control.requestLines.filter((line) => !line.includes("/token"))).toHaveLength(3);

      clock.advance(60_000);
      clock.advance(5 * 60_000); // processed
      const back = await connector.readBack([OFFER, "shopify_US_1_2", "o1", "o2"]);
      expect(back.map((row) => [row.itemKey, row.found])).toEqual([
        [OFFER, true],
        ["shopify_US_1_2", true],
        ["o1", false], // in the supplemental source only: not a product Google shows
      ]);
    },
  );

  fakeOnly(`quota 429: quota/daily_limit_exceeded → retryable for a long wait (${CHANNELS_MD})`, async () => {
    const { fake, connector } = await setup({ retryInfo: false });
    await connector.checkHealth();
    fake.control.failNext("daily_limit");
    const [result] = await connector.push([item("o1", "in_stock")]);
    expect(result).toMatchObject({
      status: "retryable",
      retryAfterMs: 3_600_000,
      reason: "google_quota: quota/daily_limit_exceeded",
    });
  });

  fakeOnly(`backoff: 5xx answers are retried with growing, jittered delays (${ERRORS_DOC})`, async () => {
    const { fake, clock, connector } = await setup();
    await connector.checkHealth();
    clock.sleeps.splice(0);
    fake.control.failNext("internal");
    fake.control.failNext("unavailable");
    const [result] = await connector.push([item(OFFER, "in_stock")]);
    expect(result).toMatchObject({ status: "applied" });
    expect(clock.sleeps).toEqual([750, 1_500]);
  });

  fakeOnly(
    `revoked token: 401 UNAUTHENTICATED and invalid_grant → permanent credentials_revoked; health says so (${ERRORS_DOC})`,
    async () => {
      const { fake, connector } = await setup();
      expect((await connector.push([item(OFFER, "in_stock")]))[0]?.status).toBe("applied");
      fake.control.revokeAccess();

      const results = await connector.push([item(OFFER, "out_of_stock"), item("shopify_US_1_2", "out_of_stock")]);
      expect(results.every((result) => result.status === "permanent" && result.code === "credentials_revoked")).toBe(
        true,
      );
      expect(await connector.checkHealth()).toMatchObject({ ok: false, code: "credentials_revoked" });
    },
  );

  fakeOnly(
    "service account: a JWT bearer grant signed with the account's key obtains a token (RFC 7523; developers.google.com/identity/protocols/oauth2/service-account)",
    async () => {
      const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const clientEmail = "ballast@project.iam.gserviceaccount.com";
      const { fake, connector } = await setup(
        {
          oauth: {
            serviceAccounts: [
              { clientEmail, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() },
            ],
          },
        },
        {
          credentials: {
            kind: "service_account",
            clientEmail,
            privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
          },
        },
      );
      expect(await connector.checkHealth()).toMatchObject({ ok: true });
      expect(fake.control.counters.tokenGrants).toBe(1);
    },
  );

  fakeOnly(
    `update budget: about two updates a product a day; the connector reports the wait, and lets a move to safety overdraw once (${CHANNELS_MD})`,
    async () => {
      const { fake, clock, connector } = await setup();
      for (const availability of ["out_of_stock", "in_stock"] as const) {
        expect((await connector.push([item(OFFER, availability)]))[0]?.status).toBe("applied");
        clock.advance(60_000);
      }
      const [waiting] = await connector.push([item(OFFER, "in_stock")]);
      expect(waiting).toMatchObject({ status: "retryable", reason: expect.stringContaining("google_update_budget") });
      const wait = waiting?.status === "retryable" ? waiting.retryAfterMs : 0;
      expect(wait).toBe(24 * 3_600_000 - 2 * 60_000);
      expect(fake.control.counters.inserts).toBe(2);

      expect((await connector.push([item(OFFER, "out_of_stock")]))[0]?.status).toBe("applied"); // safety overdraft
      expect(fake.control.productsOverPolicy()).toEqual([`en~US~${OFFER}`]);
      expect((await connector.push([item(OFFER, "out_of_stock")]))[0]?.status).toBe("retryable");
    },
  );

  fakeOnly(
    `pauseAds: near sell-out the connector sends pause "ads", and leaving it out un-pauses (${CHANNELS_MD}; issue 4)`,
    async () => {
      const { fake, clock, connector } = await setup({ processingDelayMs: 0 });
      await connector.push([item(OFFER, "in_stock", true)]);
      clock.advance(1);
      expect(fake.control.trueProduct(OFFER)).toMatchObject({ availability: "IN_STOCK", pause: "ads" });
      expect(fake.control.insertedBodies.at(-1)).toEqual({
        offerId: OFFER,
        contentLanguage: "en",
        feedLabel: "US",
        productAttributes: { availability: "IN_STOCK", pause: "ads" },
      });
      await connector.push([item(OFFER, "in_stock", false)]);
      clock.advance(1);
      expect(fake.control.trueProduct(OFFER)?.pause).toBeUndefined();
    },
  );

  fakeOnly(`unknown data source: 404 → permanent misconfiguration, nothing written (${ERRORS_DOC})`, async () => {
    const { connector } = await setup({}, { dataSourceId: "9999" });
    expect((await connector.push([item(OFFER, "in_stock")]))[0]).toMatchObject({
      status: "permanent",
      code: "misconfigured_data_source",
    });
    expect(await connector.checkHealth()).toMatchObject({ ok: false, code: "misconfigured" });
  });

  fakeOnly(
    `batching: the Merchant API has no batch insert — one productInputs:insert per product, the data source checked once per push (${INSERT_DOC})`,
    async () => {
      const offers = Array.from({ length: 12 }, (_, index) => `batch-offer-${index}`);
      const { fake, connector } = await setup({ requestsPerMinute: 100 });
      const results = await connector.push(offers.map((offerId) => item(offerId, "in_stock")));

      expect(results.map((result) => result.status)).toEqual(offers.map(() => "applied"));
      expect(fake.control.counters.inserts).toBe(12);
      expect(fake.control.insertedBodies.map((body) => (body as { offerId: string }).offerId).sort()).toEqual(
        [...offers].sort(),
      );
      expect(fake.control.counters.dataSourceGets).toBe(1);
      expect(connector.capabilities).toMatchObject({ shows: "availability", budget: { updatesPerItemPerDay: 2 } });
    },
  );

  fakeOnly(
    `idempotent retry: an insert whose answer is lost is sent again; insert replaces the same input, so the replay rewrites the same input with the same value (${INSERT_DOC}: "if the product input already exists, it is replaced")`,
    async () => {
      // Real-time timeout: generous, so that only the slowed answer (not a loaded machine) trips it.
      const { fake, clock, connector } = await setup({ processingDelayMs: 0 }, { requestTimeoutMs: 2_000 });
      await connector.push([item("shopify_US_1_2", "in_stock")]); // token and data-source check done
      fake.control.slowNext(8_000);

      const [result] = await connector.push([item(OFFER, "out_of_stock")]);

      expect(result).toMatchObject({ status: "applied" });
      const inserts = fake.control.insertedBodies.filter((body) => (body as { offerId: string }).offerId === OFFER);
      expect(inserts.length).toBeGreaterThanOrEqual(2); // Google received the first too: its answer was lost, not the request
      for (const body of inserts) expect(body).toEqual(inserts[0]);
      clock.advance(1);
      expect(fake.control.trueProduct(OFFER)).toMatchObject({ availability: "OUT_OF_STOCK" });
      expect((await connector.readBack([OFFER]))[0]).toMatchObject({ found: true, availability: "out_of_stock" });
    },
  );

  fakeOnly(
    `unknown item: an offer missing from the primary feed is accepted by insert but never becomes a product; read-back says not found, and no product is created (${RULES_DOC}: supplemental sources only add to products of a primary source)`,
    async () => {
      const { fake, clock, connector } = await setup({ processingDelayMs: 0 });
      const [result] = await connector.push([item("offer-not-in-shopify-feed", "out_of_stock")]);
      expect(result).toMatchObject({ status: "applied" });
      clock.advance(60_000);
      expect(await connector.readBack(["offer-not-in-shopify-feed"])).toEqual([
        { itemKey: "offer-not-in-shopify-feed", found: false, quantity: null, availability: null },
      ]);
      expect(fake.control.trueProduct("offer-not-in-shopify-feed")).toBeUndefined();
    },
  );

  fakeOnly("no credential appears in logs or request URLs (issue 4: credentials never logged)", async () => {
    const { fake, connector, logs, config } = await setup({ requestsPerMinute: 3 });
    await connector.push(["a", "b", "c", "d"].map((offerId) => item(offerId, "in_stock")));
    fake.control.revokeAccess();
    await connector.push([item(OFFER, "in_stock")]);
    await connector.checkHealth();

    // A service-account key Google does not know: the token grant fails.
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const unknownAccount = createGoogleConnector({
      ...config,
      credentials: { kind: "service_account", clientEmail: "unknown@project.iam.gserviceaccount.com", privateKey: pem },
    });
    expect((await unknownAccount.push([item(OFFER, "in_stock")]))[0]).toMatchObject({
      status: "permanent",
      code: "credentials_revoked",
    });
    expect(await unknownAccount.checkHealth()).toMatchObject({ ok: false });

    expect(logs.text()).toContain("google insert failed"); // the capture works
    const keyBody = pem.split("\n").find((line) => line.length > 40)!;
    for (const secret of [CLIENT.clientSecret, CLIENT.refreshToken, "ya29.", "PRIVATE KEY", keyBody]) {
      expect(logs.text()).not.toContain(secret);
      expect(fake.control.requestLines.join("\n")).not.toContain(secret);
    }
  });
});

/**
 * Contract suite for the Meta catalog connector. Each case names the documented behaviour
 * it checks and where it is documented. It runs against the fake (sim/fakes/meta) on a
 * free loopback port with a virtual clock; with META_CONTRACT_* set it runs the cases
 * that need no fault injection against a real test catalog (app/channels/README.md "Meta").
 */
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { matchCatalogItems, META_DEFAULT_TEMPLATES } from "~/channels/item-ids";
import type { PushItem } from "~/channels/types";
import { createLogger } from "~/logger.server";
import { startMetaFake, type MetaFake, type MetaFakeOptions } from "../../../sim/fakes/meta/server";
import { VirtualClock } from "../../../sim/fakes/meta/clock";
import { bigIdVariants, shopifyCatalogItems } from "../../../sim/fakes/meta/seed";
import { systemClock } from "~/channels/backoff.server";
import { createMetaConnector, type MetaConnectorConfig } from "./connector.server";

const CHANNELS_MD = "CHANNELS.md §Meta Graph API v26.0 catalog";
const BATCH_API =
  "https://developers.facebook.com/docs/marketing-api/catalog/guides/manage-catalog-items/catalog-batch-api";
const STATUS_API =
  "https://developers.facebook.com/docs/marketing-api/reference/product-catalog/check_batch_request_status/";
const RATE_LIMITS = "https://developers.facebook.com/docs/graph-api/overview/rate-limiting";
const ERROR_CODES = "https://developers.facebook.com/docs/graph-api/guides/error-handling";
const AVAILABILITY = "README.md beside this file: ads and shop pages go by availability";

/** A real catalog, when given: only cases that need no fault injection run against it. */
const real =
  process.env.META_CONTRACT_ACCESS_TOKEN && process.env.META_CONTRACT_CATALOG_ID
    ? {
        accessToken: process.env.META_CONTRACT_ACCESS_TOKEN,
        catalogId: process.env.META_CONTRACT_CATALOG_ID,
        graphBaseUrl: process.env.META_CONTRACT_GRAPH_BASE_URL ?? "https://graph.facebook.com",
        apiVersion: process.env.META_CONTRACT_API_VERSION ?? "v26.0",
        retailerIds: (process.env.META_CONTRACT_RETAILER_IDS ?? "").split(",").filter(Boolean),
      }
    : null;
const fakeOnly = real ? it.skip : it;

const TOKEN = "EAAB-contract-secret-token-0123456789";
const CATALOG = "880000000000000001";
const running: MetaFake[] = [];
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

async function setup(fakeOptions: MetaFakeOptions = {}, connectorOptions: Partial<MetaConnectorConfig> = {}) {
  const clock = new VirtualClock();
  const logs = capturedLogs();
  const fake = await startMetaFake({
    clock,
    accessTokens: [TOKEN],
    random: () => 0.5,
    propagationDelayMs: 60_000,
    batchTiming: { startAfterMs: 5_000, finishAfterMs: 30_000 },
    ...fakeOptions,
    catalogs: fakeOptions.catalogs ?? [
      {
        id: CATALOG,
        items: [
          { retailerId: "1001", quantity: 5 },
          { retailerId: "1002", quantity: 5 },
        ],
      },
    ],
  });
  running.push(fake);
  const config: MetaConnectorConfig = {
    graphBaseUrl: fake.url,
    apiVersion: "v26.0",
    catalogId: CATALOG,
    accessToken: TOKEN,
    clock,
    random: () => 0.5,
    logger: logs.logger,
    ...connectorOptions,
  };
  return { fake, clock, logs, connector: createMetaConnector(config), config };
}

const item = (itemKey: string, quantity: number): PushItem => ({
  itemKey,
  quantity,
  availability: quantity > 0 ? "in_stock" : "out_of_stock",
});

describe("Meta catalog connector contract", () => {
  describe.runIf(real)("against a real catalog", () => {
    const connect = () => createMetaConnector({ ...real!, clock: systemClock });

    it(`health check reads the catalog node (${CHANNELS_MD})`, async () => {
      expect(await connect().checkHealth()).toMatchObject({ ok: true });
    });

    it(
      `an unknown retailer id is reported unmatched, never created: allow_upsert=false (${BATCH_API})`,
      async () => {
        const [result] = await connect().push([item(`ballast-contract-missing-${Date.now()}`, 1)]);
        expect(result).toMatchObject({ status: "permanent", code: "unmatched" });
      },
      15 * 60_000,
    );

    it(
      `pushed quantities are read back from the products edge (${CHANNELS_MD})`,
      async () => {
        const connector = connect();
        const items = real!.retailerIds.map((retailerId) => item(retailerId, 3));
        const results = await connector.push(items);
        expect(results.every((result) => result.status === "applied")).toBe(true);
        const back = await connector.readBack(real!.retailerIds);
        expect(back.every((row) => row.found)).toBe(true);
      },
      15 * 60_000,
    );
  });

  fakeOnly(
    `batching: 10,000 changed items use ≤ 4 batch calls of ≤ 3,000 items (${CHANNELS_MD}: requests ≤ 5,000, ≤ 3,000 advised)`,
    async () => {
      const variants = bigIdVariants(10_000, { quantity: 9 });
      const { fake, connector } = await setup({
        catalogs: [{ id: CATALOG, items: shopifyCatalogItems(variants, { kind: "bare" }) }],
      });

      const results = await connector.push(variants.map((variant) => item(variant.variantId, 4)));

      expect(fake.control.counters.itemsBatchCalls).toBeLessThanOrEqual(4);
      expect(fake.control.counters.itemsSent).toBe(10_000);
      expect(fake.control.counters.itemsSent / fake.control.counters.itemsBatchCalls).toBeLessThanOrEqual(3000);
      expect(results.filter((result) => result.status === "applied")).toHaveLength(10_000);
      // Ids above 2^53 reach Meta unrounded.
      expect(fake.control.trueItem(CATALOG, variants[9_999]!.variantId)).toMatchObject({
        quantity: 4,
        writer: "ballast",
      });
    },
  );

  fakeOnly(
    `async handles: a push resolves only after check_batch_request_status reports finished (${STATUS_API})`,
    async () => {
      const { fake, clock, connector } = await setup({ batchTiming: { startAfterMs: 5_000, finishAfterMs: 45_000 } });
      const startedAt = clock.now();

      const [result] = await connector.push([item("1001", 2)]);

      expect(result).toEqual({ itemKey: "1001", status: "applied", quantity: 2 });
      expect(fake.control.counters.statusChecks).toBeGreaterThan(1); // saw scheduled/started first
      expect(clock.now() - startedAt).toBeGreaterThanOrEqual(45_000);
    },
  );

  fakeOnly(
    `propagation: the products edge shows a finished write only after a delay (${CHANNELS_MD}: verify with GET /products)`,
    async () => {
      const { clock, connector } = await setup({ propagationDelayMs: 120_000 });
      await connector.push([item("1001", 2)]);

      expect(await connector.readBack(["1001"])).toEqual([
        { itemKey: "1001", found: true, quantity: 5, availability: "in_stock" },
      ]);
      clock.advance(120_000);
      expect(await connector.readBack(["1001", "missing"])).toEqual([
        { itemKey: "1001", found: true, quantity: 2, availability: "in_stock" },
        { itemKey: "missing", found: false, quantity: null, availability: null },
      ]);
    },
  );

  fakeOnly(
    `unknown item: with allow_upsert=false an unknown retailer id fails and is never created (${BATCH_API})`,
    async () => {
      const { fake, connector } = await setup();
      const results = await connector.push([item("1001", 1), item("no-such-item", 1)]);

      expect(results[0]).toMatchObject({ status: "applied" });
      expect(results[1]).toMatchObject({ itemKey: "no-such-item", status: "permanent", code: "unmatched" });
      expect(fake.control.trueItem(CATALOG, "no-such-item")).toBeUndefined();
    },
  );

  fakeOnly(
    `errors is only a sample: invalid ids without a message are told apart by reading the catalog (${STATUS_API})`,
    async () => {
      const { fake, connector } = await setup({ errorSampleSize: 0 });
      fake.control.rejectItems(["1002"]);
      const results = await connector.push([item("1001", 1), item("1002", 1), item("ghost", 1)]);

      expect(results.map((result) => [result.itemKey, result.status])).toEqual([
        ["1001", "applied"],
        ["1002", "retryable"],
        ["ghost", "permanent"],
      ]);
      expect(results[2]).toMatchObject({ code: "unmatched" });
    },
  );

  fakeOnly(
    `partial batch failure: a finished batch can hold failed items; only those are retried (${CHANNELS_MD})`,
    async () => {
      const { fake, connector } = await setup();
      fake.control.rejectItems(["1002"], "An unexpected error occurred while processing this item. Please retry.");
      const results = await connector.push([item("1001", 3), item("1002", 3)]);

      expect(results[0]).toEqual({ itemKey: "1001", status: "applied", quantity: 3 });
      expect(results[1]).toMatchObject({
        itemKey: "1002",
        status: "retryable",
        reason: expect.stringContaining("unexpected error"),
      });
      expect(fake.control.trueItem(CATALOG, "1002")?.quantity).toBe(5);
    },
  );

  fakeOnly(`batch status error or canceled: nothing applied, every item retryable (${STATUS_API})`, async () => {
    const { fake, connector } = await setup();
    fake.control.failNextBatch("error");
    const results = await connector.push([item("1001", 0)]);
    expect(results[0]).toMatchObject({ status: "retryable", reason: "meta batch error" });
    expect(fake.control.trueItem(CATALOG, "1001")?.quantity).toBe(5);
  });

  fakeOnly(
    `validation_status: an item refused at submission is a permanent error for that item only (${BATCH_API})`,
    async () => {
      const { connector } = await setup();
      const results = await connector.push([item("1001", 1.5), item("1002", 1)]);
      expect(results[0]).toMatchObject({ status: "permanent", code: "invalid_quantity" });
      expect(results[1]).toMatchObject({ status: "applied" });
    },
  );

  fakeOnly(
    `throttling: from high X-Business-Use-Case-Usage calls are spaced to the hourly budget (${RATE_LIMITS})`,
    async () => {
      const { fake, clock, connector } = await setup(
        { batchCallsPerHour: 4 },
        { batchCallsPerHour: 4, slowDownAtPercent: 75 },
      );
      for (const quantity of [1, 2, 3])
        expect((await connector.push([item("1001", quantity)]))[0]?.status).toBe("applied");
      expect(connector.usage.percent).toBe(75);

      const [slowed] = await connector.push([item("1001", 4)]);
      expect(slowed).toMatchObject({ status: "retryable", reason: expect.stringContaining("meta_slowing_down") });
      expect(fake.control.counters.itemsBatchCalls).toBe(3); // the connector did not call

      clock.advance(slowed?.status === "retryable" ? slowed.retryAfterMs : 0);
      expect((await connector.push([item("1001", 4)]))[0]?.status).toBe("applied");
    },
  );

  fakeOnly(
    `throttling: error 80014 at 100% → retryable after estimated_time_to_regain_access, and no more calls until then (${CHANNELS_MD})`,
    async () => {
      const { fake, clock, config } = await setup({ batchCallsPerHour: 2 });
      const first = createMetaConnector({ ...config, batchCallsPerHour: 1000 }); // a connector that does not know the budget
      await first.push([item("1001", 1)]);
      await first.push([item("1001", 2)]);

      const [limited] = await first.push([item("1001", 3), item("1002", 3)]);
      expect(limited).toMatchObject({ status: "retryable", reason: expect.stringContaining("meta_rate_limited") });
      const regainMs = limited?.status === "retryable" ? limited.retryAfterMs : 0;
      expect(regainMs).toBeGreaterThan(55 * 60_000); // the first call leaves the rolling hour in ~59 min
      expect(regainMs % 60_000).toBe(0); // minutes, from the header
      const callsSoFar = fake.control.counters.itemsBatchCalls;

      const [again] = await first.push([item("1001", 3)]);
      expect(again).toMatchObject({ status: "retryable" });
      expect(fake.control.counters.itemsBatchCalls).toBe(callsSoFar);
      expect(await first.checkHealth()).toMatchObject({ ok: false, code: "rate_limited" });

      clock.advance(regainMs);
      expect((await first.push([item("1001", 3)]))[0]?.status).toBe("applied");
    },
  );

  fakeOnly(
    `throttling: codes 4, 17, 32, 613 are rate limits, retried later rather than at once (${ERROR_CODES})`,
    async () => {
      for (const kind of ["app_rate_limit", "user_rate_limit", "page_rate_limit", "action_rate_limit"] as const) {
        const { fake, connector } = await setup({}, { rateLimitedRetryAfterMs: 120_000 });
        fake.control.failNext(kind, { endpoint: "items_batch" });
        const [result] = await connector.push([item("1001", 1)]);
        expect(result).toMatchObject({ status: "retryable", retryAfterMs: 120_000 });
        expect(fake.control.counters.itemsBatchCalls).toBe(1);
      }
    },
  );

  fakeOnly(
    `backoff: transient errors (codes 1, 2, HTTP 5xx) are retried with growing, jittered delays (${ERROR_CODES})`,
    async () => {
      const { fake, clock, connector } = await setup(
        {},
        { transientRetry: { retries: 3, baseDelayMs: 1_000, maxDelayMs: 30_000 } },
      );
      fake.control.failNext("transient", { endpoint: "items_batch" });
      fake.control.failNext("http_503", { endpoint: "items_batch" });
      fake.control.failNext("unknown", { endpoint: "items_batch" });

      const [result] = await connector.push([item("1001", 1)]);

      expect(result).toMatchObject({ status: "applied" });
      expect(fake.control.counters.itemsBatchCalls).toBe(4);
      // Equal jitter with random()=0.5: 75% of 1 s, 2 s, 4 s before the first poll interval.
      expect(clock.sleeps.slice(0, 3)).toEqual([750, 1_500, 3_000]);
    },
  );

  fakeOnly(`backoff: when retries run out the items are retryable, not lost (${ERROR_CODES})`, async () => {
    const { fake, connector } = await setup({}, { transientRetry: { retries: 2 } });
    fake.control.failNext("transient", { count: 3, endpoint: "items_batch" });
    const [result] = await connector.push([item("1001", 1)]);
    expect(result).toMatchObject({ status: "retryable", reason: expect.stringContaining("meta_unavailable") });
    expect(fake.control.counters.itemsBatchCalls).toBe(3);
  });

  fakeOnly(`slow answers: a request past the timeout is abandoned and retried (${CHANNELS_MD})`, async () => {
    const { fake, connector } = await setup({}, { requestTimeoutMs: 100 });
    fake.control.slowNext(1_000, 1);
    const [result] = await connector.push([item("1001", 1)]);
    expect(result).toMatchObject({ status: "applied" });
  });

  fakeOnly(
    `idempotent retry: an items_batch whose answer is lost is sent again; UPDATE carries absolute values and allow_upsert=false, so the replay sets the same value and creates nothing (${BATCH_API})`,
    async () => {
      // Real-time timeout: generous, so that only the slowed answer (not a loaded machine) trips it.
      const { fake, clock, connector } = await setup({ propagationDelayMs: 0 }, { requestTimeoutMs: 2_000 });
      const itemsBefore = fake.control.counters.itemsSent;
      fake.control.slowNext(8_000, 1);

      const results = await connector.push([item("1001", 2), item("1002", 0)]);

      expect(results).toEqual([
        { itemKey: "1001", status: "applied", quantity: 2 },
        { itemKey: "1002", status: "applied", quantity: 0 },
      ]);
      // Meta received both batches: the first answer was lost, not the request.
      expect(fake.control.counters.itemsBatchCalls).toBeGreaterThanOrEqual(2);
      expect(fake.control.counters.itemsSent - itemsBefore).toBe(2 * fake.control.counters.itemsBatchCalls);
      clock.advance(1);
      expect(fake.control.trueItem(CATALOG, "1001")).toMatchObject({ quantity: 2, writer: "ballast" });
      expect(fake.control.trueItem(CATALOG, "1002")).toMatchObject({ quantity: 0 });
      expect(await connector.listRetailerIds()).toHaveLength(2);
    },
  );

  fakeOnly(
    `status checks are rate limited too (error 80009): the connector waits and polls again (${CHANNELS_MD})`,
    async () => {
      const { fake, connector } = await setup();
      fake.control.throttleStatusChecks(3);
      const [result] = await connector.push([item("1001", 1)]);
      expect(result).toMatchObject({ status: "applied" });
      expect(fake.control.counters.statusChecks).toBeGreaterThan(3);
    },
  );

  fakeOnly(
    `revoked token: OAuthException 190 → permanent credentials_revoked, health says so, pushing stops (${ERROR_CODES})`,
    async () => {
      const { fake, connector } = await setup();
      fake.control.revokeToken();

      const results = await connector.push([item("1001", 1), item("1002", 1)]);
      expect(results.every((result) => result.status === "permanent" && result.code === "credentials_revoked")).toBe(
        true,
      );
      expect(await connector.checkHealth()).toMatchObject({ ok: false, code: "credentials_revoked" });

      const callsBefore = fake.control.counters.itemsBatchCalls;
      await connector.push([item("1001", 1)]);
      expect(fake.control.counters.itemsBatchCalls).toBe(callsBefore);
    },
  );

  fakeOnly(`permission error 200 → health reports a misconfigured catalog (${ERROR_CODES})`, async () => {
    const { fake, connector } = await setup();
    expect(await connector.checkHealth()).toMatchObject({ ok: true });
    fake.control.failNext("permission", { endpoint: "catalog" });
    expect(await connector.checkHealth()).toMatchObject({ ok: false, code: "misconfigured" });
  });

  fakeOnly(
    `Meta's own checkout lowers quantity_to_sell_on_facebook; a pushed absolute value replaces it (${CHANNELS_MD})`,
    async () => {
      const { fake, clock, connector } = await setup({ propagationDelayMs: 0 });
      fake.control.sell(CATALOG, "1001", 2);
      expect((await connector.readBack(["1001"]))[0]).toMatchObject({ quantity: 3 });

      await connector.push([item("1001", 1)]);
      clock.advance(1);
      expect((await connector.readBack(["1001"]))[0]).toMatchObject({ quantity: 1 });
    },
  );

  fakeOnly(
    `competing writer: Shopify's own channel puts its figure back after a while; read-back shows the drift (${CHANNELS_MD} §Two things)`,
    async () => {
      const { fake, clock, connector } = await setup({ propagationDelayMs: 0 });
      fake.control.setCompetingWriter({ afterMs: 300_000, quantityFor: () => 5 });

      await connector.push([item("1001", 2)]);
      expect((await connector.readBack(["1001"]))[0]).toMatchObject({ quantity: 2 });
      clock.advance(300_000);
      expect((await connector.readBack(["1001"]))[0]).toMatchObject({ quantity: 5 });
      expect(fake.control.trueItem(CATALOG, "1001")?.writer).toBe("competing_writer");
    },
  );

  fakeOnly(
    `item ids: existing retailer ids in both Shopify conventions are discovered and matched case-insensitively (${CHANNELS_MD})`,
    async () => {
      const variants = bigIdVariants(6);
      const { connector } = await setup({
        catalogs: [
          {
            id: CATALOG,
            items: [
              ...shopifyCatalogItems(variants.slice(0, 3), { kind: "bare" }),
              ...shopifyCatalogItems(variants.slice(3, 5), { kind: "prefixed", countryCode: "US", lowerCase: true }),
            ],
          },
        ],
        maxPageSize: 2, // forces cursor paging
      });

      const catalogIds = await connector.listRetailerIds();
      const report = matchCatalogItems(
        variants.map((variant) => ({ key: variant.variantId, parts: { ...variant, countryCode: "US" } })),
        catalogIds,
        META_DEFAULT_TEMPLATES,
      );

      expect(catalogIds).toHaveLength(5);
      expect(report.matched.map((match) => match.itemIds[0])).toEqual([
        variants[0]!.variantId,
        variants[1]!.variantId,
        variants[2]!.variantId,
        `shopify_us_${variants[3]!.productId}_${variants[3]!.variantId}`,
        `shopify_us_${variants[4]!.productId}_${variants[4]!.variantId}`,
      ]);
      expect(report.unmatched).toEqual([variants[5]!.variantId]);
    },
  );

  fakeOnly(
    `availability: every update sends it with the quantity, the quantity deciding, so a sold-out item leaves the ads (${AVAILABILITY})`,
    async () => {
      const { fake, clock, connector } = await setup();
      // A caller's availability that contradicts its quantity is not sent as such.
      const results = await connector.push([
        item("1001", 0),
        { itemKey: "1002", quantity: 3, availability: "out_of_stock" },
      ]);
      expect(results.map((result) => result.status)).toEqual(["applied", "applied"]);
      clock.advance(60_000);

      expect(fake.control.trueItem(CATALOG, "1001")).toMatchObject({ quantity: 0, availability: "out of stock" });
      expect(fake.control.trueItem(CATALOG, "1002")).toMatchObject({ quantity: 3, availability: "in stock" });
      expect(fake.control.advertised(CATALOG, "1001")).toBe(false);
      expect(fake.control.advertised(CATALOG, "1002")).toBe(true);
      expect(fake.control.incoherentWrites()).toEqual([]);
    },
  );

  fakeOnly(
    `availability: an item marked out of stock by someone else reads back as 0, whatever its quantity (${AVAILABILITY})`,
    async () => {
      const { fake, clock, connector } = await setup();
      // Commerce Manager, or another app, sets availability alone.
      const answer = await fetch(`${fake.url}/v26.0/${CATALOG}/items_batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({
          item_type: "PRODUCT_ITEM",
          requests: [{ method: "UPDATE", data: { id: "1001", availability: "out of stock" } }],
        }),
      });
      expect(answer.status).toBe(200);
      clock.advance(120_000);

      expect(fake.control.shownItem(CATALOG, "1001")).toEqual({ quantity: 5, availability: "out of stock" });
      expect(await connector.readBack(["1001", "1002"])).toEqual([
        { itemKey: "1001", found: true, quantity: 0, availability: "out_of_stock" },
        { itemKey: "1002", found: true, quantity: 5, availability: "in_stock" },
      ]);
    },
  );

  fakeOnly("no credential appears in logs or in request URLs (issue 4: credentials never logged)", async () => {
    const { fake, connector, logs } = await setup({ errorSampleSize: 1 });
    fake.control.failNext("transient", { endpoint: "items_batch" });
    fake.control.rejectItems(["1002"]);
    await connector.push([item("1001", 1), item("1002", 1), item("ghost", 1)]);
    await connector.readBack(["1001"]);
    await connector.checkHealth();
    fake.control.revokeToken();
    await connector.push([item("1001", 1)]);
    await connector.checkHealth();

    expect(logs.text()).toContain("meta batch sent"); // the capture works
    expect(logs.text()).not.toContain(TOKEN);
    expect(fake.control.requestLines.join("\n")).not.toContain(TOKEN);
  });
});

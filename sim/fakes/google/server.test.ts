/** The Google fake's own wire behaviour, checked over HTTP as any client would see it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../meta/clock";
import { startGoogleFake, type GoogleFake } from "./server";

let fake: GoogleFake;
const clock = new VirtualClock();
const ACCOUNT = "77";

beforeAll(async () => {
  fake = await startGoogleFake({
    clock,
    accountId: ACCOUNT,
    staticAccessTokens: ["t"],
    processingDelayMs: 60_000,
    dataSources: [
      {
        dataSourceId: "1",
        type: "primary",
        contentLanguage: "en",
        feedLabel: "US",
        takeFromDataSources: ["2", "self"],
      },
      { dataSourceId: "2", type: "supplemental", contentLanguage: "en", feedLabel: "US" },
    ],
    products: [{ offerId: "x", availability: "IN_STOCK", dataSourceId: "1" }],
  });
});
afterAll(() => fake.close());

const insert = (dataSourceId: string, body: unknown, token = "t") =>
  fetch(
    `${fake.url}/products/v1/accounts/${ACCOUNT}/productInputs:insert?dataSource=accounts/${ACCOUNT}/dataSources/${dataSourceId}`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    },
  );

describe("Google fake", () => {
  it("accepts numeric availability enums, as the official REST client sends them", async () => {
    const response = await insert("2", {
      offerId: "x",
      contentLanguage: "en",
      feedLabel: "US",
      productAttributes: { availability: 2 },
    });
    expect(response.status).toBe(200);
    expect(fake.control.trueProduct("x")).toMatchObject({ availability: "OUT_OF_STOCK" });
    const early = await fetch(`${fake.url}/products/v1/accounts/${ACCOUNT}/products/en~US~x`, {
      headers: { authorization: "Bearer t" },
    });
    expect(
      ((await early.json()) as { productAttributes: { availability: string } }).productAttributes.availability,
    ).toBe("IN_STOCK");
    clock.advance(60_000);
    const late = await fetch(`${fake.url}/products/v1/accounts/${ACCOUNT}/products/en~US~x`, {
      headers: { authorization: "Bearer t" },
    });
    expect(
      ((await late.json()) as { productAttributes: { availability: string } }).productAttributes.availability,
    ).toBe("OUT_OF_STOCK");
  });

  it("processes one offer's inputs in the order received: a later insert never overtakes an earlier one", async () => {
    const shown = async () =>
      (
        (await (
          await fetch(`${fake.url}/products/v1/accounts/${ACCOUNT}/products/en~US~y`, {
            headers: { authorization: "Bearer t" },
          })
        ).json()) as { productAttributes: { availability: string } }
      ).productAttributes.availability;
    fake.control.setPrimaryAvailability("y", "IN_STOCK");
    expect(
      (
        await insert("2", {
          offerId: "y",
          contentLanguage: "en",
          feedLabel: "US",
          productAttributes: { availability: "IN_STOCK" },
        })
      ).status,
    ).toBe(200);
    clock.advance(60_000);
    expect(await shown()).toBe("IN_STOCK");
    try {
      fake.control.setProcessingDelay(2 * 3_600_000);
      await insert("2", {
        offerId: "y",
        contentLanguage: "en",
        feedLabel: "US",
        productAttributes: { availability: "IN_STOCK" },
      });
      fake.control.setProcessingDelay(60_000);
      await insert("2", {
        offerId: "y",
        contentLanguage: "en",
        feedLabel: "US",
        productAttributes: { availability: "OUT_OF_STOCK" },
      });
      clock.advance(10 * 60_000);
      expect(await shown()).toBe("IN_STOCK"); // the out-of-stock input waits behind the slow one
      clock.advance(2 * 3_600_000);
      expect(await shown()).toBe("OUT_OF_STOCK"); // and lands after it: the last input wins
    } finally {
      fake.control.setProcessingDelay(60_000);
    }
  });

  it("processes nothing during an outage: inputs due then show when it ends", async () => {
    const insertZ = (availability: string) =>
      insert("2", { offerId: "z", contentLanguage: "en", feedLabel: "US", productAttributes: { availability } });
    const start = clock.now();
    fake.control.setPrimaryAvailability("z", "IN_STOCK");
    clock.advance(60_000);
    try {
      fake.control.setOutages([{ fromMs: start + 90_000, toMs: start + 3_600_000 }]);
      expect((await insertZ("OUT_OF_STOCK")).status).toBe(200); // due at +120 s: inside the outage
      clock.advance(30 * 60_000);
      expect(fake.control.trueProduct("z")).toMatchObject({ availability: "OUT_OF_STOCK" });
      const shown = async () =>
        (
          (await (
            await fetch(`${fake.url}/products/v1/accounts/${ACCOUNT}/products/en~US~z`, {
              headers: { authorization: "Bearer t" },
            })
          ).json()) as { productAttributes: { availability: string } }
        ).productAttributes.availability;
      expect(await shown()).toBe("IN_STOCK");
      clock.advance(start + 3_600_000 - clock.now());
      expect(await shown()).toBe("OUT_OF_STOCK");
    } finally {
      fake.control.setOutages([]);
    }
  });

  it("refuses inserts into a primary source and bad enums with AIP-193 errors", async () => {
    const primary = await insert("1", {
      offerId: "x",
      contentLanguage: "en",
      feedLabel: "US",
      productAttributes: { availability: "IN_STOCK" },
    });
    expect(primary.status).toBe(400);
    const body = (await primary.json()) as {
      error: { status: string; details: Array<{ metadata: { REASON: string } }> };
    };
    expect(body.error.status).toBe("FAILED_PRECONDITION");
    expect(body.error.details[0]?.metadata.REASON).toBe("PRIMARY_DATA_SOURCE_INSERT_REFUSED");
    const bad = await insert("2", {
      offerId: "x",
      contentLanguage: "en",
      feedLabel: "US",
      productAttributes: { availability: 9 },
    });
    expect(bad.status).toBe(400);
  });

  it("answers 401 UNAUTHENTICATED to an unknown token and describes data sources with their default rule", async () => {
    expect((await insert("2", {}, "wrong")).status).toBe(401);
    const source = (await (
      await fetch(`${fake.url}/datasources/v1/accounts/${ACCOUNT}/dataSources/1`, {
        headers: { authorization: "Bearer t" },
      })
    ).json()) as Record<string, unknown>;
    expect(source).toMatchObject({
      primaryProductDataSource: {
        defaultRule: {
          takeFromDataSources: [{ supplementalDataSourceName: `accounts/${ACCOUNT}/dataSources/2` }, { self: true }],
        },
      },
    });
  });
});

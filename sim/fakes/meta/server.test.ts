/** The Meta fake's own wire behaviour, checked over HTTP as any client would see it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "./clock";
import { startMetaFake, type MetaFake } from "./server";

const TOKEN = "fake-token";
const CATALOG = "42";
let fake: MetaFake;
const clock = new VirtualClock();

beforeAll(async () => {
  fake = await startMetaFake({
    clock,
    accessTokens: [TOKEN],
    batchCallsPerHour: 100,
    batchTiming: { startAfterMs: 1_000, finishAfterMs: 4_000 },
    propagationDelayMs: 10_000,
    catalogs: [
      { id: CATALOG, items: [{ retailerId: "1", quantity: 1 }] },
      { id: "43", items: [] },
    ],
  });
});
afterAll(() => fake.close());

const graph = (path: string, init?: RequestInit) => fetch(`${fake.url}/v26.0${path}`, init);

describe("Meta fake", () => {
  it("accepts a form body with access_token, as Graph API clients send it, and upserts by default", async () => {
    const form = new URLSearchParams({
      access_token: TOKEN,
      item_type: "PRODUCT_ITEM",
      requests: JSON.stringify([{ method: "UPDATE", data: { id: "new-one", quantity_to_sell_on_facebook: 3 } }]),
    });
    const response = await graph(`/${CATALOG}/items_batch`, { method: "POST", body: form });
    expect(response.status).toBe(200);
    const usage = JSON.parse(response.headers.get("x-business-use-case-usage")!) as Record<
      string,
      Array<Record<string, unknown>>
    >;
    expect(Object.values(usage)[0]?.[0]).toMatchObject({
      type: "catalog_batch",
      call_count: 1,
      estimated_time_to_regain_access: 0,
    });
    const { handles } = (await response.json()) as { handles: string[] };

    const status = async () =>
      (
        (await (
          await graph(
            `/${CATALOG}/check_batch_request_status?handle=${handles[0]}&load_ids_of_invalid_requests=true&access_token=${TOKEN}`,
          )
        ).json()) as { data: Array<{ status: string }> }
      ).data[0]!.status;
    expect(await status()).toBe("scheduled");
    clock.advance(1_000);
    expect(await status()).toBe("started");
    clock.advance(3_000);
    expect(await status()).toBe("finished");
    expect(fake.control.trueItem(CATALOG, "new-one")).toMatchObject({ quantity: 3 });
  });

  it("refuses more than 5,000 requests with error 100 in Graph's error shape", async () => {
    const requests = Array.from({ length: 5001 }, (_, index) => ({ method: "UPDATE", data: { id: String(index) } }));
    const response = await graph(`/43/items_batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ item_type: "PRODUCT_ITEM", requests }),
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ code: 100, type: "OAuthException", is_transient: false });
    expect(typeof error.message).toBe("string");
    expect(typeof error.fbtrace_id).toBe("string");
  });

  it("answers 190 for an unknown token and refuses an unknown version prefix", async () => {
    const bad = await graph(`/${CATALOG}?access_token=nope`);
    expect(((await bad.json()) as { error: { code: number } }).error.code).toBe(190);
    const old = await fetch(`${fake.url}/v2.0/${CATALOG}?access_token=${TOKEN}`);
    expect(((await old.json()) as { error: { code: number } }).error.code).toBe(2635);
  });

  it("applies one item's updates in the order sent: when the delay shrinks after a spike, a later write waits for the earlier one", async () => {
    fake.control.seedItems("45", [{ retailerId: "fifo", quantity: 10 }]);
    const push = async (quantity: number) => {
      const response = await graph(`/45/items_batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({
          item_type: "PRODUCT_ITEM",
          requests: [{ method: "UPDATE", data: { id: "fifo", quantity_to_sell_on_facebook: quantity } }],
        }),
      });
      expect(response.status).toBe(200);
      clock.advance(4_000); // the batch finishes
    };
    const shown = async () => {
      const page = (await (
        await graph(`/45/products?fields=retailer_id,quantity_to_sell_on_facebook`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        })
      ).json()) as {
        data: Array<{ retailer_id: string; quantity_to_sell_on_facebook: number }>;
      };
      return page.data.find((row) => row.retailer_id === "fifo")!.quantity_to_sell_on_facebook;
    };
    try {
      fake.control.setPropagationDelay(30 * 60_000);
      await push(9);
      expect(await shown()).toBe(10); // read: the finished batch is applied at the delay of its time
      fake.control.setPropagationDelay(5 * 60_000);
      await push(0);
      clock.advance(10 * 60_000);
      expect(await shown()).toBe(10); // the 0 would have overtaken the 9 here
      clock.advance(21 * 60_000);
      expect(await shown()).toBe(0); // both landed, in order: the last write wins
    } finally {
      fake.control.setPropagationDelay(10_000);
    }
  });

  it("applies nothing during an outage: writes due then, sent before it or during it, show when it ends", async () => {
    fake.control.seedItems("46", [{ retailerId: "out", quantity: 10 }]);
    const push = async (quantity: number) => {
      const response = await graph(`/46/items_batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({
          item_type: "PRODUCT_ITEM",
          requests: [{ method: "UPDATE", data: { id: "out", quantity_to_sell_on_facebook: quantity } }],
        }),
      });
      expect(response.status).toBe(200);
      clock.advance(4_000); // the batch finishes
    };
    const shown = () => fake.control.shownItem("46", "out")!.quantity;
    const start = clock.now();
    try {
      fake.control.setOutages([{ fromMs: start + 8_000, toMs: start + 3_600_000 }]);
      await push(7); // finishes at +4 s, due at +14 s: inside the outage
      clock.advance(60_000);
      expect(shown()).toBe(10);
      await push(3); // sent during the outage
      clock.advance(3_600_000 - (clock.now() - start) - 1);
      expect(shown()).toBe(10);
      clock.advance(1);
      expect(shown()).toBe(3); // both landed at the end, in the order sent
      await push(2); // after the outage: the usual delay
      clock.advance(10_000);
      expect(shown()).toBe(2);
    } finally {
      fake.control.setOutages([]);
    }
  });

  it("Meta's own checkout lowers the figure shown now; a write still propagating lands later as sent", async () => {
    fake.control.seedItems("46", [{ retailerId: "shop", quantity: 10 }]);
    const shown = async () => {
      const page = (await (
        await graph(`/46/products?fields=retailer_id,quantity_to_sell_on_facebook`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        })
      ).json()) as {
        data: Array<{ retailer_id: string; quantity_to_sell_on_facebook: number }>;
      };
      return page.data.find((row) => row.retailer_id === "shop")!.quantity_to_sell_on_facebook;
    };
    try {
      fake.control.setPropagationDelay(20 * 60_000);
      const response = await graph(`/46/items_batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({
          item_type: "PRODUCT_ITEM",
          requests: [{ method: "UPDATE", data: { id: "shop", quantity_to_sell_on_facebook: 3 } }],
        }),
      });
      expect(response.status).toBe(200);
      clock.advance(4_000);
      // The 3 is on its way; a buyer takes 2 of the 10 shown: 8, not 3 - 2.
      expect(fake.control.sell("46", "shop", 2)).toBe(8);
      expect(await shown()).toBe(8);
      expect(fake.control.shownItem("46", "shop")?.quantity).toBe(8);
      clock.advance(21 * 60_000);
      expect(await shown()).toBe(3);
      expect(fake.control.shownQuantities("46").get("shop")).toBe(3);
    } finally {
      fake.control.setPropagationDelay(10_000);
    }
  });

  it("offers an item in ads and shop pages by its availability: a quantity-only update to 0 leaves it in stock, and is recorded as incoherent", async () => {
    fake.control.seedItems("47", [
      { retailerId: "quantity-only", quantity: 4 },
      { retailerId: "both", quantity: 4 },
    ]);
    const response = await graph(`/47/items_batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        item_type: "PRODUCT_ITEM",
        requests: [
          { method: "UPDATE", data: { id: "quantity-only", quantity_to_sell_on_facebook: 0 } },
          { method: "UPDATE", data: { id: "both", quantity_to_sell_on_facebook: 0, availability: "out of stock" } },
        ],
      }),
    });
    expect(response.status).toBe(200);
    clock.advance(60_000); // finished and propagated
    expect(fake.control.shownItem("47", "quantity-only")).toEqual({ quantity: 0, availability: "in stock" });
    expect(fake.control.advertised("47", "quantity-only")).toBe(true);
    expect(fake.control.advertised("47", "both")).toBe(false);
    expect(fake.control.incoherentWrites().filter((write) => write.catalogId === "47")).toEqual([
      { catalogId: "47", retailerId: "quantity-only", quantity: 0, availability: "in stock" },
    ]);
  });

  it("pages the products edge with cursors", async () => {
    fake.control.seedItems("44", [
      { retailerId: "1", quantity: 1 },
      { retailerId: "2", quantity: 2 },
      { retailerId: "3", quantity: 3 },
    ]);
    const ids: string[] = [];
    let after: string | undefined;
    do {
      const page = (await (
        await graph(`/44/products?fields=retailer_id&limit=2${after ? `&after=${after}` : ""}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        })
      ).json()) as {
        data: Array<{ retailer_id: string }>;
        paging: { next?: string; cursors: { after: string } };
      };
      ids.push(...page.data.map((row) => row.retailer_id));
      after = page.paging.next ? page.paging.cursors.after : undefined;
    } while (after);
    expect(ids.sort()).toEqual(["1", "2", "3"]);
  });
});

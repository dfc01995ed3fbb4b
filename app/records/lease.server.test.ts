// @database
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { acquireLease, LeaseLostError, releaseLease, renewLease, withLease } from "./lease.server";

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

const T0 = Date.UTC(2026, 10, 27, 12);
const lease = (owner: string, atMs: number) => ({
  shop: "lease.myshopify.com",
  lane: "meta",
  owner,
  now: new Date(atMs),
  ttlMs: 60_000,
});

describe("leases", () => {
  it("one holder at a time; released or expired leases pass to the next worker", async () => {
    const { database, provider } = testDatabase;
    expect(await acquireLease(database, provider, lease("a", T0))).toBe(true);
    expect(await acquireLease(database, provider, lease("b", T0 + 1_000))).toBe(false);
    // The holder renews its own lease.
    expect(await acquireLease(database, provider, lease("a", T0 + 2_000))).toBe(true);
    await releaseLease(database, lease("b", T0)); // not b's to release
    expect(await acquireLease(database, provider, lease("b", T0 + 3_000))).toBe(false);
    await releaseLease(database, lease("a", T0));
    expect(await acquireLease(database, provider, lease("b", T0 + 4_000))).toBe(true);
    // b crashes without releasing: a takes over only after the lease expires.
    expect(await acquireLease(database, provider, lease("a", T0 + 60_000))).toBe(false);
    expect(await acquireLease(database, provider, lease("a", T0 + 4_000 + 60_001))).toBe(true);
  });

  it("lets exactly one of many workers claim a new lane", async () => {
    const { database, provider } = testDatabase;
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        acquireLease(database, provider, { ...lease(`w${index}`, T0), lane: "google" }),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it("a holder renews its lease while its work outlasts the TTL, and releases it after", async () => {
    const { database, provider } = testDatabase;
    const shop = "renew.myshopify.com";
    const live = (owner: string) => ({ shop, lane: "meta", owner, now: new Date(), ttlMs: 300 });
    const refusals: boolean[] = [];
    const result = await withLease(database, provider, live("a"), async (signal) => {
      // Four TTLs of work: without renewal b would take the lane after the first.
      for (let check = 0; check < 6; check++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        refusals.push(await acquireLease(database, provider, live("b")));
      }
      return signal.aborted ? "aborted" : "done";
    });
    expect(result).toBe("done");
    expect(refusals).toEqual([false, false, false, false, false, false]);
    // Released at once, not at the end of the last renewal.
    expect(await acquireLease(database, provider, live("b"))).toBe(true);
  });

  it("stops the work when another worker has taken the lease over", async () => {
    const { database, provider } = testDatabase;
    const shop = "lost.myshopify.com";
    const request = { shop, lane: "google", owner: "a", now: new Date(), ttlMs: 300 };
    const reason = await withLease(database, provider, request, async (signal) => {
      // As if this process had stalled past the TTL and b had claimed the expired lease.
      await database.channelLease.update({
        where: { shop_channel: { shop, channel: "google" } },
        data: { owner: "b", expiresAt: new Date(Date.now() + 60_000) },
      });
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      return signal.reason as unknown;
    });
    expect(reason).toBeInstanceOf(LeaseLostError);
    // b keeps it: a's release does not touch a lease that is no longer a's.
    expect(await renewLease(database, { ...request, owner: "b", now: new Date() })).toBe(true);
    expect(await acquireLease(database, provider, { ...request, owner: "c", now: new Date() })).toBe(false);
  });
});

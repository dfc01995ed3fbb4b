import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { acquireLease, releaseLease } from "./lease.server";

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

const T0 = Date.UTC(2026, 10, 27, 12);
const lease = (owner: string, atMs: number) => ({ shop: "lease.myshopify.com", lane: "meta", owner, now: new Date(atMs), ttlMs: 60_000 });

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
      Array.from({ length: 8 }, (_, index) => acquireLease(database, provider, { ...lease(`w${index}`, T0), lane: "google" })),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});

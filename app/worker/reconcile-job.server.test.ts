// @database
/**
 * When reconciliation cannot read Shopify, the `shopify_unreachable` alert records why as a
 * stable class (and the HTTP status), keeps Shopify's raw message only as `technical`, and
 * reads as a plain sentence in both languages. Over real HTTP against the fake Shopify,
 * through the worker's own passes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeAlert } from "~/records/alert-text";
import { SyncWorker } from "~/worker/worker.server";
import { installShop, worldConnectors } from "../../sim/install-shop";
import { startWorld, type World } from "../../sim/world";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";

const KEY = Buffer.alloc(32, 7);
const MINUTE = 60_000;
let world: World;
let testDatabase: TestDatabase;
let worker: SyncWorker;
let nowMs = Date.now();

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  world = await startWorld({ variants: 1, stockPerVariant: () => 10 });
  await installShop(testDatabase.database, world, KEY);
  worker = new SyncWorker({
    database: testDatabase.database,
    provider: testDatabase.provider,
    // No retry: each pass meets the failure once.
    connectors: { ...worldConnectors(world, testDatabase.database, KEY), adminRetries: { retries: 0 } },
    clock: () => new Date(nowMs),
    pushIntervalMs: { online_store: 0, meta: 0, google: 0 },
    reconcileEveryMs: 0,
    random: () => 0.5,
  });
});

afterAll(async () => {
  world?.shopify.setFailureModes({ serverErrorRate: 0, throttleNext: 0 });
  await world?.close();
  await testDatabase?.drop();
});

const openAlert = () =>
  testDatabase.database.alert.findFirst({ where: { shop: world.shop, kind: "shopify_unreachable", resolvedAt: null } });
const pass = async () => {
  nowMs += MINUTE;
  await worker.runOnce();
};
const facts = (alert: NonNullable<Awaited<ReturnType<typeof openAlert>>>, locale: "en" | "fr") =>
  describeAlert(alert, { locale, timeZone: null }).facts;

describe("Shopify unreachable", { shuffle: false }, () => {
  it("GIVEN Shopify answering 503 THEN the alert records a server error with its status, and says so plainly", async () => {
    world.shopify.setFailureModes({ serverErrorRate: 1 });
    await pass();
    const alert = await openAlert();
    expect(alert).toMatchObject({ severity: "critical" });
    expect(alert!.details).toMatchObject({
      failure: "server_error",
      status: 503,
      technical: expect.stringContaining("503"),
    });
    expect((alert!.details as Record<string, unknown>).error).toBeUndefined();
    expect(facts(alert!, "en")[0]).toBe("Shopify had a problem on its side (HTTP status 503).");
    expect(facts(alert!, "fr")[0]).toBe("Shopify a eu un problème de son côté (statut HTTP 503).");
  });

  it("GIVEN Shopify throttling with 429 THEN the same alert now records throttled", async () => {
    world.shopify.setFailureModes({ serverErrorRate: 0, throttleNext: 1_000, throttleHttpStatus: 429 });
    await pass();
    const alert = await openAlert();
    expect(alert!.details).toMatchObject({ failure: "throttled", status: 429, technical: expect.any(String) });
    expect(facts(alert!, "fr")[0]).toBe("Shopify a demandé à Ballast de ralentir : trop de requêtes à la fois.");
    const all = facts(alert!, "en").join(" ");
    expect(all).not.toContain((alert!.details as { technical: string }).technical);
  });

  it("WHEN Shopify answers again THEN the alert resolves", async () => {
    world.shopify.setFailureModes({ throttleNext: 0, throttleHttpStatus: 200 });
    for (let attempt = 0; attempt < 5 && (await openAlert()) !== null; attempt += 1) await pass();
    expect(await openAlert()).toBeNull();
  });
});

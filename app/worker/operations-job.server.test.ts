// @database
/**
 * A long operation the merchant asked for (resync, release all holds) that fails records why
 * as a code with its values (app/records/operation-failure.ts), the raw message kept only as
 * `technical`, and the pages say it in plain words in English and French. Over real HTTP
 * against the fake Shopify, through the worker's own passes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestOperation } from "~/records/requests.server";
import { operationFailureText, storedOperationFailure } from "~/records/operation-failure";
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
  world?.shopify.setFailureModes({ serverErrorRate: 0 });
  await world?.close();
  await testDatabase?.drop();
});

const db = () => testDatabase.database;
const pass = async () => {
  nowMs += MINUTE;
  await worker.runOnce();
};
/** Queues `kind`, runs a pass and returns the operation as it ended. */
async function runOperation(kind: "resync" | "release_holds") {
  const id = await requestOperation(db(), world.shop, kind);
  await pass();
  return db().operation.findUniqueOrThrow({ where: { id } });
}
/** What the page says of a stored failure, checked free of raw text and codes in both languages. */
function shown(error: string | null) {
  const failure = storedOperationFailure(error);
  expect(failure).not.toBeNull();
  const texts = { en: operationFailureText(failure!, "en"), fr: operationFailureText(failure!, "fr") };
  for (const text of Object.values(texts)) {
    if (failure!.technical) expect(text).not.toContain(failure!.technical);
    expect(text.match(/\b[a-z]+_[a-z_]+\b/g)).toBeNull();
    expect(text).not.toMatch(/\{\w+\}|Error|gid:\/\//);
  }
  return texts;
}

describe("a failed operation, in words", { shuffle: false }, () => {
  it("GIVEN Shopify refused Ballast's access for good WHEN a resync or a release of holds runs THEN each fails as 'no access', saying to reconnect", async () => {
    await db().shop.update({
      where: { shop: world.shop },
      data: { shopifyAuthFailedAt: new Date(nowMs), shopifyAuthFailure: null },
    });
    for (const kind of ["resync", "release_holds"] as const) {
      const operation = await runOperation(kind);
      expect(operation.state, kind).toBe("failed");
      expect(JSON.parse(operation.error!), kind).toMatchObject({ code: "shopify_disconnected" });
      expect(shown(operation.error)).toEqual({
        en: "Ballast can no longer reach your store: open Ballast from Shopify admin to reconnect it, then ask again.",
        fr: "Ballast n'a plus accès à votre boutique : ouvrez Ballast depuis l'admin Shopify pour le reconnecter, puis relancez l'opération.",
      });
    }
    await db().shop.update({
      where: { shop: world.shop },
      data: { shopifyAuthFailedAt: null, shopifyAuthFailure: null },
    });
  });

  it("GIVEN Shopify answering 503 WHEN a resync runs THEN it fails as a server error with its status, the raw message kept as technical", async () => {
    world.shopify.setFailureModes({ serverErrorRate: 1 });
    const operation = await runOperation("resync");
    world.shopify.setFailureModes({ serverErrorRate: 0 });
    expect(operation.state).toBe("failed");
    const stored = JSON.parse(operation.error!) as Record<string, unknown>;
    expect(stored).toMatchObject({
      code: "shopify",
      failure: "server_error",
      status: 503,
      technical: expect.stringContaining("503"),
    });
    expect(shown(operation.error)).toEqual({
      en: "Shopify had a problem on its side (HTTP status 503). Ask for it again in a few minutes.",
      fr: "Shopify a eu un problème de son côté (statut HTTP 503). Relancez l'opération dans quelques minutes.",
    });
  });

  it("WHEN Shopify answers again THEN the next resync succeeds with no error", async () => {
    const operation = await runOperation("resync");
    expect(operation).toMatchObject({ state: "succeeded", error: null });
    expect(storedOperationFailure(operation.error)).toBeNull();
  });
});

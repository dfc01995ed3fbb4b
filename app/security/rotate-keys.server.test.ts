// @database
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialContext } from "~/channels/connection-config";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { createKeyring, decryptSecret, encryptSecret, keyIdOfBlob } from "./crypto.server";
import { rotateKeys } from "~/worker/rotate-keys.server";

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

describe("rotateKeys", () => {
  it("re-seals channel credentials under the new key; the old key is then no longer needed", async () => {
    const oldKey = Buffer.alloc(32, 1);
    const newKey = Buffer.alloc(32, 2);
    const shop = "rotate.myshopify.com";
    const blob = encryptSecret({ accessToken: "EAAB-secret-token-value" }, createKeyring(oldKey), {
      context: credentialContext(shop, "meta"),
    });
    await testDatabase.database.channelConnection.create({
      data: { shop, channel: "meta", encryptedCredentials: blob },
    });

    const report = await rotateKeys(testDatabase.database, createKeyring(newKey, [oldKey]));
    // Tests share the database in any order: only this shop's secret is this test's business.
    expect(report.resealed).toBe(1);
    expect(report.failed.filter((failure) => failure.shop === shop)).toEqual([]);

    const stored = await testDatabase.database.channelConnection.findUniqueOrThrow({
      where: { shop_channel: { shop, channel: "meta" } },
    });
    expect(keyIdOfBlob(stored.encryptedCredentials!)).toBe(createKeyring(newKey).current.id);
    expect(
      decryptSecret(stored.encryptedCredentials!, createKeyring(newKey), { context: credentialContext(shop, "meta") }),
    ).toEqual({
      accessToken: "EAAB-secret-token-value",
    });
    expect((await rotateKeys(testDatabase.database, createKeyring(newKey))).alreadyCurrent).toBe(1);
  });

  it("reports, and leaves untouched, a secret no configured key opens", async () => {
    const shop = "lost-key.myshopify.com";
    const blob = encryptSecret({ accessToken: "EAAB-another-token" }, createKeyring(Buffer.alloc(32, 9)), {
      context: credentialContext(shop, "meta"),
    });
    await testDatabase.database.channelConnection.create({
      data: { shop, channel: "meta", encryptedCredentials: blob },
    });
    const report = await rotateKeys(testDatabase.database, createKeyring(Buffer.alloc(32, 3)));
    expect(report.failed).toContainEqual({ shop, what: "meta" });
    const stored = await testDatabase.database.channelConnection.findUniqueOrThrow({
      where: { shop_channel: { shop, channel: "meta" } },
    });
    expect(stored.encryptedCredentials).toBe(blob);
  });
});

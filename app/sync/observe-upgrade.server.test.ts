// @database
/**
 * Upgrading to observe mode must not stop what a shop already runs: before, an Online Store
 * without a connection row held stock; now no row means observe mode, which releases holds.
 * The migration gives every installed shop without one an activated Online Store row.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

function migration(): string[] {
  const folder = testDatabase.provider === "sqlite" ? "prisma/migrations" : "prisma/postgresql/migrations";
  return readFileSync(`${folder}/20261207130000_online_store_keeps_holding/migration.sql`, "utf8")
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.replace(/^\s*--.*$/gm, "").trim())
    .filter((statement) => statement.length > 0);
}

describe("upgrade to observe mode", () => {
  it("activates the Online Store of installed shops that had no row, and touches nothing else", async () => {
    const database = testDatabase.database;
    await database.shop.createMany({
      data: [
        { shop: "running.myshopify.com" },
        { shop: "paused.myshopify.com" },
        { shop: "gone.myshopify.com", uninstalledAt: new Date() },
      ],
    });
    await database.channelConnection.create({
      data: { shop: "paused.myshopify.com", channel: "online_store", state: "paused_freeze" },
    });
    // The statements run again (the test database has them already): a second run changes nothing.
    for (let run = 0; run < 2; run += 1) {
      for (const statement of migration()) await database.$executeRawUnsafe(statement);
    }
    const rows = await database.channelConnection.findMany({
      where: { channel: "online_store" },
      orderBy: { shop: "asc" },
    });
    expect(rows.map((row) => [row.shop, row.state, row.activatedAt !== null])).toEqual([
      ["paused.myshopify.com", "paused_freeze", false],
      ["running.myshopify.com", "active", true],
    ]);
  });
});

/**
 * A background process that calls Shopify's Admin API the way the worker's lanes do
 * (`adminClientFor` with the production ConnectorDependencies, built from the environment
 * as app/worker/worker-main.ts builds them), for tests of what several processes do at the
 * same moment. `node --import tsx tests/support/admin-caller.ts <shop>`: prints "ready",
 * waits for a line "go" on stdin, then asks for the shop's name every 100 ms and prints
 * one JSON line per answer, until stopped.
 */
import { createInterface } from "node:readline";
import { adminClientFor } from "~/channels/factory.server";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { logger } from "~/logger.server";

const shop = process.argv[2]!;
const config = env();
logger.level = config.LOG_LEVEL;
const database = db(config.DATABASE_URL);
const connectors = { database, env: config };
let running = true;

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    running = false;
  });
}

await new Promise<void>((resolve) => {
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    if (line.trim() === "go") {
      lines.close();
      resolve();
    }
  });
  console.log(JSON.stringify({ msg: "ready" }));
});

while (running) {
  try {
    const client = await adminClientFor(connectors, shop);
    if (!client) {
      console.log(JSON.stringify({ msg: "answer", ok: false, error: "no client" }));
    } else {
      const { data } = await client.request<{ shop: { myshopifyDomain: string } }>(
        "query CallerShop { shop { myshopifyDomain } }",
        {},
        { retries: 0 },
      );
      console.log(JSON.stringify({ msg: "answer", ok: data.shop.myshopifyDomain === shop }));
    }
  } catch (error) {
    console.log(
      JSON.stringify({
        msg: "answer",
        ok: false,
        error: error instanceof Error ? error.message.slice(0, 200) : String(error),
      }),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await database.$disconnect();
process.exit(0);

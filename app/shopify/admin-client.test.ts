import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeShopify, type FakeShopify } from "../../sim/fakes/shopify";
import { createLogger } from "~/logger.server";
import { AdminClient, adminEndpoint } from "./admin-client.server";
import { AdminApiError } from "./admin-errors";

const SHOP = "client-test.myshopify.com";
const TOKEN = "shpat_never_in_logs_0123456789";
let fake: FakeShopify;

beforeAll(async () => {
  fake = await startFakeShopify({ shops: [{ domain: SHOP, accessToken: TOKEN, restoreRate: 1000 }] });
});
afterAll(async () => {
  await fake.close();
});

describe("AdminClient", () => {
  it("targets https://{shop}/admin/api/2026-10/graphql.json unless a base URL is given", () => {
    expect(adminEndpoint(SHOP)).toBe(`https://${SHOP}/admin/api/2026-10/graphql.json`);
    expect(adminEndpoint(SHOP, "http://127.0.0.1:9/")).toBe("http://127.0.0.1:9/admin/api/2026-10/graphql.json");
  });

  it("never writes the access token to the logs, on retries or on terminal failures", async () => {
    let output = "";
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ level: "debug", destination });
    const client = new AdminClient({ shop: SHOP, accessToken: TOKEN, baseUrl: fake.url, backoffBaseMs: 1, logger });
    fake.setFailureModes({ serverErrorNext: 2 });
    await client.request("query Shop { shop { name } }");
    fake.revokeToken(SHOP);
    const failure = await client.request("query Shop { shop { name } }").catch((error: unknown) => error);
    fake.restoreToken(SHOP);
    expect(failure).toBeInstanceOf(AdminApiError);
    expect((failure as AdminApiError).code).toBe("UNAUTHORIZED");
    expect(output).toContain("retrying");
    expect(output).not.toContain(TOKEN);
    expect(String((failure as Error).message)).not.toContain(TOKEN);
  });

  it("GraphQL errors (an unknown field) are terminal, not retried", async () => {
    const client = new AdminClient({ shop: SHOP, accessToken: TOKEN, baseUrl: fake.url, backoffBaseMs: 1 });
    const before = fake.requests.length;
    await expect(client.request("query Bad { shop { nonsense } }")).rejects.toMatchObject({
      code: "GRAPHQL",
      retryable: false,
    });
    expect(fake.requests.length - before).toBe(1);
  });
});

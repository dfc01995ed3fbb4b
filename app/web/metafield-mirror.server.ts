import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { AdminClient } from "~/shopify/admin-client.server";
import type { BallastShopIdQuery, BallastShopIdQueryVariables } from "~/shopify/generated/admin-types";
import { bufferMarker, writeBufferMetafieldPairs } from "~/shopify/metafields.server";

/**
 * Mirrors buffer rules into the app-owned `$app` buffer metafield of the shop, a product
 * or a collection, so the configuration travels with the product. The database stays
 * the working copy: a failed mirror is reported to the merchant, never hidden.
 */
const SHOP_ID_QUERY = `#graphql
  query BallastShopId {
    shop {
      id
    }
  }
`;

export type MirrorResult = { ok: true } | { ok: false; message: string };

export async function mirrorBufferMetafield(
  session: { shop: string; accessToken: string },
  owner: { kind: "shop" } | { kind: "resource"; id: string },
  value: unknown,
): Promise<MirrorResult> {
  const client = new AdminClient({
    shop: session.shop,
    accessToken: session.accessToken,
    baseUrl: env().SHOPIFY_ADMIN_API_BASE_URL,
    retries: 1,
    requestTimeoutMs: 10_000,
  });
  try {
    let ownerId: string;
    if (owner.kind === "shop") {
      const { data } = await client.request<BallastShopIdQuery, BallastShopIdQueryVariables>(
        SHOP_ID_QUERY,
        {},
        { retries: 1 },
      );
      ownerId = data.shop.id;
    } else {
      ownerId = owner.id;
    }
    // With its marker, so the reconciliation knows this value as Ballast's own (app/rules/metafield-pickup.server.ts).
    const [result] = await writeBufferMetafieldPairs(client, [{ ownerId, value, synced: bufferMarker(value) }]);
    if (!result) return { ok: false, message: "no answer from Shopify" };
    return result.ok ? { ok: true } : { ok: false, message: `${result.code}: ${result.message}` };
  } catch (error) {
    logger.warn({ shop: session.shop, err: error }, "buffer metafield mirror failed");
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

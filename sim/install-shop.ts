/**
 * What installing Ballast and connecting the catalogues would have stored for a world's
 * shop: the offline session (token exchange needs Shopify over the network), the shop
 * row, and Meta and Google connections with sealed credentials.
 */
import type { ConnectorClock } from "~/channels/backoff.server";
import { credentialContext } from "~/channels/connection-config";
import type { ConnectorDependencies } from "~/channels/factory.server";
import type { Database } from "~/db.server";
import { createKeyring, encryptSecret } from "~/security/crypto.server";
import type { World } from "./world";

export const REHEARSAL_SCOPES = "read_products,write_products,read_inventory,write_inventory,read_orders,read_locations";

export async function installShop(database: Database, world: World, encryptionKey: Buffer): Promise<void> {
  const keyring = createKeyring(encryptionKey);
  const { shop } = world;
  await database.session.upsert({
    where: { id: `offline_${shop}` },
    create: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: REHEARSAL_SCOPES, accessToken: world.accessToken },
    update: { accessToken: world.accessToken, scope: REHEARSAL_SCOPES },
  });
  await database.shop.upsert({ where: { shop }, create: { shop }, update: { uninstalledAt: null } });
  await database.channelConnection.upsert({
    where: { shop_channel: { shop, channel: "meta" } },
    create: {
      shop,
      channel: "meta",
      config: { catalogId: world.catalogId, itemIdTemplate: "{variantId}" },
      encryptedCredentials: encryptSecret({ accessToken: world.metaAccessToken }, keyring, { context: credentialContext(shop, "meta") }),
    },
    update: {},
  });
  await database.channelConnection.upsert({
    where: { shop_channel: { shop, channel: "google" } },
    create: {
      shop,
      channel: "google",
      config: {
        accountId: world.google_.accountId,
        dataSourceId: world.google_.dataSourceId,
        contentLanguage: "en",
        feedLabel: "US",
        itemIdTemplate: "shopify_{countryCode}_{productId}_{variantId}",
        countryCode: "US",
      },
      encryptedCredentials: encryptSecret({ kind: "refresh_token", ...world.google_.refreshToken }, keyring, {
        context: credentialContext(shop, "google"),
      }),
    },
    update: {},
  });
}

/** Connector dependencies that reach this world's fakes (tests, benchmarks, the rehearsal). */
export function worldConnectors(
  world: World,
  database: Database,
  encryptionKey: Buffer,
  options: { clock?: ConnectorClock; shopifyBaseUrl?: string } = {},
): ConnectorDependencies {
  return {
    database,
    ...(options.clock ? { clock: options.clock } : {}),
    env: {
      SHOPIFY_ADMIN_API_BASE_URL: options.shopifyBaseUrl ?? world.env.SHOPIFY_ADMIN_API_BASE_URL,
      META_GRAPH_BASE_URL: world.env.META_GRAPH_BASE_URL!,
      META_GRAPH_API_VERSION: "v26.0",
      GOOGLE_MERCHANT_BASE_URL: world.env.GOOGLE_MERCHANT_BASE_URL!,
      GOOGLE_OAUTH_TOKEN_URL: world.env.GOOGLE_OAUTH_TOKEN_URL!,
      encryptionKey,
      previousEncryptionKeys: [],
    },
  };
}

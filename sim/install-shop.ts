/**
 * What installing Ballast and connecting the catalogs would have stored for a world's
 * shop: the offline session (token exchange needs Shopify over the network), the shop
 * row, and Meta and Google connections with sealed credentials.
 *
 * By default the merchant has also been through onboarding and activated every channel
 * (Online Store holds, Meta, Google), as every shop did before observe mode existed: tests,
 * benchmarks and the rehearsal keep their meaning. `activate: false` is a fresh install:
 * every channel in observe mode (Ballast computes and explains, and writes nothing), no
 * Online Store connection row, onboarding not done.
 */
import type { ConnectorClock } from "~/channels/backoff.server";
import { credentialContext } from "~/channels/connection-config";
import type { ConnectorDependencies } from "~/channels/factory.server";
import type { Database } from "~/db.server";
import { createKeyring, encryptSecret } from "~/security/crypto.server";
import type { World } from "./world";

export const REHEARSAL_SCOPES =
  "read_products,write_products,read_inventory,write_inventory,read_orders,read_locations";

export interface InstallOptions {
  /** Activate every channel and mark onboarding done (default true); false: a fresh install in observe mode. */
  activate?: boolean;
}

export async function installShop(
  database: Database,
  world: World,
  encryptionKey: Buffer,
  options: InstallOptions = {},
): Promise<void> {
  const keyring = createKeyring(encryptionKey);
  const { shop } = world;
  const activatedAt = options.activate === false ? null : new Date(world.now());
  // An expiring offline token, as token exchange stores it (PrismaSessionStorage): 60 minutes on the fake's clock.
  const token = world.offlineToken;
  const tokens = {
    accessToken: token.access_token,
    expires: token.expires_in === undefined ? null : new Date(token.issuedAt + token.expires_in * 1000),
    refreshToken: token.refresh_token,
    refreshTokenExpires: new Date(token.issuedAt + token.refresh_token_expires_in * 1000),
  };
  await database.session.upsert({
    where: { id: `offline_${shop}` },
    create: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: REHEARSAL_SCOPES, ...tokens },
    update: { ...tokens, scope: REHEARSAL_SCOPES },
  });
  await database.shop.upsert({
    where: { shop },
    create: { shop, onboardedAt: activatedAt },
    update: { uninstalledAt: null },
  });
  if (activatedAt) {
    // The Online Store needs no connection; its row carries the merchant's activation.
    await database.channelConnection.upsert({
      where: { shop_channel: { shop, channel: "online_store" } },
      create: { shop, channel: "online_store", activatedAt },
      update: {},
    });
  }
  await database.channelConnection.upsert({
    where: { shop_channel: { shop, channel: "meta" } },
    create: {
      shop,
      channel: "meta",
      activatedAt,
      config: { catalogId: world.catalogId, itemIdTemplate: "{variantId}" },
      encryptedCredentials: encryptSecret({ accessToken: world.metaAccessToken }, keyring, {
        context: credentialContext(shop, "meta"),
      }),
    },
    update: {},
  });
  await database.channelConnection.upsert({
    where: { shop_channel: { shop, channel: "google" } },
    create: {
      shop,
      channel: "google",
      activatedAt,
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
    // Token expiry is judged on the fake Shopify's clock, which issued the tokens.
    now: () => world.now(),
    env: {
      SHOPIFY_ADMIN_API_BASE_URL: options.shopifyBaseUrl ?? world.env.SHOPIFY_ADMIN_API_BASE_URL,
      SHOPIFY_API_KEY: world.app.clientId,
      SHOPIFY_API_SECRET: world.app.clientSecret,
      META_GRAPH_BASE_URL: world.env.META_GRAPH_BASE_URL!,
      META_GRAPH_API_VERSION: "v26.0",
      GOOGLE_MERCHANT_BASE_URL: world.env.GOOGLE_MERCHANT_BASE_URL!,
      GOOGLE_OAUTH_TOKEN_URL: world.env.GOOGLE_OAUTH_TOKEN_URL!,
      encryptionKey,
      previousEncryptionKeys: [],
    },
  };
}

/**
 * A fake world for Ballast: Shopify, Meta and Google fakes on loopback, one shop with a
 * catalog, stock at one location ("Warehouse"; `extraLocations` adds more), a Meta catalog
 * and a Google Merchant account whose items match the shop's variants by Shopify's own
 * channel conventions. Used by the pipeline tests, the peak rehearsal and the benchmarks;
 * the app only sees base URLs.
 */
import { startGoogleFake, type GoogleFake } from "./fakes/google/server";
import { startMetaFake, type MetaFake } from "./fakes/meta/server";
import type { FakeClock } from "./fakes/meta/clock";
import {
  DEFAULT_FAKE_APP,
  startFakeShopify,
  type AppCredentials,
  type FakeShopify,
  type TokenAnswer,
} from "./fakes/shopify";

export interface WorldOptions {
  shop?: string;
  variants: number;
  stockPerVariant: (index: number) => number;
  /** Where the app receives Shopify's webhooks (signed with `appSecret`). */
  webhooks?: { url: string; secret: string };
  metaPropagationDelayMs?: number;
  googleProcessingDelayMs?: number;
  metaBatchCallsPerHour?: number;
  clock?: FakeClock;
  countryCode?: string;
  /** The app's client id and secret, which the fake's token endpoint checks (default: the tests' app, DEFAULT_FAKE_APP). */
  app?: AppCredentials;
  /**
   * More locations after the Warehouse, each stocking every variant with its own figure
   * (default: none, the one-location world the rehearsal and most tests use). The Meta and
   * Google catalogs are seeded as before, from `stockPerVariant`.
   */
  extraLocations?: readonly WorldLocationSpec[];
}

export interface WorldLocationSpec {
  name: string;
  stockPerVariant: (index: number) => number;
}

export interface WorldLocation {
  name: string;
  gid: string;
}

export interface WorldVariant {
  variantGid: string;
  productGid: string;
  inventoryItemGid: string;
  metaRetailerId: string;
  googleOfferId: string;
  sku: string;
}

export interface World {
  shop: string;
  /** The offline access token issued at install (expires after 60 minutes on the fake's clock). */
  accessToken: string;
  /** The expiring offline token pair issued at install, as token exchange stores it (see installShop). */
  offlineToken: TokenAnswer & { issuedAt: number };
  /** The app's client credentials the fake Shopify accepts. */
  app: AppCredentials;
  /** The fakes' time (the world's clock, or the system clock). */
  now(): number;
  /** The Warehouse, the world's first location. */
  locationGid: string;
  /** Every location in order: the Warehouse, then `extraLocations`. */
  locations: WorldLocation[];
  variants: WorldVariant[];
  shopify: FakeShopify;
  meta: MetaFake;
  google: GoogleFake;
  catalogId: string;
  metaAccessToken: string;
  google_: {
    accountId: string;
    dataSourceId: string;
    primaryDataSourceId: string;
    accessToken: string;
    refreshToken: { clientId: string; clientSecret: string; refreshToken: string };
  };
  /** The environment that points the app at this world. */
  env: Record<string, string>;
  close(): Promise<void>;
}

const numericId = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

const CATALOG_ID = "880000000000001";
const META_ACCESS_TOKEN = "EAAB-rehearsal-system-user-token-0123456789";

/** The Google Merchant account the world's app is linked to: a supplemental API source over Shopify's primary feed. */
function googleAccount(): World["google_"] {
  return {
    accountId: "123456789",
    dataSourceId: "10001",
    primaryDataSourceId: "10000",
    accessToken: "ya29.rehearsal-access-token",
    refreshToken: {
      clientId: "rehearsal-client.apps.googleusercontent.com",
      clientSecret: "rehearsal-client-secret",
      refreshToken: "1//rehearsal-refresh-token",
    },
  };
}

/** The catalog: one product of one variant per index, stocked at every location, with the ids Shopify's own channels give it. */
function addCatalog(
  shopify: FakeShopify,
  shop: string,
  locations: readonly { gid: string; stockPerVariant: (index: number) => number }[],
  options: WorldOptions,
  countryCode: string,
): WorldVariant[] {
  const variants: WorldVariant[] = [];
  for (let index = 0; index < options.variants; index++) {
    const sku = `BAL-${String(index + 1).padStart(5, "0")}`;
    const stock = Object.fromEntries(
      locations.map((location) => [location.gid, { available: location.stockPerVariant(index) }]),
    );
    const product = shopify.addProduct(shop, {
      title: `Product ${index + 1}`,
      variants: [{ title: "Default Title", sku, stock }],
    });
    const variant = product.variants[0]!;
    variants.push({
      variantGid: variant.variantId,
      productGid: product.productId,
      inventoryItemGid: variant.inventoryItemId,
      sku,
      metaRetailerId: numericId(variant.variantId),
      googleOfferId: `shopify_${countryCode}_${numericId(product.productId)}_${numericId(variant.variantId)}`,
    });
  }
  return variants;
}

/** Meta's catalog holding every variant at its starting stock; batches finish at once. */
function startWorldMeta(variants: WorldVariant[], options: WorldOptions): Promise<MetaFake> {
  return startMetaFake({
    accessTokens: [META_ACCESS_TOKEN],
    catalogs: [
      {
        id: CATALOG_ID,
        items: variants.map((variant, index) => ({
          retailerId: variant.metaRetailerId,
          quantity: options.stockPerVariant(index),
        })),
      },
    ],
    propagationDelayMs: options.metaPropagationDelayMs ?? 0,
    batchTiming: { startAfterMs: 0, finishAfterMs: 0 },
    ...(options.metaBatchCallsPerHour ? { batchCallsPerHour: options.metaBatchCallsPerHour } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

/** Google: every offer in stock in the primary feed, the app's supplemental source taking precedence. */
function startWorldGoogle(
  variants: WorldVariant[],
  options: WorldOptions,
  account: World["google_"],
  countryCode: string,
): Promise<GoogleFake> {
  return startGoogleFake({
    accountId: account.accountId,
    dataSources: [
      {
        dataSourceId: account.primaryDataSourceId,
        type: "primary",
        input: "AUTOFEED",
        contentLanguage: "en",
        feedLabel: countryCode,
        takeFromDataSources: [account.dataSourceId, "self"],
      },
      {
        dataSourceId: account.dataSourceId,
        type: "supplemental",
        input: "API",
        contentLanguage: "en",
        feedLabel: countryCode,
      },
    ],
    products: variants.map((variant) => ({
      offerId: variant.googleOfferId,
      availability: "IN_STOCK" as const,
      dataSourceId: account.primaryDataSourceId,
    })),
    processingDelayMs: options.googleProcessingDelayMs ?? 0,
    oauth: { clients: [account.refreshToken] },
    staticAccessTokens: [account.accessToken],
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

export async function startWorld(options: WorldOptions): Promise<World> {
  const shop = options.shop ?? "ballast-rehearsal.myshopify.com";
  const countryCode = options.countryCode ?? "US";
  const app = options.app ?? DEFAULT_FAKE_APP;
  const shopify = await startFakeShopify({
    shops: [{ domain: shop, restoreRate: 1_000 }],
    apps: [app],
    // The same clock as Meta and Google: level timestamps follow simulated time in a rehearsal.
    ...(options.clock ? { now: () => options.clock!.now() } : {}),
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
  });
  const locationGid = shopify.addLocation(shop, { name: "Warehouse" });
  const stocked = [
    { name: "Warehouse", gid: locationGid, stockPerVariant: options.stockPerVariant },
    ...(options.extraLocations ?? []).map((spec) => ({
      name: spec.name,
      gid: shopify.addLocation(shop, { name: spec.name }),
      stockPerVariant: spec.stockPerVariant,
    })),
  ];
  // Expiring offline tokens, as every public app gets from 2027-01-01: 60 minutes, then refresh.
  const offlineToken = shopify.issueOfflineToken(shop);
  const variants = addCatalog(shopify, shop, stocked, options, countryCode);
  const meta = await startWorldMeta(variants, options);
  const google_ = googleAccount();
  const google = await startWorldGoogle(variants, options, google_, countryCode);

  return {
    shop,
    accessToken: offlineToken.access_token,
    offlineToken,
    app,
    now: () => options.clock?.now() ?? Date.now(),
    locationGid,
    locations: stocked.map(({ name, gid }) => ({ name, gid })),
    variants,
    shopify,
    meta,
    google,
    catalogId: CATALOG_ID,
    metaAccessToken: META_ACCESS_TOKEN,
    google_,
    env: {
      SHOPIFY_ADMIN_API_BASE_URL: shopify.url,
      META_GRAPH_BASE_URL: meta.url,
      GOOGLE_MERCHANT_BASE_URL: google.url,
      GOOGLE_OAUTH_TOKEN_URL: `${google.url}/token`,
    },
    async close() {
      await Promise.all([shopify.close(), meta.close(), google.close()]);
    },
  };
}

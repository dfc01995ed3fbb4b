import type { Database } from "~/db.server";

/**
 * Uninstall: Shopify has already revoked the access token, so nothing can be written to
 * the shop any more (held safety stock cannot be released: the UI warns before). Delete
 * the sessions, stop every channel, and keep the rest until shop/redact (48 h later).
 */
export async function markShopUninstalled(database: Database, shop: string, at: Date): Promise<void> {
  await database.$transaction([
    database.session.deleteMany({ where: { shop } }),
    database.shop.updateMany({ where: { shop }, data: { uninstalledAt: at } }),
    database.channelConnection.updateMany({ where: { shop }, data: { state: "disconnected" } }),
    database.channelLease.deleteMany({ where: { shop } }),
  ]);
}

/** The merchant granted or removed scopes: keep the stored offline session's scope current. */
export async function updateGrantedScopes(database: Database, sessionId: string, scopes: string[]): Promise<void> {
  await database.session.updateMany({ where: { id: sessionId }, data: { scope: scopes.join(",") } });
}

/** shop/redact: delete everything Ballast stores for the shop (every table; tests/e2e/app-review.test.ts seeds each one). */
export async function purgeShopData(database: Database, shop: string): Promise<void> {
  const where = { where: { shop } };
  await database.$transaction([
    database.session.deleteMany(where),
    database.activity.deleteMany(where),
    database.alertDelivery.deleteMany(where),
    database.alert.deleteMany(where),
    database.driftEpisode.deleteMany(where),
    database.feedToken.deleteMany(where),
    database.googleProductUpdate.deleteMany(where),
    database.lagSample.deleteMany(where),
    database.webhookEvent.deleteMany(where),
    database.channelLease.deleteMany(where),
    database.channelItemState.deleteMany(where),
    database.channelConnection.deleteMany(where),
    database.override.deleteMany(where),
    database.bufferRule.deleteMany(where),
    database.operation.deleteMany(where),
    database.orderRecord.deleteMany(where),
    database.ledger.deleteMany(where),
    database.variant.deleteMany(where),
    database.location.deleteMany(where),
    database.shop.deleteMany(where),
  ]);
}

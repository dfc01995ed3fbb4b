import type { Database } from "~/db.server";

/**
 * Uninstall: Shopify has already revoked the access token, so nothing can be written to
 * the shop any more (held safety stock cannot be released: the UI says "Release holds"
 * before uninstalling). Delete the sessions, stop every channel, and keep the rest until
 * shop/redact (48 h later) — HeldStock and HoldMove included: the units Ballast held are
 * still in safety_stock, and a reinstall finds them there (app/sync/release-holds.server.ts)
 * and offers to release them. A reinstall starts in observe mode, as a new install does.
 */
export async function markShopUninstalled(database: Database, shop: string, at: Date): Promise<void> {
  await database.$transaction([
    database.session.deleteMany({ where: { shop } }),
    // A reinstall starts over in observe mode: onboarding is its first screen again.
    database.shop.updateMany({ where: { shop }, data: { uninstalledAt: at, onboardedAt: null } }),
    database.channelConnection.updateMany({ where: { shop }, data: { state: "disconnected", activatedAt: null } }),
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
    database.masterRecord.deleteMany(where),
    database.heldStock.deleteMany(where),
    database.holdMove.deleteMany(where),
    database.variant.deleteMany(where),
    database.location.deleteMany(where),
    database.shop.deleteMany(where),
  ]);
}

import type { Database } from "~/db.server";
import { TEST_SCOPES } from "./shopify";

/** An installed shop: the offline session Shopify's token exchange would have stored. */
export async function seedOfflineSession(database: Database, shop: string, scope = TEST_SCOPES) {
  await database.session.create({
    data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope, accessToken: `shpat_test_${shop}` },
  });
}

/** A shop that finished onboarding: /app opens the overview instead of sending it to /app/onboarding. */
export async function markOnboarded(database: Database, shop: string, at = new Date()) {
  await database.shop.upsert({ where: { shop }, create: { shop, onboardedAt: at }, update: { onboardedAt: at } });
}

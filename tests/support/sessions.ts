import type { Database } from "~/db.server";
import { TEST_SCOPES } from "./shopify";

/** An installed shop: the offline session Shopify's token exchange would have stored. */
export async function seedOfflineSession(database: Database, shop: string, scope = TEST_SCOPES) {
  await database.session.create({
    data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope, accessToken: `shpat_test_${shop}` },
  });
}

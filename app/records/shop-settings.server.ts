import type { Database } from "~/db.server";

/**
 * Shop.settings, one JSON object per shop. Each part has one owner that parses it:
 * `alerts` and `alertSecrets` (alert-settings.server.ts) and `onlineStoreHoldsReleased`
 * ("release all holds", set from the Channels page and by auto-protect's release).
 * Everything here reads and writes the object as a whole, so no part loses another's keys.
 */
export type ShopSettings = Record<string, unknown>;

/** The stored object, or an empty one when the shop has none or it is not an object. */
export function shopSettingsOf(value: unknown): ShopSettings {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as ShopSettings) : {};
}

export async function readShopSettings(database: Database, shop: string): Promise<ShopSettings> {
  const row = await database.shop.findUnique({ where: { shop }, select: { settings: true } });
  return shopSettingsOf(row?.settings);
}

/** Writes `patch` over the stored settings (top-level keys), creating the shop row if needed. */
export async function updateShopSettings(database: Database, shop: string, patch: ShopSettings): Promise<void> {
  const next = { ...(await readShopSettings(database, shop)), ...patch };
  await database.shop.upsert({
    where: { shop },
    create: { shop, settings: next as object },
    update: { settings: next as object },
  });
}

/** Whether "release all holds" is in force: the Online Store shows every unit until the merchant resumes. */
export function holdsReleasedIn(settings: ShopSettings): boolean {
  return settings.onlineStoreHoldsReleased === true;
}

export async function setHoldsReleased(database: Database, shop: string, released: boolean): Promise<void> {
  await updateShopSettings(database, shop, { onlineStoreHoldsReleased: released });
}

/**
 * Shopify ids stay strings. Inventory item ids exceed 2^53 (e.g. 271878346596884015) and
 * `Number()`/`JSON.parse` would round them silently: never turn an id into a number.
 */
import type { Brand, LocationGid } from "~/domain";

export type InventoryItemGid = Brand<string, "InventoryItemGid">;
export type { LocationGid };

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(\?.*)?$/;

export function gidType(value: string): string | null {
  return GID.exec(value)?.[1] ?? null;
}

/** The numeric part of a GID as a decimal string (never a number). */
export function gidNumericId(value: string): string | null {
  return GID.exec(value)?.[2] ?? null;
}

export function isInventoryItemGid(value: string): value is InventoryItemGid {
  return gidType(value) === "InventoryItem";
}

export function isLocationGid(value: string): value is LocationGid {
  return gidType(value) === "Location";
}

export function toGid(type: string, id: string | bigint): string {
  const text = id.toString();
  if (!/^\d+$/.test(text)) throw new Error(`not a Shopify numeric id: ${text}`);
  return `gid://shopify/${type}/${text}`;
}

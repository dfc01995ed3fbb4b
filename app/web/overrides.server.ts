import { decodeMasterRecord } from "~/records/master-records.server";
import type { Database } from "~/db.server";
import { sellableUnits, validateOverride, type ChannelId, type OverrideRejection, type VariantGid } from "~/domain";
import { loadChannelSettings } from "~/channels/connection-store.server";
import { recordActivity } from "~/records/activity.server";
import { requestRecompute } from "~/records/requests.server";

/**
 * Manual overrides, shared by the item page and /api/v1. The domain decides what is
 * acceptable (validateOverride: never above what the channel can sell, never already
 * expired); this module stores it, asks the worker to recompute and logs who did it.
 */
export type OverrideFailure = OverrideRejection | { code: "item_not_found"; message: string };

export type SetOverrideResult =
  | {
      ok: true;
      override: { channel: ChannelId; variantId: string; quantity: number; expiresAt: string; reason: string | null };
    }
  | { ok: false; error: OverrideFailure };

export async function setOverride(
  database: Database,
  input: {
    shop: string;
    channel: ChannelId;
    variantGid: VariantGid;
    quantity: unknown;
    expiresAtMs: unknown;
    reason?: string | null;
    nowMs: number;
    source: "admin" | "api";
  },
): Promise<SetOverrideResult> {
  const [variant, stored, settings] = await Promise.all([
    database.variant.findUnique({
      where: { shop_gid: { shop: input.shop, gid: input.variantGid } },
      select: { gid: true },
    }),
    database.masterRecord.findUnique({
      where: { shop_variantGid: { shop: input.shop, variantGid: input.variantGid } },
    }),
    loadChannelSettings(database, input.shop),
  ]);
  if (!variant && !stored)
    return { ok: false, error: { code: "item_not_found", message: "no such item in this shop" } };
  // Without a master record nothing is known to be sellable: only 0 can be set.
  const sellable = stored ? sellableUnits(decodeMasterRecord(stored), settings[input.channel].locations) : 0;
  const checked = validateOverride(
    {
      channel: input.channel,
      variantId: input.variantGid,
      quantity: input.quantity,
      expiresAtMs: input.expiresAtMs,
      ...(input.reason ? { reason: input.reason } : {}),
    },
    { sellable, nowMs: input.nowMs },
  );
  if (!checked.ok) return { ok: false, error: checked.error };
  const override = checked.value;
  const previous = await database.override.findUnique({ where: overrideKey(input) });
  const expiresAt = new Date(override.expiresAtMs);
  await database.override.upsert({
    where: overrideKey(input),
    create: {
      shop: input.shop,
      channel: input.channel,
      variantGid: input.variantGid,
      quantity: override.quantity,
      expiresAt,
      reason: override.reason ?? null,
    },
    update: {
      quantity: override.quantity,
      expiresAt,
      reason: override.reason ?? null,
      createdAt: new Date(input.nowMs),
    },
  });
  await recomputeAndLog(database, input, "override_set", {
    quantity: override.quantity,
    expiresAt: expiresAt.toISOString(),
    sellable,
    reason: override.reason ?? null,
    previous: previous ? { quantity: previous.quantity, expiresAt: previous.expiresAt.toISOString() } : null,
    source: input.source,
  });
  return {
    ok: true,
    override: {
      channel: input.channel,
      variantId: input.variantGid,
      quantity: override.quantity,
      expiresAt: expiresAt.toISOString(),
      reason: override.reason ?? null,
    },
  };
}

/** Removes the override; false when there was none. */
export async function clearOverride(
  database: Database,
  input: { shop: string; channel: ChannelId; variantGid: VariantGid; nowMs: number; source: "admin" | "api" },
): Promise<boolean> {
  const previous = await database.override.findUnique({ where: overrideKey(input) });
  if (!previous) return false;
  await database.override.deleteMany({
    where: { shop: input.shop, channel: input.channel, variantGid: input.variantGid },
  });
  await recomputeAndLog(database, input, "override_cleared", {
    quantity: previous.quantity,
    expiresAt: previous.expiresAt.toISOString(),
    source: input.source,
  });
  return true;
}

interface OverrideTarget {
  shop: string;
  channel: ChannelId;
  variantGid: VariantGid;
  nowMs: number;
}

const overrideKey = (target: OverrideTarget) => ({
  shop_channel_variantGid: { shop: target.shop, channel: target.channel, variantGid: target.variantGid },
});

/** After a change: the worker recomputes the item, and the activity log says who did what. */
async function recomputeAndLog(
  database: Database,
  target: OverrideTarget,
  kind: "override_set" | "override_cleared",
  details: Record<string, unknown>,
): Promise<void> {
  await requestRecompute(database, target.shop, new Date(target.nowMs));
  await recordActivity(database, {
    shop: target.shop,
    kind,
    channel: target.channel,
    variantGid: target.variantGid,
    at: new Date(target.nowMs),
    details,
  });
}

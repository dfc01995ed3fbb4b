import type { Database } from "~/db.server";
import { CHANNELS, type BufferRule, type ChannelId, type ChannelRules, type RuleSet } from "~/domain";
import { loadChannelSettings } from "~/channels/connection-store.server";
import { deleteRules, loadRuleSet, saveRule } from "~/rules/rule-store.server";
import { actingAs, recordActivity } from "~/records/activity.server";
import { requestRecompute } from "~/records/requests.server";
import {
  draftFromRule,
  parseDraft,
  parseRulesDraft,
  rulesDraftFromJson,
  type RulesDraft,
  type FieldError,
} from "./buffer-form";
import type { PreviewInputs } from "./buffer-preview";
import { loadPreviewItems } from "./items.server";
import { mirrorBufferMetafield, type MirrorResult } from "./metafield-mirror.server";
import { loadChannelTiming } from "~/sync/timing.server";
import { parseResourceGid } from "./ids";
import { measuredLag, type ChannelLag } from "./timing.server";

/** The Buffers page: shop defaults, per-product and per-collection rules, preview inputs. */
export interface TargetRules {
  scope: "product" | "collection";
  gid: string;
  /** Variant titles of a product known to Ballast (collections have none stored). */
  label: string | null;
  /** Items (variants) of the product or collection Ballast knows: what removing its rules changes. */
  items: number;
  drafts: Partial<Record<ChannelId, ReturnType<typeof draftFromRule>>>;
}

export interface BuffersData {
  defaults: RulesDraft;
  targets: TargetRules[];
  preview: PreviewInputs;
  lag: Record<ChannelId, ChannelLag>;
}

export async function loadBuffers(database: Database, shop: string, nowMs: number): Promise<BuffersData> {
  const [ruleSet, settings, items, lag, timing] = await Promise.all([
    loadRuleSet(database, shop),
    loadChannelSettings(database, shop),
    loadPreviewItems(database, shop, nowMs),
    measuredLag(database, shop, nowMs),
    loadChannelTiming(database, shop, new Date(nowMs)),
  ]);
  const defaults = Object.fromEntries(
    CHANNELS.map((channel) => [channel, draftFromRule(ruleSet.shopDefaults[channel])]),
  ) as RulesDraft;
  const productGids = Object.keys(ruleSet.products);
  const variants = productGids.length
    ? await database.variant.findMany({
        where: { shop, productGid: { in: productGids }, deletedAt: null },
        select: { productGid: true, title: true },
      })
    : [];
  const inCollection = await collectionSizes(database, shop, Object.keys(ruleSet.collections));
  const targets: TargetRules[] = [
    ...Object.entries(ruleSet.products).map(([gid, rules]) => {
      const own = variants.filter((variant) => variant.productGid === gid);
      return {
        scope: "product" as const,
        gid,
        label: own.map((variant) => variant.title).join(", ") || null,
        items: own.length,
        drafts: draftsOf(rules),
      };
    }),
    ...Object.entries(ruleSet.collections).map(([gid, rules]) => ({
      scope: "collection" as const,
      gid,
      label: null,
      items: inCollection.get(gid) ?? 0,
      drafts: draftsOf(rules),
    })),
  ];
  return {
    defaults,
    targets,
    preview: { items, stored: ruleSet, settings, timing, nowMs },
    lag,
  };
}

/** How many items Ballast knows in each collection (read only when some collection has rules of its own). */
async function collectionSizes(database: Database, shop: string, collections: string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (collections.length === 0) return sizes;
  // Membership is a JSON list per variant: the two databases query JSON differently, so it is counted here.
  const variants = await database.variant.findMany({
    where: { shop, deletedAt: null },
    select: { collectionGids: true },
  });
  const wanted = new Set(collections);
  for (const variant of variants) {
    if (!Array.isArray(variant.collectionGids)) continue;
    for (const gid of variant.collectionGids) {
      if (typeof gid === "string" && wanted.has(gid)) sizes.set(gid, (sizes.get(gid) ?? 0) + 1);
    }
  }
  return sizes;
}

function draftsOf(rules: ChannelRules | undefined) {
  const drafts: TargetRules["drafts"] = {};
  for (const channel of CHANNELS) {
    const rule = rules?.[channel];
    if (rule) drafts[channel] = draftFromRule(rule);
  }
  return drafts;
}

export type SaveResult =
  | { ok: true; mirror: MirrorResult; changed: ChannelId[] }
  | { ok: false; errors: Partial<Record<ChannelId, FieldError[]>> };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Saves the shop defaults of every channel, or nothing when any channel is invalid. */
export async function saveShopDefaults(
  database: Database,
  session: { shop: string; accessToken: string },
  drafts: RulesDraft,
  nowMs: number,
): Promise<SaveResult> {
  const parsed = parseRulesDraft(drafts);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const shop = session.shop;
  const before = await loadRuleSet(database, shop);
  const changed = CHANNELS.filter((channel) => !same(before.shopDefaults[channel], parsed.rules[channel]));
  const at = new Date(nowMs);
  for (const channel of changed) {
    await saveRule(database, { shop, channel, scope: "shop", rule: parsed.rules[channel] });
    await recordRuleChange(
      database,
      { shop, channel, at, scope: "shop", target: null },
      before.shopDefaults[channel],
      parsed.rules[channel],
    );
  }
  if (changed.length > 0) await requestRecompute(database, shop, at);
  const mirror =
    changed.length > 0 ? await mirrorBufferMetafield(session, { kind: "shop" }, parsed.rules) : ({ ok: true } as const);
  return { ok: true, mirror, changed };
}

/**
 * Rules of one product or collection. Channels left empty in `enabled` fall back to the
 * shop default (their row is removed). Nothing is saved when any enabled channel is invalid.
 */
export async function saveTargetRules(
  database: Database,
  session: { shop: string; accessToken: string },
  input: { scope: "product" | "collection"; gid: string; drafts: RulesDraft; enabled: ChannelId[] },
  nowMs: number,
): Promise<SaveResult> {
  const shop = session.shop;
  // Only the channels this target overrides are parsed; the others follow the shop default.
  const rules: Partial<Record<ChannelId, BufferRule>> = {};
  const errors: Partial<Record<ChannelId, FieldError[]>> = {};
  for (const channel of input.enabled) {
    const result = parseDraft(input.drafts[channel]);
    if (result.ok) rules[channel] = result.rule;
    else errors[channel] = result.errors;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const before: RuleSet = await loadRuleSet(database, shop);
  const layer = input.scope === "product" ? before.products : before.collections;
  const previous = (layer as Record<string, ChannelRules>)[input.gid] ?? {};
  const at = new Date(nowMs);
  const changed: ChannelId[] = [];
  for (const channel of CHANNELS) {
    const next = rules[channel];
    if (same(previous[channel], next)) continue;
    changed.push(channel);
    if (next) await saveRule(database, { shop, channel, scope: input.scope, scopeGid: input.gid, rule: next });
    else await deleteRules(database, { shop, scope: input.scope, scopeGid: input.gid, channel });
    await recordRuleChange(
      database,
      { shop, channel, at, scope: input.scope, target: input.gid },
      previous[channel],
      next,
    );
  }
  if (changed.length > 0) await requestRecompute(database, shop, at);
  const mirror =
    changed.length > 0
      ? await mirrorBufferMetafield(session, { kind: "resource", id: input.gid }, rules)
      : ({ ok: true } as const);
  return { ok: true, mirror, changed };
}

export async function removeTargetRules(
  database: Database,
  session: { shop: string; accessToken: string },
  input: { scope: "product" | "collection"; gid: string },
  nowMs: number,
): Promise<{ removed: number; mirror: MirrorResult }> {
  const before = await loadRuleSet(database, session.shop);
  const layer = input.scope === "product" ? before.products : before.collections;
  const previous = (layer as Record<string, ChannelRules>)[input.gid] ?? {};
  const removed = await deleteRules(database, { shop: session.shop, scope: input.scope, scopeGid: input.gid });
  if (removed === 0) return { removed, mirror: { ok: true } };
  const at = new Date(nowMs);
  for (const channel of CHANNELS) {
    if (!previous[channel]) continue;
    await recordActivity(database, {
      shop: session.shop,
      kind: "rule_changed",
      channel,
      at,
      details: { scope: input.scope, target: input.gid, before: previous[channel], after: null, source: "admin" },
    });
  }
  await requestRecompute(database, session.shop, at);
  const mirror = await mirrorBufferMetafield(session, { kind: "resource", id: input.gid }, {});
  return { removed, mirror };
}

/** The activity entry for a rule the merchant changed on the Buffers page (before and after, null when none). */
function recordRuleChange(
  database: Database,
  change: { shop: string; channel: ChannelId; at: Date; scope: string; target: string | null },
  before: unknown,
  after: unknown,
): Promise<void> {
  const { shop, channel, at, scope, target } = change;
  return recordActivity(database, {
    shop,
    kind: "rule_changed",
    channel,
    at,
    details: { scope, target, before: before ?? null, after: after ?? null, source: "admin" },
  });
}

/** A post of the Buffers page (save the defaults, save or remove a product's or collection's rules), on behalf of its staff member. */
export function buffersPageAction(
  database: Database,
  session: { shop: string; accessToken: string },
  form: FormData,
  nowMs: number,
  actor: string | null = null,
) {
  return actingAs(actor, () => buffersPagePost(database, session, form, nowMs));
}

async function buffersPagePost(
  database: Database,
  session: { shop: string; accessToken: string },
  form: FormData,
  nowMs: number,
) {
  const intent = form.get("intent");
  const json = (name: string): unknown => {
    try {
      return JSON.parse(String(form.get(name) ?? "null")) as unknown;
    } catch {
      return null;
    }
  };
  const malformed = { intent, ok: false as const, errors: {}, message: "malformed" };
  if (intent === "defaults") {
    const drafts = rulesDraftFromJson(json("drafts"));
    if (!drafts) return malformed;
    const result = await saveShopDefaults(database, session, drafts, nowMs);
    return result.ok
      ? { intent, ok: true as const, changed: result.changed, mirror: result.mirror }
      : { intent, ok: false as const, errors: result.errors };
  }
  const scope = form.get("scope") === "collection" ? "collection" : "product";
  const gid = parseResourceGid(form.get("gid"), scope === "product" ? "Product" : "Collection");
  if (intent === "target") {
    const drafts = rulesDraftFromJson(json("drafts"));
    const enabled = json("enabled");
    if (!gid || !drafts || !Array.isArray(enabled)) return malformed;
    const channels = CHANNELS.filter((channel) => enabled.includes(channel));
    const result = await saveTargetRules(database, session, { scope, gid, drafts, enabled: channels }, nowMs);
    return result.ok
      ? { intent, ok: true as const, changed: result.changed, mirror: result.mirror }
      : { intent, ok: false as const, errors: result.errors };
  }
  if (intent === "removeTarget") {
    if (!gid) return malformed;
    const result = await removeTargetRules(database, session, { scope, gid }, nowMs);
    return { intent, ok: true as const, changed: result.removed > 0 ? [...CHANNELS] : [], mirror: result.mirror };
  }
  return { intent, ok: false as const, errors: {}, message: "unknown intent" };
}

import type { ZodIssue } from "zod";
import type { Database } from "~/db.server";
import { CHANNELS, channelRulesSchema, type ChannelId, type ChannelRules } from "~/domain";
import { logger } from "~/logger.server";
import { recordActivities, type ActivityEntry } from "~/records/activity.server";
import { alertDedupeKey, raiseAlert, resolveAlert } from "~/records/alerts.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { gidType } from "~/shopify/gid";
import {
  bufferMarker,
  canonicalJson,
  rawBufferMarker,
  readBufferMetafields,
  readShopBufferMetafield,
  writeBufferMetafieldPairs,
  type BufferMetafield,
  type BufferPairWrite,
} from "~/shopify/metafields.server";
import { requestRecompute } from "~/records/requests.server";
import type { RefusedSetting, SettingOwnerType, SettingProblem } from "~/records/setting-problems";
import { DEFAULT_SHOP_RULES, deleteRules, loadRuleSet, saveRule, type RuleScope } from "./rule-store.server";

/**
 * Buffer settings edited in Shopify admin. Ballast mirrors its rules into app-owned `$app`
 * `buffer` metafields, which merchants may edit (shopify.app.toml grants
 * merchant_read_write). During each reconciliation this reads them back and compares:
 *
 * - Beside each value Ballast keeps a private `buffer_synced` marker: the digest of the
 *   value it last wrote or accepted. A value that still matches its marker was not edited
 *   in admin; if it differs from Ballast's rules, Ballast changed since (a mirror that
 *   failed, or raced this read), so the metafield is rewritten from the rules,
 *   compare-and-set on the digest just read, so an edit made meanwhile is never
 *   overwritten. Ballast's own writes are therefore never taken for edits.
 * - A value that differs from its marker was edited in admin. It is validated with the
 *   domain's schema: valid → saved like the Buffers page saves (activity "changed in
 *   Shopify admin", recompute requested); invalid (not JSON, unknown channel or setting,
 *   negative or impossible numbers) → ignored, the current rules stay, and one
 *   `invalid_metafield` alert lists every such setting until it is fixed or removed. What
 *   is wrong is stored as problem codes with their values (app/records/setting-problems.ts),
 *   put into words in the reader's language when shown.
 * - A metafield deleted in admin (cleared field) removes the rules it held: the merchant
 *   deleted the setting. For the shop, Ballast's built-in defaults apply again.
 *
 * Owners read: the shop, every product, variant and collection with a rule in Ballast,
 * those the caller discovered with a buffer metafield (the daily full read), and those
 * listed in the open alert (so it resolves once they are fixed). Ids go 250 to a `nodes`
 * query. Nothing here throws on a bad value; Admin API errors propagate to the caller.
 */
export interface PickupResult {
  /** Owners read, the shop included. */
  owners: number;
  /** Owners whose edit in Shopify admin changed Ballast's rules. */
  applied: number;
  /** Owners whose value was refused (listed in the open alert). */
  rejected: number;
  /** Owners whose metafield was rewritten from Ballast's rules. */
  rewritten: number;
}

type TargetScope = Exclude<RuleScope, "shop">;

interface Owner {
  ownerId: string;
  scope: RuleScope;
  /** scopeGid in the rule store ("" for the shop). */
  ruleGid: string;
}

interface Problem {
  ownerId: string;
  problems: SettingProblem[];
}

const SCOPE_OF_TYPE: Record<string, TargetScope> = {
  Product: "product",
  ProductVariant: "variant",
  Collection: "collection",
};

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

export async function pickUpBufferMetafields(
  database: Database,
  shop: string,
  client: AdminClient,
  options: { now: Date; discovered?: readonly string[]; signal?: AbortSignal },
): Promise<PickupResult> {
  const at = options.now;
  const alertKey = alertDedupeKey({ kind: "invalid_metafield", channel: null });
  const openAlert = await database.alert.findFirst({
    where: { shop, dedupeKey: alertKey, resolvedAt: null },
    select: { details: true },
  });
  const previous = previousProblems(openAlert?.details);
  const { owners, read } = await readOwnerMetafields(
    database,
    shop,
    client,
    [...(options.discovered ?? []), ...previous.map((problem) => problem.ownerId)],
    options.signal,
  );

  const ruleSet = await loadRuleSet(database, shop);
  const shopRows = await database.bufferRule.count({ where: { shop, scope: "shop" } });
  const writes: BufferPairWrite[] = [];
  const problems: Problem[] = [];
  const activities: ActivityEntry[] = [];
  let applied = 0;

  for (const owner of owners) {
    const metafield = read.get(owner.ownerId);
    // A deleted product or collection: its rules are not this module's business.
    if (!metafield?.found) continue;
    const current: ChannelRules =
      owner.scope === "shop" ? ruleSet.shopDefaults : (layerOf(ruleSet, owner.scope)[owner.ruleGid] ?? {});
    const marker = rawBufferMarker(metafield);
    // A value without a marker was never written by Ballast with one: treat it as an edit; an
    // edit equal to Ballast's rules changes nothing but the marker.
    const edited = metafield.synced === null ? metafield.raw !== null : marker !== metafield.synced;

    if (!edited) {
      const hasRules = owner.scope === "shop" ? shopRows > 0 : Object.keys(current).length > 0;
      if (!mirrorInSync(owner.scope, metafield, current, hasRules)) {
        writes.push({
          ownerId: owner.ownerId,
          value: current,
          compareDigest: metafield.compareDigest,
          synced: bufferMarker(current),
        });
      }
      continue;
    }
    const desired = editedRules(owner.scope, metafield);
    if (!desired.ok) {
      problems.push({ ownerId: owner.ownerId, problems: desired.problems });
      continue;
    }
    const changes = await saveEditedRules(database, shop, owner, current, desired.rules);
    activities.push(...changes.map((change) => editActivity(shop, at, owner, change, metafield.raw === null)));
    if (changes.length > 0) applied += 1;
    writes.push({ ownerId: owner.ownerId, synced: marker });
  }

  await recordActivities(database, activities);
  if (applied > 0) await requestRecompute(database, shop, at);
  const rewritten = await writePairs(client, shop, writes, options.signal);
  await reportProblems(database, shop, at, problems, previous);
  return { owners: read.size, applied, rejected: problems.length, rewritten };
}

/**
 * The owners to read (the shop, every target with a rule, and `extra`: those discovered and
 * those in the open alert) and their metafields. Shopify is read before Ballast's rules, so
 * the rules are at least as recent as what was read.
 */
async function readOwnerMetafields(
  database: Database,
  shop: string,
  client: AdminClient,
  extra: readonly string[],
  signal: AbortSignal | undefined,
) {
  const shopMetafield = await readShopBufferMetafield(client, { signal });
  const ruleTargets = await database.bufferRule.findMany({
    where: { shop, scope: { not: "shop" } },
    select: { scopeGid: true },
    distinct: ["scopeGid"],
  });
  const candidates = new Set<string>([...ruleTargets.map((row) => row.scopeGid), ...extra]);
  const owners: Owner[] = [{ ownerId: shopMetafield.ownerId, scope: "shop", ruleGid: "" }];
  for (const ownerId of candidates) {
    const scope = SCOPE_OF_TYPE[gidType(ownerId) ?? ""];
    if (scope) owners.push({ ownerId, scope, ruleGid: ownerId });
  }
  const read = new Map<string, BufferMetafield>([[shopMetafield.ownerId, shopMetafield]]);
  const targetIds = owners.slice(1).map((owner) => owner.ownerId);
  for (const metafield of await readBufferMetafields(client, targetIds, { signal }))
    read.set(metafield.ownerId, metafield);
  return { owners, read };
}

/** An unedited metafield still mirrors Ballast's rules (none mirrored = no rules). */
function mirrorInSync(scope: RuleScope, metafield: BufferMetafield, current: ChannelRules, hasRules: boolean): boolean {
  if (metafield.raw === null) return !hasRules;
  return sameRules(scope, metafield.value as unknown, current);
}

/** The rules an admin edit asks for: a cleared field removes them (the shop falls back to the built-in defaults). */
function editedRules(
  scope: RuleScope,
  metafield: BufferMetafield,
): { ok: true; rules: ChannelRules } | { ok: false; problems: SettingProblem[] } {
  if (metafield.raw === null) return { ok: true, rules: scope === "shop" ? { ...DEFAULT_SHOP_RULES } : {} };
  const parsed = validateBufferValue(metafield);
  if (!parsed.ok || scope !== "shop") return parsed;
  const rules = parsed.rules;
  return {
    ok: true,
    rules: Object.fromEntries(
      CHANNELS.map((channel) => [channel, rules[channel] ?? DEFAULT_SHOP_RULES[channel]]),
    ) as ChannelRules,
  };
}

interface RuleChange {
  channel: ChannelId;
  before: ChannelRules[ChannelId];
  after: ChannelRules[ChannelId];
}

/** Saves (or deletes) each channel's rule that the edit changed; returns those changes. */
async function saveEditedRules(
  database: Database,
  shop: string,
  owner: Owner,
  current: ChannelRules,
  desired: ChannelRules,
): Promise<RuleChange[]> {
  const changes: RuleChange[] = [];
  for (const channel of CHANNELS) {
    const before = current[channel];
    const after = desired[channel];
    if (same(before, after)) continue;
    changes.push({ channel, before, after });
    if (after) await saveRule(database, { shop, channel, scope: owner.scope, scopeGid: owner.ruleGid, rule: after });
    else await deleteRules(database, { shop, scope: owner.scope, scopeGid: owner.ruleGid, channel });
  }
  return changes;
}

function editActivity(shop: string, at: Date, owner: Owner, change: RuleChange, deleted: boolean): ActivityEntry {
  return {
    shop,
    kind: "rule_changed",
    channel: change.channel,
    at,
    details: {
      scope: owner.scope,
      target: owner.scope === "shop" ? null : owner.ruleGid,
      before: change.before ?? null,
      after: change.after ?? null,
      source: "shopify_admin",
      ...(deleted ? { deleted: true } : {}),
    },
  };
}

/** Writes values and markers; returns how many values were rewritten from Ballast's rules. */
async function writePairs(
  client: AdminClient,
  shop: string,
  writes: readonly BufferPairWrite[],
  signal: AbortSignal | undefined,
): Promise<number> {
  if (writes.length === 0) return 0;
  let rewritten = 0;
  for (const result of await writeBufferMetafieldPairs(client, writes, { signal })) {
    if (result.ok) {
      if (writes.find((write) => write.ownerId === result.ownerId)?.value !== undefined) rewritten += 1;
    } else {
      // STALE_OBJECT: edited in admin since the read; the next reconciliation picks the edit up.
      logger.info(
        { shop, owner: result.ownerId, code: result.code },
        "buffer metafield not written; read again next reconciliation",
      );
    }
  }
  return rewritten;
}

function layerOf(ruleSet: Awaited<ReturnType<typeof loadRuleSet>>, scope: TargetScope): Record<string, ChannelRules> {
  return (
    scope === "product" ? ruleSet.products : scope === "collection" ? ruleSet.collections : ruleSet.variants
  ) as Record<string, ChannelRules>;
}

/** For the shop, a channel missing from the metafield means Ballast's built-in default. */
function sameRules(scope: RuleScope, mirrored: unknown, current: ChannelRules): boolean {
  if (scope !== "shop") return same(mirrored, current);
  if (mirrored === null || typeof mirrored !== "object" || Array.isArray(mirrored)) return false;
  const value = mirrored as Partial<Record<string, unknown>>;
  return (
    Object.keys(value).every((key) => (CHANNELS as readonly string[]).includes(key)) &&
    CHANNELS.every((channel) => same(value[channel] ?? DEFAULT_SHOP_RULES[channel], current[channel]))
  );
}

/** A metafield's value checked against the domain's schema: its rules, or every problem found, as codes. */
export function validateBufferValue(
  metafield: Pick<BufferMetafield, "value" | "raw">,
): { ok: true; rules: ChannelRules } | { ok: false; problems: SettingProblem[] } {
  if (metafield.value === null && metafield.raw?.trim() !== "null")
    return { ok: false, problems: [{ code: "invalid_json" }] };
  const parsed = channelRulesSchema.safeParse(metafield.value);
  if (parsed.success) return { ok: true, rules: parsed.data };
  const seen = new Set<string>();
  const problems: SettingProblem[] = [];
  for (const issue of parsed.error.issues) {
    const problem = describeIssue(issue, metafield.value);
    const key = JSON.stringify(problem);
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return { ok: false, problems };
}

/** The value at a schema issue's path. */
function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/**
 * A schema issue as a problem code with its values (channel, setting, tier number, bound,
 * names), never a sentence: the reader's language puts it into words.
 */
function describeIssue(issue: ZodIssue, value: unknown): SettingProblem {
  if (issue.path.length === 0)
    return issue.code === "unrecognized_keys" ? { code: "unknown_channel", keys: issue.keys } : { code: "not_object" };
  const [channel, ...rest] = issue.path;
  const where: SettingProblem = { code: "invalid_value", channel: String(channel) };
  const tierIndex = rest.findIndex((part) => typeof part === "number");
  if (tierIndex >= 0) where.tier = (rest[tierIndex] as number) + 1;
  const field = rest.filter((part): part is string => typeof part === "string").at(-1);
  if (field !== undefined) where.field = field;
  const at = (problem: Omit<SettingProblem, "channel" | "field" | "tier">): SettingProblem => ({
    ...where,
    ...problem,
  });
  switch (issue.code) {
    case "unrecognized_keys":
      return at({ code: "unknown_setting", keys: issue.keys });
    case "too_small":
      return at({ code: "too_small", bound: Number(issue.minimum), inclusive: issue.inclusive });
    case "too_big":
      return issue.type === "array"
        ? at({ code: "too_many_tiers", bound: Number(issue.maximum) })
        : at({ code: "too_big", bound: Number(issue.maximum), inclusive: issue.inclusive });
    case "invalid_type":
      if (issue.received === "undefined") return at({ code: "missing" });
      if (issue.expected === "integer") return at({ code: "not_whole_number" });
      return issue.expected === "number" || issue.expected === "object"
        ? at({ code: "wrong_type", expected: issue.expected })
        : issue.expected === "array"
          ? at({ code: "wrong_type", expected: "list" })
          : at({ code: "wrong_type" });
    case "invalid_union":
    case "invalid_literal":
      if (valueAt(value, issue.path) === undefined) return at({ code: "missing" });
      // Only a tier's hold has a choice of kinds: a whole number or "all".
      return field === "hold" ? at({ code: "wrong_type", expected: "number_or_all" }) : at({ code: "invalid_value" });
    case "not_multiple_of":
      return at({ code: "too_many_decimals" });
    case "custom":
      // The domain's own checks (app/domain/rules.ts), told apart by where they point.
      if (field === "cap") return at({ code: "cap_not_above_floor" });
      if (tierIndex >= 0 && field === "atOrBelow") return at({ code: "tiers_not_increasing" });
      if (tierIndex >= 0 && field === "hold")
        return at({ code: valueAt(value, issue.path) === "all" ? "all_only_lowest_tier" : "tiers_show_less" });
      return at({ code: "invalid_value" });
    default:
      return at({ code: "invalid_value" });
  }
}

function previousProblems(details: unknown): Problem[] {
  if (details === null || typeof details !== "object") return [];
  const { owners, settings } = details as { owners?: unknown; settings?: unknown };
  if (!Array.isArray(owners)) return [];
  const stored = Array.isArray(settings) ? settings : [];
  return owners.flatMap((ownerId, index) => {
    if (typeof ownerId !== "string") return [];
    // A row written before problems were stored holds a sentence: it matches no new problem.
    const setting = stored[index] as Partial<RefusedSetting> | undefined;
    return [{ ownerId, problems: Array.isArray(setting?.problems) ? setting.problems : [] }];
  });
}

const OWNER_TYPES: Record<string, SettingOwnerType> = {
  Shop: "shop",
  Product: "product",
  ProductVariant: "variant",
  Collection: "collection",
};

/** Whose setting each is: its kind and, for a product or variant Ballast knows, its title. */
async function refusedSettings(
  database: Database,
  shop: string,
  problems: readonly Problem[],
): Promise<RefusedSetting[]> {
  const ownerIds = problems.map((problem) => problem.ownerId);
  const variants = await database.variant.findMany({
    where: { shop, OR: [{ gid: { in: ownerIds } }, { productGid: { in: ownerIds } }] },
    select: { gid: true, productGid: true, title: true },
  });
  return problems.map((problem) => {
    const ownerType = OWNER_TYPES[gidType(problem.ownerId) ?? ""] ?? "product";
    const title =
      ownerType === "variant"
        ? variants.find((variant) => variant.gid === problem.ownerId)?.title
        : ownerType === "product"
          ? variants.find((variant) => variant.productGid === problem.ownerId)?.title.split(" — ")[0]
          : undefined;
    return { owner: problem.ownerId, ownerType, title: title || null, problems: problem.problems };
  });
}

/**
 * One alert for the shop lists every refused setting (`settings`: whose it is and its
 * problems as codes, and `owners`, the ids read again next time); each newly refused one
 * is written to the activity log.
 */
async function reportProblems(
  database: Database,
  shop: string,
  at: Date,
  problems: readonly Problem[],
  previous: readonly Problem[],
): Promise<void> {
  if (problems.length === 0) {
    if (previous.length > 0) await resolveAlert(database, { shop, kind: "invalid_metafield", channel: null, at });
    return;
  }
  const settings = await refusedSettings(database, shop, problems);
  const fresh = settings.filter(
    (setting) => !previous.some((old) => old.ownerId === setting.owner && same(old.problems, setting.problems)),
  );
  await raiseAlert(database, {
    shop,
    kind: "invalid_metafield",
    severity: "warning",
    at,
    details: {
      settings,
      owners: problems.map((problem) => problem.ownerId),
    },
  });
  await recordActivities(
    database,
    fresh.map((setting) => ({
      shop,
      kind: "metafield_rejected" as const,
      at,
      details: { ...setting },
    })),
  );
}

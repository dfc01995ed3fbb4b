import type { Database } from "~/db.server";
import {
  bufferRuleSchema,
  channelRulesSchema,
  CHANNELS,
  DEFAULT_RULES,
  type BufferRule,
  type ChannelId,
  type ChannelRules,
  type RuleSet,
} from "~/domain";

/**
 * Buffer rules as stored: one BufferRule row per (channel, scope, target). The shop
 * default for a channel without a row is the seed example's (8 / 7 / 6 out of 10).
 */
export type RuleScope = "shop" | "collection" | "product" | "variant";

export const DEFAULT_SHOP_RULES: RuleSet["shopDefaults"] = DEFAULT_RULES.shopDefaults;

export async function loadRuleSet(database: Database, shop: string): Promise<RuleSet> {
  const rows = await database.bufferRule.findMany({ where: { shop } });
  const ruleSet: RuleSet = {
    shopDefaults: { ...DEFAULT_SHOP_RULES },
    collections: {},
    products: {},
    variants: {},
  };
  for (const row of rows) {
    const parsed = bufferRuleSchema.safeParse(row.rule);
    // Rows are validated on write; a row that no longer parses is skipped, never trusted.
    if (!parsed.success || !isChannel(row.channel)) continue;
    const channel = row.channel;
    if (row.scope === "shop") {
      ruleSet.shopDefaults[channel] = parsed.data;
      continue;
    }
    const layer =
      row.scope === "collection" ? ruleSet.collections : row.scope === "product" ? ruleSet.products : ruleSet.variants;
    const target = (layer as Record<string, ChannelRules>)[row.scopeGid] ?? {};
    (layer as Record<string, ChannelRules>)[row.scopeGid] = { ...target, [channel]: parsed.data };
  }
  return ruleSet;
}

/** Replaces the rule of one (channel, scope, target). Validate with bufferRuleSchema first. */
export async function saveRule(
  database: Database,
  input: { shop: string; channel: ChannelId; scope: RuleScope; scopeGid?: string; rule: BufferRule },
): Promise<void> {
  const scopeGid = input.scope === "shop" ? "" : (input.scopeGid ?? "");
  const rule = bufferRuleSchema.parse(input.rule);
  await database.bufferRule.upsert({
    where: { shop_channel_scope_scopeGid: { shop: input.shop, channel: input.channel, scope: input.scope, scopeGid } },
    create: { shop: input.shop, channel: input.channel, scope: input.scope, scopeGid, rule },
    update: { rule },
  });
}

/**
 * Removes a target's rules (all channels, or one): the next layer down applies again. For
 * the shop scope (scopeGid ""), the built-in default applies again.
 */
export async function deleteRules(
  database: Database,
  input: { shop: string; scope: RuleScope; scopeGid: string; channel?: ChannelId },
): Promise<number> {
  const scopeGid = input.scope === "shop" ? "" : input.scopeGid;
  const result = await database.bufferRule.deleteMany({
    where: { shop: input.shop, scope: input.scope, scopeGid, ...(input.channel ? { channel: input.channel } : {}) },
  });
  return result.count;
}

/** The rules of one target as stored in its app-owned metafield. */
export function targetRulesFromJson(value: unknown): ReturnType<typeof channelRulesSchema.safeParse> {
  return channelRulesSchema.safeParse(value);
}

function isChannel(value: string): value is ChannelId {
  return (CHANNELS as readonly string[]).includes(value);
}

import {
  allocateItem,
  CHANNELS,
  compileRuleSet,
  renderExplanation,
  EXAMPLE_CONTEXT,
  EXAMPLE_ITEM,
  type AllocationItem,
  type Availability,
  type BufferRule,
  type ChannelId,
  type ChannelTiming,
  type CollectionGid,
  type ItemChannelMemory,
  type Locale,
  type MasterRecord,
  type ProductGid,
  type RuleSet,
  type ShopChannelSettings,
  type VariantGid,
} from "~/domain";

/**
 * The live preview of the buffer editor: the real engine (allocateItem) run in the browser
 * on a few real items and on the seed example, with the rules being edited. Nothing here
 * guesses: the numbers are what the worker would compute for the same inputs, before
 * increase damping (which only delays increases).
 */
export interface PreviewItem {
  variantId: VariantGid;
  productId: ProductGid;
  collectionIds: CollectionGid[];
  title: string;
  sku: string | null;
  record: MasterRecord;
  /** Active overrides and last pushed values, so paused and overridden channels show as they are. */
  memory: Partial<
    Record<ChannelId, { override: { quantity: number; expiresAtMs: number } | null; lastPushed: number | null }>
  >;
}

export interface PreviewInputs {
  items: PreviewItem[];
  /** Stored rules of the shop (collections, products, variants); shop defaults are replaced by the edit. */
  stored: RuleSet;
  settings: ShopChannelSettings;
  timing: Record<ChannelId, ChannelTiming>;
  nowMs: number;
}

export interface PreviewCell {
  quantity: number;
  availability: Availability;
  explanation: string;
}

export interface PreviewRow {
  variantId: string;
  title: string;
  sku: string | null;
  sellable: number;
  seed: boolean;
  channels: Record<ChannelId, PreviewCell>;
}

function toAllocationItem(item: PreviewItem): AllocationItem {
  const memory: Partial<Record<ChannelId, ItemChannelMemory>> = {};
  for (const channel of CHANNELS) {
    const entry = item.memory[channel];
    if (!entry) continue;
    memory[channel] = {
      override: entry.override
        ? {
            channel,
            variantId: item.variantId,
            quantity: entry.override.quantity,
            expiresAtMs: entry.override.expiresAtMs,
          }
        : null,
      lastPushed: entry.lastPushed,
    };
  }
  return {
    variantId: item.variantId,
    productId: item.productId,
    collectionIds: item.collectionIds,
    record: item.record,
    memory,
  };
}

function row(
  item: AllocationItem,
  title: string,
  sku: string | null,
  seed: boolean,
  context: Parameters<typeof allocateItem>[1],
  locale: Locale,
): PreviewRow {
  const allocation = allocateItem(item, context, { explain: true });
  const channels = {} as Record<ChannelId, PreviewCell>;
  for (const channel of CHANNELS) {
    const decision = allocation.decisions[channel];
    channels[channel] = {
      quantity: decision.quantity,
      availability: decision.availability,
      explanation: decision.explanation ? renderExplanation(decision.explanation, locale) : "",
    };
  }
  return {
    variantId: item.variantId,
    title,
    sku,
    sellable: allocation.decisions.online_store.sellable,
    seed,
    channels,
  };
}

export function previewRows(
  inputs: PreviewInputs,
  shopDefaults: Record<ChannelId, BufferRule>,
  locale: Locale,
): PreviewRow[] {
  const rules = compileRuleSet({ ...inputs.stored, shopDefaults });
  const context = { nowMs: inputs.nowMs, rules, settings: inputs.settings, timing: inputs.timing };
  const rows = inputs.items.map((item) => row(toAllocationItem(item), item.title, item.sku, false, context, locale));
  // The seed example keeps its own settings and timing: 10 sellable, no sales, every channel active.
  const seedContext = {
    ...EXAMPLE_CONTEXT,
    rules: compileRuleSet({ shopDefaults, collections: {}, products: {}, variants: {} }),
  };
  rows.push(row(EXAMPLE_ITEM, "", null, true, seedContext, locale));
  return rows;
}

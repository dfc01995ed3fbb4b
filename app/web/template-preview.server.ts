import type { Database } from "~/db.server";
import {
  GOOGLE_DEFAULT_TEMPLATES,
  META_DEFAULT_TEMPLATES,
  matchCatalogItems,
  renderItemId,
  ItemIdTemplateError,
} from "~/channels/item-ids";
import { MetaCatalogConnector } from "~/channels/meta/connector.server";
import type { ChannelConnector } from "~/channels/types";
import { logger } from "~/logger.server";
import { storedConnector, type ConnectableChannel } from "./channel-connections.server";

/**
 * The item-id template preview (Channels page and channel settings): the templates rendered
 * for a sample of variants, checked against what the channel has where it can be read.
 */
export interface TemplatePreview {
  templates: string[];
  /** How the ids were checked: against the whole Meta catalog, or by reading a sample of Google offers. */
  method: "catalog" | "read_back" | "rendered_only";
  sampled: number;
  matched: { variantId: string; title: string; itemId: string }[];
  unmatched: { variantId: string; title: string; itemId: string | null; reason: string | null }[];
  /** Meta only: catalog items no variant claimed. */
  unclaimed: number;
  error: string | null;
}

type RenderedId = { itemId: string | null; reason: string | null };

/** The sampled variants with their item-id parts, and the ids the templates give them. */
interface Sample {
  variants: { gid: string; productGid: string; title: string; sku: string | null }[];
  parts: { key: string; parts: { variantId: string; productId: string; countryCode: string; sku: string | null } }[];
  title: (gid: string) => string;
  /** The first template that renders for the variant; the last template's error when none does. */
  rendered: (gid: string) => RenderedId;
}

type PreviewBase = Pick<TemplatePreview, "templates" | "sampled" | "unclaimed">;

async function sampleVariants(
  database: Database,
  shop: string,
  templates: string[],
  countryCode: string,
  sampleSize: number,
): Promise<Sample> {
  const variants = await database.variant.findMany({
    where: { shop, deletedAt: null, tracked: true },
    orderBy: { updatedAt: "desc" },
    take: sampleSize,
    select: { gid: true, productGid: true, title: true, sku: true },
  });
  const parts = variants.map((variant) => ({
    key: variant.gid,
    parts: { variantId: variant.gid, productId: variant.productGid, countryCode, sku: variant.sku },
  }));
  const rendered = (gid: string): RenderedId => {
    const entry = parts.find((part) => part.key === gid);
    for (const template of templates) {
      try {
        return { itemId: renderItemId(template, entry!.parts), reason: null };
      } catch (error) {
        if (!(error instanceof ItemIdTemplateError)) throw error;
        if (template === templates[templates.length - 1]) return { itemId: null, reason: error.message };
      }
    }
    return { itemId: null, reason: null };
  };
  return { variants, parts, title: (gid) => variants.find((variant) => variant.gid === gid)?.title ?? "", rendered };
}

/** The stored connector, or null (not connected, or its credentials cannot be opened: logged). */
async function openStoredConnector(
  database: Database,
  shop: string,
  channel: ConnectableChannel,
): Promise<ChannelConnector | null> {
  try {
    return await storedConnector(database, shop, channel);
  } catch (error) {
    logger.warn({ shop, channel, err: error }, "stored channel credentials could not be opened");
    return null;
  }
}

/** Meta: every retailer id of the catalog, matched against the rendered ids. */
async function checkAgainstCatalog(
  connector: MetaCatalogConnector,
  sample: Sample,
  base: PreviewBase,
  templates: string[],
): Promise<TemplatePreview> {
  const retailerIds = await connector.listRetailerIds();
  const report = matchCatalogItems(sample.parts, retailerIds, templates);
  return {
    ...base,
    method: "catalog",
    unclaimed: report.unclaimedItemIds.length,
    matched: report.matched.map((match) => ({
      variantId: match.variantKey,
      title: sample.title(match.variantKey),
      itemId: match.itemIds[0] ?? "",
    })),
    unmatched: report.unmatched.map((gid) => ({ variantId: gid, title: sample.title(gid), ...sample.rendered(gid) })),
    error: null,
  };
}

/** Google: the rendered ids read back from the channel, one offer each. */
async function checkByReadBack(
  connector: ChannelConnector,
  sample: Sample,
  base: PreviewBase,
): Promise<TemplatePreview> {
  const ids = sample.variants.map((variant) => ({ gid: variant.gid, ...sample.rendered(variant.gid) }));
  const keys = ids.flatMap((entry) => (entry.itemId ? [entry.itemId] : []));
  const found = await connector.readBack(keys);
  const seen = new Set(found.filter((result) => result.found).map((result) => result.itemKey));
  return {
    ...base,
    method: "read_back",
    matched: ids
      .filter((entry) => entry.itemId && seen.has(entry.itemId))
      .map((entry) => ({ variantId: entry.gid, title: sample.title(entry.gid), itemId: entry.itemId! })),
    unmatched: ids
      .filter((entry) => !entry.itemId || !seen.has(entry.itemId))
      .map((entry) => ({
        variantId: entry.gid,
        title: sample.title(entry.gid),
        itemId: entry.itemId,
        reason: entry.reason,
      })),
    error: null,
  };
}

/** Nothing checked with the channel: every variant with the id the templates give it. */
function renderedOnly(sample: Sample, base: PreviewBase, error: string | null): TemplatePreview {
  return {
    ...base,
    method: "rendered_only",
    matched: [],
    unmatched: sample.variants.map((variant) => ({
      variantId: variant.gid,
      title: variant.title,
      ...sample.rendered(variant.gid),
    })),
    error,
  };
}

/** Renders the templates for a sample of variants and checks which items the channel has. */
export async function previewTemplates(
  database: Database,
  shop: string,
  channel: ConnectableChannel,
  input: { template: string; countryCode: string },
  sampleSize = 20,
): Promise<TemplatePreview> {
  // The template typed, else every convention Shopify's own channels have used.
  const templates = input.template.trim()
    ? [input.template.trim()]
    : [...(channel === "meta" ? META_DEFAULT_TEMPLATES : GOOGLE_DEFAULT_TEMPLATES)];
  const sample = await sampleVariants(database, shop, templates, input.countryCode, sampleSize);
  const base = { templates, sampled: sample.variants.length, unclaimed: 0 };
  const stored = await openStoredConnector(database, shop, channel);
  try {
    if (stored instanceof MetaCatalogConnector) return await checkAgainstCatalog(stored, sample, base, templates);
    if (stored && channel === "google") return await checkByReadBack(stored, sample, base);
  } catch (error) {
    return renderedOnly(sample, base, error instanceof Error ? error.message : String(error));
  }
  return renderedOnly(sample, base, null);
}

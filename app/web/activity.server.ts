import type { Database } from "~/db.server";
import { channelIdSchema, type ChannelId, type VariantGid } from "~/domain";
import { Prisma } from "~/generated/sqlite/client";
import { nextDay, startOfDayIn } from "~/i18n/date-time";
import { parseVariantId } from "./ids";

/**
 * The Activity page and its CSV export: newest first, filtered by the item's title or SKU
 * (part of either, in any case), an exact item, a channel and a time range, with each
 * entry's item named and the staff member who acted where Shopify said who it was.
 */
export const ACTIVITY_PAGE_SIZE = 25;
/** Rows read at a time while the export streams. */
const EXPORT_BATCH = 500;

export interface ActivityFilter {
  /** Part of an item's title or SKU, any case. */
  search?: string | null;
  variantGid?: VariantGid | null;
  channel?: ChannelId | null;
  /** From this instant (included) to `to` (excluded): the page turns the shop's calendar days into them. */
  from?: Date | null;
  to?: Date | null;
}

export interface ActivityView {
  id: string;
  kind: string;
  channel: string | null;
  variantGid: string | null;
  details: Record<string, unknown>;
  at: string;
  /** The item as Ballast knows it (null: no item, or one Ballast never read). */
  item: { title: string; sku: string | null } | null;
  /** The staff member who acted: their Shopify user id, and their name where Shopify gave it. */
  actor: { id: string; name: string | null } | null;
}

/** The filters as the page's URL carries them: `q`, `item`, `channel`, `from`, `to` (calendar days), `page`. */
export interface ActivityQuery {
  filter: ActivityFilter;
  page: number;
  /** What the merchant typed that means nothing: shown beside the field, and not applied. */
  invalid: { item: boolean; from: boolean; to: boolean; range: boolean };
}

/** The URL's filters; days are the shop's (`timeZone`, else UTC): "to" includes its whole day. */
export function activityQuery(params: URLSearchParams, timeZone: string | null): ActivityQuery {
  const text = (name: string) => params.get(name)?.trim() ?? "";
  const variantGid = text("item") ? parseVariantId(text("item")) : null;
  const channel = channelIdSchema.safeParse(params.get("channel"));
  const from = text("from") ? startOfDayIn(text("from"), timeZone) : null;
  const toDay = text("to") ? nextDay(text("to")) : null;
  const to = toDay ? startOfDayIn(toDay, timeZone) : null;
  const range = from !== null && to !== null && from.getTime() >= to.getTime();
  const page = Number.parseInt(params.get("page") ?? "1", 10);
  return {
    filter: {
      search: text("q") || null,
      variantGid,
      channel: channel.success ? channel.data : null,
      from: range ? null : from,
      to: range ? null : to,
    },
    page: Number.isFinite(page) && page > 0 ? page : 1,
    invalid: {
      item: text("item") !== "" && variantGid === null,
      from: text("from") !== "" && from === null,
      to: text("to") !== "" && to === null,
      range,
    },
  };
}

/** `%`, `_` and the escape itself match literally in the merchant's text. */
const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/**
 * The WHERE clause of a filter. The search joins the items by title and SKU; both sides are
 * lowered, so it ignores case on SQLite (ASCII letters: SQLite's LOWER) and on PostgreSQL (all letters).
 */
function whereClause(shop: string, filter: ActivityFilter): Prisma.Sql {
  const conditions = [Prisma.sql`"shop" = ${shop}`];
  if (filter.channel) conditions.push(Prisma.sql`"channel" = ${filter.channel}`);
  if (filter.variantGid) conditions.push(Prisma.sql`"variantGid" = ${filter.variantGid}`);
  if (filter.from) conditions.push(Prisma.sql`"at" >= ${filter.from}`);
  if (filter.to) conditions.push(Prisma.sql`"at" < ${filter.to}`);
  const search = filter.search?.trim();
  if (search) {
    const pattern = likePattern(search);
    conditions.push(Prisma.sql`"variantGid" IN (
      SELECT "gid" FROM "Variant"
      WHERE "shop" = ${shop} AND (LOWER("title") LIKE ${pattern} ESCAPE '\\' OR LOWER("sku") LIKE ${pattern} ESCAPE '\\'))`);
  }
  return Prisma.join(conditions, " AND ");
}

/** The ids of one page (newest first), in order; `after` continues past an entry (the export's keyset). */
async function entryIds(
  database: Database,
  shop: string,
  filter: ActivityFilter,
  page: { limit: number; offset?: number; after?: { at: Date; id: string } },
): Promise<string[]> {
  const after = page.after
    ? Prisma.sql` AND ("at" < ${page.after.at} OR ("at" = ${page.after.at} AND "id" < ${page.after.id}))`
    : Prisma.empty;
  const rows = await database.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "Activity"
    WHERE ${whereClause(shop, filter)}${after}
    ORDER BY "at" DESC, "id" DESC
    LIMIT ${page.limit} OFFSET ${page.offset ?? 0}`;
  return rows.map((row) => row.id);
}

/** The entries of these ids, in the ids' order, with their items and staff members named. */
async function entriesOf(database: Database, shop: string, ids: string[]): Promise<ActivityView[]> {
  if (ids.length === 0) return [];
  const rows = await database.activity.findMany({ where: { shop, id: { in: ids } } });
  const variantGids = [...new Set(rows.flatMap((row) => (row.variantGid ? [row.variantGid] : [])))];
  const actorIds = [...new Set(rows.flatMap((row) => (row.actor ? [row.actor] : [])))];
  const [variants, names] = await Promise.all([
    variantGids.length
      ? database.variant.findMany({
          where: { shop, gid: { in: variantGids } },
          select: { gid: true, title: true, sku: true },
        })
      : [],
    staffNames(database, shop, actorIds),
  ]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    const variant = variants.find((candidate) => candidate.gid === row.variantGid);
    return [
      {
        id: row.id,
        kind: row.kind,
        channel: row.channel,
        variantGid: row.variantGid,
        details: (typeof row.details === "object" && row.details !== null ? row.details : {}) as Record<
          string,
          unknown
        >,
        at: row.at.toISOString(),
        item: variant ? { title: variant.title, sku: variant.sku } : null,
        actor: row.actor ? { id: row.actor, name: names.get(row.actor) ?? null } : null,
      },
    ];
  });
}

/**
 * Staff names Shopify gave Ballast: only online-access sessions carry them (the app works
 * with offline tokens, whose session token names the user by id only), so usually none.
 */
async function staffNames(database: Database, shop: string, actorIds: string[]): Promise<Map<string, string>> {
  const numeric = actorIds.filter((id) => /^\d{1,20}$/.test(id));
  if (numeric.length === 0) return new Map();
  const sessions = await database.session.findMany({
    where: { shop, userId: { in: numeric.map((id) => BigInt(id)) } },
    select: { userId: true, firstName: true, lastName: true },
  });
  const names = new Map<string, string>();
  for (const session of sessions) {
    const name = [session.firstName, session.lastName].filter(Boolean).join(" ");
    if (session.userId !== null && name) names.set(String(session.userId), name);
  }
  return names;
}

export async function listActivity(
  database: Database,
  shop: string,
  filter: ActivityFilter & { page: number },
): Promise<{ entries: ActivityView[]; page: number; hasNext: boolean }> {
  const page = Math.max(1, Math.min(filter.page, 10_000));
  const ids = await entryIds(database, shop, filter, {
    limit: ACTIVITY_PAGE_SIZE + 1,
    offset: (page - 1) * ACTIVITY_PAGE_SIZE,
  });
  return {
    page,
    hasNext: ids.length > ACTIVITY_PAGE_SIZE,
    entries: await entriesOf(database, shop, ids.slice(0, ACTIVITY_PAGE_SIZE)),
  };
}

/** Every entry the filter matches, newest first, a batch at a time: the export streams them without holding the log in memory. */
export async function* exportActivity(
  database: Database,
  shop: string,
  filter: ActivityFilter,
  batch = EXPORT_BATCH,
): AsyncGenerator<ActivityView[]> {
  let after: { at: Date; id: string } | undefined;
  for (;;) {
    const ids = await entryIds(database, shop, filter, { limit: batch, after });
    const entries = await entriesOf(database, shop, ids);
    if (entries.length > 0) yield entries;
    if (ids.length < batch) return;
    const last = entries.at(-1);
    if (!last) return;
    after = { at: new Date(last.at), id: last.id };
  }
}

/** The item an `item=` filter names, as the filter's tag shows it. */
export async function activityItem(
  database: Database,
  shop: string,
  variantGid: VariantGid | null | undefined,
): Promise<{ title: string; sku: string | null } | null> {
  if (!variantGid) return null;
  return database.variant.findUnique({
    where: { shop_gid: { shop, gid: variantGid } },
    select: { title: true, sku: true },
  });
}

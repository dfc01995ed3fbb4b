import { databaseProvider, databaseUrl, type Database, type DatabaseProvider } from "~/db.server";
import { Prisma } from "~/generated/sqlite/client";
import { CHANNELS, channelModeOf, foldForSearch, sellableBreakdown, variantSearchText, type ChannelId } from "~/domain";
import { decodeMasterRecord } from "~/records/master-records.server";
import { channelTruth } from "./channel-truth";
import {
  ITEMS_PER_PAGE,
  type ItemFilter,
  type ItemListChannel,
  type ItemListPage,
  type ItemListQuery,
  type ItemListRow,
} from "./item-list";

/**
 * The item list (/app/items, GET /api/v1/items): variants found by part of their title,
 * their SKU or their barcode, narrowed by a status and a channel, 50 to a page, each with
 * what every channel shows now (app/web/channel-truth.ts). The search ignores case and
 * accents. Every query is scoped by `shop`; the query's shape and the answer's types are in
 * ./item-list.ts (shared with the page).
 */

/** `%`, `_` and the escape character itself match literally in a LIKE pattern. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;

/**
 * Search ignores case and accents ("creme" finds "Crème brûlée") the same way on SQLite and
 * PostgreSQL: neither database folds text here (SQLite's LOWER() folds ASCII only). The app
 * folds the query and each variant's title, SKU and barcode (Variant.searchText) with one
 * function, and the database only finds one folded text in the other.
 */
function textCondition(text: string): Prisma.Sql {
  return Prisma.sql`v."searchText" LIKE ${likePattern(foldForSearch(text))} ESCAPE '\\'`;
}

/** Rows folded per statement (two parameters each; SQLite allows 32,766). */
const FOLDS_PER_STATEMENT = 500;

/**
 * Folds the search text of the shop's variants that have none yet: those stored before the
 * column existed, or written by something that did not fold it. Every catalog write folds it,
 * so this nearly always finds nothing, reading the same rows as the search itself (no index
 * serves a search for part of a text). A row written meanwhile keeps the text its writer
 * folded.
 */
export async function fillSearchText(database: Database, provider: DatabaseProvider, shop: string): Promise<number> {
  const missing = await database.variant.findMany({
    where: { shop, searchText: null, deletedAt: null },
    select: { gid: true, title: true, sku: true, barcode: true },
  });
  const text = (value: string) =>
    provider === "postgresql" ? Prisma.sql`CAST(${value} AS text)` : Prisma.sql`${value}`;
  for (let start = 0; start < missing.length; start += FOLDS_PER_STATEMENT) {
    const tuples = missing
      .slice(start, start + FOLDS_PER_STATEMENT)
      .map((variant) => Prisma.sql`(${text(variant.gid)}, ${text(variantSearchText(variant))})`);
    await database.$executeRaw`
      WITH "f"("gid", "searchText") AS (VALUES ${Prisma.join(tuples)})
      UPDATE "Variant" SET "searchText" = "f"."searchText"
      FROM "f"
      WHERE "Variant"."shop" = ${shop} AND "Variant"."gid" = "f"."gid" AND "Variant"."searchText" IS NULL`;
  }
  return missing.length;
}

/** A channel row the engine marked near a sell-out: stock remains and the channel is shown none (Google: ads paused). */
function nearSelloutCondition(provider: DatabaseProvider): Prisma.Sql {
  return provider === "postgresql"
    ? Prisma.sql`c."explanation" @> '{"steps":[{"kind":"availability","params":{"nearSellout":true}}]}'::jsonb`
    : Prisma.sql`EXISTS (SELECT 1 FROM json_each(c."explanation", '$.steps') AS s
        WHERE json_extract(s.value, '$.kind') = 'availability' AND json_extract(s.value, '$.params.nearSellout') = 1)`;
}

function filterCondition(
  provider: DatabaseProvider,
  filter: ItemFilter | undefined,
  channel: ChannelId | undefined,
  now: Date,
): Prisma.Sql | null {
  const onChannel = (alias: string) =>
    channel ? Prisma.sql` AND ${Prisma.raw(alias)}."channel" = ${channel}` : Prisma.empty;
  switch (filter) {
    case "drift":
      return Prisma.sql`EXISTS (SELECT 1 FROM "DriftEpisode" d WHERE d."shop" = v."shop" AND d."variantGid" = v."gid"
        AND d."endedAt" IS NULL${onChannel("d")})`;
    case "overridden":
      return Prisma.sql`EXISTS (SELECT 1 FROM "Override" o WHERE o."shop" = v."shop" AND o."variantGid" = v."gid"
        AND o."expiresAt" > ${now}${onChannel("o")})`;
    case "held":
      // Holds exist on the Online Store only.
      if (channel && channel !== "online_store") return Prisma.sql`1 = 0`;
      return Prisma.sql`EXISTS (SELECT 1 FROM "HeldStock" h WHERE h."shop" = v."shop" AND h."variantGid" = v."gid"
        AND h."units" > 0)`;
    case "near_sellout":
      return Prisma.sql`EXISTS (SELECT 1 FROM "ChannelItemState" c WHERE c."shop" = v."shop" AND c."variantGid" = v."gid"
        ${onChannel("c")} AND ${nearSelloutCondition(provider)})`;
    case undefined:
      return channel
        ? Prisma.sql`EXISTS (SELECT 1 FROM "ChannelItemState" c WHERE c."shop" = v."shop" AND c."variantGid" = v."gid"
            AND c."channel" = ${channel})`
        : null;
  }
}

type FoundVariant = { gid: string; title: string; sku: string | null; barcode: string | null };

/** The page's variants, in title order, and how many match in all. */
async function findVariants(
  database: Database,
  shop: string,
  query: ItemListQuery,
  now: Date,
): Promise<{ variants: FoundVariant[]; total: number }> {
  const provider = databaseProvider(databaseUrl(database));
  const conditions = [Prisma.sql`v."shop" = ${shop}`, Prisma.sql`v."deletedAt" IS NULL`];
  if (query.query) {
    await fillSearchText(database, provider, shop);
    conditions.push(textCondition(query.query));
  }
  const filter = filterCondition(provider, query.filter, query.channel, now);
  if (filter) conditions.push(filter);
  const where = Prisma.join(conditions, " AND ");
  const offset = (query.page - 1) * ITEMS_PER_PAGE;
  const [variants, counted] = await Promise.all([
    database.$queryRaw<FoundVariant[]>`
      SELECT v."gid", v."title", v."sku", v."barcode" FROM "Variant" v WHERE ${where}
      ORDER BY LOWER(v."title"), v."gid" LIMIT ${ITEMS_PER_PAGE + 1} OFFSET ${offset}`,
    database.$queryRaw<{ total: number | bigint }[]>`SELECT COUNT(*) AS "total" FROM "Variant" v WHERE ${where}`,
  ]);
  return { variants, total: Number(counted[0]?.total ?? 0) };
}

/** What the rows of one page need besides the variants: stock, sync rows, drift, overrides, holds, channels. */
async function loadPageState(database: Database, shop: string, gids: string[], now: Date) {
  const inPage = { shop, variantGid: { in: gids } };
  const [records, rows, drift, overrides, held, connections, shopRow] = await Promise.all([
    database.masterRecord.findMany({ where: inPage, select: { variantGid: true, record: true, dirty: true } }),
    database.channelItemState.findMany({
      where: inPage,
      orderBy: { itemKey: "asc" },
      // Not the explanation: most of the bytes, and the list does not show it.
      omit: { explanation: true, dampingState: true },
    }),
    database.driftEpisode.findMany({
      where: { ...inPage, endedAt: null },
      select: { variantGid: true, channel: true, itemKey: true, expected: true, observed: true, startedAt: true },
    }),
    database.override.findMany({
      where: { ...inPage, expiresAt: { gt: now } },
      select: { variantGid: true, channel: true },
    }),
    database.heldStock.findMany({ where: { ...inPage, units: { gt: 0 } }, select: { variantGid: true, units: true } }),
    database.channelConnection.findMany({
      where: { shop },
      select: { channel: true, state: true, activatedAt: true, encryptedCredentials: true },
    }),
    database.shop.findUnique({ where: { shop }, select: { recomputeRequestedAt: true } }),
  ]);
  return {
    records,
    rows,
    drift,
    overrides,
    held,
    connections,
    recomputeRequested: shopRow?.recomputeRequestedAt != null,
  };
}

type PageState = Awaited<ReturnType<typeof loadPageState>>;

function listRow(variant: FoundVariant, state: PageState, now: Date): ItemListRow {
  const stored = state.records.find((record) => record.variantGid === variant.gid);
  const master = stored ? decodeMasterRecord({ shop: "", variantGid: variant.gid, record: stored.record }) : null;
  const shopify = new Map(
    (master?.locations ?? [])
      .filter((location) => location.available !== undefined)
      .map((location) => [
        location.locationId,
        { value: location.available!.value, at: new Date(location.available!.updatedAtMs) },
      ]),
  );
  const channels = CHANNELS.map((channel): ItemListChannel => {
    const connection = state.connections.find((entry) => entry.channel === channel);
    const truth = channelTruth({
      channel,
      connected:
        channel === "online_store" ||
        (connection !== undefined && connection.encryptedCredentials !== null && connection.state !== "disconnected"),
      mode: channelModeOf(connection),
      state: connection?.state ?? "active",
      rows: state.rows
        .filter((row) => row.variantGid === variant.gid && row.channel === channel)
        .map((row) => ({ ...row, explanation: null })),
      drift: state.drift.filter((episode) => episode.variantGid === variant.gid && episode.channel === channel),
      shopify,
      live: null,
      recalculating: state.recomputeRequested || stored?.dirty === true,
      nowMs: now.getTime(),
    });
    const status = truth.status;
    return {
      channel,
      shows: truth.shows,
      wants: truth.wants.value,
      status: status.kind,
      since: "since" in status ? status.since : null,
    };
  });
  return {
    variantId: variant.gid,
    title: variant.title,
    sku: variant.sku,
    barcode: variant.barcode,
    sellable: master ? sellableBreakdown(master, "all").sellable : null,
    held: state.held.filter((entry) => entry.variantGid === variant.gid).reduce((sum, entry) => sum + entry.units, 0),
    overridden: state.overrides
      .filter((entry) => entry.variantGid === variant.gid)
      .map((entry) => entry.channel as ChannelId),
    channels,
  };
}

export async function listItems(
  database: Database,
  shop: string,
  query: ItemListQuery,
  nowMs: number,
): Promise<ItemListPage> {
  const now = new Date(nowMs);
  const { variants, total } = await findVariants(database, shop, query, now);
  const shown = variants.slice(0, ITEMS_PER_PAGE);
  const state = await loadPageState(
    database,
    shop,
    shown.map((variant) => variant.gid),
    now,
  );
  return {
    items: shown.map((variant) => listRow(variant, state, now)),
    page: query.page,
    pageSize: ITEMS_PER_PAGE,
    total,
    hasNext: variants.length > ITEMS_PER_PAGE,
  };
}

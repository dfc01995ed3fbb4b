import { connectorFor, isConnector, type ConnectorDependencies } from "~/channels/factory.server";
import { setChannelState } from "~/channels/connection-store.server";
import type { Database } from "~/db.server";
import { CHANNELS, channelModeOf, type ChannelId } from "~/domain";
import { logger } from "~/logger.server";
import { createKeyring } from "~/security/crypto.server";
import { requestRecompute } from "~/records/requests.server";
import { recordActivity } from "~/records/activity.server";
import type { AlertSettings, ChannelAlertRules } from "~/records/alert-settings";
import { alertDedupeKey, raiseAlert, resolveAlert } from "~/records/alerts.server";
import { deliverAlerts, type DeliveryReport } from "./delivery.server";
import { DEFAULT_READ_BUDGETS, checkDrift, type DriftCheckResult, type ReadBudget } from "./drift.server";
import { channelHealth, type ChannelHealth } from "./health.server";
import { concernedItems } from "./concerned-items.server";
import { getAlertSettings } from "~/records/alert-settings.server";
import { recurringDriftItems } from "./stats";
import {
  channelAlertDecisions,
  channelIsMoot,
  isLagHigh,
  lagAbove,
  pauseLagMinutes,
  shopAlertDecisions,
  webhookGapElapsed,
  type AlertDecision,
  type ChannelFacts,
  type ShopFacts,
} from "./alert-rules";

/**
 * One monitoring pass for one shop, called by the sync worker after its pushes and
 * read-backs: sampled drift checks, credential recovery, the alert rules (raise, refresh,
 * auto-resolve), auto-protect, and delivery of alerts by email and webhook.
 * Level-triggered like the rest of the pipeline: every decision is made from stored
 * state, so a pass that is cut short is simply redone by the next one.
 */
export interface MonitorOptions {
  /** Builds connectors for read-backs and health checks; without it drift is not checked. */
  connectors?: ConnectorDependencies;
  readBudgets?: Partial<Record<"meta" | "google", ReadBudget>>;
  /** How often a channel with refused credentials is probed for recovery. */
  healthCheckEveryMs?: number;
  fetch?: typeof fetch;
  appUrl?: string;
  /** How often the worker reconciles with Shopify (used to age reconciliation alerts). */
  reconcileEveryMs?: number;
}

export interface MonitorReport {
  drift: Partial<Record<ChannelId, DriftCheckResult>>;
  health: Record<ChannelId, ChannelHealth>;
  opened: string[];
  resolved: string[];
  autoProtect: { channel: ChannelId; action: string }[];
  delivery: DeliveryReport | null;
}

const CREDENTIAL_ERROR = /^(credentials_revoked|UNAUTHORIZED)\b/;

export { MIN_LAG_SAMPLES, isLagHigh, lagAbove, pauseLagMinutes } from "./alert-rules";

export async function monitorShop(
  database: Database,
  shop: string,
  now: Date,
  options: MonitorOptions = {},
): Promise<MonitorReport> {
  const settings = await getAlertSettings(database, shop);
  const report: MonitorReport = {
    drift: {},
    health: {} as MonitorReport["health"],
    opened: [],
    resolved: [],
    autoProtect: [],
    delivery: null,
  };
  if (options.connectors) await checkChannels(database, shop, now, options, options.connectors, report);

  report.health = await channelHealth(database, shop, now);
  const apply = await alertApplier(database, shop, now, report);
  // Read after the credential checks, which may have brought a channel back.
  const connections = await connectionsOf(database, shop);
  for (const channel of CHANNELS) {
    const connection = connections.get(channel) ?? null;
    const moot = channelIsMoot(connection);
    const competing =
      channel === "online_store" || moot ? null : await competingWriterFindings(database, shop, channel, now, settings);
    const facts: ChannelFacts = {
      channel,
      health: report.health[channel],
      rules: settings.channels[channel],
      connection,
      competing,
      // The items the alerts name (none on a moot channel, whose alerts all resolve).
      items: moot ? undefined : await concernedItems(database, shop, channel, report.health[channel], competing, now),
    };
    for (const decision of channelAlertDecisions(facts)) await apply(decision, channel);
    if (moot) continue;
    const action = await autoProtect(
      database,
      shop,
      channel,
      now,
      facts.rules,
      isLagHigh(facts.health, facts.rules),
      facts.health,
    );
    if (action) report.autoProtect.push({ channel, action });
  }
  const shopDecisions = shopAlertDecisions(await shopFacts(database, shop, now, settings, options));
  for (const decision of shopDecisions) await apply(decision, null);

  if (options.connectors) report.delivery = await deliverAlertsSafely(database, shop, now, options, options.connectors);
  return report;
}

/** Sampled drift checks on the read-back channels, then credential recovery on every channel; a failure is logged, not thrown. */
async function checkChannels(
  database: Database,
  shop: string,
  now: Date,
  options: MonitorOptions,
  connectors: ConnectorDependencies,
  report: MonitorReport,
) {
  // Each channel's connection and parked rows, read once for the checks below.
  const [connections, parked] = await Promise.all([
    connectionsOf(database, shop),
    database.channelItemState.findMany({
      where: { shop, parkedAt: { not: null } },
      select: { channel: true, itemKey: true, lastError: true },
    }),
  ]);
  for (const channel of ["meta", "google"] as const) {
    try {
      const drift = await checkDriftFor(
        database,
        shop,
        channel,
        now,
        connectors,
        options.readBudgets?.[channel],
        connections.get(channel) ?? null,
      );
      if (drift) report.drift[channel] = drift;
    } catch (error) {
      logger.warn({ shop, channel, err: errorMessage(error) }, "drift check failed");
    }
  }
  for (const channel of CHANNELS) {
    try {
      const channelParked = parked.filter((row) => row.channel === channel);
      await recoverCredentials(
        database,
        shop,
        channel,
        now,
        connectors,
        options.healthCheckEveryMs ?? 5 * 60_000,
        connections.get(channel) ?? null,
        channelParked,
      );
    } catch (error) {
      logger.warn({ shop, channel, err: errorMessage(error) }, "health check failed");
    }
  }
}

/** Raises or resolves one alert, noting in the report what opened and what closed. */
async function alertApplier(database: Database, shop: string, now: Date, report: MonitorReport) {
  // Most rules resolve an alert that is not open: known from one read, not one write each.
  const openKeys = new Set(
    (await database.alert.findMany({ where: { shop, resolvedAt: null }, select: { dedupeKey: true } })).map(
      (row) => row.dedupeKey,
    ),
  );
  return async (decision: AlertDecision, channel: ChannelId | null): Promise<void> => {
    const input = { shop, channel, kind: decision.kind, severity: decision.severity, at: now };
    const key = alertDedupeKey(input);
    if (decision.outcome === "raise") {
      if ((await raiseAlert(database, { ...input, details: decision.details ?? {} })) === "opened")
        report.opened.push(key);
    } else if (openKeys.has(key) && (await resolveAlert(database, input))) {
      report.resolved.push(key);
    }
  };
}

async function deliverAlertsSafely(
  database: Database,
  shop: string,
  now: Date,
  options: MonitorOptions,
  connectors: ConnectorDependencies,
): Promise<DeliveryReport | null> {
  try {
    const keyring = createKeyring(connectors.env.encryptionKey, connectors.env.previousEncryptionKeys);
    return await deliverAlerts(database, shop, now, {
      keyring,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.appUrl ? { appUrl: options.appUrl } : {}),
    });
  } catch (error) {
    logger.warn({ shop, err: errorMessage(error) }, "alert delivery pass failed");
    return null;
  }
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function checkDriftFor(
  database: Database,
  shop: string,
  channel: "meta" | "google",
  now: Date,
  connectors: ConnectorDependencies,
  budget: ReadBudget | undefined,
  connection: ConnectionRow | null,
): Promise<DriftCheckResult | null> {
  if (
    !connection ||
    connection.state === "disconnected" ||
    connection.state === "error" ||
    channelModeOf(connection) === "observing"
  )
    return null;
  const connector = await connectorFor(connectors, shop, channel, connection);
  if (!isConnector(connector)) return null;
  const result = await checkDrift(database, shop, channel, connector, now, budget ?? DEFAULT_READ_BUDGETS[channel]);
  if (result.opened > 0) {
    await recordActivity(database, {
      shop,
      kind: "drift_detected",
      channel,
      details: { items: result.opened, repaired: result.repaired },
      at: now,
    });
  }
  return result;
}

/**
 * A channel whose pushes were refused for credentials is probed (health check) every few
 * minutes; once it answers again (the merchant reconnected, or restored access), items
 * parked for that reason are released and the connection leaves the error state.
 */
async function recoverCredentials(
  database: Database,
  shop: string,
  channel: ChannelId,
  now: Date,
  connectors: ConnectorDependencies,
  everyMs: number,
  connection: ConnectionRow | null,
  parked: readonly { itemKey: string; lastError: string | null }[],
): Promise<void> {
  const credentialParked = parked.filter((row) => row.lastError && CREDENTIAL_ERROR.test(row.lastError));
  const inError = connection?.state === "error" && /credential/i.test(connection.lastHealthError ?? "");
  if (credentialParked.length === 0 && !inError) return;
  if (connection?.lastHealthAt && now.getTime() - connection.lastHealthAt.getTime() < everyMs) return;
  if (connection?.state === "disconnected") return;

  // The factory refuses channels in error only when they are disconnected: the probe can run.
  const connector = await connectorFor(connectors, shop, channel, connection);
  const health = isConnector(connector)
    ? await connector.checkHealth()
    : { ok: false as const, code: "misconfigured" as const, detail: connector.detail };
  await database.channelConnection.upsert({
    where: { shop_channel: { shop, channel } },
    create: { shop, channel, lastHealthAt: now, lastHealthError: health.ok ? null : health.detail.slice(0, 300) },
    update: { lastHealthAt: now, ...(health.ok ? {} : { lastHealthError: health.detail.slice(0, 300) }) },
  });
  if (!health.ok) return;
  await database.channelItemState.updateMany({
    where: { shop, channel, parkedAt: { not: null }, itemKey: { in: credentialParked.map((row) => row.itemKey) } },
    data: { parkedAt: null, attempts: 0, lastError: null, nextAttemptAt: null },
  });
  if (inError)
    await database.channelConnection.update({
      where: { shop_channel: { shop, channel } },
      data: { state: "active", lastHealthError: null },
    });
  await recordActivity(database, {
    shop,
    kind: "credentials_restored",
    channel,
    details: { released: credentialParked.length },
    at: now,
  });
}

type ConnectionRow = NonNullable<Awaited<ReturnType<Database["channelConnection"]["findFirst"]>>>;

async function connectionsOf(database: Database, shop: string): Promise<Map<string, ConnectionRow>> {
  const rows = await database.channelConnection.findMany({ where: { shop } });
  return new Map(rows.map((row) => [row.channel, row]));
}

async function competingWriterFindings(
  database: Database,
  shop: string,
  channel: "meta" | "google",
  now: Date,
  settings: AlertSettings,
) {
  const { windowMinutes, repeats, lookbackHours } = settings.competingWriter;
  const sinceMs = now.getTime() - lookbackHours * 3_600_000;
  const episodes = await database.driftEpisode.findMany({
    where: { shop, channel, startedAt: { gte: new Date(sinceMs) } },
    select: { itemKey: true, sincePushMs: true, startedAt: true, expected: true, observed: true },
  });
  // Meta's own checkout lowers quantities: only a value raised above Ballast's is another writer.
  const relevant = episodes.filter((episode) => channel === "google" || episode.observed > episode.expected);
  return recurringDriftItems(
    relevant.map((episode) => ({
      itemKey: episode.itemKey,
      sincePushMs: episode.sincePushMs,
      startedAtMs: episode.startedAt.getTime(),
    })),
    { windowMs: windowMinutes * 60_000, repeats, sinceMs },
  );
}

/**
 * Auto-protect, when lag crosses the channel's threshold. By default (`widen_buffers`) it
 * relies on the lag-aware term, which sizes each buffer to the measured lag, and asks for a
 * recompute so that lag is used at once; only lag beyond `pauseAboveLagMinutes` (far beyond
 * what buffers can cover) pauses the channel in stop-selling mode. In `pause_stop_selling`
 * mode it pauses at `lagMinutes`. A pause is undone once lag is back under `lagMinutes`
 * (hysteresis), and only a pause auto-protect made itself (pausedBy "auto_protect"): a
 * merchant who resumes by hand while lag is still high is not overruled. Every step is an
 * activity entry.
 */
async function autoProtect(
  database: Database,
  shop: string,
  channel: ChannelId,
  now: Date,
  rules: ChannelAlertRules,
  lagHigh: boolean,
  health: ChannelHealth,
): Promise<string | null> {
  const last = await database.activity.findFirst({
    where: { shop, channel, kind: "auto_protect" },
    orderBy: { at: "desc" },
    select: { details: true },
  });
  const { action: lastAction, reason: lastReason } = (last?.details ?? {}) as { action?: string; reason?: string };
  const engaged = lastAction === "paused" || lastAction === "widening";
  // The merchant had paused the channel when lag went high: resuming it is their call.
  const merchantInCharge = lastAction === "widening" && lastReason === "lag_above_threshold_channel_already_paused";
  const connection = await database.channelConnection.findUnique({
    where: { shop_channel: { shop, channel } },
    select: { state: true, pausedBy: true },
  });
  const state = connection?.state ?? "active";
  const pauseAt = pauseLagMinutes(rules);
  const figures = {
    lagMs: health.effectiveLagMs,
    p95Ms: health.lag.p95,
    oldestUnconfirmedMs: health.oldestUnconfirmedMs,
    thresholdMs: rules.lagMinutes * 60_000,
    pauseThresholdMs: pauseAt === null ? null : pauseAt * 60_000,
  };
  const log = (action: string, reason: string, extra: Record<string, unknown> = {}) =>
    recordActivity(database, {
      shop,
      kind: "auto_protect",
      channel,
      details: { action, reason, mode: rules.autoProtectMode, ...figures, ...extra },
      at: now,
    });

  const pauseDue = lagHigh && pauseAt !== null && lagAbove(health, pauseAt);
  // A widening escalates to a pause when lag keeps growing past the pause threshold.
  if (pauseDue && lastAction !== "paused" && !merchantInCharge && state === "active") {
    await setChannelState(database, { shop, channel, state: "paused_stop_selling", by: "auto_protect" });
    await requestRecompute(database, shop, now);
    const reason = rules.autoProtectMode === "pause_stop_selling" ? "lag_above_threshold" : "lag_beyond_buffers";
    await log("paused", reason, { undo: "resume the channel on the Channels page" });
    return "paused";
  }
  if (lagHigh && !engaged) {
    if (!rules.autoProtect) return null;
    // Widening: the lag-aware term sizes buffers from the measured lag; recompute now.
    await requestRecompute(database, shop, now);
    await log("widening", state === "active" ? "lag_above_threshold" : "lag_above_threshold_channel_already_paused");
    return "widening";
  }
  if (!lagHigh && engaged) {
    if (lastAction === "paused" && state === "paused_stop_selling" && connection?.pausedBy === "auto_protect") {
      await setChannelState(database, { shop, channel, state: "active", by: "auto_protect" });
      await requestRecompute(database, shop, now);
      await log("resumed", "lag_back_under_threshold");
      return "resumed";
    }
    // Either widening ends, or someone already took the channel out of auto-protect's hands.
    await log("released", lastAction === "paused" ? "changed_by_hand" : "lag_back_under_threshold");
    return "released";
  }
  return null;
}

/** What the shop-wide rules look at; the day's webhook count and the shop row are read only when a rule needs them. */
async function shopFacts(
  database: Database,
  shop: string,
  now: Date,
  settings: AlertSettings,
  options: MonitorOptions,
): Promise<ShopFacts> {
  const latest = await database.webhookEvent.findFirst({
    where: { shop, receivedAt: { lte: now } },
    orderBy: { receivedAt: "desc" },
    select: { receivedAt: true },
  });
  const lastWebhookAt = latest?.receivedAt ?? null;
  const gapElapsed = webhookGapElapsed({ now, webhookGapMinutes: settings.webhookGapMinutes, lastWebhookAt });
  const webhooksInDayBefore =
    lastWebhookAt && gapElapsed
      ? await database.webhookEvent.count({
          where: { shop, receivedAt: { gt: new Date(lastWebhookAt.getTime() - 86_400_000), lte: lastWebhookAt } },
        })
      : null;
  const open = await database.alert.findFirst({
    where: { shop, kind: "reconciliation_difference", resolvedAt: null },
    select: { details: true },
  });
  const shopRow = open ? await database.shop.findUnique({ where: { shop }, select: { lastReconciledAt: true } }) : null;
  return {
    now,
    webhookGapMinutes: settings.webhookGapMinutes,
    webhookGapMinDailyEvents: settings.webhookGapMinDailyEvents,
    lastWebhookAt,
    webhooksInDayBefore,
    reconciliationLastSeenAt: open ? String((open.details as { lastSeenAt?: unknown } | null)?.lastSeenAt ?? "") : null,
    lastReconciledAt: shopRow?.lastReconciledAt ?? null,
    reconcileQuietMs: options.reconcileEveryMs ?? 10 * 60_000,
  };
}

import { connectorFor, isConnector, type ConnectorDependencies } from "~/channels/factory.server";
import { setChannelState } from "~/channels/connection-store.server";
import type { Database } from "~/db.server";
import { CHANNELS, channelModeOf, type ChannelId } from "~/domain";
import { logger } from "~/logger.server";
import { createKeyring } from "~/security/crypto.server";
import { requestRecompute } from "~/records/requests.server";
import { recordActivity } from "~/records/activity.server";
import { GUIDANCE, type AlertSettings, type ChannelAlertRules } from "~/records/alert-settings";
import { alertDedupeKey, raiseAlert, resolveAlert } from "~/records/alerts.server";
import { deliverAlerts, type DeliveryReport } from "./delivery.server";
import { DEFAULT_READ_BUDGETS, checkDrift, type DriftCheckResult, type ReadBudget } from "./drift.server";
import { channelHealth, type ChannelHealth } from "./health.server";
import { getAlertSettings } from "~/records/alert-settings.server";
import { recurringDriftItems } from "./stats";

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

/** Fewer lag samples than this in the window say nothing about the p95. */
export const MIN_LAG_SAMPLES = 3;
const CREDENTIAL_ERROR = /^(credentials_revoked|UNAUTHORIZED)\b/;

export async function monitorShop(database: Database, shop: string, now: Date, options: MonitorOptions = {}): Promise<MonitorReport> {
  const settings = await getAlertSettings(database, shop);
  const report: MonitorReport = { drift: {}, health: {} as MonitorReport["health"], opened: [], resolved: [], autoProtect: [], delivery: null };

  if (options.connectors) {
    // Each channel's connection and parked rows, read once for the checks below.
    const [connections, parked] = await Promise.all([
      connectionsOf(database, shop),
      database.channelItemState.findMany({ where: { shop, parkedAt: { not: null } }, select: { channel: true, itemKey: true, lastError: true } }),
    ]);
    for (const channel of ["meta", "google"] as const) {
      try {
        const drift = await checkDriftFor(database, shop, channel, now, options.connectors, options.readBudgets?.[channel], connections.get(channel) ?? null);
        if (drift) report.drift[channel] = drift;
      } catch (error) {
        logger.warn({ shop, channel, err: error instanceof Error ? error.message : String(error) }, "drift check failed");
      }
    }
    for (const channel of CHANNELS) {
      try {
        const channelParked = parked.filter((row) => row.channel === channel);
        await recoverCredentials(database, shop, channel, now, options.connectors, options.healthCheckEveryMs ?? 5 * 60_000, connections.get(channel) ?? null, channelParked);
      } catch (error) {
        logger.warn({ shop, channel, err: error instanceof Error ? error.message : String(error) }, "health check failed");
      }
    }
  }

  const health = await channelHealth(database, shop, now);
  report.health = health;
  // Most rules resolve an alert that is not open: known from one read, not one write each.
  const openKeys = new Set((await database.alert.findMany({ where: { shop, resolvedAt: null }, select: { dedupeKey: true } })).map((row) => row.dedupeKey));
  const apply = async (outcome: "raise" | "resolve", input: Parameters<typeof raiseAlert>[1]) => {
    if (outcome === "resolve" && !openKeys.has(alertDedupeKey(input))) return;
    if (outcome === "raise") {
      if ((await raiseAlert(database, input)) === "opened") report.opened.push(`${input.channel ?? "shop"}:${input.kind}`);
    } else if (await resolveAlert(database, input)) {
      report.resolved.push(`${input.channel ?? "shop"}:${input.kind}`);
    }
  };

  // Read after the credential checks, which may have brought a channel back.
  const connections = await connectionsOf(database, shop);
  for (const channel of CHANNELS) {
    const rules = settings.channels[channel];
    const h = health[channel];
    const connection = connections.get(channel);
    // Nothing to watch on a disconnected channel, nor on one in observe mode (Ballast pushes
    // nothing to it, so there is no lag, drift or failure of Ballast's to report, and nothing
    // for auto-protect to pause): their alerts are moot.
    if (connection?.state === "disconnected" || channelModeOf(connection) === "observing") {
      for (const kind of ["lag_high", "drift_high", "competing_writer", "push_errors", "throttled", "push_parked", "credentials_revoked"] as const) {
        await apply("resolve", { shop, channel, kind, severity: "info", at: now });
      }
      continue;
    }

    const lagHigh = isLagHigh(h, rules);
    await apply(lagHigh ? "raise" : "resolve", {
      shop,
      channel,
      kind: "lag_high",
      severity: "warning",
      details: {
        p95Ms: h.lag.p95,
        maxMs: h.lag.max,
        samples: h.lag.samples,
        oldestUnconfirmedMs: h.oldestUnconfirmedMs,
        thresholdMs: rules.lagMinutes * 60_000,
        autoProtect: rules.autoProtect ? rules.autoProtectMode : "off",
        guidance: GUIDANCE.considerPausingChannel,
      },
      at: now,
    });

    const driftHigh = h.driftItems >= rules.driftItems || (h.driftItems > 0 && h.longestDriftMinutes >= rules.driftMinutes);
    await apply(driftHigh ? "raise" : "resolve", {
      shop,
      channel,
      kind: "drift_high",
      severity: "warning",
      details: { items: h.driftItems, longestMinutes: h.longestDriftMinutes, thresholdItems: rules.driftItems, thresholdMinutes: rules.driftMinutes, guidance: GUIDANCE.resyncChannel },
      at: now,
    });

    if (channel !== "online_store") {
      const competing = await competingWriterFindings(database, shop, channel, now, settings);
      await apply(competing.length > 0 ? "raise" : "resolve", {
        shop,
        channel,
        kind: "competing_writer",
        severity: "critical",
        details: {
          items: competing.length,
          examples: competing.slice(0, 5).map((item) => item.itemKey),
          episodes: competing.reduce((sum, item) => sum + item.episodes, 0),
          minutesAfterPush: Math.round(Math.min(...competing.map((item) => item.medianSincePushMs)) / 60_000),
          guidance: channel === "google" ? GUIDANCE.rankSupplementalSourceFirst : GUIDANCE.disableNativeChannelInventorySync,
          // Both apply to Google: Shopify's Google & YouTube app writes the primary feed.
          alsoGuidance: channel === "google" ? [GUIDANCE.disableNativeChannelInventorySync] : [],
        },
        at: now,
      });
    }

    await apply(h.errors >= rules.errorItems ? "raise" : "resolve", {
      shop,
      channel,
      kind: "push_errors",
      severity: "warning",
      details: { items: h.errors, thresholdItems: rules.errorItems },
      at: now,
    });
    await apply(h.throttled > 0 ? "raise" : "resolve", {
      shop,
      channel,
      kind: "throttled",
      severity: "warning",
      details: { items: h.throttled, guidance: GUIDANCE.waitForBudget },
      at: now,
    });
    const credentialProblem = h.credentialFailures > 0 || (connection?.state === "error" && /credential/i.test(connection.lastHealthError ?? ""));
    await apply(credentialProblem ? "raise" : "resolve", {
      shop,
      channel,
      kind: "credentials_revoked",
      severity: "critical",
      details: { items: h.credentialFailures, guidance: GUIDANCE.reconnectChannel },
      at: now,
    });
    const otherParked = h.parked - h.credentialFailures;
    await apply(otherParked > 0 ? "raise" : "resolve", {
      shop,
      channel,
      kind: "push_parked",
      severity: "critical",
      details: { items: otherParked, guidance: GUIDANCE.reviewParkedItems },
      at: now,
    });

    const action = await autoProtect(database, shop, channel, now, rules, lagHigh, h);
    if (action) report.autoProtect.push({ channel, action });
  }

  await shopRules(database, shop, now, settings, options, apply);

  if (options.connectors) {
    try {
      const keyring = createKeyring(options.connectors.env.encryptionKey, options.connectors.env.previousEncryptionKeys);
      report.delivery = await deliverAlerts(database, shop, now, { keyring, ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.appUrl ? { appUrl: options.appUrl } : {}) });
    } catch (error) {
      logger.warn({ shop, err: error instanceof Error ? error.message : String(error) }, "alert delivery pass failed");
    }
  }
  return report;
}

export function isLagHigh(health: ChannelHealth, rules: ChannelAlertRules): boolean {
  return lagAbove(health, rules.lagMinutes);
}

/** Measured lag (p95 over enough samples, or the oldest push the channel has not shown) above `minutes`. */
export function lagAbove(health: ChannelHealth, minutes: number): boolean {
  const threshold = minutes * 60_000;
  const measured = health.lag.samples >= MIN_LAG_SAMPLES && health.lag.p95 !== null && health.lag.p95 > threshold;
  return measured || (health.oldestUnconfirmedMs ?? 0) > threshold;
}

/** The lag at which auto-protect pauses the channel (stop selling), or null if it never does. */
export function pauseLagMinutes(rules: ChannelAlertRules): number | null {
  if (!rules.autoProtect) return null;
  if (rules.autoProtectMode === "pause_stop_selling") return rules.lagMinutes;
  return rules.pauseAboveLagMinutes ?? null;
}

async function checkDriftFor(
  database: Database,
  shop: string,
  channel: "meta" | "google",
  now: Date,
  connectors: ConnectorDependencies,
  budget: ReadBudget | undefined,
  connection: ConnectionRow | null,
): Promise<DriftCheckResult | null> {
  if (!connection || connection.state === "disconnected" || connection.state === "error" || channelModeOf(connection) === "observing") return null;
  const connector = await connectorFor(connectors, shop, channel, connection);
  if (!isConnector(connector)) return null;
  const result = await checkDrift(database, shop, channel, connector, now, budget ?? DEFAULT_READ_BUDGETS[channel]);
  if (result.opened > 0) {
    await recordActivity(database, { shop, kind: "drift_detected", channel, details: { items: result.opened, repaired: result.repaired }, at: now });
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
  const health = isConnector(connector) ? await connector.checkHealth() : { ok: false as const, code: "misconfigured" as const, detail: connector.detail };
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
  if (inError) await database.channelConnection.update({ where: { shop_channel: { shop, channel } }, data: { state: "active", lastHealthError: null } });
  await recordActivity(database, { shop, kind: "credentials_restored", channel, details: { released: credentialParked.length }, at: now });
}

type ConnectionRow = NonNullable<Awaited<ReturnType<Database["channelConnection"]["findFirst"]>>>;

async function connectionsOf(database: Database, shop: string): Promise<Map<string, ConnectionRow>> {
  const rows = await database.channelConnection.findMany({ where: { shop } });
  return new Map(rows.map((row) => [row.channel, row]));
}

async function competingWriterFindings(database: Database, shop: string, channel: "meta" | "google", now: Date, settings: AlertSettings) {
  const { windowMinutes, repeats, lookbackHours } = settings.competingWriter;
  const sinceMs = now.getTime() - lookbackHours * 3_600_000;
  const episodes = await database.driftEpisode.findMany({
    where: { shop, channel, startedAt: { gte: new Date(sinceMs) } },
    select: { itemKey: true, sincePushMs: true, startedAt: true, expected: true, observed: true },
  });
  // Meta's own checkout lowers quantities: only a value raised above Ballast's is another writer.
  const relevant = episodes.filter((episode) => channel === "google" || episode.observed > episode.expected);
  return recurringDriftItems(
    relevant.map((episode) => ({ itemKey: episode.itemKey, sincePushMs: episode.sincePushMs, startedAtMs: episode.startedAt.getTime() })),
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
  const last = await database.activity.findFirst({ where: { shop, channel, kind: "auto_protect" }, orderBy: { at: "desc" }, select: { details: true } });
  const { action: lastAction, reason: lastReason } = (last?.details ?? {}) as { action?: string; reason?: string };
  const engaged = lastAction === "paused" || lastAction === "widening";
  // The merchant had paused the channel when lag went high: resuming it is their call.
  const merchantInCharge = lastAction === "widening" && lastReason === "lag_above_threshold_channel_already_paused";
  const connection = await database.channelConnection.findUnique({ where: { shop_channel: { shop, channel } }, select: { state: true, pausedBy: true } });
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
    recordActivity(database, { shop, kind: "auto_protect", channel, details: { action, reason, mode: rules.autoProtectMode, ...figures, ...extra }, at: now });

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

async function shopRules(
  database: Database,
  shop: string,
  now: Date,
  settings: AlertSettings,
  options: MonitorOptions,
  apply: (outcome: "raise" | "resolve", input: Parameters<typeof raiseAlert>[1]) => Promise<void>,
): Promise<void> {
  // Webhook gap: a shop that usually receives webhooks has had none for a while.
  const gapMs = settings.webhookGapMinutes * 60_000;
  const latest = await database.webhookEvent.findFirst({ where: { shop, receivedAt: { lte: now } }, orderBy: { receivedAt: "desc" }, select: { receivedAt: true } });
  let gap = false;
  if (latest && now.getTime() - latest.receivedAt.getTime() >= gapMs) {
    const before = await database.webhookEvent.count({
      where: { shop, receivedAt: { gt: new Date(latest.receivedAt.getTime() - 86_400_000), lte: latest.receivedAt } },
    });
    gap = before >= settings.webhookGapMinDailyEvents;
  }
  await apply(gap ? "raise" : "resolve", {
    shop,
    kind: "webhook_gap",
    severity: "warning",
    details: { lastReceivedAt: latest?.receivedAt.toISOString() ?? null, thresholdMinutes: settings.webhookGapMinutes, guidance: GUIDANCE.checkWebhookSubscriptions },
    at: now,
  });

  // Reconciliation differences: resolved once a later reconciliation found none (the
  // worker raises the alert after each read that finds some, stamping lastSeenAt).
  const open = await database.alert.findFirst({ where: { shop, kind: "reconciliation_difference", resolvedAt: null }, select: { details: true } });
  if (open) {
    const lastSeen = Date.parse(String((open.details as { lastSeenAt?: unknown } | null)?.lastSeenAt ?? ""));
    const shopRow = await database.shop.findUnique({ where: { shop }, select: { lastReconciledAt: true } });
    const quietFor = options.reconcileEveryMs ?? 10 * 60_000;
    if (Number.isFinite(lastSeen) && shopRow?.lastReconciledAt && shopRow.lastReconciledAt.getTime() > lastSeen && now.getTime() - lastSeen >= quietFor) {
      await apply("resolve", { shop, kind: "reconciliation_difference", severity: "info", at: now });
    }
  }
}

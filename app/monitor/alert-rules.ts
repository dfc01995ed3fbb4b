import { channelModeOf, type ChannelId } from "~/domain";
import { GUIDANCE, type ChannelAlertRules } from "~/records/alert-settings";
import { ALERT_VARIANT_LIMIT } from "~/records/alert-kinds";
import type { AlertInput, AlertKind } from "~/records/alerts.server";
import type { ChannelHealth } from "./health.server";

/**
 * The monitor's alert rules as data (pure: facts in, decisions out). Each rule says when
 * its alert opens, when it resolves (by default: once the condition no longer holds, the
 * rules being level-triggered) and what it records; `monitorShop` gathers the facts from
 * stored rows and applies the decisions.
 */
export interface AlertRule<Facts> {
  kind: AlertKind;
  severity: AlertInput["severity"];
  /** The condition holds: the alert is raised (opened, or refreshed with what it records). */
  opens: (facts: Facts) => boolean;
  /** When the alert is closed; without it, whenever it does not open. */
  resolves?: (facts: Facts) => boolean;
  /** The alert's details when raised. */
  records?: (facts: Facts) => Record<string, unknown>;
}

export interface AlertDecision {
  outcome: "raise" | "resolve";
  kind: AlertKind;
  severity: AlertInput["severity"];
  details?: Record<string, unknown>;
}

/** What one rule decides for these facts: raise, resolve, or leave the alert as it is (null). */
export function decideAlert<Facts>(rule: AlertRule<Facts>, facts: Facts): AlertDecision | null {
  if (rule.opens(facts))
    return { outcome: "raise", kind: rule.kind, severity: rule.severity, details: rule.records?.(facts) ?? {} };
  const resolves = rule.resolves ? rule.resolves(facts) : true;
  return resolves ? { outcome: "resolve", kind: rule.kind, severity: rule.severity } : null;
}

/** Fewer lag samples than this in the window say nothing about the p95. */
export const MIN_LAG_SAMPLES = 3;

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

/** An item whose drift comes back after each push (`recurringDriftItems`). */
export interface CompetingWriterFinding {
  itemKey: string;
  episodes: number;
  medianSincePushMs: number;
}

/**
 * Variant ids (GIDs) of the items behind each count, at most ALERT_VARIANT_LIMIT each: the
 * alerts record them (`details.variants`) so the Alerts page and notices can name them.
 */
export interface ConcernedItems {
  drift: readonly string[];
  errors: readonly string[];
  throttled: readonly string[];
  parked: readonly string[];
  credentials: readonly string[];
  competing: readonly string[];
}

export interface ChannelFacts {
  channel: ChannelId;
  health: ChannelHealth;
  rules: ChannelAlertRules;
  connection: { state: string; lastHealthError: string | null; activatedAt: Date | string | null } | null;
  /** Items another writer keeps overwriting; null where it is not looked for (the Online Store is not read back). */
  competing: readonly CompetingWriterFinding[] | null;
  /** The items behind the counts; without it the alerts name none. */
  items?: ConcernedItems;
}

/** The variant ids an alert records for one of its counts. */
const variantsOf = (facts: ChannelFacts, group: keyof ConcernedItems): string[] =>
  (facts.items?.[group] ?? []).slice(0, ALERT_VARIANT_LIMIT);

/** Refused credentials, seen in pushes or in the connection's last health check. */
const credentialProblem = ({ health, connection }: ChannelFacts) =>
  health.credentialFailures > 0 ||
  (connection?.state === "error" && /credential/i.test(connection.lastHealthError ?? ""));

const competingWriterDetails = (facts: ChannelFacts) => {
  const { channel } = facts;
  const competing = facts.competing ?? [];
  return {
    items: competing.length,
    variants: variantsOf(facts, "competing"),
    examples: competing.slice(0, 5).map((item) => item.itemKey),
    episodes: competing.reduce((sum, item) => sum + item.episodes, 0),
    minutesAfterPush: Math.round(Math.min(...competing.map((item) => item.medianSincePushMs)) / 60_000),
    guidance: channel === "google" ? GUIDANCE.rankSupplementalSourceFirst : GUIDANCE.disableNativeChannelInventorySync,
    // Both apply to Google: Shopify's Google & YouTube app writes the primary feed.
    alsoGuidance: channel === "google" ? [GUIDANCE.disableNativeChannelInventorySync] : [],
  };
};

/** The per-channel rules, in the order they are evaluated. */
export const CHANNEL_ALERT_RULES: readonly AlertRule<ChannelFacts>[] = [
  {
    kind: "lag_high",
    severity: "warning",
    opens: ({ health, rules }) => isLagHigh(health, rules),
    records: ({ health, rules }) => ({
      p95Ms: health.lag.p95,
      maxMs: health.lag.max,
      samples: health.lag.samples,
      oldestUnconfirmedMs: health.oldestUnconfirmedMs,
      thresholdMs: rules.lagMinutes * 60_000,
      autoProtect: rules.autoProtect ? rules.autoProtectMode : "off",
      guidance: GUIDANCE.considerPausingChannel,
    }),
  },
  {
    kind: "drift_high",
    severity: "warning",
    opens: ({ health, rules }) =>
      health.driftItems >= rules.driftItems ||
      (health.driftItems > 0 && health.longestDriftMinutes >= rules.driftMinutes),
    records: (facts) => ({
      items: facts.health.driftItems,
      variants: variantsOf(facts, "drift"),
      longestMinutes: facts.health.longestDriftMinutes,
      thresholdItems: facts.rules.driftItems,
      thresholdMinutes: facts.rules.driftMinutes,
      guidance: GUIDANCE.resyncChannel,
    }),
  },
  {
    kind: "competing_writer",
    severity: "critical",
    opens: ({ competing }) => competing !== null && competing.length > 0,
    resolves: ({ competing }) => competing !== null,
    records: competingWriterDetails,
  },
  {
    kind: "push_errors",
    severity: "warning",
    opens: ({ health, rules }) => health.errors >= rules.errorItems,
    records: (facts) => ({
      items: facts.health.errors,
      variants: variantsOf(facts, "errors"),
      thresholdItems: facts.rules.errorItems,
    }),
  },
  {
    kind: "throttled",
    severity: "warning",
    opens: ({ health }) => health.throttled > 0,
    records: (facts) => ({
      items: facts.health.throttled,
      variants: variantsOf(facts, "throttled"),
      guidance: GUIDANCE.waitForBudget,
    }),
  },
  {
    kind: "credentials_revoked",
    severity: "critical",
    opens: credentialProblem,
    records: (facts) => ({
      items: facts.health.credentialFailures,
      variants: variantsOf(facts, "credentials"),
      guidance: GUIDANCE.reconnectChannel,
    }),
  },
  {
    kind: "push_parked",
    severity: "critical",
    opens: ({ health }) => health.parked - health.credentialFailures > 0,
    records: (facts) => ({
      items: facts.health.parked - facts.health.credentialFailures,
      variants: variantsOf(facts, "parked"),
      guidance: GUIDANCE.reviewParkedItems,
    }),
  },
];

/**
 * Nothing to watch on a disconnected channel, nor on one in observe mode (Ballast pushes
 * nothing to it, so there is no lag, drift or failure of Ballast's to report, and nothing
 * for auto-protect to pause): their alerts are moot.
 */
export function channelIsMoot(connection: ChannelFacts["connection"] | undefined): boolean {
  return connection?.state === "disconnected" || channelModeOf(connection) === "observing";
}

/** The decisions of every channel rule; on a moot channel, every alert resolves. */
export function channelAlertDecisions(facts: ChannelFacts): AlertDecision[] {
  if (channelIsMoot(facts.connection))
    return CHANNEL_ALERT_RULES.map((rule) => ({ outcome: "resolve", kind: rule.kind, severity: "info" }));
  return CHANNEL_ALERT_RULES.flatMap((rule) => decideAlert(rule, facts) ?? []);
}

export interface ShopFacts {
  now: Date;
  webhookGapMinutes: number;
  webhookGapMinDailyEvents: number;
  /** The latest webhook received, if any. */
  lastWebhookAt: Date | null;
  /** Webhooks received in the day before the latest one; read only once the gap has lasted long enough (null otherwise). */
  webhooksInDayBefore: number | null;
  /** The open reconciliation alert's `lastSeenAt`, or null when none is open. */
  reconciliationLastSeenAt: string | null;
  lastReconciledAt: Date | null;
  /** How long after the last difference a later clean reconciliation must come. */
  reconcileQuietMs: number;
}

/** The webhook gap has lasted the threshold (the count of the day before then tells whether it is unusual). */
export function webhookGapElapsed(facts: Pick<ShopFacts, "now" | "webhookGapMinutes" | "lastWebhookAt">): boolean {
  return (
    facts.lastWebhookAt !== null &&
    facts.now.getTime() - facts.lastWebhookAt.getTime() >= facts.webhookGapMinutes * 60_000
  );
}

/** The shop-wide rules. */
export const SHOP_ALERT_RULES: readonly AlertRule<ShopFacts>[] = [
  {
    // A shop that usually receives webhooks has had none for a while.
    kind: "webhook_gap",
    severity: "warning",
    opens: (facts) => webhookGapElapsed(facts) && (facts.webhooksInDayBefore ?? 0) >= facts.webhookGapMinDailyEvents,
    records: (facts) => ({
      lastReceivedAt: facts.lastWebhookAt?.toISOString() ?? null,
      thresholdMinutes: facts.webhookGapMinutes,
      guidance: GUIDANCE.checkWebhookSubscriptions,
    }),
  },
  {
    // Raised by the worker after each read that finds differences (stamping lastSeenAt);
    // resolved once a later reconciliation found none.
    kind: "reconciliation_difference",
    severity: "info",
    opens: () => false,
    resolves: ({ reconciliationLastSeenAt, lastReconciledAt, now, reconcileQuietMs }) => {
      if (reconciliationLastSeenAt === null) return false;
      const lastSeen = Date.parse(reconciliationLastSeenAt);
      return (
        Number.isFinite(lastSeen) &&
        lastReconciledAt !== null &&
        lastReconciledAt.getTime() > lastSeen &&
        now.getTime() - lastSeen >= reconcileQuietMs
      );
    },
  },
];

export function shopAlertDecisions(facts: ShopFacts): AlertDecision[] {
  return SHOP_ALERT_RULES.flatMap((rule) => decideAlert(rule, facts) ?? []);
}

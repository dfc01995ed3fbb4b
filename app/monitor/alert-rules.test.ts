import { describe, expect, it } from "vitest";
import { DEFAULT_CHANNEL_ALERT_RULES } from "~/records/alert-settings";
import {
  channelAlertDecisions,
  decideAlert,
  shopAlertDecisions,
  type AlertRule,
  type ChannelFacts,
  type ShopFacts,
} from "./alert-rules";
import type { ChannelHealth } from "./health.server";

const NOW = new Date(Date.UTC(2026, 10, 27, 12));
const MINUTE = 60_000;

const quietHealth = (overrides: Partial<ChannelHealth> = {}): ChannelHealth => ({
  channel: "meta",
  mode: "active",
  activatedAt: NOW.toISOString(),
  state: "active",
  pausedBy: null,
  lastPushAt: null,
  lag: { p50: null, p95: null, max: null, samples: 0, windowMinutes: 60 },
  oldestUnconfirmedMs: null,
  effectiveLagMs: null,
  driftItems: 0,
  driftMinutes: 0,
  longestDriftMinutes: 0,
  errors: 0,
  throttled: 0,
  parked: 0,
  credentialFailures: 0,
  pending: 0,
  audit: { itemsInSync: 0, checkedInWindow: 0, oldestCheckAt: null },
  ...overrides,
});

const metaFacts = (overrides: Partial<ChannelFacts> = {}): ChannelFacts => ({
  channel: "meta",
  health: quietHealth(),
  rules: DEFAULT_CHANNEL_ALERT_RULES.meta,
  connection: { state: "active", lastHealthError: null, activatedAt: NOW },
  competing: [],
  ...overrides,
});

const raised = (facts: ChannelFacts) =>
  channelAlertDecisions(facts)
    .filter((decision) => decision.outcome === "raise")
    .map((decision) => decision.kind);

describe("decideAlert", () => {
  const rule: AlertRule<{ on: boolean; closable: boolean }> = {
    kind: "throttled",
    severity: "warning",
    opens: ({ on }) => on,
    resolves: ({ closable }) => closable,
    records: () => ({ items: 1 }),
  };

  it("raises with what the rule records, resolves when the rule says so, and otherwise leaves the alert alone", () => {
    expect(decideAlert(rule, { on: true, closable: true })).toEqual({
      outcome: "raise",
      kind: "throttled",
      severity: "warning",
      details: { items: 1 },
    });
    expect(decideAlert(rule, { on: false, closable: true })).toEqual({
      outcome: "resolve",
      kind: "throttled",
      severity: "warning",
    });
    expect(decideAlert(rule, { on: false, closable: false })).toBeNull();
  });

  it("resolves whenever the condition no longer holds, for a rule that does not say when", () => {
    expect(decideAlert({ ...rule, resolves: undefined }, { on: false, closable: false })?.outcome).toBe("resolve");
  });
});

describe("channel alert rules", () => {
  it("GIVEN a quiet active channel THEN every rule resolves and none raises", () => {
    const decisions = channelAlertDecisions(metaFacts());
    expect(decisions.map((decision) => decision.outcome)).toEqual(Array(decisions.length).fill("resolve"));
    expect(decisions.map((decision) => decision.kind)).toEqual([
      "lag_high",
      "drift_high",
      "competing_writer",
      "push_errors",
      "throttled",
      "credentials_revoked",
      "push_parked",
    ]);
  });

  it("GIVEN lag over the threshold (enough samples, or an old unconfirmed push) THEN lag_high opens with its figures", () => {
    const sampled = quietHealth({ lag: { p50: 1, p95: 31 * MINUTE, max: 40 * MINUTE, samples: 3, windowMinutes: 60 } });
    expect(raised(metaFacts({ health: sampled }))).toEqual(["lag_high"]);
    expect(raised(metaFacts({ health: { ...sampled, lag: { ...sampled.lag, samples: 2 } } }))).toEqual([]);
    expect(raised(metaFacts({ health: quietHealth({ oldestUnconfirmedMs: 31 * MINUTE }) }))).toEqual(["lag_high"]);
    expect(channelAlertDecisions(metaFacts({ health: sampled }))[0]?.details).toMatchObject({
      p95Ms: 31 * MINUTE,
      maxMs: 40 * MINUTE,
      samples: 3,
      thresholdMs: 30 * MINUTE,
      autoProtect: "widen_buffers",
      guidance: "consider_pausing_channel",
    });
  });

  it("GIVEN drift on enough items, or long enough THEN drift_high opens", () => {
    expect(raised(metaFacts({ health: quietHealth({ driftItems: 5 }) }))).toEqual(["drift_high"]);
    expect(raised(metaFacts({ health: quietHealth({ driftItems: 1, longestDriftMinutes: 30 }) }))).toEqual([
      "drift_high",
    ]);
    expect(raised(metaFacts({ health: quietHealth({ driftItems: 1, longestDriftMinutes: 29 }) }))).toEqual([]);
  });

  it("GIVEN items overwritten after each push THEN competing_writer opens with examples and the channel's guidance", () => {
    const competing = [
      { itemKey: "a", episodes: 3, medianSincePushMs: 4 * MINUTE },
      { itemKey: "b", episodes: 4, medianSincePushMs: 2 * MINUTE },
    ];
    const meta = channelAlertDecisions(metaFacts({ competing })).find(
      (decision) => decision.kind === "competing_writer",
    );
    expect(meta).toMatchObject({
      outcome: "raise",
      severity: "critical",
      details: {
        items: 2,
        examples: ["a", "b"],
        episodes: 7,
        minutesAfterPush: 2,
        guidance: "disable_native_channel_inventory_sync",
        alsoGuidance: [],
      },
    });
    const google = channelAlertDecisions(
      metaFacts({ channel: "google", rules: DEFAULT_CHANNEL_ALERT_RULES.google, competing }),
    );
    expect(google.find((decision) => decision.kind === "competing_writer")?.details).toMatchObject({
      guidance: "rank_supplemental_source_first",
      alsoGuidance: ["disable_native_channel_inventory_sync"],
    });
  });

  it("GIVEN a channel where competing writers are not looked for THEN its competing_writer alert is left alone", () => {
    const decisions = channelAlertDecisions(
      metaFacts({ channel: "online_store", rules: DEFAULT_CHANNEL_ALERT_RULES.online_store, competing: null }),
    );
    expect(decisions.map((decision) => decision.kind)).not.toContain("competing_writer");
  });

  it("GIVEN failing, throttled and parked items THEN push_errors, throttled, credentials_revoked and push_parked open apart", () => {
    expect(raised(metaFacts({ health: quietHealth({ errors: 1, throttled: 2 }) }))).toEqual([
      "push_errors",
      "throttled",
    ]);
    const parked = channelAlertDecisions(metaFacts({ health: quietHealth({ parked: 3, credentialFailures: 1 }) }));
    expect(
      parked
        .filter((decision) => decision.outcome === "raise")
        .map((decision) => [decision.kind, decision.details?.items]),
    ).toEqual([
      ["credentials_revoked", 1],
      ["push_parked", 2],
    ]);
    expect(raised(metaFacts({ health: quietHealth({ parked: 1, credentialFailures: 1 }) }))).toEqual([
      "credentials_revoked",
    ]);
  });

  it("GIVEN the items behind each count THEN each alert records its own, at most ten", () => {
    const gids = (prefix: string, count: number) =>
      Array.from({ length: count }, (_, index) => `gid://shopify/ProductVariant/${prefix}${index}`);
    const items = {
      drift: gids("1", 12),
      errors: gids("2", 1),
      throttled: gids("3", 2),
      parked: gids("4", 1),
      credentials: gids("5", 1),
      competing: gids("6", 1),
    };
    const health = quietHealth({ driftItems: 12, errors: 1, throttled: 2, parked: 2, credentialFailures: 1 });
    const competing = [{ itemKey: "a", episodes: 3, medianSincePushMs: MINUTE }];
    const recorded = Object.fromEntries(
      channelAlertDecisions(metaFacts({ health, competing, items }))
        .filter((decision) => decision.outcome === "raise")
        .map((decision) => [decision.kind, decision.details?.variants]),
    );
    expect(recorded).toEqual({
      drift_high: items.drift.slice(0, 10),
      competing_writer: items.competing,
      push_errors: items.errors,
      throttled: items.throttled,
      credentials_revoked: items.credentials,
      push_parked: items.parked,
    });
    // Without the items (facts gathered elsewhere), the alerts name none rather than fail.
    expect(
      channelAlertDecisions(metaFacts({ health })).find((d) => d.kind === "drift_high")?.details?.variants,
    ).toEqual([]);
  });

  it("GIVEN a connection in error for its credentials THEN credentials_revoked opens without a parked item", () => {
    const connection = { state: "error", lastHealthError: "Credentials refused", activatedAt: NOW };
    expect(raised(metaFacts({ connection }))).toEqual(["credentials_revoked"]);
    expect(raised(metaFacts({ connection: { ...connection, lastHealthError: "timeout" } }))).toEqual([]);
  });

  it("GIVEN a disconnected or observed channel THEN every alert resolves, whatever the figures", () => {
    const alarming = quietHealth({
      errors: 5,
      throttled: 5,
      parked: 5,
      driftItems: 9,
      oldestUnconfirmedMs: 999 * MINUTE,
    });
    for (const connection of [
      { state: "disconnected", lastHealthError: null, activatedAt: NOW },
      { state: "active", lastHealthError: null, activatedAt: null },
      null,
    ]) {
      const decisions = channelAlertDecisions(metaFacts({ health: alarming, connection }));
      expect(decisions.length).toBe(7);
      expect(decisions.every((decision) => decision.outcome === "resolve")).toBe(true);
    }
  });
});

describe("shop alert rules", () => {
  const facts = (overrides: Partial<ShopFacts> = {}): ShopFacts => ({
    now: NOW,
    webhookGapMinutes: 60,
    webhookGapMinDailyEvents: 24,
    lastWebhookAt: null,
    webhooksInDayBefore: null,
    reconciliationLastSeenAt: null,
    lastReconciledAt: null,
    reconcileQuietMs: 10 * MINUTE,
    ...overrides,
  });
  const decision = (input: ShopFacts, kind: string) =>
    shopAlertDecisions(input).find((entry) => entry.kind === kind) ?? null;

  it("GIVEN a busy shop silent for the threshold THEN webhook_gap opens; a quiet shop, or a short silence, resolves it", () => {
    const lastWebhookAt = new Date(NOW.getTime() - 60 * MINUTE);
    expect(decision(facts({ lastWebhookAt, webhooksInDayBefore: 24 }), "webhook_gap")).toMatchObject({
      outcome: "raise",
      details: {
        lastReceivedAt: lastWebhookAt.toISOString(),
        thresholdMinutes: 60,
        guidance: "check_webhook_subscriptions",
      },
    });
    expect(decision(facts({ lastWebhookAt, webhooksInDayBefore: 23 }), "webhook_gap")?.outcome).toBe("resolve");
    expect(
      decision(facts({ lastWebhookAt: new Date(NOW.getTime() - 59 * MINUTE), webhooksInDayBefore: 100 }), "webhook_gap")
        ?.outcome,
    ).toBe("resolve");
    expect(decision(facts(), "webhook_gap")?.outcome).toBe("resolve");
  });

  it("GIVEN an open reconciliation difference THEN it resolves only after a later clean reconciliation and a quiet period, and is never raised here", () => {
    const lastSeen = new Date(NOW.getTime() - 15 * MINUTE);
    const open = { reconciliationLastSeenAt: lastSeen.toISOString() };
    expect(
      decision(facts({ ...open, lastReconciledAt: new Date(lastSeen.getTime() + MINUTE) }), "reconciliation_difference")
        ?.outcome,
    ).toBe("resolve");
    expect(decision(facts({ ...open, lastReconciledAt: lastSeen }), "reconciliation_difference")).toBeNull();
    expect(
      decision(facts({ ...open, lastReconciledAt: NOW, reconcileQuietMs: 20 * MINUTE }), "reconciliation_difference"),
    ).toBeNull();
    expect(
      decision(facts({ reconciliationLastSeenAt: "", lastReconciledAt: NOW }), "reconciliation_difference"),
    ).toBeNull();
    expect(decision(facts({ lastReconciledAt: NOW }), "reconciliation_difference")).toBeNull();
  });
});

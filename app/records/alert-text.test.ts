/**
 * An alert's details read as sentences with units, in both languages, for what the monitor
 * and the other writers really record: never a key, a code or an id, and times in the
 * shop's time zone (or in UTC, said).
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_CHANNEL_ALERT_RULES } from "~/records/alert-settings";
import { CHANNEL_ALERT_RULES, SHOP_ALERT_RULES, type ChannelFacts, type ShopFacts } from "~/monitor/alert-rules";
import type { ChannelHealth } from "~/monitor/health.server";
import { LOCALES } from "~/i18n";
import { ALERT_KINDS } from "./alert-kinds";
import { alertFacts, alertItemLabel, describeAlert, formatAlertTime, splitVariantTitle } from "./alert-text";

const NOW = new Date(Date.UTC(2026, 10, 27, 12, 0));
const MINUTE = 60_000;
const VARIANT = "gid://shopify/ProductVariant/44960469696645123";

const health: ChannelHealth = {
  channel: "meta",
  mode: "active",
  activatedAt: NOW.toISOString(),
  state: "active",
  pausedBy: null,
  lastPushAt: null,
  lag: { p50: 20 * MINUTE, p95: 42 * MINUTE, max: 50 * MINUTE, samples: 14, windowMinutes: 60 },
  oldestUnconfirmedMs: 35 * MINUTE,
  effectiveLagMs: 42 * MINUTE,
  driftItems: 7,
  driftMinutes: 300,
  longestDriftMinutes: 173,
  errors: 2,
  throttled: 40,
  parked: 4,
  credentialFailures: 1,
  pending: 40,
  audit: { itemsInSync: 0, checkedInWindow: 0, oldestCheckAt: null },
};

const channelFacts: ChannelFacts = {
  channel: "meta",
  health,
  rules: DEFAULT_CHANNEL_ALERT_RULES.meta,
  connection: { state: "active", lastHealthError: null, activatedAt: NOW },
  competing: [
    { itemKey: "44960469696645123", episodes: 3, medianSincePushMs: 4 * MINUTE },
    { itemKey: "44960469696700", episodes: 4, medianSincePushMs: 3 * MINUTE },
  ],
  items: {
    drift: [VARIANT],
    errors: [VARIANT],
    throttled: [],
    parked: [VARIANT],
    credentials: [],
    competing: [VARIANT],
  },
};

const shopFacts: ShopFacts = {
  now: NOW,
  webhookGapMinutes: 60,
  webhookGapMinDailyEvents: 24,
  lastWebhookAt: new Date(NOW.getTime() - 95 * MINUTE),
  webhooksInDayBefore: 400,
  reconciliationLastSeenAt: null,
  lastReconciledAt: null,
  reconcileQuietMs: 10 * MINUTE,
};

/** What each kind's writer records, with the `lastSeenAt` raiseAlert stamps. */
const recorded: Record<string, Record<string, unknown>> = {
  ...Object.fromEntries(CHANNEL_ALERT_RULES.map((rule) => [rule.kind, rule.records?.(channelFacts) ?? {}])),
  ...Object.fromEntries(SHOP_ALERT_RULES.map((rule) => [rule.kind, rule.records?.(shopFacts) ?? {}])),
  // app/worker/reconcile-job.server.ts
  reconciliation_difference: { levels: 3, mode: "incremental", variants: [VARIANT] },
  // app/rules/metafield-pickup.server.ts
  invalid_metafield: {
    settings: ["Product 8234567890123 (Wool scarf): meta: at most two decimals"],
    action: "Ballast ignored these values.",
    owners: ["gid://shopify/Product/8234567890123"],
  },
  shopify_unreachable: { error: "Shopify answered 503 Service Unavailable" },
  // app/shopify/offline-token.server.ts
  shopify_auth_failed: { status: 400, error: "invalid_grant", guidance: "open_ballast_in_shopify_admin" },
};
for (const details of Object.values(recorded)) details.lastSeenAt = NOW.toISOString();

describe("alert details as sentences", () => {
  it.each(LOCALES)("renders what every kind records without keys, codes or ids (%s)", (locale) => {
    for (const kind of ALERT_KINDS) {
      expect(recorded[kind], kind).toBeDefined();
      const text = describeAlert({ kind, channel: "meta", details: recorded[kind] }, { locale, timeZone: null });
      const all = [text.title, text.meaning, text.action, ...text.facts].join("\n");
      expect(all, kind).not.toMatch(/gid:\/\//);
      expect(all, kind).not.toMatch(/\b[a-z]+_[a-z_]+\b/); // no snake_case code
      expect(all, kind).not.toMatch(/\b(lastSeenAt|thresholdMs|p95Ms|longestMinutes|items):/);
      expect(text.facts.length, kind).toBeGreaterThan(0);
      expect(text.facts.at(-1), kind).toMatch(/UTC/);
    }
  });

  it("puts numbers with their units and thresholds into sentences", () => {
    const en = (kind: string) => alertFacts(kind, recorded[kind], { locale: "en", timeZone: null });
    expect(en("lag_high")).toEqual([
      "Most updates took up to 42 minutes to appear on the channel (14 measured updates); the alert opens above 30 minutes.",
      "The oldest update the channel does not show yet was sent 35 minutes ago.",
      "Auto-protect is on: buffers widen to cover the delay.",
      "Last seen 27 Nov 2026, 12:00 UTC.",
    ]);
    expect(en("drift_high").slice(0, 2)).toEqual([
      "7 items show a different quantity than the one Ballast sent; the longest for 2.9 hours now.",
      "The alert opens at 5 items showing a different quantity at once, or one item for 30 minutes.",
    ]);
    expect(en("competing_writer")).toContain(
      "2 items were set to another quantity 7 times in all, about 3 minutes after Ballast's update.",
    );
    expect(en("push_parked")[0]).toBe("3 items are no longer sent to the channel.");
    expect(en("credentials_revoked")[0]).toBe("1 item could not be sent because the channel refused Ballast's access.");
    expect(en("webhook_gap")[0]).toBe(
      "The last update from Shopify arrived 27 Nov 2026, 10:25 UTC; the alert opens after 60 minutes without any.",
    );
    const fr = alertFacts("drift_high", recorded.drift_high, { locale: "fr", timeZone: "Europe/Paris" });
    expect(fr[0]).toBe(
      "7 articles affichent une autre quantité que celle envoyée par Ballast ; le plus ancien depuis 2,9 heures.",
    );
    expect(fr.at(-1)).toMatch(/^Vu pour la dernière fois le 27 nov\. 2026, 13:00 UTC\+1\.$/);
    expect(alertFacts("push_errors", { items: 1, thresholdItems: 1 }, { locale: "fr", timeZone: null })[0]).toBe(
      "1 article n'a pas pu être mis à jour au moins 3 fois de suite ; l'alerte s'ouvre à partir de 1 article.",
    );
  });

  it("gives the channel's reason for parked items in words", () => {
    expect(alertFacts("push_parked", { items: 1, code: "unmatched" }, { locale: "en", timeZone: null })).toContain(
      "The channel's reason: the item is not in the channel's catalog.",
    );
    expect(alertFacts("push_parked", { code: "SOMETHING_NEW" }, { locale: "en", timeZone: null })).toEqual([
      "The channel's reason: the channel refused the update.",
    ]);
  });

  it("reads times in the shop's zone, or in UTC when the zone is unknown or invalid", () => {
    expect(formatAlertTime(NOW.toISOString(), "en", "America/New_York")).toBe("27 Nov 2026, 07:00 GMT-5");
    expect(formatAlertTime(NOW.toISOString(), "en", null)).toBe("27 Nov 2026, 12:00 UTC");
    expect(formatAlertTime(NOW.toISOString(), "en", "Not/AZone")).toBe("27 Nov 2026, 12:00 UTC");
  });

  it("names items by product, variant and SKU", () => {
    expect(splitVariantTitle("Wool scarf — Red")).toEqual({ productTitle: "Wool scarf", variantTitle: "Red" });
    expect(splitVariantTitle("Mug")).toEqual({ productTitle: "Mug", variantTitle: null });
    expect(
      alertItemLabel({ variantId: VARIANT, productTitle: "Wool scarf", variantTitle: "Red", sku: "SCARF-RED" }, "fr"),
    ).toBe("Wool scarf — Red (SKU SCARF-RED)");
    expect(alertItemLabel({ variantId: VARIANT, productTitle: "Mug", variantTitle: null, sku: null }, "en")).toBe(
      "Mug (no SKU)",
    );
  });
});

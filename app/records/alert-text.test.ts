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
import { SETTING_PROBLEM_CODES, type SettingProblem, type SettingProblemCode } from "./setting-problems";
import { SHOPIFY_FAILURES } from "./shopify-failure";

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
    settings: [
      {
        owner: "gid://shopify/Product/8234567890123",
        ownerType: "product",
        title: "Wool scarf",
        problems: [
          { code: "too_many_decimals", channel: "meta", field: "percent" },
          { code: "too_small", channel: "meta", field: "hold", tier: 2, bound: 0, inclusive: true },
        ],
      },
    ],
    owners: ["gid://shopify/Product/8234567890123"],
  },
  // app/worker/reconcile-job.server.ts
  shopify_unreachable: {
    failure: "server_error",
    status: 503,
    technical: "Shopify answered 503 Service Unavailable",
  },
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

/** One problem of each code, with the values its writer records. */
const PROBLEMS: Record<SettingProblemCode, SettingProblem> = {
  invalid_json: { code: "invalid_json" },
  not_object: { code: "not_object" },
  unknown_channel: { code: "unknown_channel", keys: ["tiktok", "ebay"] },
  unknown_setting: { code: "unknown_setting", channel: "online_store", tier: 1, field: "tiers", keys: ["extra"] },
  too_small: { code: "too_small", channel: "meta", field: "hold", tier: 2, bound: 0, inclusive: true },
  too_big: { code: "too_big", channel: "google", field: "confidence", bound: 0.9999, inclusive: true },
  too_many_tiers: { code: "too_many_tiers", channel: "meta", field: "tiers", bound: 20 },
  not_whole_number: { code: "not_whole_number", channel: "meta", field: "fixedUnits" },
  wrong_type: { code: "wrong_type", channel: "meta", field: "percent", expected: "number" },
  missing: { code: "missing", channel: "google", field: "atOrBelow", tier: 3 },
  too_many_decimals: { code: "too_many_decimals", channel: "meta", field: "percent" },
  cap_not_above_floor: { code: "cap_not_above_floor", channel: "online_store", field: "cap" },
  tiers_not_increasing: { code: "tiers_not_increasing", channel: "meta", field: "atOrBelow", tier: 2 },
  all_only_lowest_tier: { code: "all_only_lowest_tier", channel: "meta", field: "hold", tier: 2 },
  tiers_show_less: { code: "tiers_show_less", channel: "google", field: "hold", tier: 3 },
  invalid_value: { code: "invalid_value", channel: "meta", field: "lagAware" },
};
/** Words both languages write alike: names, and the values the merchant typed. */
const SHARED_WORDS = new Set([
  "meta",
  "google",
  "ballast",
  "json",
  "all",
  "tiktok",
  "ebay",
  "extra",
  "wool",
  "scarf",
  "stock",
]);
const wordsOf = (text: string) => new Set(text.toLowerCase().match(/\p{L}+/gu) ?? []);
const refused = (problems: SettingProblem[], owner = "gid://shopify/Product/8234567890123") => ({
  settings: [{ owner, ownerType: owner.includes("/Shop/") ? "shop" : "product", title: "Wool scarf", problems }],
  owners: [owner],
});

describe("refused buffer settings in words", () => {
  it.each(SETTING_PROBLEM_CODES)("puts %s into French with no English word, and into English", (code) => {
    const details = refused([PROBLEMS[code]]);
    const [english] = alertFacts("invalid_metafield", details, { locale: "en", timeZone: null });
    const [french] = alertFacts("invalid_metafield", details, { locale: "fr", timeZone: null });
    expect(english).toMatch(/^Ignored value for the product “Wool scarf”: /);
    expect(french).toMatch(/^Valeur ignorée pour le produit « Wool scarf » : /);
    const englishWords = wordsOf(english!);
    const shared = [...wordsOf(french!)].filter((word) => englishWords.has(word) && !SHARED_WORDS.has(word));
    expect(shared, french).toEqual([]);
    for (const text of [english!, french!]) {
      expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b/); // no code
      expect(text).not.toMatch(/\b(fixedUnits|atOrBelow|lagAware|online_store|undefined|null)\b/);
      expect(text).not.toMatch(/[{}]/);
    }
  });

  it("names the channel, the tier and the setting in plain words, with numbers in the reader's format", () => {
    const details = refused([PROBLEMS.too_small, PROBLEMS.too_big, PROBLEMS.unknown_channel]);
    expect(alertFacts("invalid_metafield", details, { locale: "fr", timeZone: null })).toEqual([
      "Valeur ignorée pour le produit « Wool scarf » : Meta, palier 2, unités retenues : doit être au moins 0 ; " +
        "Google, confiance de la réserve selon le délai : doit être au plus 0,9999 ; " +
        "canaux inconnus « tiktok » et « ebay » : Ballast connaît Boutique en ligne, Meta et Google.",
    ]);
    expect(alertFacts("invalid_metafield", details, { locale: "en", timeZone: null })).toEqual([
      "Ignored value for the product “Wool scarf”: Meta, tier 2, units held back: must be at least 0; " +
        "Google, confidence of the lag-aware buffer: must be at most 0.9999; " +
        "unknown channels “tiktok” and “ebay”: Ballast knows Online Store, Meta and Google.",
    ]);
    expect(
      alertFacts("invalid_metafield", refused([PROBLEMS.invalid_json], "gid://shopify/Shop/1"), {
        locale: "fr",
        timeZone: null,
      }),
    ).toEqual([
      "Valeur ignorée pour les valeurs par défaut de la boutique : la valeur n'est pas du JSON valide, Ballast ne peut donc pas la lire.",
    ]);
  });

  it("shows rows written before problems were stored as they are, and skips what it cannot read", () => {
    const old = {
      settings: ["Product 8234567890123 (Wool scarf): Facebook & Instagram, percent held: at most two decimals", 7],
      action: "Ballast ignored these values.",
      owners: ["gid://shopify/Product/8234567890123"],
    };
    expect(alertFacts("invalid_metafield", old, { locale: "fr", timeZone: null })).toEqual([
      "Valeur ignorée : Product 8234567890123 (Wool scarf): Facebook & Instagram, percent held: at most two decimals.",
    ]);
    expect(alertFacts("invalid_metafield", old, { locale: "en", timeZone: null })).toEqual([
      "Ignored value: Product 8234567890123 (Wool scarf): Facebook & Instagram, percent held: at most two decimals.",
    ]);
    // A code from a later version still reads as a refused value, never as its code.
    const later = refused([{ code: "something_new" as SettingProblemCode, channel: "meta", field: "cap" }]);
    expect(alertFacts("invalid_metafield", later, { locale: "fr", timeZone: null })).toEqual([
      "Valeur ignorée pour le produit « Wool scarf » : Meta, plafond affiché : valeur refusée.",
    ]);
  });
});

describe("Shopify unreachable in words", () => {
  const TECHNICAL = "Network error reaching Shopify: getaddrinfo ENOTFOUND shop.myshopify.com";
  const sentences: Record<string, [Record<string, unknown>, string, string]> = {
    timeout: [{ failure: "timeout" }, "Shopify took too long to answer.", "Shopify a mis trop de temps à répondre."],
    network: [
      { failure: "network" },
      "Ballast could not connect to Shopify (a network problem between the two).",
      "Ballast n'a pas pu se connecter à Shopify (un problème de réseau entre les deux).",
    ],
    server_error: [
      { failure: "server_error", status: 502 },
      "Shopify had a problem on its side (HTTP status 502).",
      "Shopify a eu un problème de son côté (statut HTTP 502).",
    ],
    throttled: [
      { failure: "throttled", status: 429 },
      "Shopify asked Ballast to slow down: too many requests at once.",
      "Shopify a demandé à Ballast de ralentir : trop de requêtes à la fois.",
    ],
    other: [{ failure: "other" }, "Shopify did not answer as expected.", "Shopify n'a pas répondu comme prévu."],
  };

  it.each(SHOPIFY_FAILURES)("says %s plainly in both languages, without the technical message", (failure) => {
    const [details, english, french] = sentences[failure]!;
    const stored = { ...details, technical: TECHNICAL };
    expect(alertFacts("shopify_unreachable", stored, { locale: "en", timeZone: null })).toEqual([english]);
    expect(alertFacts("shopify_unreachable", stored, { locale: "fr", timeZone: null })).toEqual([french]);
  });

  it("gives the status when Shopify refused the request, and a server error without one", () => {
    expect(
      alertFacts(
        "shopify_unreachable",
        { failure: "other", status: 403, technical: "x" },
        { locale: "fr", timeZone: null },
      ),
    ).toEqual(["Shopify a refusé la requête (statut HTTP 403)."]);
    expect(alertFacts("shopify_unreachable", { failure: "server_error" }, { locale: "en", timeZone: null })).toEqual([
      "Shopify had a problem on its side.",
    ]);
  });

  it("reads rows written before the failure was classified: their message is classified, not shown", () => {
    const fr = (error: string) => alertFacts("shopify_unreachable", { error }, { locale: "fr", timeZone: null });
    expect(fr("Shopify answered 503 Service Unavailable")).toEqual([
      "Shopify a eu un problème de son côté (statut HTTP 503).",
    ]);
    expect(fr("Shopify Admin API call timed out")).toEqual(["Shopify a mis trop de temps à répondre."]);
    expect(fr("Network error reaching Shopify: fetch failed")).toEqual([
      "Ballast n'a pas pu se connecter à Shopify (un problème de réseau entre les deux).",
    ]);
    expect(fr("Shopify throttled the query")).toEqual([
      "Shopify a demandé à Ballast de ralentir : trop de requêtes à la fois.",
    ]);
    expect(fr("bulk operation gid://shopify/BulkOperation/1 was canceled")).toEqual([
      "Shopify n'a pas répondu comme prévu.",
    ]);
    expect(alertFacts("shopify_unreachable", {}, { locale: "en", timeZone: null })).toEqual([]);
  });
});

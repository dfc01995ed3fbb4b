import { describe, expect, it } from "vitest";
import { activityText } from "./activity-text";

const entry = (details: Record<string, unknown>) => ({ kind: "auto_protect", channel: "meta", details });

describe("auto-protect activity in words", () => {
  it("says that buffers widened and the channel keeps selling (English and French)", () => {
    const widening = entry({
      action: "widening",
      reason: "lag_above_threshold",
      mode: "widen_buffers",
      lagMs: 33 * 60_000,
      thresholdMs: 30 * 60_000,
    });
    expect(activityText(widening, "en")).toBe(
      "Meta: lag 33 min, above 30 min: buffers widened to the measured lag, the channel keeps selling what is safe",
    );
    expect(activityText(widening, "fr")).toBe(
      "Meta : délai de 33 min, au-dessus de 30 min : réserves élargies au délai mesuré, le canal continue de vendre ce qui est sûr",
    );
  });

  it("tells a pause beyond what buffers cover from a pause at the threshold, and names the undo", () => {
    expect(
      activityText(
        entry({ action: "paused", reason: "lag_beyond_buffers", lagMs: 150 * 60_000, thresholdMs: 30 * 60_000 }),
        "en",
      ),
    ).toBe("Meta paused automatically (stop selling): lag 2.5 h is beyond what buffers can cover");
    expect(
      activityText(
        entry({ action: "paused", reason: "lag_above_threshold", lagMs: 31 * 60_000, thresholdMs: 30 * 60_000 }),
        "fr",
      ),
    ).toBe("Meta mis en pause automatiquement (vente arrêtée) : délai de 31 min, au-dessus de 30 min");
    expect(
      activityText(
        entry({ action: "resumed", reason: "lag_back_under_threshold", lagMs: 60_000, thresholdMs: 30 * 60_000 }),
        "en",
      ),
    ).toBe("Meta resumed automatically: lag back under 30 min");
  });

  it("falls back to the reason code for an action it does not know", () => {
    expect(activityText(entry({ action: "something_new", reason: "why" }), "en")).toBe(
      "Meta protected automatically: why",
    );
  });
});

describe("rule changes in Shopify admin", () => {
  it("says where the change came from (English and French)", () => {
    const changed = {
      kind: "rule_changed",
      channel: "meta",
      details: {
        scope: "product",
        target: "gid://shopify/Product/42",
        before: { fixedUnits: 1 },
        after: { fixedUnits: 4 },
        source: "shopify_admin",
      },
    };
    expect(activityText(changed, "en")).toMatch(/^Meta buffer, product 42: .+ → .+ \(in Shopify admin\)$/);
    expect(activityText(changed, "fr")).toMatch(/\(dans l'admin Shopify\)$/);
  });
});

describe("every kind of activity in words", () => {
  // Pins each kind's sentence (English and French) and the fallbacks: the per-kind table
  // must say exactly what the writers' details mean, with the source when one was recorded.
  const explanation = {
    channel: "meta",
    quantity: 8,
    availability: "in_stock",
    sellable: 8,
    rule: null,
    ruleCandidates: 0,
    steps: [
      { kind: "sellable", units: 8, params: { available: 10, ballastSafetyStock: 0, orderHolds: 2, locations: "all" } },
    ],
  };
  type Activity = { kind: string; channel: string | null; details: Record<string, unknown> };
  const cases: [name: string, activity: Activity, english: string, french: string][] = [
    [
      "rule_changed, every rule part, from the API",
      {
        kind: "rule_changed",
        channel: "google",
        details: {
          scope: "collection",
          target: "gid://shopify/Collection/7",
          before: null,
          after: { fixedUnits: 2, percent: 10, tiers: [{}, {}], floor: 1, cap: 50, lagAware: { confidence: 0.955 } },
          source: "api",
        },
      },
      "Google buffer, collection 7: none → fixed 2 · 10 % · 2 tier(s) · out at ≤ 1 · cap 50 · lag-aware 95.5 % (through the API)",
      "Réserve Google, collection 7 : aucune → fixe 2 · 10 % · 2 palier(s) · rupture à ≤ 1 · plafond 50 · selon le délai 95.5 % (via l'API)",
    ],
    [
      "rule_changed, variant scope, no target, from the admin",
      {
        kind: "rule_changed",
        channel: "meta",
        details: { scope: "variant", before: {}, after: "odd", source: "admin" },
      },
      "Meta buffer, variant: no buffer → odd (in Ballast)",
      "Réserve Meta, variante : aucune réserve → odd (dans Ballast)",
    ],
    [
      "rule_changed, unknown scope, all channels, no source",
      {
        kind: "rule_changed",
        channel: null,
        details: { scope: "elsewhere", target: 42, before: 3, after: { percent: 5 } },
      },
      "all channels buffer, shop default: 3 → 5 %",
      "Réserve tous les canaux, valeur par défaut : 3 → 5 %",
    ],
    [
      "override_set with a reason",
      {
        kind: "override_set",
        channel: "meta",
        details: {
          quantity: 3,
          expiresAt: "2025-01-02T03:04:05.000Z",
          sellable: 9,
          reason: "launch",
          source: "admin",
        },
      },
      "Meta override set to 3 until 2 Jan 2025, 03:04:05 UTC (9 sellable) — launch (in Ballast)",
      "Forçage Meta réglé à 3 jusqu'au 2 janv. 2025, 03:04:05 UTC (9 vendables) — launch (dans Ballast)",
    ],
    [
      "override_set without a reason or expiry",
      { kind: "override_set", channel: "google", details: { quantity: 3, sellable: null, reason: "" } },
      "Google override set to 3 until — (— sellable)",
      "Forçage Google réglé à 3 jusqu'au — (— vendables)",
    ],
    [
      "override_cleared",
      { kind: "override_cleared", channel: "meta", details: { quantity: 4, source: "api" } },
      "Meta override of 4 cleared (through the API)",
      "Forçage Meta de 4 retiré (via l'API)",
    ],
    [
      "override_expired (no source said)",
      { kind: "override_expired", channel: "meta", details: { quantity: 4, source: "api" } },
      "Meta override of 4 expired",
      "Forçage Meta de 4 expiré",
    ],
    [
      "channel_paused to freeze, with a reason",
      { kind: "channel_paused", channel: "meta", details: { to: "paused_freeze", reason: "sale", source: "admin" } },
      "Meta paused: frozen at the last pushed quantities — sale (in Ballast)",
      "Meta en pause : figé aux dernières quantités envoyées — sale (dans Ballast)",
    ],
    [
      "channel_paused to stop selling",
      { kind: "channel_paused", channel: "google", details: { to: "paused_stop_selling" } },
      "Google paused: stop selling",
      "Google en pause : vente arrêtée",
    ],
    ["channel_resumed", { kind: "channel_resumed", channel: "meta", details: {} }, "Meta resumed", "Meta repris"],
    [
      "channel_resumed holds",
      { kind: "channel_resumed", channel: "online_store", details: { holds: "resumed", source: "admin" } },
      "Online Store holds resumed (in Ballast)",
      "Réserves de la boutique en ligne rétablies (dans Ballast)",
    ],
    [
      "channel_activated",
      { kind: "channel_activated", channel: "meta", details: { source: "admin" } },
      "Meta activated: Ballast now sets what it shows (in Ballast)",
      "Meta activé : Ballast règle désormais ce qu'il affiche (dans Ballast)",
    ],
    [
      "channel_activated online store",
      { kind: "channel_activated", channel: "online_store", details: {} },
      "Online Store holds activated: Ballast now holds units back in safety stock",
      "Réserves de la boutique en ligne activées : Ballast met désormais des unités de côté en stock de sécurité",
    ],
    [
      "channel_observed",
      { kind: "channel_observed", channel: "google", details: {} },
      "Google back to observe mode: Ballast no longer changes what it shows",
      "Google repassé en observation : Ballast ne change plus ce qu'il affiche",
    ],
    [
      "channel_observed online store",
      { kind: "channel_observed", channel: "online_store", details: { source: "api" } },
      "Online Store back to observe mode: Ballast releases the units it holds (through the API)",
      "Boutique en ligne repassée en observation : Ballast libère les unités qu'il met de côté (via l'API)",
    ],
    [
      "channel_settings_changed, every field",
      {
        kind: "channel_settings_changed",
        channel: "google",
        details: {
          source: "admin",
          before: {
            locations: null,
            checkoutOn: "store",
            lowStock: "pause_ads",
            damping: { confirmations: 1, minHoldMs: 30000 },
            config: { itemIdTemplate: "a", countryCode: "US" },
          },
          after: {
            locations: ["1", "2"],
            checkoutOn: "channel",
            lowStock: "out_of_stock",
            damping: null,
            thinStock: { keepSellingAtOrBelow: 0 },
            config: { itemIdTemplate: "b", countryCode: "US", feedLabel: "x" },
          },
        },
      },
      "Google settings changed: stock counted: every location → 2 location(s); checkout: on the store → on the channel; near a sell-out: pause ads → out of stock; damping: 1× and 30 s → —× and — s; thin stock on the Online Store: never hold back the last 3 → off; itemIdTemplate: a → b; feedLabel: — → x (in Ballast)",
      "Réglages Google modifiés : stock compté : tous les emplacements → 2 emplacement(s); paiement : sur la boutique → sur le canal; près d'une rupture : annonces en pause → rupture de stock; amortissement : 1× et 30 s → —× et — s; stock faible sur la Boutique en ligne : ne jamais retenir les 3 dernières unités → désactivé; itemIdTemplate : a → b; feedLabel : — → x (dans Ballast)",
    ],
    [
      "channel_settings_changed, thin stock default, no change elsewhere",
      {
        kind: "channel_settings_changed",
        channel: "online_store",
        details: { before: { thinStock: null }, after: { thinStock: { keepSellingAtOrBelow: 5 } } },
      },
      "Online Store settings changed: thin stock on the Online Store: never hold back the last 3 → never hold back the last 5",
      "Réglages Boutique en ligne modifiés : stock faible sur la Boutique en ligne : ne jamais retenir les 3 dernières unités → ne jamais retenir les 5 dernières unités",
    ],
    [
      "channel_settings_changed, no before or after",
      { kind: "channel_settings_changed", channel: "meta", details: {} },
      "Meta settings changed: ",
      "Réglages Meta modifiés : ",
    ],
    [
      "channel_connected",
      { kind: "channel_connected", channel: "meta", details: { source: "admin" } },
      "Meta connected",
      "Meta connecté",
    ],
    [
      "channel_disconnected",
      { kind: "channel_disconnected", channel: "google", details: {} },
      "Google disconnected; credentials deleted",
      "Google déconnecté ; identifiants supprimés",
    ],
    [
      "resync_requested",
      { kind: "resync_requested", channel: null, details: { source: "api" } },
      "Resync of every channel requested (through the API)",
      "Resynchronisation de tous les canaux demandée (via l'API)",
    ],
    [
      "holds_released requested",
      { kind: "holds_released", channel: "online_store", details: { requested: true, source: "admin" } },
      "Release of every Online Store hold requested (in Ballast)",
      "Libération de toutes les réserves de la boutique en ligne demandée (dans Ballast)",
    ],
    [
      "holds_released",
      { kind: "holds_released", channel: "online_store", details: {} },
      "Every Online Store hold released",
      "Toutes les réserves de la boutique en ligne libérées",
    ],
    [
      "quantity_pushed with an explanation",
      { kind: "quantity_pushed", channel: "meta", details: { explanation, from: 5, to: 8, source: "api" } },
      "Pushed: Meta 8 = 8 sellable",
      "Envoyé : Meta 8 = 8 vendables",
    ],
    [
      "quantity_pushed with an explanation that cannot be rendered",
      {
        kind: "quantity_pushed",
        channel: "meta",
        details: { explanation: { steps: [{ kind: "bogus" }] }, from: 5, to: 8 },
      },
      "Meta now shows 8 (was 5)",
      "Meta affiche maintenant 8 (avant : 5)",
    ],
    [
      "quantity_pushed without an explanation",
      { kind: "quantity_pushed", channel: "google", details: { quantity: 6 } },
      "Google now shows 6 (was —)",
      "Google affiche maintenant 6 (avant : —)",
    ],
    [
      "push_failed",
      { kind: "push_failed", channel: "meta", details: { error: "boom", code: "X" } },
      "Meta push failed: boom",
      "Envoi Meta en échec : boom",
    ],
    [
      "push_failed with only a code",
      { kind: "push_failed", channel: "meta", details: { code: { status: 500 } } },
      'Meta push failed: {"status":500}',
      'Envoi Meta en échec : {"status":500}',
    ],
    [
      "push_parked",
      { kind: "push_parked", channel: "google", details: { reason: "gone" } },
      "Google push parked until someone looks: gone",
      "Envoi Google mis de côté en attendant une personne : gone",
    ],
    [
      "credentials_revoked",
      { kind: "credentials_revoked", channel: "meta", details: { source: "admin" } },
      "Meta credentials were revoked; pushes stopped",
      "Les identifiants Meta ont été révoqués ; envois arrêtés",
    ],
    [
      "metafield_rejected",
      {
        kind: "metafield_rejected",
        channel: null,
        details: {
          owner: "gid://shopify/Product/42",
          ownerType: "product",
          title: "Wool scarf",
          problems: [
            { code: "too_small", channel: "meta", field: "hold", tier: 2, bound: 0, inclusive: true },
            { code: "unknown_channel", keys: ["tiktok"] },
          ],
        },
      },
      "Buffer setting edited in Shopify admin ignored for the product “Wool scarf”: Meta, tier 2, units held back: must be at least 0; unknown channel “tiktok”: Ballast knows Online Store, Meta and Google",
      "Réglage de réserve modifié dans l'admin Shopify ignoré pour le produit « Wool scarf » : Meta, palier 2, unités retenues : doit être au moins 0 ; canal inconnu « tiktok » : Ballast connaît Boutique en ligne, Meta et Google",
    ],
    [
      "metafield_rejected for the shop defaults, JSON unreadable",
      {
        kind: "metafield_rejected",
        channel: null,
        details: {
          owner: "gid://shopify/Shop/1",
          ownerType: "shop",
          title: null,
          problems: [{ code: "invalid_json" }],
        },
      },
      "Buffer setting edited in Shopify admin ignored for the shop defaults: the value is not valid JSON, so Ballast cannot read it",
      "Réglage de réserve modifié dans l'admin Shopify ignoré pour les valeurs par défaut de la boutique : la valeur n'est pas du JSON valide, Ballast ne peut donc pas la lire",
    ],
    [
      "metafield_rejected written before problems were stored (a sentence, shown as it is)",
      {
        kind: "metafield_rejected",
        channel: null,
        details: { owner: "gid://shopify/Product/42", error: "Product 42 (Mug): the value is not valid JSON" },
      },
      "Buffer setting edited in Shopify admin ignored: Product 42 (Mug): the value is not valid JSON",
      "Réglage de réserve modifié dans l'admin Shopify ignoré : Product 42 (Mug): the value is not valid JSON",
    ],
    [
      "metafield_rejected with a list of older sentences",
      { kind: "metafield_rejected", channel: null, details: { issues: ["bad", "worse"] } },
      "Buffer setting edited in Shopify admin ignored: bad; worse",
      "Réglage de réserve modifié dans l'admin Shopify ignoré : bad; worse",
    ],
    [
      "auto_protect widening while paused",
      {
        kind: "auto_protect",
        channel: "google",
        details: {
          action: "widening",
          reason: "lag_above_threshold_channel_already_paused",
          lagMs: 40 * 60_000,
          thresholdMs: 30 * 60_000,
        },
      },
      "Google: lag 40 min, above 30 min; the channel was already paused by hand and stays so",
      "Google : délai de 40 min, au-dessus de 30 min ; le canal était déjà en pause manuelle et le reste",
    ],
    [
      "auto_protect paused at the threshold",
      {
        kind: "auto_protect",
        channel: "meta",
        details: { action: "paused", reason: "lag_above_threshold", lagMs: "x", thresholdMs: 30 * 60_000 },
      },
      "Meta paused automatically (stop selling): lag —, above 30 min",
      "Meta mis en pause automatiquement (vente arrêtée) : délai de —, au-dessus de 30 min",
    ],
    [
      "auto_protect released",
      {
        kind: "auto_protect",
        channel: "meta",
        details: { action: "released", reason: "lag_back", lagMs: 60_000, thresholdMs: 30 * 60_000 },
      },
      "Meta: lag back under 30 min, buffers follow the measured lag again",
      "Meta : délai revenu sous 30 min, les réserves suivent de nouveau le délai mesuré",
    ],
    [
      "auto_protect released by hand",
      {
        kind: "auto_protect",
        channel: "meta",
        details: { action: "released", reason: "changed_by_hand", source: "admin" },
      },
      "Meta: lag back under —; the channel's state had been changed by hand and is left as it is",
      "Meta : délai revenu sous — ; l'état du canal avait été changé à la main et reste tel quel",
    ],
    [
      "auto_protect unknown action, cause only",
      { kind: "auto_protect", channel: "meta", details: { cause: "because" } },
      "Meta protected automatically: because",
      "Meta protégé automatiquement : because",
    ],
    [
      "a kind named like an Object property",
      { kind: "constructor", channel: null, details: {} },
      "constructor: {}",
      "constructor: {}",
    ],
    [
      "an unknown kind",
      { kind: "something_else", channel: "meta", details: { a: 1, source: "api" } },
      'something_else: {"a":1,"source":"api"}',
      'something_else: {"a":1,"source":"api"}',
    ],
  ];
  it.each(cases)("%s", (_name, activity, english, french) => {
    expect(activityText(activity, "en")).toBe(english);
    expect(activityText(activity, "fr")).toBe(french);
  });
});

describe("alert notices that did not arrive (alert_delivery_failed)", () => {
  const failed = (details: Record<string, unknown>) => ({ kind: "alert_delivery_failed", channel: null, details });
  /** No code, raw error, snake_case word or English left in what a merchant reads. */
  const expectPlain = (text: string, raw: readonly string[]) => {
    for (const code of ["alert_delivery_failed", "private_address", "not_https", "lag_high", "drift_high", ...raw])
      expect(text, code).not.toContain(code);
    expect(text.match(/\b[a-z]+_[a-z_]+\b/g)).toBeNull();
    expect(text).not.toMatch(/\{\w+\}/);
  };

  it("says why Ballast refused to call a private address, naming the host and the address it led to (English and French)", () => {
    const entry = failed({
      target: "webhook",
      alertKind: "lag_high",
      error: "L'adresse du webhook hooks.internal mène à 10.0.0.7, une adresse…",
      refusal: "private_address",
      host: "hooks.internal",
      address: "10.0.0.7",
    });
    expect(activityText(entry, "en")).toBe(
      "Alert “Channel lag is high” was not sent to your webhook. The webhook address hooks.internal leads to 10.0.0.7, a private or internal network address, which Ballast does not call. Use your receiver's public https:// address.",
    );
    expect(activityText(entry, "fr")).toBe(
      "L'alerte « Le délai du canal est élevé » n'a pas été envoyée à votre webhook. L'adresse du webhook hooks.internal mène à 10.0.0.7, une adresse de réseau privé ou interne, que Ballast n'appelle pas. Utilisez l'adresse https:// publique de votre récepteur.",
    );
    // The stored sentence (in the shop's language when it was written) is not what the reader gets.
    expect(activityText(entry, "en")).not.toContain("mène");
    const literal = failed({
      target: "webhook",
      alertKind: "drift_high",
      refusal: "private_address",
      host: "169.254.169.254",
      address: "169.254.169.254",
    });
    expect(activityText(literal, "en")).toBe(
      "Alert “A channel shows different quantities” was not sent to your webhook. The webhook address 169.254.169.254 is a private or internal network address, which Ballast does not call. Use your receiver's public https:// address.",
    );
    for (const locale of ["en", "fr"] as const) {
      expectPlain(activityText(entry, locale), []);
      expectPlain(activityText(literal, locale), []);
    }
  });

  it("words every refusal code, and one it does not know, without the code", () => {
    const texts = ["not_https", "credentials", "invalid", "private_address", "something_new"].map((refusal) =>
      activityText(failed({ target: "webhook", alertKind: "lag_high", refusal }), "fr"),
    );
    expect(texts[0]).toContain("L'adresse du webhook commence par http://");
    expect(texts[1]).toContain("nom d'utilisateur ou un mot de passe");
    expect(texts[2]).toContain("n'est pas une adresse web complète");
    // A private address recorded without its host, and an unknown code: said plainly, no placeholder.
    expect(texts[3]).toContain("Ballast n'appelle pas cette adresse de webhook.");
    expect(texts[4]).toContain("Ballast n'appelle pas cette adresse de webhook.");
    for (const text of texts) expectPlain(text, ["something_new"]);
  });

  it("says plainly what an ordinary failed delivery met, from the raw error, which it never shows", () => {
    const cases: [target: string, error: string, english: string, french: string][] = [
      [
        "webhook",
        "webhook answered HTTP 500",
        "Your receiver answered with HTTP status 500 instead of accepting the notice.",
        "Votre récepteur a répondu avec le statut HTTP 500 au lieu d'accepter la notification.",
      ],
      [
        "webhook",
        "webhook answered HTTP 302",
        "Your receiver answered with a redirection (HTTP status 302), which Ballast does not follow: enter the final address.",
        "Votre récepteur a répondu par une redirection (statut HTTP 302), que Ballast ne suit pas : saisissez l'adresse finale.",
      ],
      [
        "webhook",
        "webhook did not answer within 10 s",
        "Your receiver did not answer in time.",
        "Votre récepteur n'a pas répondu à temps.",
      ],
      [
        "webhook",
        "getaddrinfo ENOTFOUND hooks.exmaple.com",
        "The webhook address's host name could not be found: check it for typos.",
        "Le nom d'hôte de l'adresse du webhook est introuvable : vérifiez qu'il ne contient pas de faute de frappe.",
      ],
      [
        "webhook",
        "connect ECONNREFUSED 93.184.215.14:443",
        "Ballast could not connect to your receiver, or the connection was cut.",
        "Ballast n'a pas pu se connecter à votre récepteur, ou la connexion a été coupée.",
      ],
      [
        "webhook",
        "certificate has expired",
        "Your receiver's security certificate is not valid (expired, self-signed or issued for another name).",
        "Le certificat de sécurité de votre récepteur n'est pas valide (expiré, auto-signé ou émis pour un autre nom).",
      ],
      [
        "email",
        "Invalid login: 535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6",
        "The mail server refused the user name or password.",
        "Le serveur d'envoi a refusé le nom d'utilisateur ou le mot de passe.",
      ],
      [
        "email",
        "Can't send mail - all recipients were rejected: 550 5.1.1 <ops@example.com>: Recipient address rejected",
        "The mail server refused the message or its recipients.",
        "Le serveur d'envoi a refusé le message ou ses destinataires.",
      ],
      [
        "email",
        "Greeting never received",
        "The mail server did not answer in time.",
        "Le serveur d'envoi n'a pas répondu à temps.",
      ],
      [
        "email",
        "email delivery is not configured",
        "The email settings were removed or are incomplete.",
        "Les réglages d'e-mail ont été supprimés ou sont incomplets.",
      ],
      [
        "email",
        "Unexpected socket close",
        "The mail server did not accept the notice.",
        "Le serveur d'envoi n'a pas accepté la notification.",
      ],
    ];
    for (const [target, error, english, french] of cases) {
      const entry = failed({ target, alertKind: "shopify_unreachable", error });
      const en = activityText(entry, "en");
      const fr = activityText(entry, "fr");
      const route = target === "email" ? "by email" : "to your webhook";
      const trajet = target === "email" ? "par e-mail" : "à votre webhook";
      expect(en, error).toBe(
        `Alert “Shopify could not be reached” was not sent ${route}. ${english} Ballast tried several times, then gave up: check these settings on the Settings page, then send a test.`,
      );
      expect(fr, error).toBe(
        `L'alerte « Shopify est injoignable » n'a pas été envoyée ${trajet}. ${french} Ballast a essayé plusieurs fois, puis a abandonné : vérifiez ces réglages sur la page Paramètres, puis envoyez un test.`,
      );
      for (const text of [en, fr]) {
        expect(text, error).not.toContain(error);
        expectPlain(text, ["ECONNREFUSED", "ENOTFOUND", "535", "550", "shopify_unreachable"]);
      }
    }
  });

  it("reads a stored failure code first, and names an alert it does not know in words", () => {
    const entry = failed({ target: "webhook", alertKind: "retired_kind", failure: "http_status", status: 503 });
    expect(activityText(entry, "en")).toMatch(
      /^Alert “Ballast noticed a problem” was not sent to your webhook\. Your receiver answered with HTTP status 503 /,
    );
    // A code the other route cannot meet, or a status missing, is said as "could not be reached".
    expect(activityText(failed({ target: "webhook", failure: "login_refused" }), "en")).toContain(
      "Your receiver could not be reached.",
    );
    expect(activityText(failed({ target: "webhook", failure: "http_status" }), "fr")).toContain(
      "Votre récepteur n'a pas pu être joint.",
    );
    expect(activityText(failed({ target: "email", error: "webhook answered HTTP 500" }), "en")).toContain(
      "The mail server did not accept the notice.",
    );
    for (const locale of ["en", "fr"] as const)
      expectPlain(activityText(entry, locale), ["retired_kind", "http_status"]);
  });
});

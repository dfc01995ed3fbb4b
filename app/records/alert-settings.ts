import { z } from "zod";
import type { ChannelId } from "~/domain";
import { WEBHOOK_URL_ISSUES, webhookUrlRefusal, type WebhookUrlPolicy } from "~/security/webhook-address";

/**
 * Alert rules and delivery settings, stored in Shop.settings JSON under `alerts`.
 * Plain zod, no I/O: the admin UI validates forms with the same schema the server uses.
 * Secrets (SMTP password, webhook signing secret) are never part of what the UI reads:
 * they are sealed with app/security and only their presence is reported.
 */

export const channelAlertRulesSchema = z
  .object({
    /** Measured lag (p95 over the lag window, or the oldest unconfirmed push) above this opens `lag_high`. */
    lagMinutes: z
      .number()
      .min(1)
      .max(24 * 60),
    /** Items showing the wrong value at once, at or above this, open `drift_high`. */
    driftItems: z.number().int().min(1).max(1_000_000),
    /** One item wrong for this long opens `drift_high`. */
    driftMinutes: z
      .number()
      .min(1)
      .max(7 * 24 * 60),
    /** Items whose pushes keep failing (≥ 3 attempts) at or above this open `push_errors`. */
    errorItems: z.number().int().min(1).max(1_000_000),
    /** Auto-protect: act when lag crosses `lagMinutes`, undo when it is back under. */
    autoProtect: z.boolean(),
    /**
     * What auto-protect does when lag crosses `lagMinutes`: widen the lag-aware buffers
     * (recompute at once with the measured lag; the channel keeps selling what is safe), or
     * pause the channel in stop-selling mode (it shows 0 everywhere until lag is back under).
     */
    autoProtectMode: z.enum(["pause_stop_selling", "widen_buffers"]),
    /**
     * In `widen_buffers` mode, lag beyond which buffers are not enough and auto-protect
     * pauses the channel (stop selling) anyway, until lag is back under `lagMinutes`.
     * null: never pause. Omitted: the channel's default (settings saved before it existed).
     */
    pauseAboveLagMinutes: z
      .number()
      .min(1)
      .max(7 * 24 * 60)
      .nullable()
      .optional(),
  })
  .strict();
export type ChannelAlertRules = z.output<typeof channelAlertRulesSchema>;

export const emailDeliverySchema = z
  .object({
    enabled: z.boolean(),
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65_535),
    /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
    secure: z.boolean(),
    user: z.string().max(255).optional(),
    from: z.string().email().max(255),
    to: z.array(z.string().email().max(255)).min(1).max(20),
  })
  .strict();

/**
 * A stored webhook: any http(s) URL with a host. What Ballast may call (https, no credentials,
 * no private address) is one rule, app/security/webhook-address.ts: it refuses a URL when it is
 * saved (alertDeliveryInputSchemaFor) and again at delivery. Stored settings are not held to
 * it, so a URL saved while BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS was on still reads back; the
 * delivery refuses it, with the reason in the shop's language.
 */
export const webhookDeliverySchema = z
  .object({
    enabled: z.boolean(),
    url: z
      .string()
      .url()
      .max(2_000)
      .refine(
        (value) => webhookUrlRefusal(value, { allowPrivate: true })?.code !== "invalid",
        "must be an http(s) URL",
      ),
  })
  .strict();

export const alertSettingsSchema = z
  .object({
    channels: z
      .object({ online_store: channelAlertRulesSchema, meta: channelAlertRulesSchema, google: channelAlertRulesSchema })
      .strict(),
    /** Sliding window for lag percentiles. */
    lagWindowMinutes: z
      .number()
      .int()
      .min(5)
      .max(24 * 60),
    /** No webhook for this long, in a shop that usually receives them, opens `webhook_gap`. */
    webhookGapMinutes: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60),
    /** "Usually receives": at least this many webhooks in the 24 hours before the gap. */
    webhookGapMinDailyEvents: z.number().int().min(1).max(1_000_000),
    competingWriter: z
      .object({
        /** A drift seen within this long after a confirmed push counts as "came back after a push". */
        windowMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60),
        /** That many such drifts on one item within the lookback reveal a competing writer. */
        repeats: z.number().int().min(2).max(100),
        lookbackHours: z
          .number()
          .min(1)
          .max(7 * 24),
      })
      .strict(),
    email: emailDeliverySchema.nullable(),
    webhook: webhookDeliverySchema.nullable(),
  })
  .strict();
export type AlertSettings = z.output<typeof alertSettingsSchema>;

/** What the UI may send: the settings plus new secrets (omitted = keep the stored one, null = remove). */
export const alertSettingsInputSchema = alertSettingsSchema.extend({
  emailPassword: z.string().max(1_000).nullable().optional(),
  webhookSecret: z.string().min(16).max(500).nullable().optional(),
});
export type AlertSettingsInput = z.input<typeof alertSettingsInputSchema>;

/**
 * Auto-protect widens buffers by default: the lag-aware term already sizes each buffer to
 * the measured lag (and to a push still in flight), so a lag spike costs the units at risk
 * during the delay, not a channel's whole day of sales (pausing shows 0 for every item: a
 * rehearsed Black Friday lost thousands of units to it). Only Meta, where a stale quantity
 * is a true oversell, is paused when lag goes far beyond what a buffer covers. Pausing the
 * Online Store would stop the store itself; Google's checkout is on the store (a stale
 * offer is a refused checkout, not an oversell) and marking every offer out of stock
 * spends its ~2 updates a day. Pausing cannot help a channel whose credentials are refused
 * either: its zeros could not be pushed (credentials_revoked is an alert of its own).
 */
export const DEFAULT_CHANNEL_ALERT_RULES: Readonly<Record<ChannelId, ChannelAlertRules>> = {
  // Shopify's own pool: lag here is Shopify being slow to apply a move, which is rare.
  online_store: {
    lagMinutes: 10,
    driftItems: 5,
    driftMinutes: 30,
    errorItems: 1,
    autoProtect: true,
    autoProtectMode: "widen_buffers",
    pauseAboveLagMinutes: null,
  },
  // Native syncs lag 15–20 min at peak (spikes to 30–35); Ballast's own pushes should land well within 30.
  meta: {
    lagMinutes: 30,
    driftItems: 5,
    driftMinutes: 30,
    errorItems: 1,
    autoProtect: true,
    autoProtectMode: "widen_buffers",
    pauseAboveLagMinutes: 120,
  },
  // Google processes inputs in minutes to an hour (spikes to 2 h); availability is coarse.
  google: {
    lagMinutes: 120,
    driftItems: 5,
    driftMinutes: 120,
    errorItems: 1,
    autoProtect: true,
    autoProtectMode: "widen_buffers",
    pauseAboveLagMinutes: null,
  },
};

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  channels: { ...DEFAULT_CHANNEL_ALERT_RULES },
  lagWindowMinutes: 60,
  webhookGapMinutes: 60,
  webhookGapMinDailyEvents: 24,
  competingWriter: { windowMinutes: 60, repeats: 3, lookbackHours: 6 },
  email: null,
  webhook: null,
};

/**
 * Guidance codes carried in `Alert.details.guidance` (translated by the UI: app/locales).
 * Listed in app/monitor/README.md.
 */
export const GUIDANCE = {
  disableNativeChannelInventorySync: "disable_native_channel_inventory_sync",
  rankSupplementalSourceFirst: "rank_supplemental_source_first",
  checkOtherInventoryApps: "check_other_inventory_apps",
  reconnectChannel: "reconnect_channel",
  waitForBudget: "wait_for_budget",
  checkWebhookSubscriptions: "check_webhook_subscriptions",
  reviewParkedItems: "review_parked_items",
  considerPausingChannel: "consider_pausing_channel",
  resyncChannel: "resync_channel",
} as const;
export type GuidanceCode = (typeof GUIDANCE)[keyof typeof GUIDANCE];

// The settings sections the Settings page and /api/v1/settings edit one at a time, cut from
// the schemas above so that a section saved alone validates exactly as the whole does.

/** The policy of production: https only, no private, loopback or internal address. */
export const PUBLIC_WEBHOOKS_ONLY: WebhookUrlPolicy = { allowPrivate: false };

/**
 * The webhook URL as a merchant or an API client sends it, held to the one rule of what
 * Ballast may call (app/security/webhook-address.ts) under `policy`; a refusal is an issue on
 * `webhook.url` with WEBHOOK_URL_ISSUES' message, which the Settings page words per locale.
 */
function webhookInputSchema(policy: WebhookUrlPolicy) {
  const { url } = webhookDeliverySchema.shape;
  return webhookDeliverySchema.extend({
    url: url.superRefine((value, context) => {
      const refusal = webhookUrlRefusal(value, policy);
      // A URL that is not one at all is already named by the format checks.
      if (refusal && refusal.code !== "invalid")
        context.addIssue({ code: "custom", message: WEBHOOK_URL_ISSUES[refusal.code] });
    }),
  });
}

function deliveryInputSchema(policy: WebhookUrlPolicy) {
  return z
    .object({
      email: emailDeliverySchema.nullable().optional(),
      webhook: webhookInputSchema(policy).nullable().optional(),
      emailPassword: z.string().min(1).max(1_000).nullable().optional(),
    })
    .strict();
}

const DELIVERY_INPUT_SCHEMAS = {
  publicOnly: deliveryInputSchema(PUBLIC_WEBHOOKS_ONLY),
  privateAllowed: deliveryInputSchema({ allowPrivate: true }),
};

/**
 * Email and webhook delivery as saved, under the deployment's webhook policy
 * (BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS: the settings service on the server, the Settings page
 * told by its loader). An omitted target (or password) keeps what is stored; null removes it.
 */
export function alertDeliveryInputSchemaFor(policy: WebhookUrlPolicy) {
  return policy.allowPrivate ? DELIVERY_INPUT_SCHEMAS.privateAllowed : DELIVERY_INPUT_SCHEMAS.publicOnly;
}

/** Email and webhook delivery under production's policy (PUBLIC_WEBHOOKS_ONLY). */
export const alertDeliveryInputSchema = DELIVERY_INPUT_SCHEMAS.publicOnly;
export type AlertDeliveryInput = z.output<typeof alertDeliveryInputSchema>;

export const channelAlertThresholdsSchema = channelAlertRulesSchema.pick({
  lagMinutes: true,
  driftItems: true,
  driftMinutes: true,
  errorItems: true,
});

/** When alerts open: per channel, and the shop-wide rules. */
export const alertThresholdsSchema = alertSettingsSchema
  .pick({ lagWindowMinutes: true, webhookGapMinutes: true, webhookGapMinDailyEvents: true, competingWriter: true })
  .extend({
    channels: z
      .object({
        online_store: channelAlertThresholdsSchema,
        meta: channelAlertThresholdsSchema,
        google: channelAlertThresholdsSchema,
      })
      .strict(),
  })
  .strict();
export type AlertThresholds = z.output<typeof alertThresholdsSchema>;

export const channelAutoProtectSchema = channelAlertRulesSchema.pick({
  autoProtect: true,
  autoProtectMode: true,
  pauseAboveLagMinutes: true,
});

/** What auto-protect does on each channel when lag crosses its threshold. */
export const autoProtectSettingsSchema = z
  .object({
    channels: z
      .object({
        online_store: channelAutoProtectSchema,
        meta: channelAutoProtectSchema,
        google: channelAutoProtectSchema,
      })
      .strict(),
  })
  .strict();
export type AutoProtectSettings = z.output<typeof autoProtectSettingsSchema>;

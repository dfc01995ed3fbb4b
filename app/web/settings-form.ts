import { z } from "zod";
import { CHANNELS, type ChannelId } from "~/domain";
import {
  PUBLIC_WEBHOOKS_ONLY,
  alertDeliveryInputSchemaFor,
  alertThresholdsSchema,
  autoProtectSettingsSchema,
  type AlertSettings,
  type AlertThresholds,
  type AutoProtectSettings,
} from "~/records/alert-settings";
import type { MessageKey } from "~/i18n";
import { WEBHOOK_URL_ISSUES, type WebhookUrlPolicy } from "~/security/webhook-address";
import type { IssueLike } from "./buffer-form";

/**
 * The Settings page's forms as typed. Pure and isomorphic: the browser checks a draft on every
 * keystroke for inline errors, the server turns the same draft into the same body the
 * /api/v1/settings endpoints take and validates it with the same schemas before saving.
 * Field names are the body's paths ("channels.meta.lagMinutes"), so an issue names its field.
 */

export interface EmailDraft {
  enabled: boolean;
  /** Addresses separated by commas, semicolons, spaces or lines. */
  to: string;
  from: string;
  host: string;
  port: string;
  secure: boolean;
  user: string;
  /** Empty: keep the stored password. */
  password: string;
}

export interface WebhookDraft {
  enabled: boolean;
  url: string;
}

export const THRESHOLD_CHANNEL_FIELDS = ["lagMinutes", "errorItems", "driftItems", "driftMinutes"] as const;
export const THRESHOLD_SHOP_FIELDS = [
  "lagWindowMinutes",
  "webhookGapMinutes",
  "webhookGapMinDailyEvents",
  "competingWriter.repeats",
  "competingWriter.windowMinutes",
  "competingWriter.lookbackHours",
] as const;
export type ThresholdChannelField = (typeof THRESHOLD_CHANNEL_FIELDS)[number];
export type ThresholdShopField = (typeof THRESHOLD_SHOP_FIELDS)[number];
/** Every threshold as typed, by its path in the body. */
export type ThresholdsDraft = Record<string, string>;

export type AutoProtectChoice = "off" | "widen_buffers" | "pause_stop_selling";
export interface AutoProtectChannelDraft {
  choice: AutoProtectChoice;
  /** Widen buffers, then pause anyway beyond this lag; empty: never pause. */
  pauseAbove: string;
}
export type AutoProtectDraft = Record<ChannelId, AutoProtectChannelDraft>;

export interface SettingsFieldError {
  field: string;
  key: MessageKey;
  values: Record<string, string | number>;
}

export type FormCheck<Body> = { ok: true; body: Body } | { ok: false; errors: SettingsFieldError[] };

/** The drafts' shapes, checked on the server before a posted draft is read. */
const text = (max: number) => z.string().max(max);
export const emailDraftSchema = z
  .object({
    enabled: z.boolean(),
    to: text(10_000),
    from: text(1_000),
    host: text(1_000),
    port: text(50),
    secure: z.boolean(),
    user: text(1_000),
    password: text(1_000),
  })
  .strict();
export const webhookDraftSchema = z.object({ enabled: z.boolean(), url: text(5_000) }).strict();
export const thresholdsDraftSchema = z.record(z.string(), text(50));
const autoProtectChannelDraftSchema = z
  .object({ choice: z.enum(["off", "widen_buffers", "pause_stop_selling"]), pauseAbove: text(50) })
  .strict();
export const autoProtectDraftSchema = z
  .object({
    online_store: autoProtectChannelDraftSchema,
    meta: autoProtectChannelDraftSchema,
    google: autoProtectChannelDraftSchema,
  })
  .strict();

// ---------------------------------------------------------------- drafts from stored settings

export function emailDraftFrom(email: AlertSettings["email"]): EmailDraft {
  return {
    enabled: email?.enabled ?? false,
    to: email?.to.join(", ") ?? "",
    from: email?.from ?? "",
    host: email?.host ?? "",
    port: String(email?.port ?? 587),
    secure: email?.secure ?? false,
    user: email?.user ?? "",
    password: "",
  };
}

export function webhookDraftFrom(webhook: AlertSettings["webhook"]): WebhookDraft {
  return { enabled: webhook?.enabled ?? false, url: webhook?.url ?? "" };
}

export function thresholdsDraftFrom(settings: AlertThresholds): ThresholdsDraft {
  const draft: ThresholdsDraft = {};
  for (const channel of CHANNELS)
    for (const field of THRESHOLD_CHANNEL_FIELDS)
      draft[`channels.${channel}.${field}`] = String(settings.channels[channel][field]);
  draft.lagWindowMinutes = String(settings.lagWindowMinutes);
  draft.webhookGapMinutes = String(settings.webhookGapMinutes);
  draft.webhookGapMinDailyEvents = String(settings.webhookGapMinDailyEvents);
  draft["competingWriter.windowMinutes"] = String(settings.competingWriter.windowMinutes);
  draft["competingWriter.repeats"] = String(settings.competingWriter.repeats);
  draft["competingWriter.lookbackHours"] = String(settings.competingWriter.lookbackHours);
  return draft;
}

export function autoProtectDraftFrom(settings: AutoProtectSettings): AutoProtectDraft {
  const draft = {} as AutoProtectDraft;
  for (const channel of CHANNELS) {
    const rules = settings.channels[channel];
    draft[channel] = {
      choice: rules.autoProtect ? rules.autoProtectMode : "off",
      pauseAbove: rules.pauseAboveLagMinutes == null ? "" : String(rules.pauseAboveLagMinutes),
    };
  }
  return draft;
}

// ---------------------------------------------------------------- drafts to request bodies

/** A typed number, or what zod should refuse: undefined when empty ("required"), the text when not a number. */
function numberFrom(text: string | undefined): number | string | undefined {
  const trimmed = (text ?? "").trim().replace(",", ".");
  if (trimmed === "") return undefined;
  return /^-?[0-9]+(\.[0-9]+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

export function recipientsFrom(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((address) => address.trim())
    .filter((address) => address !== "");
}

/** The email part of a delivery body. Switched off with nothing typed: no email delivery at all. */
export function emailBody(draft: EmailDraft, passwordSet: boolean): Record<string, unknown> {
  const empty = draft.host.trim() === "" && draft.to.trim() === "" && draft.from.trim() === "";
  if (!draft.enabled && empty) return { email: null, ...(passwordSet ? { emailPassword: null } : {}) };
  const user = draft.user.trim();
  return {
    email: {
      enabled: draft.enabled,
      host: draft.host.trim(),
      port: numberFrom(draft.port),
      secure: draft.secure,
      ...(user ? { user } : {}),
      // Empty: "required" rather than "not an address".
      from: draft.from.trim() || undefined,
      to: recipientsFrom(draft.to),
    },
    // A password is only kept for a user name; a new one replaces the stored one.
    ...(!user && passwordSet
      ? { emailPassword: null }
      : user && draft.password
        ? { emailPassword: draft.password }
        : {}),
  };
}

export function webhookBody(draft: WebhookDraft): Record<string, unknown> {
  const url = draft.url.trim();
  if (!draft.enabled && url === "") return { webhook: null };
  return { webhook: { enabled: draft.enabled, url } };
}

export function thresholdsBody(draft: ThresholdsDraft): Record<string, unknown> {
  const channels: Record<string, Record<string, unknown>> = {};
  for (const channel of CHANNELS) {
    channels[channel] = {};
    for (const field of THRESHOLD_CHANNEL_FIELDS)
      channels[channel][field] = numberFrom(draft[`channels.${channel}.${field}`]);
  }
  return {
    channels,
    lagWindowMinutes: numberFrom(draft.lagWindowMinutes),
    webhookGapMinutes: numberFrom(draft.webhookGapMinutes),
    webhookGapMinDailyEvents: numberFrom(draft.webhookGapMinDailyEvents),
    competingWriter: {
      windowMinutes: numberFrom(draft["competingWriter.windowMinutes"]),
      repeats: numberFrom(draft["competingWriter.repeats"]),
      lookbackHours: numberFrom(draft["competingWriter.lookbackHours"]),
    },
  };
}

/** `previous` keeps each channel's mode while auto-protect is off, so switching it back on restores it. */
export function autoProtectBody(draft: AutoProtectDraft, previous: AutoProtectSettings): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  for (const channel of CHANNELS) {
    const { choice, pauseAbove } = draft[channel];
    const mode = choice === "off" ? previous.channels[channel].autoProtectMode : choice;
    channels[channel] = {
      autoProtect: choice !== "off",
      autoProtectMode: mode,
      // Only widening shows its second threshold; off or pausing keep the stored one for later.
      pauseAboveLagMinutes:
        choice === "widen_buffers" ? (numberFrom(pauseAbove) ?? null) : previous.channels[channel].pauseAboveLagMinutes,
    };
  }
  return { channels };
}

// ---------------------------------------------------------------- checks with the server's schemas

/** Which unit a field is counted in, for its suffix and the activity log. */
export type SettingsUnit = "minutes" | "hours" | "items" | "times" | "events";

export function unitOf(field: string): SettingsUnit | null {
  const leaf = field.split(".").pop() ?? "";
  if (/Minutes$/.test(leaf)) return "minutes";
  if (/Hours$/.test(leaf)) return "hours";
  if (/Items$/.test(leaf)) return "items";
  if (leaf === "repeats") return "times";
  if (leaf === "webhookGapMinDailyEvents") return "events";
  return null;
}

/** A webhook URL's issue (app/security/webhook-address.ts, through the delivery schema) → its words. */
const URL_ERROR_KEYS: Record<string, MessageKey> = {
  [WEBHOOK_URL_ISSUES.not_https]: "shopSettings.error.https",
  [WEBHOOK_URL_ISSUES.credentials]: "shopSettings.error.webhookCredentials",
  [WEBHOOK_URL_ISSUES.private_address]: "shopSettings.error.webhookPrivate",
};

/** zod's English issue → a message key (so the French page says it in French) on the field it concerns. */
export function settingsFieldError(issue: IssueLike & { type?: unknown; expected?: unknown }): SettingsFieldError {
  const path = issue.path.filter((part) => typeof part === "string");
  const field = path.join(".");
  const leaf = path[path.length - 1];
  if (issue.code === "invalid_type" && issue.received === "undefined")
    return { field, key: "shopSettings.error.required", values: {} };
  if (leaf === "to" && issue.path.length > path.length) return { field, key: "shopSettings.error.email", values: {} };
  if (leaf === "to" && issue.code === "too_small") return { field, key: "shopSettings.error.recipients", values: {} };
  if (leaf === "to" && issue.code === "too_big")
    return { field, key: "shopSettings.error.recipientsMax", values: { max: Number(issue.maximum) } };
  if (leaf === "from") return { field, key: "shopSettings.error.email", values: {} };
  if (leaf === "url") return { field, key: URL_ERROR_KEYS[issue.message] ?? "shopSettings.error.url", values: {} };
  if (issue.code === "invalid_type" && issue.expected === "integer")
    return { field, key: "shopSettings.error.wholeNumber", values: {} };
  if (issue.code === "invalid_type") return { field, key: "shopSettings.error.number", values: {} };
  if (issue.code === "too_small" && issue.type === "string")
    return { field, key: "shopSettings.error.required", values: {} };
  if (issue.code === "too_big" && issue.type === "string")
    return { field, key: "shopSettings.error.tooLong", values: { max: Number(issue.maximum) } };
  if (issue.code === "too_small")
    return { field, key: "shopSettings.error.min", values: { min: Number(issue.minimum) } };
  if (issue.code === "too_big") return { field, key: "shopSettings.error.max", values: { max: Number(issue.maximum) } };
  return { field, key: "shopSettings.error.invalid", values: {} };
}

/** One message per field (a bad address can break three rules at once), in the schema's order. */
export function fieldErrorsOf(issues: readonly IssueLike[]): SettingsFieldError[] {
  const errors = issues.map(settingsFieldError);
  return errors.filter((error, index) => errors.findIndex((other) => other.field === error.field) === index);
}

function check<Body>(
  schema: {
    safeParse(value: unknown): { success: true; data: Body } | { success: false; error: { issues: IssueLike[] } };
  },
  body: unknown,
): FormCheck<Body> {
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, body: parsed.data } : { ok: false, errors: fieldErrorsOf(parsed.error.issues) };
}

/**
 * Each section's body schema (app/records/alert-settings.ts): the page checks a draft's body
 * with it on every keystroke, the settings service validates a body with it before saving.
 */
export const SECTION_SCHEMAS = {
  delivery: alertDeliveryInputSchemaFor(PUBLIC_WEBHOOKS_ONLY),
  thresholds: alertThresholdsSchema,
  autoProtect: autoProtectSettingsSchema,
} as const;

/** `policy`: which webhook URLs the deployment saves (the page's loader says); production's unless given. */
export const checkDelivery = (body: unknown, policy: WebhookUrlPolicy = PUBLIC_WEBHOOKS_ONLY) =>
  check(alertDeliveryInputSchemaFor(policy), body);
export const checkThresholds = (body: unknown) => check(SECTION_SCHEMAS.thresholds, body);
export const checkAutoProtect = (body: unknown) => check(SECTION_SCHEMAS.autoProtect, body);

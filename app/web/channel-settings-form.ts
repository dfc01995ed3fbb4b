import type { z } from "zod";
import {
  channelSettingsSchema,
  googleChannelSettingsSchema,
  onlineStoreChannelSettingsSchema,
  type ChannelId,
} from "~/domain";
import { googleConfigSchema, metaConfigSchema } from "~/channels/connection-config";
import type { MessageKey } from "~/i18n";
import type { IssueLike } from "./buffer-form";

/**
 * The per-channel settings editor's form state, as typed. Pure and isomorphic: the browser
 * parses it on every keystroke for inline errors, the server parses the same text again
 * before saving, and both use the schemas the sync worker reads with (app/domain channel
 * settings, app/channels connection config), so nothing the worker would refuse is saved.
 *
 * Allocation settings (locations, where checkout happens, damping, Google's low-stock mode)
 * exist for every channel; the connector fields (item-id template, country, and Google's
 * language and feed label) only for a connected Meta or Google. Catalog, account and data
 * source ids and credentials are changed by reconnecting, which checks them with the channel.
 */
export interface SettingsDraft {
  locationsMode: "all" | "selected";
  /** Location gids, when locationsMode is "selected". */
  locations: string[];
  checkoutOn: "channel" | "store";
  /** Google only. */
  lowStock: "pause_ads" | "out_of_stock";
  dampingConfirmations: string;
  dampingMinHoldSeconds: string;
  /**
   * Online Store only: thin stock, items with this many units or fewer are never held back
   * (0 = off). Absent: the stored value is kept.
   */
  thinStockAtOrBelow?: string;
  /** Connected Meta or Google only; absent otherwise. */
  connector: ConnectorDraft | null;
}

export interface ConnectorDraft {
  itemIdTemplate: string;
  countryCode: string;
  /** Google only. */
  contentLanguage: string;
  feedLabel: string;
}

/** `key` is a locale key; `detail` carries the schema's own words where no key fits. */
export interface SettingsFieldError {
  field: keyof SettingsDraft | keyof ConnectorDraft;
  key: MessageKey;
  values: Record<string, string | number>;
}

export type AllocationSettings = z.output<typeof allocationSchema>;
export type GoogleAllocationSettings = z.output<typeof googleAllocationSchema>;

// `state` is changed by pause/resume only, never by this form.
const allocationSchema = channelSettingsSchema.omit({ state: true });
const googleAllocationSchema = googleChannelSettingsSchema.omit({ state: true });
const onlineStoreAllocationSchema = onlineStoreChannelSettingsSchema.omit({ state: true });

export type SettingsResult =
  | { ok: true; settings: AllocationSettings | GoogleAllocationSettings; config: Record<string, unknown> | null }
  | { ok: false; errors: SettingsFieldError[] };

const wholeNumber = (value: string): number => {
  const trimmed = value.trim();
  return /^[0-9]+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
};

export function draftFromStored(
  channel: ChannelId,
  settings: {
    locations: "all" | readonly string[];
    checkoutOn: "channel" | "store";
    damping: { confirmations: number; minHoldMs: number };
    lowStock?: "pause_ads" | "out_of_stock";
    thinStock?: { keepSellingAtOrBelow: number };
  },
  config: Record<string, unknown> | null,
  connected: boolean,
): SettingsDraft {
  const text = (key: string, fallback: string) =>
    typeof config?.[key] === "string" ? (config[key] as string) : fallback;
  return {
    locationsMode: settings.locations === "all" ? "all" : "selected",
    locations: settings.locations === "all" ? [] : [...settings.locations],
    checkoutOn: settings.checkoutOn,
    lowStock: settings.lowStock ?? "pause_ads",
    dampingConfirmations: String(settings.damping.confirmations),
    dampingMinHoldSeconds: String(settings.damping.minHoldMs / 1000),
    ...(channel === "online_store" && settings.thinStock
      ? { thinStockAtOrBelow: String(settings.thinStock.keepSellingAtOrBelow) }
      : {}),
    connector:
      channel !== "online_store" && connected
        ? {
            itemIdTemplate: text("itemIdTemplate", ""),
            countryCode: text("countryCode", ""),
            contentLanguage: text("contentLanguage", "en"),
            feedLabel: text("feedLabel", "US"),
          }
        : null,
  };
}

function allocationError(issue: IssueLike): SettingsFieldError {
  const [first, second] = issue.path;
  const field: SettingsFieldError["field"] =
    first === "damping"
      ? second === "confirmations"
        ? "dampingConfirmations"
        : "dampingMinHoldSeconds"
      : first === "locations"
        ? "locations"
        : first === "lowStock"
          ? "lowStock"
          : first === "thinStock"
            ? "thinStockAtOrBelow"
            : "checkoutOn";
  if (field === "locations") return { field, key: "settings.error.locations", values: {} };
  if (issue.code === "invalid_type") return { field, key: "settings.error.wholeNumber", values: {} };
  const seconds = field === "dampingMinHoldSeconds";
  if (issue.code === "too_small")
    return {
      field,
      key: "settings.error.min",
      values: { min: seconds ? Number(issue.minimum) / 1000 : Number(issue.minimum) },
    };
  if (issue.code === "too_big")
    return {
      field,
      key: "settings.error.max",
      values: { max: seconds ? Number(issue.maximum) / 1000 : Number(issue.maximum) },
    };
  return { field, key: "settings.error.other", values: { detail: issue.message } };
}

function connectorError(issue: IssueLike): SettingsFieldError {
  const name = String(issue.path[0] ?? "itemIdTemplate");
  const field: keyof ConnectorDraft =
    name === "countryCode" || name === "contentLanguage" || name === "feedLabel" ? name : "itemIdTemplate";
  if (field === "countryCode") return { field, key: "settings.error.countryCode", values: {} };
  if (field === "contentLanguage") return { field, key: "settings.error.language", values: {} };
  if (issue.code === "too_small") return { field, key: "settings.error.required", values: {} };
  if (issue.code === "too_big") return { field, key: "settings.error.tooLong", values: { max: Number(issue.maximum) } };
  // The template checker's own words name the placeholder it refuses.
  return {
    field,
    key: field === "itemIdTemplate" ? "settings.error.template" : "settings.error.other",
    values: { detail: issue.message },
  };
}

/**
 * The settings and connector config to store, or every field error. `storedConfig` is the
 * connection's current config: edited fields replace its values and the whole result is
 * parsed with the connector's schema (catalog/account ids keep their stored values).
 */
export function parseSettingsDraft(
  channel: ChannelId,
  draft: SettingsDraft,
  storedConfig: Record<string, unknown> | null,
  knownLocations: readonly string[],
): SettingsResult {
  const errors: SettingsFieldError[] = [];
  const candidate: Record<string, unknown> = {
    locations: draft.locationsMode === "all" ? "all" : draft.locations,
    checkoutOn: draft.checkoutOn,
    damping: {
      confirmations: wholeNumber(draft.dampingConfirmations),
      minHoldMs: wholeNumber(draft.dampingMinHoldSeconds) * 1000,
    },
  };
  if (channel === "google") candidate.lowStock = draft.lowStock;
  const thinStockEdited = channel === "online_store" && draft.thinStockAtOrBelow !== undefined;
  if (thinStockEdited) candidate.thinStock = { keepSellingAtOrBelow: wholeNumber(draft.thinStockAtOrBelow!) };
  const parsed = (
    channel === "google" ? googleAllocationSchema : thinStockEdited ? onlineStoreAllocationSchema : allocationSchema
  ).safeParse(candidate);
  if (!parsed.success) errors.push(...parsed.error.issues.map((issue) => allocationError(issue as IssueLike)));
  // A location the shop does not have (deleted since, or typed by hand) would silently count nothing.
  if (draft.locationsMode === "selected" && draft.locations.some((gid) => !knownLocations.includes(gid))) {
    errors.push({ field: "locations", key: "settings.error.unknownLocation", values: {} });
  }

  let config: Record<string, unknown> | null = null;
  if (channel !== "online_store" && draft.connector !== null) {
    const edits: Record<string, unknown> = {
      itemIdTemplate: draft.connector.itemIdTemplate.trim(),
      countryCode: draft.connector.countryCode.trim(),
    };
    if (channel === "google") {
      edits.contentLanguage = draft.connector.contentLanguage.trim();
      edits.feedLabel = draft.connector.feedLabel.trim();
    }
    // Meta's country is optional: empty means "none" (its default template needs no country).
    if (channel === "meta" && edits.countryCode === "") delete edits.countryCode;
    const merged: Record<string, unknown> = { ...(storedConfig ?? {}), ...edits };
    if (channel === "meta" && edits.countryCode === undefined) delete merged.countryCode;
    const schema = channel === "meta" ? metaConfigSchema : googleConfigSchema;
    const result = schema.safeParse(merged);
    if (result.success) config = result.data as Record<string, unknown>;
    else {
      const connectorFields = new Set(Object.keys(edits));
      for (const issue of result.error.issues) {
        // Stored fields this form cannot edit (catalog id…) are reported once, as needing a reconnect.
        if (!connectorFields.has(String(issue.path[0])))
          errors.push({
            field: "itemIdTemplate",
            key: "settings.error.reconnect",
            values: { detail: `${issue.path.join(".")}: ${issue.message}` },
          });
        else errors.push(connectorError(issue as IssueLike));
      }
    }
  }
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, settings: parsed.data, config };
}

/** Reads the JSON a form posted; anything malformed becomes null (refused). */
export function settingsDraftFromJson(value: unknown): SettingsDraft | null {
  if (typeof value !== "object" || value === null) return null;
  const record = value as Record<string, unknown>;
  const str = (source: Record<string, unknown>, key: string): string =>
    typeof source[key] === "string" ? (source[key] as string) : "";
  const connector =
    typeof record.connector === "object" && record.connector !== null
      ? (record.connector as Record<string, unknown>)
      : null;
  return {
    locationsMode: record.locationsMode === "selected" ? "selected" : "all",
    locations: Array.isArray(record.locations)
      ? record.locations.filter((entry): entry is string => typeof entry === "string").slice(0, 500)
      : [],
    checkoutOn: record.checkoutOn === "channel" ? "channel" : "store",
    lowStock: record.lowStock === "out_of_stock" ? "out_of_stock" : "pause_ads",
    dampingConfirmations: str(record, "dampingConfirmations"),
    dampingMinHoldSeconds: str(record, "dampingMinHoldSeconds"),
    ...(typeof record.thinStockAtOrBelow === "string" ? { thinStockAtOrBelow: record.thinStockAtOrBelow } : {}),
    connector: connector
      ? {
          itemIdTemplate: str(connector, "itemIdTemplate"),
          countryCode: str(connector, "countryCode"),
          contentLanguage: str(connector, "contentLanguage"),
          feedLabel: str(connector, "feedLabel"),
        }
      : null,
  };
}

import { randomBytes } from "node:crypto";
import type { Database } from "~/db.server";
import { readShopSettings, updateShopSettings } from "./shop-settings.server";
import { decryptSecret, encryptSecret, type Keyring } from "~/security/crypto.server";
import {
  DEFAULT_ALERT_SETTINGS,
  alertSettingsInputSchema,
  alertSettingsSchema,
  channelAlertRulesSchema,
  type AlertSettings,
  type AlertSettingsInput,
} from "./alert-settings";

/**
 * Alert settings live in Shop.settings JSON under `alerts` (other keys of Shop.settings
 * belong to other modules and are kept as they are). Sealed secrets sit beside them under
 * `alertSecrets` and never leave the server.
 */
export interface AlertSettingsView extends AlertSettings {
  emailPasswordSet: boolean;
  webhookSecretSet: boolean;
}

interface StoredSecrets {
  emailPassword?: string;
  webhookSecret?: string;
}

export const secretContext = (shop: string, name: string) => `${shop}|alerts|${name}`;

/**
 * Stored settings merged over the defaults, channel by channel, so a shop saved before a
 * new rule existed still gets that rule's default. Unreadable parts fall back to defaults.
 */
export function parseAlertSettings(value: unknown): AlertSettings {
  const stored = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  const storedChannels =
    typeof stored.channels === "object" && stored.channels !== null ? (stored.channels as Record<string, unknown>) : {};
  const channels = { ...DEFAULT_ALERT_SETTINGS.channels };
  for (const channel of Object.keys(channels) as (keyof typeof channels)[]) {
    const merged = channelAlertRulesSchema.safeParse({
      ...channels[channel],
      ...(storedChannels[channel] as object | undefined),
    });
    if (merged.success) channels[channel] = merged.data;
  }
  const candidate = alertSettingsSchema.safeParse({ ...DEFAULT_ALERT_SETTINGS, ...stored, channels });
  if (candidate.success) return candidate.data;
  // Keep whatever top-level fields are valid one by one.
  const result: AlertSettings = { ...DEFAULT_ALERT_SETTINGS, channels };
  for (const key of Object.keys(DEFAULT_ALERT_SETTINGS) as (keyof AlertSettings)[]) {
    if (key === "channels" || !(key in stored)) continue;
    const trial = alertSettingsSchema.safeParse({ ...result, [key]: stored[key] });
    if (trial.success) Object.assign(result, { [key]: trial.data[key] });
  }
  return result;
}

export async function getAlertSettings(database: Database, shop: string): Promise<AlertSettingsView> {
  const settings = await readShopSettings(database, shop);
  const secrets = (settings.alertSecrets ?? {}) as StoredSecrets;
  return {
    ...parseAlertSettings(settings.alerts),
    emailPasswordSet: typeof secrets.emailPassword === "string",
    webhookSecretSet: typeof secrets.webhookSecret === "string",
  };
}

export type SetAlertSettingsResult =
  | { ok: true; settings: AlertSettingsView; generatedWebhookSecret?: string }
  | { ok: false; issues: { path: string; message: string }[] };

/**
 * Validates and stores alert settings. A webhook with no secret gets a generated one,
 * returned once in `generatedWebhookSecret` so the merchant can configure the receiver.
 */
export async function setAlertSettings(
  database: Database,
  shop: string,
  input: unknown,
  keyring: Keyring,
): Promise<SetAlertSettingsResult> {
  const parsed = alertSettingsInputSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    };
  }
  const { emailPassword, webhookSecret, ...alerts } = parsed.data;
  const settings = await readShopSettings(database, shop);
  const secrets: StoredSecrets = { ...((settings.alertSecrets ?? {}) as StoredSecrets) };
  if (emailPassword === null) delete secrets.emailPassword;
  else if (typeof emailPassword === "string")
    secrets.emailPassword = encryptSecret(emailPassword, keyring, { context: secretContext(shop, "emailPassword") });
  let generatedWebhookSecret: string | undefined;
  if (webhookSecret === null) delete secrets.webhookSecret;
  else if (typeof webhookSecret === "string")
    secrets.webhookSecret = encryptSecret(webhookSecret, keyring, { context: secretContext(shop, "webhookSecret") });
  if (alerts.webhook && !secrets.webhookSecret) {
    generatedWebhookSecret = randomBytes(32).toString("base64url");
    secrets.webhookSecret = encryptSecret(generatedWebhookSecret, keyring, {
      context: secretContext(shop, "webhookSecret"),
    });
  }
  await updateShopSettings(database, shop, { alerts: alerts as AlertSettings, alertSecrets: secrets });
  return {
    ok: true,
    settings: await getAlertSettings(database, shop),
    ...(generatedWebhookSecret ? { generatedWebhookSecret } : {}),
  };
}

/** Server-only: the unsealed secrets, for delivery. */
export async function loadAlertSecrets(
  database: Database,
  shop: string,
  keyring: Keyring,
): Promise<{ emailPassword?: string; webhookSecret?: string }> {
  const settings = await readShopSettings(database, shop);
  const secrets = (settings.alertSecrets ?? {}) as StoredSecrets;
  const open = (name: keyof StoredSecrets) => {
    const blob = secrets[name];
    if (typeof blob !== "string") return undefined;
    const value = decryptSecret(blob, keyring, { context: secretContext(shop, name) });
    return typeof value === "string" ? value : undefined;
  };
  const emailPassword = open("emailPassword");
  const webhookSecret = open("webhookSecret");
  return {
    ...(emailPassword !== undefined ? { emailPassword } : {}),
    ...(webhookSecret !== undefined ? { webhookSecret } : {}),
  };
}

export type { AlertSettings, AlertSettingsInput };

import type { Database } from "~/db.server";
import {
  autoProtectBody,
  autoProtectDraftSchema,
  emailBody,
  emailDraftSchema,
  fieldErrorsOf,
  thresholdsBody,
  thresholdsDraftSchema,
  webhookBody,
  webhookDraftSchema,
  type SettingsFieldError,
} from "./settings-form";
import {
  isFeedChannel,
  issueFeedUrl,
  loadSettings,
  revokeFeedUrl,
  rotateWebhookSecret,
  saveSettingsSection,
  sendTestDelivery,
  type IssuedFeed,
  type SettingsDependencies,
  type SettingsSection,
  type TestDeliveryResult,
} from "./settings.server";

/**
 * The Settings page's form posts: each intent carries one section's draft (as typed), turned
 * into the body /api/v1/settings takes and saved by the same service, so both validate and
 * audit alike. Errors come back per field as message keys, in the page's language.
 */
export type SaveIntent = "saveEmail" | "saveWebhook" | "saveThresholds" | "saveAutoProtect";

/** The section each save intent posts: email and webhook are both delivery settings. */
const SECTION_OF: Record<SaveIntent, SettingsSection> = {
  saveEmail: "delivery",
  saveWebhook: "delivery",
  saveThresholds: "thresholds",
  saveAutoProtect: "autoProtect",
};

export type SettingsPageResult =
  | { intent: SaveIntent; ok: true; changed: boolean; generatedWebhookSecret: string | null }
  | { intent: SaveIntent | "invalid"; ok: false; errors: SettingsFieldError[] }
  | { intent: "testEmail" | "testWebhook"; ok: true; test: TestDeliveryResult }
  | { intent: "rotateWebhookSecret"; ok: true; webhookSecret: string }
  | { intent: "rotateWebhookSecret"; ok: false; errors: SettingsFieldError[] }
  | { intent: "issueFeed"; ok: true; feed: IssuedFeed }
  | { intent: "revokeFeed"; ok: boolean; channel: string };

function postedJson(form: FormData): unknown {
  try {
    return JSON.parse(String(form.get("draft") ?? ""));
  } catch {
    return null;
  }
}

/** The section's body from its posted draft, or null when the draft is not one. */
async function bodyOf(intent: SaveIntent, form: FormData, load: () => ReturnType<typeof loadSettings>) {
  const draft = postedJson(form);
  if (intent === "saveEmail") {
    const parsed = emailDraftSchema.safeParse(draft);
    return parsed.success ? emailBody(parsed.data, (await load()).delivery.emailPasswordSet) : null;
  }
  if (intent === "saveWebhook") {
    const parsed = webhookDraftSchema.safeParse(draft);
    return parsed.success ? webhookBody(parsed.data) : null;
  }
  if (intent === "saveThresholds") {
    const parsed = thresholdsDraftSchema.safeParse(draft);
    return parsed.success ? thresholdsBody(parsed.data) : null;
  }
  const parsed = autoProtectDraftSchema.safeParse(draft);
  return parsed.success ? autoProtectBody(parsed.data, (await load()).autoProtect) : null;
}

async function save(
  database: Database,
  shop: string,
  intent: SaveIntent,
  form: FormData,
  deps: SettingsDependencies,
): Promise<SettingsPageResult> {
  const body = await bodyOf(intent, form, () => loadSettings(database, shop));
  if (body === null)
    return { intent, ok: false, errors: [{ field: "form", key: "shopSettings.error.invalid", values: {} }] };
  const input = { shop, body, source: "admin" as const, nowMs: Date.now() };
  const result = await saveSettingsSection(database, SECTION_OF[intent], input, deps);
  if (!result.ok) return { intent, ok: false, errors: fieldErrorsOf(result.issues) };
  return { intent, ok: true, changed: result.changed, generatedWebhookSecret: result.generatedWebhookSecret ?? null };
}

export async function settingsPageAction(
  database: Database,
  shop: string,
  form: FormData,
  deps: SettingsDependencies,
): Promise<SettingsPageResult> {
  const intent = String(form.get("intent") ?? "");
  const base = { shop, source: "admin" as const, nowMs: Date.now() };
  switch (intent) {
    case "saveEmail":
    case "saveWebhook":
    case "saveThresholds":
    case "saveAutoProtect":
      return save(database, shop, intent, form, deps);
    case "testEmail":
    case "testWebhook": {
      const target = intent === "testEmail" ? "email" : "webhook";
      return { intent, ok: true, test: await sendTestDelivery(database, { ...base, target }, deps) };
    }
    case "rotateWebhookSecret": {
      const rotated = await rotateWebhookSecret(database, base, deps);
      return rotated.ok
        ? { intent, ok: true, webhookSecret: rotated.webhookSecret }
        : { intent, ok: false, errors: [{ field: "webhook.url", key: "shopSettings.error.webhookFirst", values: {} }] };
    }
  }
  const channel = form.get("channel");
  if (!isFeedChannel(channel))
    return { intent: "invalid", ok: false, errors: [{ field: "form", key: "shopSettings.error.invalid", values: {} }] };
  if (intent === "issueFeed")
    return { intent, ok: true, feed: await issueFeedUrl(database, { ...base, channel }, deps) };
  if (intent === "revokeFeed") return { intent, ok: await revokeFeedUrl(database, { ...base, channel }), channel };
  return { intent: "invalid", ok: false, errors: [{ field: "form", key: "shopSettings.error.invalid", values: {} }] };
}

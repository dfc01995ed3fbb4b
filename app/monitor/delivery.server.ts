import { createHmac } from "node:crypto";
import nodemailer from "nodemailer";
import type { Database } from "~/db.server";
import { logger } from "~/logger.server";
import type { Keyring } from "~/security/crypto.server";
import { recordActivity } from "~/records/activity.server";
import type { AlertSettings } from "~/records/alert-settings";
import { getAlertSettings, loadAlertSecrets } from "~/records/alert-settings.server";

/**
 * Alert delivery beyond the app (where Alert rows are the banner and the Alerts page):
 * email over SMTP and an outgoing webhook (Slack-compatible JSON, signed). Each notice —
 * an alert opening, and its resolution once the opening was delivered — is one
 * AlertDelivery row per target, unique by (alert, target, event): a restart or a second
 * worker finds the row and does not send again. A row is claimed (state "sending", with
 * a lease) before the network call; only a crash during the call itself can repeat a
 * notice after the lease, and each notice carries its delivery id (email Message-ID,
 * `X-Ballast-Delivery` header) so receivers can drop that duplicate.
 */
export type DeliveryTarget = "email" | "webhook";
export type DeliveryEvent = "opened" | "resolved";

export interface DeliveryOptions {
  keyring: Keyring;
  /** For the outgoing webhook (tests may pass their own). */
  fetch?: typeof fetch;
  /** Where the merchant reads alerts, linked from notices. */
  appUrl?: string;
  timeoutMs?: number;
}

export interface DeliveryReport {
  sent: number;
  failed: number;
}

const SEND_LEASE_MS = 10 * 60_000;
const MAX_ATTEMPTS = 8;

const TITLES: Record<string, string> = {
  push_parked: "Pushes are parked",
  credentials_revoked: "Channel credentials were revoked",
  lag_high: "Channel lag is high",
  drift_high: "Channel shows different quantities",
  competing_writer: "Another app keeps overwriting Ballast's values",
  webhook_gap: "No webhooks from Shopify",
  reconciliation_difference: "Reconciliation found changes webhooks missed",
  invalid_metafield: "Invalid buffer setting in Shopify admin",
  shopify_unreachable: "Shopify is unreachable",
  shopify_auth_failed: "Ballast can no longer reach your store",
  push_errors: "Pushes keep failing",
  throttled: "A channel is throttling Ballast",
};

const CHANNEL_NAMES: Record<string, string> = {
  online_store: "Online Store",
  meta: "Facebook & Instagram (Meta)",
  google: "Google",
};

interface AlertRow {
  id: string;
  shop: string;
  channel: string | null;
  kind: string;
  severity: string;
  details: unknown;
  openedAt: Date;
  resolvedAt: Date | null;
}

export function alertText(alert: AlertRow, event: DeliveryEvent, appUrl?: string): { subject: string; text: string } {
  const title = TITLES[alert.kind] ?? alert.kind;
  const where = alert.channel ? ` - ${CHANNEL_NAMES[alert.channel] ?? alert.channel}` : "";
  const prefix =
    event === "resolved"
      ? "Resolved"
      : alert.severity === "critical"
        ? "Critical"
        : alert.severity === "warning"
          ? "Warning"
          : "Info";
  const subject = `[Ballast] ${prefix}: ${title}${where} (${alert.shop})`;
  const details =
    typeof alert.details === "object" && alert.details !== null ? (alert.details as Record<string, unknown>) : {};
  const lines = [
    `${prefix}: ${title}${where}`,
    `Shop: ${alert.shop}`,
    `Opened: ${alert.openedAt.toISOString()}`,
    ...(alert.resolvedAt ? [`Resolved: ${alert.resolvedAt.toISOString()}`] : []),
    ...Object.entries(details)
      .filter(([key]) => key !== "lastSeenAt")
      .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`),
    ...(appUrl ? [`Alerts: ${appUrl.replace(/\/$/, "")}/app/alerts`] : []),
  ];
  return { subject, text: lines.join("\n") };
}

/** `X-Ballast-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`, with `X-Ballast-Timestamp`. */
export function signWebhookBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

function targetsOf(settings: AlertSettings): DeliveryTarget[] {
  return [
    ...(settings.email?.enabled ? (["email"] as const) : []),
    ...(settings.webhook?.enabled ? (["webhook"] as const) : []),
  ];
}

async function ensureRow(
  database: Database,
  alert: AlertRow,
  target: DeliveryTarget,
  event: DeliveryEvent,
): Promise<void> {
  const existing = await database.alertDelivery.findUnique({
    where: { alertId_target_event: { alertId: alert.id, target, event } },
    select: { id: true },
  });
  if (existing) return;
  try {
    await database.alertDelivery.create({ data: { alertId: alert.id, shop: alert.shop, target, event } });
  } catch (error) {
    // Another worker created it first (unique key): that row is the one delivery.
    if ((error as { code?: string }).code !== "P2002") throw error;
  }
}

/** Queues what is due and sends it. Called by monitorShop each pass. */
export async function deliverAlerts(
  database: Database,
  shop: string,
  now: Date,
  options: DeliveryOptions,
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, failed: 0 };
  const settings = await getAlertSettings(database, shop);
  const targets = targetsOf(settings);
  if (targets.length === 0) return report;

  await queueNotices(database, shop, targets);
  const due = await dueDeliveries(database, shop, targets, now);
  if (due.length === 0) return report;
  const secrets = await loadAlertSecrets(database, shop, options.keyring);
  const alerts = new Map(
    (await database.alert.findMany({ where: { id: { in: due.map((row) => row.alertId) } } })).map((alert) => [
      alert.id,
      alert,
    ]),
  );

  const context: SendContext = { database, shop, now, settings, secrets, options };
  for (const delivery of due) {
    const alert = alerts.get(delivery.alertId);
    if (!alert) continue;
    const outcome = await deliverOne(context, delivery, alert);
    if (outcome === "sent") report.sent += 1;
    else if (outcome === "failed") report.failed += 1;
  }
  return report;
}

/** One AlertDelivery row per notice due: every open alert, and each resolution whose opening was sent. */
async function queueNotices(database: Database, shop: string, targets: DeliveryTarget[]): Promise<void> {
  const open = await database.alert.findMany({ where: { shop, resolvedAt: null } });
  for (const alert of open) for (const target of targets) await ensureRow(database, alert, target, "opened");
  // Resolutions are announced only where the opening was.
  const sentOpenings = await database.alertDelivery.findMany({
    where: { shop, event: "opened", state: "sent", target: { in: targets } },
    select: { alertId: true, target: true },
  });
  if (sentOpenings.length === 0) return;
  const resolved = await database.alert.findMany({
    where: { shop, id: { in: [...new Set(sentOpenings.map((row) => row.alertId))] }, resolvedAt: { not: null } },
  });
  for (const alert of resolved) {
    for (const opening of sentOpenings.filter((row) => row.alertId === alert.id))
      await ensureRow(database, alert, opening.target as DeliveryTarget, "resolved");
  }
}

/** Rows to send now: pending and due, or claimed by a sender whose lease ran out. */
function dueDeliveries(database: Database, shop: string, targets: DeliveryTarget[], now: Date): Promise<DeliveryRow[]> {
  return database.alertDelivery.findMany({
    where: {
      shop,
      target: { in: targets },
      OR: [
        { state: "pending", OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }] },
        { state: "sending", nextAttemptAt: { lte: now } },
      ],
    },
    orderBy: { createdAt: "asc" },
  });
}

/** An AlertDelivery row as the sender reads it. */
interface DeliveryRow {
  id: string;
  alertId: string;
  target: string;
  event: string;
  state: string;
  attempts: number;
}

/** What every send in one pass shares. */
interface SendContext {
  database: Database;
  shop: string;
  now: Date;
  settings: AlertSettings;
  secrets: { emailPassword?: string; webhookSecret?: string };
  options: DeliveryOptions;
}

/** Claims one notice, sends it and records the outcome; "skipped" when another worker claimed it. */
async function deliverOne(
  context: SendContext,
  delivery: DeliveryRow,
  alert: AlertRow,
): Promise<"sent" | "failed" | "skipped"> {
  const { database, now, settings, secrets, options } = context;
  // Claim: only one worker sends a given notice.
  const claimed = await database.alertDelivery.updateMany({
    where: { id: delivery.id, state: delivery.state, attempts: delivery.attempts },
    data: {
      state: "sending",
      attempts: delivery.attempts + 1,
      nextAttemptAt: new Date(now.getTime() + SEND_LEASE_MS),
    },
  });
  if (claimed.count === 0) return "skipped";
  try {
    if (delivery.target === "email")
      await sendEmail(settings, secrets.emailPassword, alert, delivery.event as DeliveryEvent, delivery.id, options);
    else
      await sendWebhook(
        settings,
        secrets.webhookSecret,
        alert,
        delivery.event as DeliveryEvent,
        delivery.id,
        now,
        options,
      );
    await database.alertDelivery.update({
      where: { id: delivery.id },
      data: { state: "sent", sentAt: now, lastError: null, nextAttemptAt: null },
    });
    return "sent";
  } catch (error) {
    await recordFailure(context, delivery, alert, error);
    return "failed";
  }
}

/** Retries later with backoff; after MAX_ATTEMPTS gives up and tells the merchant in the activity log. */
async function recordFailure(
  { database, shop, now }: SendContext,
  delivery: DeliveryRow,
  alert: AlertRow,
  error: unknown,
): Promise<void> {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 300);
  const attempts = delivery.attempts + 1;
  const giveUp = attempts >= MAX_ATTEMPTS;
  await database.alertDelivery.update({
    where: { id: delivery.id },
    data: {
      state: giveUp ? "failed" : "pending",
      lastError: message,
      nextAttemptAt: giveUp ? null : new Date(now.getTime() + Math.min(3_600_000, 60_000 * 2 ** (attempts - 1))),
    },
  });
  logger.warn({ shop, target: delivery.target, attempts, err: message }, "alert delivery failed");
  if (giveUp) {
    await recordActivity(database, {
      shop,
      kind: "alert_delivery_failed",
      channel: null,
      details: { target: delivery.target, alertKind: alert.kind, error: message },
      at: now,
    });
  }
}

async function sendEmail(
  settings: AlertSettings,
  password: string | undefined,
  alert: AlertRow,
  event: DeliveryEvent,
  deliveryId: string,
  options: DeliveryOptions,
): Promise<void> {
  const email = settings.email;
  if (!email) throw new Error("email delivery is not configured");
  const transport = nodemailer.createTransport({
    host: email.host,
    port: email.port,
    secure: email.secure,
    ...(email.user ? { auth: { user: email.user, pass: password ?? "" } } : {}),
    connectionTimeout: options.timeoutMs ?? 15_000,
    greetingTimeout: options.timeoutMs ?? 15_000,
    socketTimeout: options.timeoutMs ?? 30_000,
  });
  try {
    const { subject, text } = alertText(alert, event, options.appUrl);
    await transport.sendMail({
      from: email.from,
      to: email.to,
      subject,
      text,
      messageId: `<${deliveryId}@ballast.alerts>`,
      headers: { "X-Ballast-Alert": alert.id, "X-Ballast-Delivery": deliveryId },
    });
  } finally {
    transport.close();
  }
}

async function sendWebhook(
  settings: AlertSettings,
  secret: string | undefined,
  alert: AlertRow,
  event: DeliveryEvent,
  deliveryId: string,
  now: Date,
  options: DeliveryOptions,
): Promise<void> {
  const webhook = settings.webhook;
  if (!webhook) throw new Error("webhook delivery is not configured");
  if (!secret) throw new Error("webhook signing secret missing");
  const { subject, text } = alertText(alert, event, options.appUrl);
  const body = JSON.stringify({
    text: subject,
    blocks: [{ type: "section", text: { type: "mrkdwn", text: text.slice(0, 2_900) } }],
    ballast: {
      deliveryId,
      event,
      alert: {
        id: alert.id,
        shop: alert.shop,
        channel: alert.channel,
        kind: alert.kind,
        severity: alert.severity,
        details: alert.details,
        openedAt: alert.openedAt.toISOString(),
        resolvedAt: alert.resolvedAt?.toISOString() ?? null,
      },
    },
  });
  const timestamp = String(Math.floor(now.getTime() / 1_000));
  const response = await (options.fetch ?? fetch)(webhook.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-ballast-timestamp": timestamp,
      "x-ballast-signature": signWebhookBody(secret, timestamp, body),
      "x-ballast-delivery": deliveryId,
    },
    body,
    redirect: "manual",
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  await response.body?.cancel();
  if (response.status < 200 || response.status >= 300) throw new Error(`webhook answered HTTP ${response.status}`);
}

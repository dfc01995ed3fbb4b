import { createHmac } from "node:crypto";
import nodemailer from "nodemailer";
import type { Database } from "~/db.server";
import { logger } from "~/logger.server";
import type { Keyring } from "~/security/crypto.server";
import { recordActivity } from "~/records/activity.server";
import type { AlertSettings } from "~/records/alert-settings";
import { getAlertSettings, loadAlertSecrets } from "~/records/alert-settings.server";
import { alertItemsOf, shopLanguage, type AlertItems } from "~/records/alert-items.server";
import { alertNotice, webhookAlert, type NoticeAlert, type NoticeLanguage } from "./alert-notice";
import { classifyDeliveryError, deliveryRefusalText, refusalDetails } from "~/records/delivery-failure";
import { WebhookRefused, postWebhookRequest, type ResolveHost } from "./webhook-target.server";

/**
 * Alert delivery beyond the app (where Alert rows are the banner and the Alerts page):
 * email over SMTP and an outgoing webhook (Slack-compatible JSON, signed). Each notice —
 * an alert opening, and its resolution once the opening was delivered — is one
 * AlertDelivery row per target, unique by (alert, target, event): a restart or a second
 * worker finds the row and does not send again. A row is claimed (state "sending", with
 * a lease) before the network call; only a crash during the call itself can repeat a
 * notice after the lease, and each notice carries its delivery id (email Message-ID,
 * `X-Ballast-Delivery` header) so receivers can drop that duplicate. Notices carry the
 * Alerts page's words in the shop's language (alert-notice.ts), items named. A webhook goes
 * only to public addresses (webhook-target.server.ts, issue #16): one Ballast refuses to call
 * fails its notice at once, with the reason in the shop's language, and is never retried.
 * A notice given up is recorded in Activity (`alert_delivery_failed`) with its cause as codes
 * (app/records/delivery-failure.ts: `failure`, and `refusal` for a refused webhook), which
 * the pages word in the reader's language; the raw message is kept as `error` for support.
 */
export type DeliveryTarget = "email" | "webhook";
export type DeliveryEvent = "opened" | "resolved";

export interface DeliveryOptions {
  keyring: Keyring;
  /** Tests only: replaces the outgoing webhook's transport (the address checks still run first). */
  fetch?: typeof fetch;
  /** Webhooks to private addresses and over http; BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS unless given. */
  allowPrivateHosts?: boolean;
  /** Tests only: resolves webhook host names in place of the system's DNS. */
  resolve?: ResolveHost;
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

/** An Alert row as notices read it. */
type AlertRow = NoticeAlert;

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

  const [language, concerned] = await Promise.all([
    shopLanguage(database, shop),
    alertItemsOf(database, shop, [...alerts.values()]),
  ]);
  const itemsOf = new Map([...alerts.keys()].map((id, index) => [id, concerned[index]!]));
  const context: SendContext = { database, shop, now, settings, secrets, options, language };
  for (const delivery of due) {
    const alert = alerts.get(delivery.alertId);
    if (!alert) continue;
    const outcome = await deliverOne(context, delivery, alert, itemsOf.get(alert.id) ?? { items: [], more: 0 });
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
  /** The shop's language and time zone, for every notice's words. */
  language: NoticeLanguage;
}

/** Claims one notice, sends it and records the outcome; "skipped" when another worker claimed it. */
async function deliverOne(
  context: SendContext,
  delivery: DeliveryRow,
  alert: AlertRow,
  concerned: AlertItems,
): Promise<"sent" | "failed" | "skipped"> {
  const { database, now, settings, secrets, options, language } = context;
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
    const event = delivery.event as DeliveryEvent;
    const notice = alertNotice(alert, event, language, concerned, options.appUrl);
    const outgoing: Outgoing = { deliveryId: delivery.id, subject: notice.subject, text: notice.text };
    if (delivery.target === "email")
      await sendMail(settings, secrets.emailPassword, outgoing, { "X-Ballast-Alert": alert.id }, options);
    else
      await postWebhook(
        settings,
        secrets.webhookSecret,
        outgoing,
        { event, alert: webhookAlert(alert, notice, language.locale) },
        now,
        options,
      );
    await database.alertDelivery.update({
      where: { id: delivery.id },
      data: { state: "sent", sentAt: now, lastError: null, nextAttemptAt: null },
    });
    return "sent";
  } catch (error) {
    if (error instanceof WebhookRefused) await recordRefusal(context, delivery, alert, error);
    else await recordFailure(context, delivery, alert, error);
    return "failed";
  }
}

/**
 * A webhook Ballast will not call (a private or internal address, plain http, credentials in
 * the URL): retrying cannot help, so the notice fails now and the merchant reads why in the
 * activity log, in the shop's language. Nothing was sent.
 */
async function recordRefusal(
  { database, shop, now, language }: SendContext,
  delivery: DeliveryRow,
  alert: AlertRow,
  { refusal }: WebhookRefused,
): Promise<void> {
  const details = refusalDetails(refusal);
  const message = deliveryRefusalText({ ...details }, language.locale);
  await database.alertDelivery.update({
    where: { id: delivery.id },
    data: { state: "failed", lastError: message, nextAttemptAt: null },
  });
  logger.warn({ shop, target: delivery.target, refusal: refusal.code }, "alert webhook refused");
  await recordActivity(database, {
    shop,
    kind: "alert_delivery_failed",
    channel: null,
    details: { target: delivery.target, alertKind: alert.kind, error: message, ...details },
    at: now,
  });
}

/** Retries later with backoff; after MAX_ATTEMPTS gives up and tells the merchant in the activity log. */
async function recordFailure(
  { database, shop, now }: SendContext,
  delivery: DeliveryRow,
  alert: AlertRow,
  error: unknown,
): Promise<void> {
  const { technical: message, ...failure } = classifyDeliveryError(error);
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
  logger.warn(
    { shop, target: delivery.target, attempts, failure: failure.failure, err: message },
    "alert delivery failed",
  );
  if (giveUp) {
    await recordActivity(database, {
      shop,
      kind: "alert_delivery_failed",
      channel: null,
      details: { target: delivery.target, alertKind: alert.kind, ...failure, error: message },
      at: now,
    });
  }
}

/** One notice on its way (an alert's or a test's): its delivery id, by which a receiver drops a repeat, and its words. */
interface Outgoing {
  deliveryId: string;
  subject: string;
  text: string;
}

/** Sends a notice through the merchant's SMTP server; `headers` say what it is about (beside X-Ballast-Delivery). */
async function sendMail(
  settings: AlertSettings,
  password: string | undefined,
  { deliveryId, subject, text }: Outgoing,
  headers: Record<string, string>,
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
    await transport.sendMail({
      from: email.from,
      to: email.to,
      subject,
      text,
      messageId: `<${deliveryId}@ballast.alerts>`,
      headers: { ...headers, "X-Ballast-Delivery": deliveryId },
    });
  } finally {
    transport.close();
  }
}

/**
 * POSTs a notice to the merchant's webhook, signed: Slack-compatible `text` and block, and
 * `ballast` with the delivery id and what the notice is about (`fields`).
 */
async function postWebhook(
  settings: AlertSettings,
  secret: string | undefined,
  { deliveryId, subject, text }: Outgoing,
  fields: Record<string, unknown>,
  now: Date,
  options: DeliveryOptions,
): Promise<void> {
  const webhook = settings.webhook;
  if (!webhook) throw new Error("webhook delivery is not configured");
  if (!secret) throw new Error("webhook signing secret missing");
  const body = JSON.stringify({
    text: subject,
    blocks: [{ type: "section", text: { type: "mrkdwn", text: text.slice(0, 2_900) } }],
    ballast: { deliveryId, ...fields },
  });
  const timestamp = String(Math.floor(now.getTime() / 1_000));
  const status = await postWebhookRequest({
    url: webhook.url,
    headers: {
      "content-type": "application/json",
      "x-ballast-timestamp": timestamp,
      "x-ballast-signature": signWebhookBody(secret, timestamp, body),
      "x-ballast-delivery": deliveryId,
    },
    body,
    timeoutMs: options.timeoutMs ?? 10_000,
    ...(options.allowPrivateHosts !== undefined ? { allowPrivateHosts: options.allowPrivateHosts } : {}),
    ...(options.resolve ? { resolve: options.resolve } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  if (status < 200 || status >= 300) throw new Error(`webhook answered HTTP ${status}`);
}

/** What a test notice says, written by the caller in the shop's language. */
export interface TestNotice {
  subject: string;
  text: string;
}

/**
 * A test notice (Settings page, /api/v1/settings/test-delivery), sent at once to the configured
 * SMTP server or webhook with the same transport, headers and signature as an alert's notices,
 * whether or not the target is switched on; no AlertDelivery row is written. Throws with what
 * the server or receiver answered (classifyDeliveryError), or WebhookRefused for a webhook
 * Ballast does not call.
 */
export async function sendTestNotice(
  database: Database,
  shop: string,
  target: DeliveryTarget,
  notice: TestNotice,
  now: Date,
  options: DeliveryOptions,
): Promise<void> {
  const settings = await getAlertSettings(database, shop);
  const secrets = await loadAlertSecrets(database, shop, options.keyring);
  const outgoing: Outgoing = {
    deliveryId: `test-${globalThis.crypto.randomUUID()}`,
    subject: notice.subject,
    text: notice.text,
  };
  if (target === "email")
    return sendMail(settings, secrets.emailPassword, outgoing, { "X-Ballast-Test": "true" }, options);
  return postWebhook(settings, secrets.webhookSecret, outgoing, { event: "test", shop }, now, options);
}

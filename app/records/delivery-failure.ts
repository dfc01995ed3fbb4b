import { formatMessage, messagesFor, type Locale, type MessageKey } from "~/i18n";
import type { WebhookRefusal } from "~/security/webhook-address";

/**
 * Why an alert notice did not reach the merchant's mail server or webhook, as a stable code
 * (and the HTTP status when the receiver answered one), put into words in the reader's
 * language: the `alert_delivery_failed` activity entry (app/components/activity-text.ts).
 * Two causes are told apart:
 *
 * - a webhook Ballast refuses to call (app/security/webhook-address.ts, issue #16), recorded
 *   by app/monitor/delivery.server.ts as `refusal` (its code) with `host` and `address` for
 *   a private one: worded with the `alerts.delivery.refused.*` sentences;
 * - a delivery that kept failing: recorded as `error`, the raw message of the mail server,
 *   the socket or the receiver; classified here by its shape (the raw text is never shown).
 *   A `failure` code stored beside it (DELIVERY_FAILURES) is read first.
 *
 * A test send (Settings page, /api/v1/settings/test-delivery, the `alert_delivery_tested`
 * entry) says either the same way: a DeliveryProblem, worded by deliveryProblemText.
 *
 * Pure and isomorphic: the pages and the worker alike may word a failure.
 */
export const DELIVERY_FAILURES = [
  /** The webhook answered an HTTP status other than 2xx (`status`). */
  "http_status",
  /** The webhook answered a redirection (3xx, `status`): Ballast follows none. */
  "redirect",
  "timeout",
  /** The host name has no address (DNS). */
  "host_not_found",
  /** Connection refused, reset or cut. */
  "connection",
  /** TLS: an invalid certificate, or (email) encryption not matching the port. */
  "certificate",
  /** The mail server refused the user name or password. */
  "login_refused",
  /** The mail server refused the message or its recipients. */
  "message_refused",
  /** The target's settings (or the webhook's signing secret) were gone when it was sent. */
  "not_configured",
  "other",
] as const;
export type DeliveryFailureCode = (typeof DELIVERY_FAILURES)[number];

export interface DeliveryFailure {
  failure: DeliveryFailureCode;
  /** The HTTP status the webhook answered (http_status, redirect). */
  status?: number;
}

export type DeliveryTargetName = "email" | "webhook";

const statusOf = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value) && value >= 100 && value < 600 ? value : undefined;

/** The class of a failed delivery's raw message (what app/monitor/delivery.server.ts records as `error`). */
export function classifyDeliveryMessage(message: string): DeliveryFailure {
  const answered = /\banswered HTTP (\d{3})\b/i.exec(message);
  const status = statusOf(Number(answered?.[1]));
  if (status !== undefined) return { failure: status >= 300 && status < 400 ? "redirect" : "http_status", status };
  if (/not configured|signing secret missing/i.test(message)) return { failure: "not_configured" };
  if (
    /invalid login|EAUTH|authentication (failed|unsuccessful|credentials)|\b53[45]\b|credentials invalid/i.test(message)
  )
    return { failure: "login_refused" };
  if (/certificate|CERT_|self[- ]signed|wrong version number|SSL routines|TLS/i.test(message))
    return { failure: "certificate" };
  if (/did not answer within|timed? ?out|timeout|ETIMEDOUT|greeting never received/i.test(message))
    return { failure: "timeout" };
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo|has no address|no checked address|EDNS/i.test(message))
    return { failure: "host_not_found" };
  if (/recipients? (were |was )?rejected|EENVELOPE|EMESSAGE|message failed|\b55\d\b/i.test(message))
    return { failure: "message_refused" };
  if (
    /ECONNREFUSED|ECONNRESET|ECONNECTION|EHOSTUNREACH|ENETUNREACH|EPIPE|ESOCKET|socket hang up|fetch failed|connection (closed|refused|reset)|network/i.test(
      message,
    )
  )
    return { failure: "connection" };
  return { failure: "other" };
}

/** A stored failed delivery read back: its `failure` code when one was stored, else its `error` classified. */
export function storedDeliveryFailure(details: Record<string, unknown>): DeliveryFailure {
  const failure = details.failure;
  if (typeof failure === "string" && (DELIVERY_FAILURES as readonly string[]).includes(failure)) {
    const status = statusOf(details.status);
    return status === undefined
      ? { failure: failure as DeliveryFailureCode }
      : { failure: failure as DeliveryFailureCode, status };
  }
  return typeof details.error === "string" ? classifyDeliveryMessage(details.error) : { failure: "other" };
}

/**
 * Why a failed delivery of `error` failed: the class of its message (and of its `code`, where
 * nodemailer and Node put EAUTH, ETIMEDOUT and the like), with the raw message as `technical`
 * (for logs and the API, never for the screen).
 */
export function classifyDeliveryError(error: unknown): DeliveryFailure & { technical: string } {
  const technical = (error instanceof Error ? error.message : String(error)).slice(0, 300);
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  const failure = classifyDeliveryMessage(typeof code === "string" ? `${code} ${technical}` : technical);
  return { ...failure, technical };
}

/** Codes only a webhook or only a mail server can meet; the other target words them as "other". */
const WEBHOOK_ONLY: readonly DeliveryFailureCode[] = ["http_status", "redirect"];
const EMAIL_ONLY: readonly DeliveryFailureCode[] = ["login_refused", "message_refused"];

/** Why the notice did not arrive, as one sentence in `locale`. */
export function deliveryFailureText(failure: DeliveryFailure, target: DeliveryTargetName, locale: Locale): string {
  const messages = messagesFor(locale);
  let code = failure.failure;
  if ((target === "email" && WEBHOOK_ONLY.includes(code)) || (target === "webhook" && EMAIL_ONLY.includes(code)))
    code = "other";
  if ((code === "http_status" || code === "redirect") && failure.status === undefined) code = "other";
  const key = `alerts.delivery.failure.${target}.${code}`;
  const template = Object.hasOwn(messages, key)
    ? messages[key as MessageKey]
    : messages[`alerts.delivery.failure.${target}.other`];
  return formatMessage(template, { status: failure.status ?? "" });
}

/** The refusals app/security/webhook-address.ts names (WebhookRefusal's codes). */
const REFUSAL_KEYS: Record<string, MessageKey> = {
  invalid: "alerts.delivery.refused.invalid",
  credentials: "alerts.delivery.refused.credentials",
  not_https: "alerts.delivery.refused.not_https",
};

/**
 * Why Ballast did not call the webhook at all, from the refusal stored (`refusal`, and `host`
 * and `address` for a private address), in `locale`: the words the delivery used.
 */
export function deliveryRefusalText(details: Record<string, unknown>, locale: Locale): string {
  const messages = messagesFor(locale);
  const code = typeof details.refusal === "string" ? details.refusal : "";
  if (Object.hasOwn(REFUSAL_KEYS, code)) return messages[REFUSAL_KEYS[code]!];
  const host = typeof details.host === "string" && details.host ? details.host : null;
  const address = typeof details.address === "string" && details.address ? details.address : host;
  if (code === "private_address" && host && address) {
    // A name is said with the address it led to; an address alone, once.
    const key: MessageKey =
      host === address ? "alerts.delivery.refused.private_address" : "alerts.delivery.refused.private_name";
    return formatMessage(messages[key], { host, address });
  }
  return messages["alerts.delivery.refused.other"];
}

/** A refusal as failed deliveries and test sends record it: `host` and `address` only for a private address. */
export interface DeliveryRefusal {
  failure: "refused";
  refusal: WebhookRefusal["code"];
  host?: string;
  address?: string;
}

/** Why a notice did not arrive: Ballast refused the webhook, or the delivery failed. */
export type DeliveryProblem = DeliveryRefusal | DeliveryFailure;

/** The details to record for a webhook Ballast refused (`deliveryRefusalText` words them). */
export function refusalDetails(refusal: WebhookRefusal): DeliveryRefusal {
  return refusal.code === "private_address"
    ? { failure: "refused", refusal: refusal.code, host: refusal.host, address: refusal.address }
    : { failure: "refused", refusal: refusal.code };
}

/**
 * A stored problem read back: a refusal when `refusal` was recorded, else the failure's code
 * (or, for older rows, the class of the raw message in `error`).
 */
export function storedDeliveryProblem(details: Record<string, unknown>): DeliveryProblem {
  if (typeof details.refusal !== "string") return storedDeliveryFailure(details);
  const code = details.refusal as WebhookRefusal["code"];
  const host = typeof details.host === "string" ? details.host : undefined;
  const address = typeof details.address === "string" ? details.address : undefined;
  return {
    failure: "refused",
    refusal: code,
    ...(host !== undefined ? { host } : {}),
    ...(address !== undefined ? { address } : {}),
  };
}

/** Why the notice did not arrive, as one sentence in `locale`, whichever the cause. */
export function deliveryProblemText(problem: DeliveryProblem, target: DeliveryTargetName, locale: Locale): string {
  return problem.failure === "refused"
    ? deliveryRefusalText({ ...problem }, locale)
    : deliveryFailureText(problem, target, locale);
}

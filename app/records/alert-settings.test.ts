/**
 * The webhook URL a merchant saves is held to the one rule of what Ballast may call
 * (app/security/webhook-address.ts), under the deployment's policy: production refuses
 * plain http, credentials and private addresses; BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS lets
 * private addresses and plain http through, to a private host as well as to loopback.
 */
import { describe, expect, it } from "vitest";
import { WEBHOOK_URL_ISSUES, webhookUrlRefusal } from "~/security/webhook-address";
import {
  DEFAULT_ALERT_SETTINGS,
  PUBLIC_WEBHOOKS_ONLY,
  alertDeliveryInputSchema,
  alertDeliveryInputSchemaFor,
  alertSettingsSchema,
} from "./alert-settings";

const OPEN = { allowPrivate: true };

/** The messages on webhook.url when `url` is saved under `policy`; [] when it is accepted. */
function urlIssues(url: string, policy = PUBLIC_WEBHOOKS_ONLY): string[] {
  const parsed = alertDeliveryInputSchemaFor(policy).safeParse({ webhook: { enabled: true, url } });
  if (parsed.success) return [];
  return parsed.error.issues.filter((issue) => issue.path.join(".") === "webhook.url").map((issue) => issue.message);
}

const URLS = [
  "https://hooks.slack.com/services/T/B/x",
  "https://hooks.example.com:8443/alerts?x=1",
  "http://hooks.example.com/x",
  "http://127.0.0.1:8080/x",
  "http://localhost/x",
  "http://[::1]:9/x",
  "http://10.1.2.3/hooks",
  "http://192.168.0.10/hooks",
  "https://10.1.2.3/hooks",
  "https://169.254.169.254/latest/meta-data/",
  "https://[fd00::1]/hooks",
  "https://ops:hunter2@hooks.example.com/x",
  "http://user@127.0.0.1/x",
];

describe("webhook URLs saved under the deployment's policy", () => {
  it("refuses exactly what app/security/webhook-address.ts refuses, with its message, under either policy", () => {
    for (const policy of [PUBLIC_WEBHOOKS_ONLY, OPEN]) {
      for (const url of URLS) {
        const refusal = webhookUrlRefusal(url, policy);
        expect(urlIssues(url, policy), `${url} ${JSON.stringify(policy)}`).toEqual(
          refusal ? [WEBHOOK_URL_ISSUES[refusal.code]] : [],
        );
      }
    }
  });

  it("in production: public https only", () => {
    expect(urlIssues("https://hooks.slack.com/services/T/B/x")).toEqual([]);
    expect(urlIssues("http://hooks.example.com/x")).toEqual([WEBHOOK_URL_ISSUES.not_https]);
    expect(urlIssues("http://127.0.0.1:8080/x")).toEqual([WEBHOOK_URL_ISSUES.private_address]);
    expect(urlIssues("https://ops:hunter2@hooks.example.com/x")).toEqual([WEBHOOK_URL_ISSUES.credentials]);
    expect(alertDeliveryInputSchema).toBe(alertDeliveryInputSchemaFor(PUBLIC_WEBHOOKS_ONLY));
  });

  it("with private hosts allowed: plain http to loopback and to a private host alike, never credentials", () => {
    expect(urlIssues("http://127.0.0.1:8080/x", OPEN)).toEqual([]);
    expect(urlIssues("http://10.1.2.3/hooks", OPEN)).toEqual([]);
    expect(urlIssues("http://hooks.example.com/x", OPEN)).toEqual([]);
    expect(urlIssues("http://user@127.0.0.1/x", OPEN)).toEqual([WEBHOOK_URL_ISSUES.credentials]);
  });

  it("names a URL that is not one by its format only, once the other fields are wrong too", () => {
    for (const policy of [PUBLIC_WEBHOOKS_ONLY, OPEN]) {
      expect(urlIssues("ftp://host/", policy)).toEqual(["must be an http(s) URL"]);
      expect(urlIssues("nope", policy)).toEqual(["Invalid url", "must be an http(s) URL"]);
    }
    // The webhook's other field missing does not hide the URL's own refusal.
    const parsed = alertDeliveryInputSchema.safeParse({ webhook: { url: "https://10.0.0.1/x" } });
    expect(parsed.success).toBe(false);
    if (!parsed.success)
      expect(parsed.error.issues.map((issue) => issue.path.join("."))).toEqual(["webhook.enabled", "webhook.url"]);
  });

  it("reads back stored settings whose URL was saved while private hosts were allowed", () => {
    const stored = { ...DEFAULT_ALERT_SETTINGS, webhook: { enabled: true, url: "http://10.1.2.3/hooks" } };
    expect(alertSettingsSchema.safeParse(stored).success).toBe(true);
    const notHttp = { ...DEFAULT_ALERT_SETTINGS, webhook: { enabled: true, url: "ftp://host/x" } };
    expect(alertSettingsSchema.safeParse(notHttp).success).toBe(false);
  });
});

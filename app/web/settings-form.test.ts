/**
 * The Settings page's drafts → the bodies /api/v1/settings takes, checked with the server's
 * schemas; each refusal names its field and a message key (so French reads French).
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_ALERT_SETTINGS } from "~/records/alert-settings";
import {
  autoProtectBody,
  autoProtectDraftFrom,
  checkDelivery,
  checkThresholds,
  emailBody,
  emailDraftFrom,
  thresholdsBody,
  thresholdsDraftFrom,
  webhookBody,
  type EmailDraft,
} from "./settings-form";

const draft = (changes: Partial<EmailDraft> = {}): EmailDraft => ({
  enabled: true,
  to: "a@example.com",
  from: "ballast@example.com",
  host: "smtp.example.com",
  port: "587",
  secure: false,
  user: "",
  password: "",
  ...changes,
});

describe("webhook addresses", () => {
  it("takes public https; private addresses and plain http only where the deployment allows them", () => {
    const urlKey = (url: string, allowPrivate = false) => {
      const checked = checkDelivery(webhookBody({ enabled: true, url }), { allowPrivate });
      return checked.ok ? null : checked.errors.find((error) => error.field === "webhook.url")?.key;
    };
    expect(urlKey("https://hooks.slack.com/services/T/B/x")).toBeNull();
    for (const local of ["http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]:9/x", "http://10.1.2.3/"]) {
      expect(urlKey(local), local).toBe("shopSettings.error.webhookPrivate");
      expect(urlKey(local, true), local).toBeNull();
    }
    expect(urlKey("http://127.0.0.1.example.com/")).toBe("shopSettings.error.https");
    for (const refused of ["ftp://host/", "nope"]) {
      expect(urlKey(refused), refused).toBe("shopSettings.error.url");
      expect(urlKey(refused, true), refused).toBe("shopSettings.error.url");
    }
    expect(checkDelivery(webhookBody({ enabled: true, url: "http://hooks.example.com/x" }))).toEqual({
      ok: false,
      errors: [{ field: "webhook.url", key: "shopSettings.error.https", values: {} }],
    });
    expect(checkDelivery(webhookBody({ enabled: true, url: "hooks" }))).toMatchObject({
      ok: false,
      errors: [{ field: "webhook.url", key: "shopSettings.error.url" }],
    });
    expect(webhookBody({ enabled: false, url: " " })).toEqual({ webhook: null });
  });
});

describe("the email draft", () => {
  it("reads recipients however they are separated, and names a bad one's field", () => {
    const body = emailBody(draft({ to: " a@example.com;b@example.com\nc@example.com , " }), false);
    expect(checkDelivery(body)).toMatchObject({
      ok: true,
      body: { email: { to: ["a@example.com", "b@example.com", "c@example.com"], port: 587 } },
    });
    expect(checkDelivery(emailBody(draft({ to: "a@example.com, nobody" }), false))).toEqual({
      ok: false,
      errors: [{ field: "email.to", key: "shopSettings.error.email", values: {} }],
    });
    expect(checkDelivery(emailBody(draft({ to: "", from: "", port: "99999" }), false))).toEqual({
      ok: false,
      errors: [
        { field: "email.port", key: "shopSettings.error.max", values: { max: 65_535 } },
        { field: "email.from", key: "shopSettings.error.required", values: {} },
        { field: "email.to", key: "shopSettings.error.recipients", values: {} },
      ],
    });
  });

  it("keeps the stored password unless a new one is typed, and drops it with the user name", () => {
    expect(emailBody(draft({ user: "alerts" }), true)).not.toHaveProperty("emailPassword");
    expect(emailBody(draft({ user: "alerts", password: "new" }), true)).toMatchObject({ emailPassword: "new" });
    expect(emailBody(draft({ user: "" }), true)).toMatchObject({ emailPassword: null });
    // Switched off with nothing typed: no email delivery at all, and no password kept for it.
    expect(emailBody({ ...emailDraftFrom(null), enabled: false }, true)).toEqual({ email: null, emailPassword: null });
  });
});

describe("thresholds and auto-protect drafts", () => {
  it("round-trip the stored values and refuse words, fractions and out-of-range numbers", () => {
    const thresholds = thresholdsDraftFrom({ ...DEFAULT_ALERT_SETTINGS });
    expect(checkThresholds(thresholdsBody(thresholds))).toMatchObject({ ok: true });
    const refused = checkThresholds(
      thresholdsBody({
        ...thresholds,
        "channels.meta.driftItems": "2,5",
        "channels.google.lagMinutes": "two hours",
        webhookGapMinutes: "100000",
      }),
    );
    expect(refused).toEqual({
      ok: false,
      errors: [
        { field: "webhookGapMinutes", key: "shopSettings.error.max", values: { max: 10_080 } },
        { field: "channels.meta.driftItems", key: "shopSettings.error.wholeNumber", values: {} },
        { field: "channels.google.lagMinutes", key: "shopSettings.error.number", values: {} },
      ],
    });
  });

  it("an empty second threshold means never pause; off keeps the mode for later", () => {
    const stored = { channels: { ...DEFAULT_ALERT_SETTINGS.channels } };
    const choices = autoProtectDraftFrom(stored);
    expect(choices.meta).toEqual({ choice: "widen_buffers", pauseAbove: "120" });
    const body = autoProtectBody(
      { ...choices, meta: { choice: "widen_buffers", pauseAbove: "" }, google: { choice: "off", pauseAbove: "" } },
      stored,
    ) as { channels: Record<string, unknown> };
    expect(body.channels.meta).toEqual({
      autoProtect: true,
      autoProtectMode: "widen_buffers",
      pauseAboveLagMinutes: null,
    });
    expect(body.channels.google).toEqual({
      autoProtect: false,
      autoProtectMode: "widen_buffers",
      pauseAboveLagMinutes: null,
    });
  });
});

/**
 * Every alert kind Ballast can raise has words a merchant reads, in every language: a title,
 * a one-sentence meaning and a recommended action (and a button label for its action). The
 * kinds come from the code's own list (ALERT_KINDS, from which `AlertKind` and so every
 * `raiseAlert` call are typed), and the monitor's rules may raise only kinds of that list.
 */
import { describe, expect, it } from "vitest";
import { CHANNELS } from "~/domain";
import { LOCALES, messagesFor, type MessageKey } from "~/i18n";
import { CHANNEL_ALERT_RULES, SHOP_ALERT_RULES } from "~/monitor/alert-rules";
import { ALERT_ACTIONS, ALERT_CATALOG, ALERT_KINDS, alertActionFor, isAlertKind } from "./alert-kinds";
import { describeAlert } from "./alert-text";

const message = (locale: (typeof LOCALES)[number], key: string): string | undefined =>
  (messagesFor(locale) as Record<string, string>)[key];

describe("alert catalog", () => {
  it("lists every kind once, and the monitor's rules raise only listed kinds", () => {
    expect(new Set(ALERT_KINDS).size).toBe(ALERT_KINDS.length);
    expect(Object.keys(ALERT_CATALOG).sort()).toEqual([...ALERT_KINDS].sort());
    for (const rule of [...CHANNEL_ALERT_RULES, ...SHOP_ALERT_RULES]) expect(isAlertKind(rule.kind)).toBe(true);
    expect(isAlertKind("drift")).toBe(false);
  });

  it.each(LOCALES)("gives every kind a title, a one-sentence meaning and an action in %s", (locale) => {
    const missing: string[] = [];
    for (const kind of ALERT_KINDS) {
      for (const part of ["title", "meaning", "action"]) {
        const key = `alerts.kind.${kind}.${part}`;
        const text = message(locale, key)?.trim();
        if (!text || text.includes(kind) || /\b[a-z]+_[a-z_]+\b/.test(text)) missing.push(key);
      }
      // Channel-specific actions have their own words.
      for (const channel of Object.keys(ALERT_CATALOG[kind].byChannel ?? {}))
        if (!message(locale, `alerts.kind.${kind}.action.${channel}`)?.trim())
          missing.push(`alerts.kind.${kind}.action.${channel}`);
      const meaning = message(locale, `alerts.kind.${kind}.meaning`) ?? "";
      // One sentence: a single final stop, none inside.
      if (!/[.!]$/.test(meaning) || /[.!?]\s+\p{Lu}/u.test(meaning.slice(0, -1)))
        missing.push(`${kind} meaning: one sentence`);
    }
    expect(missing).toEqual([]);
  });

  it.each(LOCALES)("labels every button an alert can offer, on every channel, in %s", (locale) => {
    const offered = new Set(
      ALERT_KINDS.flatMap((kind) => [null, ...CHANNELS].map((channel) => alertActionFor(kind, channel))),
    );
    for (const action of offered) {
      expect(ALERT_ACTIONS).toContain(action);
      if (action !== "none") expect(message(locale, `alerts.button.${action}`)?.trim()).toBeTruthy();
    }
  });

  it("describes each kind with the catalog's words, and the Online Store's and Google's lag with their own", () => {
    for (const kind of ALERT_KINDS) {
      const text = describeAlert({ kind, channel: "meta", details: {} }, { locale: "fr", timeZone: null });
      expect(text.title).toBe(messagesFor("fr")[`alerts.kind.${kind}.title` as MessageKey]);
      expect(text.suggestedAction).toBe(ALERT_CATALOG[kind].action);
    }
    const store = describeAlert(
      { kind: "lag_high", channel: "online_store", details: {} },
      { locale: "en", timeZone: null },
    );
    expect(store.suggestedAction).toBe("none");
    expect(store.action).toBe(messagesFor("en")["alerts.kind.lag_high.action.online_store"]);
    expect(
      describeAlert({ kind: "lag_high", channel: "meta", details: {} }, { locale: "en", timeZone: null })
        .suggestedAction,
    ).toBe("pause_channel");
  });

  it("names a kind this version no longer raises in plain words, never by its code", () => {
    const text = describeAlert(
      { kind: "budget_exhausted", channel: "meta", details: {} },
      { locale: "en", timeZone: null },
    );
    expect(text.title).toBe(messagesFor("en")["alerts.kind.unknown.title"]);
    expect(JSON.stringify(text)).not.toContain("budget_exhausted");
    expect(text.suggestedAction).toBe("none");
  });
});

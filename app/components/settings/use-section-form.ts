import { useEffect, useMemo, useRef, useState } from "react";
import { useFetcher } from "@remix-run/react";
import type { FormCheck, SettingsFieldError } from "~/web/settings-form";
import type { SaveIntent, SettingsPageResult } from "~/web/settings-page.server";
import { useFieldErrorText } from "~/components/field-errors";

/**
 * One section of the Settings page: its draft as typed, checked on every change with the
 * server's own schema (inline errors, Save disabled while invalid), saved on its own. After a
 * save the draft is reset to what the server now holds.
 */
export function useSectionForm<Draft, Body>(options: {
  intent: SaveIntent;
  /** The draft of the stored values (from the loader). */
  initial: Draft;
  check: (draft: Draft) => FormCheck<Body>;
}) {
  const { intent, initial, check } = options;
  const fetcher = useFetcher<SettingsPageResult>({ key: intent });
  const [draft, setDraft] = useState<Draft>(initial);
  const parsed = useMemo(() => check(draft), [check, draft]);
  const result = fetcher.data && fetcher.data.intent === intent ? fetcher.data : null;
  const serverErrors: SettingsFieldError[] = result && !result.ok && "errors" in result ? result.errors : [];
  const errorFor = useFieldErrorText(parsed.ok ? serverErrors : parsed.errors);
  const handled = useRef<unknown>(null);
  useEffect(() => {
    if (fetcher.state !== "idle" || !result || handled.current === result) return;
    handled.current = result;
    if (result.ok) setDraft(initial);
  }, [fetcher.state, result, initial]);
  return {
    draft,
    set: (changes: Partial<Draft>) => setDraft((current) => ({ ...current, ...changes })),
    errorFor,
    valid: parsed.ok,
    dirty: JSON.stringify(draft) !== JSON.stringify(initial),
    saving: fetcher.state !== "idle",
    save: () => fetcher.submit({ intent, draft: JSON.stringify(draft) }, { method: "post" }),
    /** The last save's answer, once the page holds the saved values. */
    result: fetcher.state === "idle" ? result : null,
  };
}

export type SectionForm<Draft> = ReturnType<typeof useSectionForm<Draft, unknown>>;

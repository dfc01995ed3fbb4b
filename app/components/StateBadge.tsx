import { Badge } from "@shopify/polaris";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";

const TONES: Record<string, "success" | "warning" | "critical" | "attention" | "info" | undefined> = {
  active: "success",
  paused_stop_selling: "warning",
  paused_freeze: "attention",
  error: "critical",
  disconnected: undefined,
  not_connected: undefined,
};

/** A channel's state as a Polaris badge, in the page's language. */
export function StateBadge({ state }: { state: string }) {
  const t = useT();
  const key = `state.${state}` as MessageKey;
  return <Badge tone={TONES[state]}>{state in TONES ? t(key) : state}</Badge>;
}

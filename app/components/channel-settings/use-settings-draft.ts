import { useMemo, useState } from "react";
import type { ChannelSettingsData } from "~/web/channel-settings.server";
import {
  parseSettingsDraft,
  type ConnectorDraft,
  type SettingsDraft,
  type SettingsFieldError,
} from "~/web/channel-settings-form";
import { useFieldErrorText } from "~/components/field-errors";

/** The settings form as typed, parsed on every change with the server's own parse (inline errors as the merchant types). */
export function useSettingsDraft(data: ChannelSettingsData, serverErrors: SettingsFieldError[]) {
  const [draft, setDraft] = useState<SettingsDraft>(data.draft);
  const knownLocations = useMemo(() => data.locations.map((location) => location.gid), [data.locations]);
  const parsed = useMemo(
    () => parseSettingsDraft(data.channel, draft, data.config, knownLocations),
    [data.channel, draft, data.config, knownLocations],
  );
  const errorFor = useFieldErrorText(parsed.ok ? serverErrors : parsed.errors);
  const set = (changes: Partial<SettingsDraft>) => setDraft((current) => ({ ...current, ...changes }));
  const setConnector = (changes: Partial<ConnectorDraft>) =>
    setDraft((current) =>
      current.connector ? { ...current, connector: { ...current.connector, ...changes } } : current,
    );
  return { draft, parsed, errorFor, set, setConnector };
}

export type SettingsForm = ReturnType<typeof useSettingsDraft>;

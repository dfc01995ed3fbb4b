import { useMemo } from "react";
import { CHANNELS, type BufferRule, type ChannelId } from "~/domain";
import { parseDraft, type FieldError, type RuleDraft, type RulesDraft } from "~/web/buffer-form";

/** Each channel's draft parsed: the rule where it is valid, else its field errors. */
export type ParsedDrafts = Record<ChannelId, { rule: BufferRule | null; errors: FieldError[] }>;

/** Errors the server sent back for the last save, per channel. */
export type ServerErrors = Partial<Record<ChannelId, FieldError[]>>;

export function useParsedDrafts(drafts: RulesDraft): ParsedDrafts {
  return useMemo(() => {
    const parsed = {} as ParsedDrafts;
    for (const channel of CHANNELS) {
      const result = parseDraft(drafts[channel]);
      parsed[channel] = result.ok ? { rule: result.rule, errors: [] } : { rule: null, errors: result.errors };
    }
    return parsed;
  }, [drafts]);
}

/** A channel's errors as typed, then the server's. */
export const channelErrors = (parsed: ParsedDrafts, serverErrors: ServerErrors, channel: ChannelId): FieldError[] => [
  ...parsed[channel].errors,
  ...(serverErrors[channel] ?? []),
];

/** A product or collection whose own rules are being edited. */
export type Target = {
  scope: "product" | "collection";
  gid: string;
  title: string;
  drafts: RulesDraft;
  enabled: ChannelId[];
};

/** A target's rules to edit: its own where it has them (those channels enabled), else the shop defaults. */
export function targetDrafts(
  own: Partial<Record<ChannelId, RuleDraft>> | undefined,
  defaults: RulesDraft,
): Pick<Target, "drafts" | "enabled"> {
  return {
    drafts: Object.fromEntries(CHANNELS.map((channel) => [channel, own?.[channel] ?? defaults[channel]])) as RulesDraft,
    enabled: own ? CHANNELS.filter((channel) => own[channel]) : [...CHANNELS],
  };
}

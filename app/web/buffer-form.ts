import { bufferRuleSchema, CHANNELS, type BufferRule, type ChannelId } from "~/domain";
import type { MessageKey } from "~/i18n";

/**
 * The buffer editor's form state: what the merchant typed, as text, per channel. Pure and
 * isomorphic: the browser parses it for the live preview and inline errors, the server
 * parses the same text again before saving (nothing is saved unless every channel parses).
 */
export interface TierDraft {
  atOrBelow: string;
  hold: string; // digits, or "all"
}

export interface RuleDraft {
  fixedUnits: string;
  percent: string;
  tiers: TierDraft[];
  floor: string;
  cap: string;
  lagAware: boolean;
  /** Percent, e.g. "95" for a confidence of 0.95. */
  confidence: string;
}

export type RulesDraft = Record<ChannelId, RuleDraft>;

/** A field error: `field` is a path such as "cap" or "tiers.1.hold"; the message is a locale key with values. */
export interface FieldError {
  field: string;
  key: MessageKey;
  values: Record<string, string | number>;
}

export type DraftResult = { ok: true; rule: BufferRule } | { ok: false; errors: FieldError[] };

const text = (value: number | undefined): string => (value === undefined ? "" : String(value));

export function draftFromRule(rule: BufferRule): RuleDraft {
  return {
    fixedUnits: text(rule.fixedUnits),
    percent: text(rule.percent),
    tiers: (rule.tiers ?? []).map((tier) => ({ atOrBelow: String(tier.atOrBelow), hold: String(tier.hold) })),
    floor: text(rule.floor),
    cap: text(rule.cap),
    lagAware: rule.lagAware !== undefined,
    confidence: rule.lagAware ? String(Number((rule.lagAware.confidence * 100).toFixed(2))) : "95",
  };
}

export const EMPTY_DRAFT: RuleDraft = {
  fixedUnits: "",
  percent: "",
  tiers: [],
  floor: "",
  cap: "",
  lagAware: false,
  confidence: "95",
};

/** "" → absent; "1,5" (French decimal comma) → 1.5; anything else non-numeric → NaN (reported). */
function numberOrAbsent(value: string): number | undefined {
  const trimmed = value.trim().replace(",", ".");
  if (trimmed === "") return undefined;
  return /^-?[0-9]+(\.[0-9]+)?$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** The candidate object handed to bufferRuleSchema, exactly as typed (no clamping). */
export function candidateFromDraft(draft: RuleDraft): Record<string, unknown> {
  const candidate: Record<string, unknown> = {};
  const fixedUnits = numberOrAbsent(draft.fixedUnits);
  if (fixedUnits !== undefined) candidate.fixedUnits = fixedUnits;
  const percent = numberOrAbsent(draft.percent);
  if (percent !== undefined) candidate.percent = percent;
  if (draft.tiers.length > 0) {
    candidate.tiers = draft.tiers.map((tier) => ({
      atOrBelow: numberOrAbsent(tier.atOrBelow) ?? Number.NaN,
      hold: tier.hold.trim().toLowerCase() === "all" ? "all" : (numberOrAbsent(tier.hold) ?? Number.NaN),
    }));
  }
  const floor = numberOrAbsent(draft.floor);
  if (floor !== undefined) candidate.floor = floor;
  const cap = numberOrAbsent(draft.cap);
  if (cap !== undefined) candidate.cap = cap;
  if (draft.lagAware) {
    const confidence = numberOrAbsent(draft.confidence);
    candidate.lagAware = { confidence: confidence === undefined ? Number.NaN : confidence / 100 };
  }
  return candidate;
}

/** A zod issue as the forms read it (the fields their error messages use). */
export interface IssueLike {
  code: string;
  path: (string | number)[];
  message: string;
  minimum?: unknown;
  maximum?: unknown;
  multipleOf?: unknown;
  received?: unknown;
}

/** zod's English issues → locale keys, so the French page shows French errors. */
function fieldError(issue: IssueLike): FieldError {
  const field = issue.path.join(".");
  const last = issue.path[issue.path.length - 1];
  if (issue.code === "invalid_type" || (issue.code === "invalid_union" && last === "hold")) {
    return { field, key: last === "hold" ? "buffers.error.hold" : "buffers.error.number", values: {} };
  }
  if (issue.code === "too_small") {
    const minimum = Number(issue.minimum);
    return field === "lagAware.confidence"
      ? { field: "confidence", key: "buffers.error.confidenceRange", values: {} }
      : { field, key: "buffers.error.min", values: { min: minimum } };
  }
  if (issue.code === "too_big") {
    if (field === "lagAware.confidence")
      return { field: "confidence", key: "buffers.error.confidenceRange", values: {} };
    if (field === "tiers") return { field, key: "buffers.error.tooManyTiers", values: { max: Number(issue.maximum) } };
    return { field, key: "buffers.error.max", values: { max: Number(issue.maximum) } };
  }
  if (issue.code === "not_multiple_of") return { field, key: "buffers.error.percentStep", values: {} };
  if (issue.code === "custom" && field === "cap") return { field, key: "buffers.error.capAboveFloor", values: {} };
  if (issue.code === "custom" && /sorted/.test(issue.message))
    return { field, key: "buffers.error.tiersSorted", values: {} };
  if (issue.code === "custom" && /lowest tier/.test(issue.message))
    return { field, key: "buffers.error.tiersAll", values: {} };
  if (issue.code === "custom" && /show less/.test(issue.message))
    return { field, key: "buffers.error.tiersShowLess", values: {} };
  return { field, key: "buffers.error.other", values: { detail: issue.message } };
}

/** Integer fields: zod says "Expected integer"; keep that as its own message. */
function integerError(issue: IssueLike): FieldError | null {
  if (issue.code === "invalid_type" && issue.received === "float") {
    return { field: issue.path.join("."), key: "buffers.error.integer", values: {} };
  }
  if (issue.code === "invalid_type" && issue.received === "nan") {
    return { field: issue.path.join("."), key: "buffers.error.number", values: {} };
  }
  return null;
}

export function parseDraft(draft: RuleDraft): DraftResult {
  const parsed = bufferRuleSchema.safeParse(candidateFromDraft(draft));
  if (parsed.success) return { ok: true, rule: parsed.data };
  const errors = parsed.error.issues.map((issue) => integerError(issue as IssueLike) ?? fieldError(issue as IssueLike));
  return { ok: false, errors };
}

export type RulesDraftResult =
  { ok: true; rules: Record<ChannelId, BufferRule> } | { ok: false; errors: Partial<Record<ChannelId, FieldError[]>> };

export function parseRulesDraft(drafts: RulesDraft): RulesDraftResult {
  const rules: Partial<Record<ChannelId, BufferRule>> = {};
  const errors: Partial<Record<ChannelId, FieldError[]>> = {};
  for (const channel of CHANNELS) {
    const result = parseDraft(drafts[channel]);
    if (result.ok) rules[channel] = result.rule;
    else errors[channel] = result.errors;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, rules: rules as Record<ChannelId, BufferRule> };
}

/** Reads the JSON a form posted; anything malformed becomes a draft that fails to parse. */
export function rulesDraftFromJson(value: unknown): RulesDraft | null {
  if (typeof value !== "object" || value === null) return null;
  const record = value as Record<string, unknown>;
  const drafts: Partial<RulesDraft> = {};
  for (const channel of CHANNELS) {
    const draft = ruleDraftFromJson(record[channel]);
    if (draft === null) return null;
    drafts[channel] = draft;
  }
  return drafts as RulesDraft;
}

export function ruleDraftFromJson(value: unknown): RuleDraft | null {
  if (typeof value !== "object" || value === null) return null;
  const record = value as Record<string, unknown>;
  const str = (key: string): string => (typeof record[key] === "string" ? (record[key] as string) : "");
  const tiers = Array.isArray(record.tiers) ? record.tiers : [];
  return {
    fixedUnits: str("fixedUnits"),
    percent: str("percent"),
    tiers: tiers.slice(0, 50).map((tier) => {
      const entry = (typeof tier === "object" && tier !== null ? tier : {}) as Record<string, unknown>;
      return {
        atOrBelow: typeof entry.atOrBelow === "string" ? entry.atOrBelow : "",
        hold: typeof entry.hold === "string" ? entry.hold : "",
      };
    }),
    floor: str("floor"),
    cap: str("cap"),
    lagAware: record.lagAware === true,
    confidence: str("confidence"),
  };
}

import { CHANNEL_NAMES, CHANNELS, type ChannelId } from "~/domain";
import { formatMessage, messagesFor, type Locale, type MessageKey } from "~/i18n";

/**
 * Why a buffer setting edited in Shopify admin was refused, stored as data (a code and its
 * values) and put into words only when read, in the reader's language. Written by
 * app/rules/metafield-pickup.server.ts into the `invalid_metafield` alert (`settings`) and
 * the `metafield_rejected` activity entry; read by alert-text.ts (pages, API, emails,
 * webhooks) and app/components/activity-text.ts. Rows written before this shape hold a
 * ready-made English sentence instead: those are shown as they are.
 */
export const SETTING_PROBLEM_CODES = [
  /** The value is not JSON at all. */
  "invalid_json",
  /** The value is JSON but not an object keyed by channel. */
  "not_object",
  /** Channels Ballast does not know (`keys`). */
  "unknown_channel",
  /** Settings Ballast does not know (`keys`), in a channel, a tier or the lag-aware buffer. */
  "unknown_setting",
  /** Below `bound` (`inclusive`: the bound itself is allowed). */
  "too_small",
  /** Above `bound` (`inclusive`: the bound itself is allowed). */
  "too_big",
  /** More tiers than `bound`. */
  "too_many_tiers",
  "not_whole_number",
  /** Not the kind of value expected (`expected`). */
  "wrong_type",
  /** A required setting is absent (a tier's threshold or hold, the confidence). */
  "missing",
  "too_many_decimals",
  "cap_not_above_floor",
  "tiers_not_increasing",
  "all_only_lowest_tier",
  "tiers_show_less",
  /** Anything else the schema refuses. */
  "invalid_value",
] as const;
export type SettingProblemCode = (typeof SETTING_PROBLEM_CODES)[number];

export const SETTING_FIELDS = [
  "fixedUnits",
  "percent",
  "tiers",
  "atOrBelow",
  "hold",
  "floor",
  "cap",
  "lagAware",
  "confidence",
] as const;
export type SettingField = (typeof SETTING_FIELDS)[number];

export type ExpectedValue = "number" | "object" | "list" | "number_or_all";

/** One refused part of a buffer setting. */
export interface SettingProblem {
  code: SettingProblemCode;
  /** The channel's id (online_store, meta, google); absent for a problem with the whole value. */
  channel?: string;
  /** The setting concerned (one of SETTING_FIELDS); absent for the channel's rules as a whole. */
  field?: string;
  /** The tier's number, from 1, for a tier or a setting inside one. */
  tier?: number;
  /** too_small, too_big, too_many_tiers: the limit. */
  bound?: number;
  /** too_small, too_big: whether the limit itself is allowed. */
  inclusive?: boolean;
  /** unknown_channel, unknown_setting: the names as typed in Shopify admin. */
  keys?: string[];
  /** wrong_type: what the setting must be. */
  expected?: ExpectedValue;
}

export type SettingOwnerType = "shop" | "product" | "variant" | "collection";

/** One metafield owner's refused value: where it is, and every problem found in it. */
export interface RefusedSetting {
  /** The owner's GID (the shop, a product, a variant or a collection). */
  owner: string;
  ownerType: SettingOwnerType;
  /** The product's or variant's title when Ballast knows it. */
  title: string | null;
  problems: SettingProblem[];
}

const OWNER_TYPES: readonly string[] = ["shop", "product", "variant", "collection"];
const FIELDS: readonly string[] = SETTING_FIELDS;
const CODES: readonly string[] = SETTING_PROBLEM_CODES;

type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

function wordsFor(locale: Locale) {
  const messages = messagesFor(locale);
  const t: Translate = (key, values) => formatMessage(messages[key], values);
  const tag = locale === "fr" ? "fr-FR" : "en-GB";
  const list = new Intl.ListFormat(tag, { type: "conjunction" });
  const number = new Intl.NumberFormat(tag, { maximumFractionDigits: 4 });
  const quoted = (names: readonly string[]) => list.format(names.map((name) => t("alerts.problem.quoted", { name })));
  const channel = (id: string) => (id in CHANNEL_NAMES ? CHANNEL_NAMES[id as ChannelId][locale] : quoted([id]));
  return {
    t,
    quoted,
    channel,
    channels: () => list.format(CHANNELS.map((id) => CHANNEL_NAMES[id][locale])),
    number: (value: number) => number.format(value),
  };
}
type Words = ReturnType<typeof wordsFor>;

/** "Meta, tier 2, units held": the channel, then the tier, then the setting, in words. */
function whereText(problem: SettingProblem, words: Words): string | null {
  if (!problem.channel) return null;
  const parts = [words.channel(problem.channel)];
  if (problem.tier !== undefined) parts.push(words.t("alerts.problem.tier", { n: problem.tier }));
  const field = problem.field;
  if (field !== undefined && !(field === "tiers" && problem.tier !== undefined))
    parts.push(FIELDS.includes(field) ? words.t(`alerts.problem.field.${field}` as MessageKey) : words.quoted([field]));
  return parts.join(", ");
}

function counted(words: Words, base: string, count: number, values: Record<string, string | number>): string {
  return words.t(`${base}.${count === 1 ? "one" : "other"}` as MessageKey, values);
}

function whatText(problem: SettingProblem, words: Words): string {
  const { t } = words;
  const keys = Array.isArray(problem.keys) ? problem.keys.filter((key) => typeof key === "string") : [];
  const bound = typeof problem.bound === "number" ? words.number(problem.bound) : null;
  switch (problem.code) {
    case "invalid_json":
      return t("alerts.problem.invalid_json");
    case "not_object":
      return t("alerts.problem.not_object", { channels: words.channels() });
    case "unknown_channel":
      return counted(words, "alerts.problem.unknown_channel", keys.length, {
        keys: words.quoted(keys),
        channels: words.channels(),
      });
    case "unknown_setting":
      return counted(words, "alerts.problem.unknown_setting", keys.length, { keys: words.quoted(keys) });
    case "too_small":
      if (bound === null) break;
      return t(problem.inclusive === false ? "alerts.problem.too_small.exclusive" : "alerts.problem.too_small", {
        bound,
      });
    case "too_big":
      if (bound === null) break;
      return t(problem.inclusive === false ? "alerts.problem.too_big.exclusive" : "alerts.problem.too_big", { bound });
    case "too_many_tiers":
      if (bound === null) break;
      return t("alerts.problem.too_many_tiers", { bound });
    case "wrong_type":
      return t(
        problem.expected === "number"
          ? "alerts.problem.wrong_type.number"
          : problem.expected === "object"
            ? "alerts.problem.wrong_type.object"
            : problem.expected === "list"
              ? "alerts.problem.wrong_type.list"
              : problem.expected === "number_or_all"
                ? "alerts.problem.wrong_type.numberOrAll"
                : "alerts.problem.wrong_type.other",
      );
    case "not_whole_number":
    case "missing":
    case "too_many_decimals":
    case "cap_not_above_floor":
    case "tiers_not_increasing":
    case "all_only_lowest_tier":
    case "tiers_show_less":
    case "invalid_value":
      return t(`alerts.problem.${problem.code}`);
  }
  return t("alerts.problem.invalid_value");
}

/** One problem as a phrase: "Meta, tier 2, units held: must be at least 0". */
export function settingProblemText(problem: SettingProblem, locale: Locale): string {
  const words = wordsFor(locale);
  const safe: SettingProblem = CODES.includes(problem.code) ? problem : { ...problem, code: "invalid_value" };
  const what = whatText(safe, words);
  const where = whereText(safe, words);
  return where ? words.t("alerts.problem.at", { where, problem: what }) : what;
}

/** A stored problem, checked (a row is JSON written by any version). */
function asProblem(value: unknown): SettingProblem | null {
  if (typeof value !== "object" || value === null) return null;
  const problem = value as Partial<SettingProblem>;
  return typeof problem.code === "string" ? (problem as SettingProblem) : null;
}

/** A stored refused setting in the new shape, or null (an older row's sentence, or nothing usable). */
export function asRefusedSetting(value: unknown): RefusedSetting | null {
  if (typeof value !== "object" || value === null) return null;
  const setting = value as Partial<RefusedSetting>;
  if (typeof setting.owner !== "string" || !Array.isArray(setting.problems)) return null;
  const problems = setting.problems.map(asProblem).filter((problem) => problem !== null);
  if (problems.length === 0) return null;
  return {
    owner: setting.owner,
    ownerType: OWNER_TYPES.includes(setting.ownerType as string) ? setting.ownerType! : ownerTypeOf(setting.owner),
    title: typeof setting.title === "string" && setting.title.length > 0 ? setting.title : null,
    problems,
  };
}

function ownerTypeOf(gid: string): SettingOwnerType {
  const type = /^gid:\/\/shopify\/(\w+)\//.exec(gid)?.[1];
  return type === "Shop"
    ? "shop"
    : type === "ProductVariant"
      ? "variant"
      : type === "Collection"
        ? "collection"
        : "product";
}

/** "the product “Wool scarf”", "the shop defaults": whose setting it is. */
export function settingOwnerText(setting: RefusedSetting, locale: Locale): string {
  const words = wordsFor(locale);
  if (setting.ownerType === "shop") return words.t("alerts.problem.owner.shop");
  const name = setting.title ? words.quoted([setting.title]) : (/(\d+)$/.exec(setting.owner)?.[1] ?? setting.owner);
  return words.t(`alerts.problem.owner.${setting.ownerType}`, { name });
}

/** Every problem of one setting, as one phrase. */
export function settingProblemsText(setting: RefusedSetting, locale: Locale): string {
  const separator = messagesFor(locale)["alerts.problem.separator"];
  return setting.problems.map((problem) => settingProblemText(problem, locale)).join(separator);
}
